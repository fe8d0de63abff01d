import { labelsOf, setLabels } from '../../dev/emulator/routes/enforcement';
import { addComponent, setComponents } from '../../dev/emulator/routes/issue-components';
import { issueLinkSite } from '../../dev/emulator/routes/issue-writes';
import type { EmField, EmIssue } from '../../dev/emulator/model';
import * as handlers from '../../src/index';
import type { AuditPage } from '../../src/storage/audit-store';
import { useEmulator } from '../helpers/emulator';
import { callResolver, runTrigger, runValidator } from '../helpers/invoke';
import {
  commentText,
  seedEnforcementSite,
  sprintChangeEvent,
  sprintStartedEvent,
  type EnforcementSite,
  rememberFieldIds,
} from './enforcement-site';
import { KEYS, WAIVER_KEYS } from '../../src/storage/key-families';

/**
 * The discovery entry criteria in enforcement, driven through the exported handlers against the
 * emulated site: the enabler gate (a function validator on sprint-ready transitions) refuses a
 * delivery item that meets the criteria without covering discovery when `entry.refuseInValidators`
 * is on; the sprint guard moves it back (`entry.guardMovesBack`) or flags it; waivers and the
 * audit log work as for the other rules.
 */
const ctx = useEmulator();

/** Each call is one invocation of the real handler, as Forge makes it (test/helpers/invoke.ts). */
const enablerGate = (args: unknown, context?: unknown) =>
  runValidator(ctx.em, handlers.enablerGate, args, context);
const sprintGuard = (event: unknown) => runTrigger(ctx.em, handlers.sprintGuard, event);
const sprintStartCheck = (event: unknown) => runTrigger(ctx.em, handlers.sprintStartCheck, event);
let site: EnforcementSite;
let triage: EmField;
let evidence: EmField;

beforeEach(() => {
  site = seedEnforcementSite(ctx.em);
  triage = ctx.em.addAppField('entry-triage', 'Entry triage');
  evidence = ctx.em.addAppField('discovery-evidence', 'Discovery evidence');
  rememberFieldIds(ctx.em, site, { entryTriage: triage.id, discoveryEvidence: evidence.id });
});

function entrySettings(entry: Record<string, unknown>, guard?: Record<string, unknown>): void {
  ctx.em.kvs.seed(KEYS.projectConfig('DT'), {
    version: 1,
    updatedAt: '2026-11-01T00:00:00.000Z',
    updatedBy: site.admin,
    projectId: site.projectId,
    override: { entry, ...(guard ? { guard } : {}) },
  });
}

const HIGH = { uncertainty: 'high', risk: 'low', reason: 'A payment provider we never used' };

function story(custom: Record<string, unknown> = {}, summary = 'Pay by bank transfer'): EmIssue {
  return ctx.em.addIssue({ projectKey: 'DT', type: 'Story', summary, custom });
}

const risky = () => story({ [triage.id]: HIGH });

function discovery(
  type: 'Discovery' | 'Spike',
  opts: { status?: string; state?: 'validated' | 'invalidated' } = {},
): EmIssue {
  const custom = opts.state
    ? {
        [evidence.id]: {
          interviews: 3,
          usabilityTests: 1,
          prototypeReviews: 0,
          conciergeTests: 0,
          experiments: 0,
          latest: null,
          state: opts.state,
        },
      }
    : {};
  return ctx.em.addIssue({
    projectKey: 'DT',
    type,
    summary: `${type} for it`,
    custom,
    ...(opts.status ? { status: opts.status } : {}),
  });
}

function link(a: EmIssue, b: EmIssue): void {
  const links = issueLinkSite(ctx.em);
  const relates = [...links.types.values()].find((t) => t.name === 'Relates');
  if (!relates) throw new Error('no Relates link type');
  links.addLink(relates.id, a.id, b.id);
}

const transition = (issue: EmIssue) =>
  enablerGate({ issue: { key: issue.key }, configuration: {} }, { accountId: 'user-member' });

const ops = () => ctx.em.jiraCalls().map((c) => c.operationId);

function dragInto(issue: EmIssue, changelogId = '50001') {
  ctx.em.setSprint(issue.key, site.active.id);
  return sprintChangeEvent(ctx.em, issue, { to: site.active, changelogId });
}

const inSprint = (issue: EmIssue) =>
  ((ctx.em.issues.get(issue.id)?.custom.get(ctx.em.sprintField.id) as unknown[]) ?? []).length > 0;

async function auditOf(): Promise<AuditPage> {
  const result = await callResolver<AuditPage>(
    ctx.em,
    'audit/list',
    site.projectAdmin,
    {},
    { extension: { project: { id: site.projectId, key: 'DT' } } },
  );
  if (!result.ok) throw new Error(JSON.stringify(result.error));
  return result.data;
}

function waive(issue: EmIssue): void {
  ctx.em.kvs.seed(WAIVER_KEYS.book('DT'), {
    version: 1,
    waivers: [
      {
        issueId: issue.id,
        issueKey: issue.key,
        reason: 'Provider contract already signed',
        expiresOn: '2099-01-01',
        grantedBy: 'user-padmin',
        grantedAt: '2026-11-01T00:00:00.000Z',
      },
    ],
  });
}

describe('enabler gate: discovery entry criteria', () => {
  it('refuses a high-uncertainty story with nothing linked when refuseInValidators is on, in one Jira call, and audits the block', async () => {
    entrySettings({ refuseInValidators: true });
    const issue = risky();
    ctx.em.resetCalls();

    const answer = await transition(issue);

    expect(answer.result).toBe(false);
    expect(answer.errorMessage).toContain(
      `${issue.key} (Story) cannot enter a sprint or start yet.`,
    );
    expect(answer.errorMessage).toContain(
      'Meets the discovery entry criteria (uncertainty high) but no validated discovery item or finished spike is linked: explore it first.',
    );
    expect(ops()).toEqual(['getIssue']);
    expect((await auditOf()).entries[0]).toMatchObject({
      action: 'blocked',
      source: 'validator:enabler-gate',
      rule: 'entry-criteria',
      issueKey: issue.key,
      actor: 'user-member',
    });
  });

  it('refuses on a label or a component too (case-insensitive), naming it', async () => {
    entrySettings({ refuseInValidators: true, components: ['payments'] });
    addComponent(ctx.em, 'DT', 'Payments');
    const labelled = story();
    setLabels(ctx.em, labelled.key, ['Architecture']);
    const component = story();
    setComponents(ctx.em, component.key, ['Payments']);

    expect((await transition(labelled)).errorMessage).toContain('label "architecture"');
    expect((await transition(component)).errorMessage).toContain('component "payments"');
  });

  it('refuses an item still waiting on linked discovery, naming it', async () => {
    entrySettings({ refuseInValidators: true });
    const issue = risky();
    const idea = discovery('Discovery');
    link(issue, idea);

    const answer = await transition(issue);

    expect(answer.result).toBe(false);
    expect(answer.errorMessage).toContain(`is waiting on discovery ${idea.key}`);
  });

  it('passes the same item when the setting is off (the default): the read stays as it was', async () => {
    const issue = risky();
    ctx.em.resetCalls();

    await expect(transition(issue)).resolves.toEqual({ result: true });
    expect(ops()).toEqual(['getIssue']);
    const read = ctx.em.jiraCalls()[0]?.path ?? '';
    expect(read).not.toContain('issuelinks');
    expect((await auditOf()).entries).toEqual([]);
  });

  it('passes an item covered by a finished spike without reading anything more', async () => {
    entrySettings({ refuseInValidators: true });
    const issue = risky();
    link(issue, discovery('Spike', { status: 'Done' }));
    ctx.em.resetCalls();

    await expect(transition(issue)).resolves.toEqual({ result: true });
    expect(ops()).toEqual(['getIssue']);
  });

  it("passes an item covered by a validated idea: the idea's evidence is read in one more call", async () => {
    entrySettings({ refuseInValidators: true });
    const issue = risky();
    link(issue, discovery('Discovery', { state: 'validated' }));
    ctx.em.resetCalls();

    await expect(transition(issue)).resolves.toEqual({ result: true });
    expect(ops()).toEqual(['getIssue', 'bulkFetchIssues']);
  });

  it('an invalidated idea does not cover the item', async () => {
    entrySettings({ refuseInValidators: true });
    const issue = risky();
    link(issue, discovery('Discovery', { state: 'invalidated', status: 'Done' }));

    const answer = await transition(issue);
    expect(answer.result).toBe(false);
    expect(answer.errorMessage).toContain('explore it first');
  });

  it('lets a waived item through and audits who approved it and why', async () => {
    entrySettings({ refuseInValidators: true });
    const issue = risky();
    waive(issue);

    await expect(transition(issue)).resolves.toEqual({ result: true });
    expect((await auditOf()).entries[0]).toMatchObject({
      action: 'waived',
      rule: 'entry-criteria',
      issueKey: issue.key,
      waiver: { grantedBy: 'user-padmin', reason: 'Provider contract already signed' },
      // What was missing, as one sentence ending in one full stop.
      detail:
        'Transition allowed by a waiver although: Meets the discovery entry criteria (uncertainty high) but no validated discovery item or finished spike is linked: explore it first.',
    });
  });

  it('passes items meeting no criterion, and discovery items whatever their triage', async () => {
    entrySettings({ refuseInValidators: true });
    const calm = story({ [triage.id]: { uncertainty: 'medium', risk: 'medium' } });
    const spike = ctx.em.addIssue({
      projectKey: 'DT',
      type: 'Discovery',
      summary: 'Risky idea',
      custom: { [triage.id]: HIGH },
    });
    await expect(transition(calm)).resolves.toEqual({ result: true });
    expect((await transition(spike)).result).toBe(true);
  });

  it('looks the app fields up once, together, when their ids are not remembered yet', async () => {
    entrySettings({ refuseInValidators: true });
    ctx.em.kvs.seed(KEYS.jiraFields, { sprint: ctx.em.sprintField.id });
    const issue = risky();
    ctx.em.resetCalls();

    expect((await transition(issue)).result).toBe(false);
    expect(ops()).toEqual(['getFields', 'getIssue']);
    expect(ctx.em.kvs.peek(KEYS.jiraFields)).toMatchObject({
      scopedOutcome: site.scopedOutcome.id,
      entryTriage: triage.id,
      discoveryEvidence: evidence.id,
    });

    ctx.em.resetCalls();
    expect((await transition(issue)).result).toBe(false);
    expect(ops()).toEqual(['getIssue']);
  });

  it('a lower threshold catches medium uncertainty', async () => {
    entrySettings({ refuseInValidators: true, uncertaintyAtLeast: 'medium' });
    const issue = story({ [triage.id]: { uncertainty: 'medium', risk: 'low' } });
    expect((await transition(issue)).errorMessage).toContain('uncertainty medium');
  });
});

describe('sprint guard: discovery entry criteria', () => {
  it('moves the item back when guardMovesBack is on: comment names what is missing and who put it there; 3 Jira calls; audited', async () => {
    entrySettings({ guardMovesBack: true });
    const issue = risky();
    const event = dragInto(issue);
    ctx.em.resetCalls();

    await expect(sprintGuard(event)).resolves.toBeUndefined();

    expect(inSprint(issue)).toBe(false);
    expect(ops()).toEqual(['getIssue', 'moveIssuesToBacklog', 'addComment']);
    const text = commentText(ctx.em, issue.key)[0] ?? '';
    expect(text).toContain('Dual Track moved this item back to the backlog.');
    expect(text).toContain('was added to sprint "Sprint 7" by @user-member');
    expect(text).toContain('a validated discovery item or a finished spike linked to it');
    expect(text).toContain('Meets the discovery entry criteria (uncertainty high)');
    expect((await auditOf()).entries[0]).toMatchObject({
      action: 'moved-back',
      source: 'sprint-guard',
      rule: 'entry-criteria',
      issueKey: issue.key,
      actor: 'user-member',
      sprintId: site.active.id,
    });
  });

  it('only flags it when guardMovesBack is off (the default), even under the move-back policy', async () => {
    const issue = risky();
    await sprintGuard(dragInto(issue));

    expect(inSprint(issue)).toBe(true);
    expect(labelsOf(ctx.em, issue.key)).toEqual(['dual-track-flagged']);
    expect(commentText(ctx.em, issue.key)[0]).toContain('Dual Track flagged this item.');
    expect((await auditOf()).entries[0]).toMatchObject({
      action: 'flagged',
      rule: 'entry-criteria',
    });
  });

  it('leaves a covered item alone: one Jira call, nothing written', async () => {
    entrySettings({ guardMovesBack: true });
    const issue = risky();
    link(issue, discovery('Spike', { status: 'Done' }));
    const event = dragInto(issue);
    ctx.em.resetCalls();

    await sprintGuard(event);

    expect(inSprint(issue)).toBe(true);
    expect(ops()).toEqual(['getIssue']);
    expect(commentText(ctx.em, issue.key)).toEqual([]);
  });

  it('a waiver lets it stay, audited as waived', async () => {
    entrySettings({ guardMovesBack: true });
    const issue = risky();
    waive(issue);
    await sprintGuard(dragInto(issue));

    expect(inSprint(issue)).toBe(true);
    expect(commentText(ctx.em, issue.key)).toEqual([]);
    const [entry] = (await auditOf()).entries;
    expect(entry).toMatchObject({
      action: 'waived',
      rule: 'entry-criteria',
      waiver: { grantedBy: 'user-padmin' },
    });
    // The criteria's sentence, its first letter lowered and its full stop not doubled.
    expect(entry?.detail).toMatch(
      new RegExp(
        `^Entered sprint "${site.active.name}" although it meets the discovery entry criteria \\(uncertainty high\\)[^.]*; allowed by a waiver\\.$`,
      ),
    );
  });
});

describe('sprint-start check: discovery entry criteria', () => {
  it('counts such items as not ready: moved back with guardMovesBack, listed in the one summary', async () => {
    entrySettings({ guardMovesBack: true });
    const issue = risky();
    const calm = story({}, 'Fix the footer');
    ctx.em.setSprint(issue.key, site.active.id);
    ctx.em.setSprint(calm.key, site.active.id);

    await sprintStartCheck(sprintStartedEvent(site.active));

    expect(inSprint(issue)).toBe(false);
    expect(inSprint(calm)).toBe(true);
    const summary = commentText(ctx.em, issue.key)[0] ?? '';
    expect(summary).toContain(`${issue.key} (Story, moved back to the backlog)`);
    expect(summary).toContain('uncertainty high');
    expect((await auditOf()).entries[0]).toMatchObject({
      action: 'moved-back',
      source: 'sprint-start',
      rule: 'entry-criteria',
    });
  });

  it('flags them when guardMovesBack is off', async () => {
    const issue = risky();
    ctx.em.setSprint(issue.key, site.active.id);

    await sprintStartCheck(sprintStartedEvent(site.active));

    expect(inSprint(issue)).toBe(true);
    expect(labelsOf(ctx.em, issue.key)).toEqual(['dual-track-flagged']);
  });
});
