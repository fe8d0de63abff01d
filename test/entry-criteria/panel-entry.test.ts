import { takeOffScreens } from '../../dev/emulator/app-field-values';
import { DEMO_USERS, seedDemoProject, type DemoProject } from '../../dev/emulator/demo-project';
import type { EmIssue } from '../../dev/emulator/model';
import { issueLinkSite } from '../../dev/emulator/routes/issue-writes';
import type { ExploreFirstResult } from '../../src/entry-criteria/explore-first';
import type { ResolverKey, Result } from '../../src/contract/bridge-contract';
import type { IssueReadiness } from '../../src/contract/issue-readiness';
import { useEmulator } from '../helpers/emulator';
import { callOnIssue, ok } from '../helpers/invoke';
import { KEYS } from '../../src/storage/key-families';

/**
 * The issue panel's discovery entry, driven the way Forge invokes the resolvers (payload +
 * trusted context with the issue) against the emulated demo site: the entry verdict of a
 * delivery item (flagged, waiting on a spike or an idea, covered) read within the panel's one
 * issue read; saving the Entry triage in place; and "Explore first": it creates a linked Spike or
 * Discovery item, answers a second click with that item, refuses callers without Create and Link
 * issues and malformed payloads, and says what it did when Jira fails half way.
 */
const ctx = useEmulator();
const now = new Date();
const READER = 'user-reader';
let demo: DemoProject;

beforeEach(() => {
  demo = seedDemoProject(ctx.em, { now });
  ctx.em.addUser({ accountId: READER, displayName: 'Rita Reader' });
  ctx.em.grant(demo.projectKey, READER, ['BROWSE_PROJECTS']);
  ctx.em.resetCalls();
});

function issue(key: string): EmIssue {
  const found = ctx.em.findIssue(key);
  if (!found) throw new Error(`no issue ${key}`);
  return found;
}

function bySummary(summary: string): EmIssue {
  const found = [...ctx.em.issues.values()].find((i) => i.summary === summary);
  if (!found) throw new Error(`no issue "${summary}"`);
  return found;
}

const call = <T>(
  key: ResolverKey,
  issueKey: string,
  payload: unknown = {},
  accountId: string = DEMO_USERS.member,
): Promise<Result<T>> => callOnIssue<T>(ctx.em, key, accountId, issueKey, payload);

function refusal(result: Result<unknown>): { code: string; message: string; details?: unknown } {
  if (result.ok) throw new Error('expected a refusal');
  return result.error;
}

const readiness = async (key: string, who: string = DEMO_USERS.member) =>
  ok(await call<IssueReadiness>('issue/readiness', key, {}, who));

const operations = () => ctx.em.jiraCalls().map((c) => c.operationId);
const triageOf = (key: string) => issue(key).custom.get(demo.entryTriage.id);
const issueCount = () => ctx.em.issues.size;

describe('issue panel: the discovery entry verdict', () => {
  it('flags a delivery item that belongs in discovery first, within the panel’s 2 Jira calls', async () => {
    const r = await readiness(demo.keys.entry.exploreFirst);
    expect(r.entry).toEqual({
      state: 'needs-discovery',
      reasons: ['label "architecture"'],
      text: 'Meets the discovery entry criteria (label "architecture") but no validated discovery item or finished spike is linked: explore it first.',
      waitingOn: [],
      coveredBy: null,
      // Drafted from the entry criterion that fired, with the default spike timebox (3 days).
      spikeDraft: {
        outcome: `Know whether ${demo.keys.entry.exploreFirst} (Order tracking page) can be built as planned, given what made it meet the discovery entry criteria: label "architecture".`,
        successMeasure: `A written decision for ${demo.keys.entry.exploreFirst} (build as planned, change its scope, or drop it), backed by what the spike found.`,
        timeboxDays: 3,
        maxTimeboxDays: 3,
      },
    });
    expect(r.triage).toEqual({
      available: true,
      value: { uncertainty: 'medium', risk: 'low' },
      text: 'Uncertainty medium · Risk low',
    });
    expect([r.ready, r.headline]).toEqual([
      false,
      'Belongs in discovery first: label "architecture".',
    ]);
    expect(r.checks.find((c) => c.id === 'discoveryFirst')).toEqual({
      id: 'discoveryFirst',
      label: 'Discovery before delivery',
      passed: false,
      required: true,
      fix: 'Meets the discovery entry criteria (label "architecture") with no validated idea or finished spike linked: explore it first, or link the discovery that answers it',
    });
    expect(operations()).toEqual(['getMyPermissions', 'getIssue']);
    const read = ctx.em.jiraCalls()[1];
    for (const field of ['labels', 'components', 'issuelinks', demo.entryTriage.id]) {
      expect(read?.path).toContain(field);
    }
  });

  it('shows a story blocked by a spike in progress as waiting on that spike', async () => {
    const r = await readiness(demo.keys.entry.waitingOnSpike);
    expect(r.entry).toMatchObject({
      state: 'waiting',
      reasons: ['uncertainty high'],
      waitingOn: [{ key: demo.keys.entry.spike, summary: 'Spike: benchmark the image CDN' }],
      coveredBy: null,
    });
    expect([r.ready, r.headline]).toEqual([
      false,
      `Waiting on discovery ${demo.keys.entry.spike} before delivery starts.`,
    ]);
    expect(r.triage.text).toBe(
      'Uncertainty high · Risk low — Share previews depend on the image CDN we are still benchmarking',
    );
  });

  it('reads the validation of a linked idea from the evidence log, not from Jira', async () => {
    const r = await readiness(demo.keys.entry.waiting);
    expect(r.entry).toMatchObject({
      state: 'waiting',
      waitingOn: [{ key: demo.keys.entry.waitingOn, summary: 'Store pickup' }],
    });
    expect(operations()).toEqual(['getMyPermissions', 'getIssue']);
  });

  it('shows a story implemented from a validated idea as covered, and a discovery item with no verdict', async () => {
    const covered = await readiness(demo.keys.entry.covered);
    expect(covered.entry).toMatchObject({
      state: 'covered',
      reasons: ['risk high', 'label "architecture"'],
      coveredBy: { key: demo.keys.panel.validatedIdea, summary: 'One-page checkout' },
    });
    expect(covered.ready).toBe(true);
    expect(covered.checks.find((c) => c.id === 'discoveryFirst')).toMatchObject({
      passed: true,
      label: `Discovery before delivery (covered by ${demo.keys.panel.validatedIdea})`,
    });
    const spike = await readiness(demo.keys.overrunSpike);
    expect(spike.entry).toBeNull();
    expect(spike.triage.text).toBe(
      'Uncertainty high · Risk medium — Nobody on the team has run logical replication in production',
    );
    const plain = await readiness(bySummary('Gift messages').key);
    expect(plain.entry).toBeNull();
    expect(plain.triage.text).toBe('Uncertainty low · Risk low');
  });

  it('says so when the site has no Entry triage field, and still reads the rest', async () => {
    ctx.em.fields.delete(demo.entryTriage.id);
    const fields = ctx.em.kvs.peek(KEYS.jiraFields) as Record<string, unknown>;
    ctx.em.kvs.seed(KEYS.jiraFields, { ...fields, entryTriage: undefined });
    const r = await readiness(demo.keys.entry.exploreFirst);
    expect(r.triage).toEqual({ available: false, value: null, text: null });
    expect(r.entry?.state).toBe('needs-discovery');
    expect(r.notes).toContain(
      'The app’s Entry triage field is not on this Jira site, so uncertainty and risk can be neither read nor set. Reinstalling or upgrading Dual Track registers it.',
    );
    expect(operations()).toEqual(['getMyPermissions', 'getFields', 'getIssue']);
  });
});

describe('issue/triage/save', () => {
  const loyalty = () => bySummary('Loyalty points').key;

  it('writes the field as the user; the panel then shows it and flags the item', async () => {
    const before = await readiness(loyalty());
    expect(before.triage).toEqual({ available: true, value: null, text: null });
    expect(before.entry).toBeNull();
    ctx.em.resetCalls();
    const saved = ok(
      await call<{ triage: unknown; text: string }>('issue/triage/save', loyalty(), {
        uncertainty: 'high',
        risk: 'low',
        reason: '  Points rules differ per country  ',
      }),
    );
    expect(saved).toEqual({
      triage: { uncertainty: 'high', risk: 'low', reason: 'Points rules differ per country' },
      text: 'Uncertainty high · Risk low — Points rules differ per country',
    });
    expect(operations()).toEqual(['getMyPermissions', 'editIssue']);
    expect(ctx.em.jiraCalls().every((c) => c.provider === 'user')).toBe(true);
    expect(triageOf(loyalty())).toEqual(saved.triage);
    const after = await readiness(loyalty());
    expect(after.entry).toMatchObject({ state: 'needs-discovery', reasons: ['uncertainty high'] });
  });

  it('refuses high without a reason, a reason over two lines and an unknown level; nothing is written', async () => {
    const key = bySummary('Gift messages').key;
    const before = triageOf(key);
    for (const [payload, path] of [
      [{ uncertainty: 'high', risk: 'low' }, 'reason'],
      [{ uncertainty: 'low', risk: 'high', reason: '   ' }, 'reason'],
      [{ uncertainty: 'low', risk: 'low', reason: 'one\ntwo' }, 'reason'],
      [{ uncertainty: 'extreme', risk: 'low' }, 'uncertainty'],
      [{ uncertainty: 'low' }, 'risk'],
      [{ uncertainty: 'low', risk: 'low', issueKey: 'DT-1' }, 'issueKey'],
    ] as const) {
      const error = refusal(await call('issue/triage/save', key, payload));
      expect(error.code).toBe('invalid-input');
      expect(error.message).toContain(path);
    }
    expect(
      refusal(await call('issue/triage/save', key, { uncertainty: 'high', risk: 'low' })).message,
    ).toBe('reason: a one-line reason is required when uncertainty or risk is high');
    expect(operations()).not.toContain('editIssue');
    expect(triageOf(key)).toEqual(before);
  });

  it('refuses a user without Edit issues, and one who cannot see the issue', async () => {
    const key = bySummary('Gift messages').key;
    const payload = { uncertainty: 'high', risk: 'high', reason: 'Sneaky' };
    expect(refusal(await call('issue/triage/save', key, payload, READER))).toEqual({
      code: 'forbidden',
      message: 'You need the Edit issues permission on this issue to change it.',
      details: { missing: ['EDIT_ISSUES'] },
    });
    expect(refusal(await call('issue/triage/save', key, payload, DEMO_USERS.outsider)).code).toBe(
      'not-found',
    );
    expect(operations()).not.toContain('editIssue');
    expect(triageOf(key)).toEqual({ uncertainty: 'low', risk: 'low' });
  });

  it('explains a field that is not on the edit screen', async () => {
    takeOffScreens(ctx.em, demo.entryTriage.id);
    const key = bySummary('Gift messages').key;
    const error = refusal(
      await call('issue/triage/save', key, { uncertainty: 'medium', risk: 'low' }),
    );
    expect(error.code).toBe('jira-error');
    expect(error.message).toMatch(
      new RegExp(
        `^Jira did not save the Entry triage of ${key}: Jira rejected the request: .*${demo.entryTriage.id}: Field '${demo.entryTriage.id}' cannot be set.* a Jira admin needs to add the Entry triage field`,
      ),
    );
  });

  it('answers unsupported, naming the cause, on a site without the field', async () => {
    ctx.em.fields.delete(demo.entryTriage.id);
    const fields = ctx.em.kvs.peek(KEYS.jiraFields) as Record<string, unknown>;
    ctx.em.kvs.seed(KEYS.jiraFields, { ...fields, entryTriage: undefined });
    const error = refusal(
      await call('issue/triage/save', bySummary('Gift messages').key, {
        uncertainty: 'low',
        risk: 'low',
      }),
    );
    expect(error.code).toBe('unsupported');
    expect(error.message).toMatch(/Entry triage field is not on this Jira site/);
  });
});

describe('issue/explore-first', () => {
  const question = 'Can we show live courier positions without a paid maps licence?';
  const explore = (key: string, payload: unknown = { kind: 'spike', question }, who?: string) =>
    call<ExploreFirstResult>('issue/explore-first', key, payload, who);

  it('creates a Spike with the question, blocking the delivery item, with its triage; the panel then shows it waiting', async () => {
    const target = demo.keys.entry.exploreFirst;
    const result = ok(
      await explore(target, {
        kind: 'spike',
        question,
        details: 'Two providers offer a free tier.\nThe app already shows a static map.',
      }),
    );
    expect(result).toMatchObject({
      outcome: 'created',
      linked: true,
      linkType: { name: 'Blocks' },
      triageCopied: true,
      item: { kind: 'spike' },
    });
    const created = issue(result.item.key);
    expect(ctx.em.issueTypes.get(created.issueTypeId)?.name).toBe('Spike');
    expect(created.summary).toBe(question);
    expect(created.custom.get(demo.entryTriage.id)).toEqual({ uncertainty: 'medium', risk: 'low' });
    const description = JSON.stringify(created.description);
    for (const part of [
      question,
      `${target} (Order tracking page) meets the discovery entry criteria (label \\"architecture\\")`,
      'Uncertainty medium · Risk low',
      'Two providers offer a free tier.',
      `${target} is blocked by this spike until it is done`,
    ]) {
      expect(description).toContain(part);
    }
    expect(issueLinkSite(ctx.em).describe(ctx.em, target)).toContain(
      `${result.item.key} blocks ${target}`,
    );
    expect(result.message).toBe(
      `Created ${result.item.key} (Spike) and linked it: ${result.item.key} blocks ${target}. ${target} now waits on it. The Entry triage was copied to it.`,
    );
    expect(operations()).toEqual([
      'getMyPermissions',
      'getIssue',
      'getIssueTypesForProject',
      'getIssueLinkTypes',
      'createIssue',
      'linkIssues',
    ]);
    expect(ctx.em.jiraCalls().every((c) => c.provider === 'user')).toBe(true);
    // The project context (settings, field ids, track mapping), the record; the claim, the record
    // and the mark that the project changed (its shared page is read again).
    expect([ctx.em.kvs.reads(), ctx.em.kvs.writes()]).toEqual([2, 3]);

    const after = await readiness(target);
    expect(after.entry).toMatchObject({
      state: 'waiting',
      waitingOn: [{ key: result.item.key, summary: question }],
    });
  });

  it('creates a Discovery item (idea) when asked to', async () => {
    const result = ok(
      await explore(demo.keys.entry.exploreFirst, {
        kind: 'idea',
        question: 'Do customers track?',
      }),
    );
    expect(ctx.em.issueTypes.get(issue(result.item.key).issueTypeId)?.name).toBe('Discovery');
    expect((await readiness(demo.keys.entry.exploreFirst)).entry?.state).toBe('waiting');
  });

  it('answers a second click with the item it created, and a double click creates one item', async () => {
    const target = demo.keys.entry.exploreFirst;
    const count = issueCount();
    const [a, b] = await Promise.all([explore(target), explore(target)]);
    const first = ok(a);
    const second = ok(b);
    expect(issueCount()).toBe(count + 1);
    expect(second.item.key).toBe(first.item.key);
    expect([first.outcome, second.outcome].sort()).toEqual(['created', 'existing']);
    ctx.em.resetCalls();
    const again = ok(await explore(target, { kind: 'idea', question: 'Another question?' }));
    expect(again).toMatchObject({ outcome: 'existing', item: { key: first.item.key } });
    expect(again.message).toMatch(
      new RegExp(`^${target} already waits on ${first.item.key}, created with Explore first on `),
    );
    expect(operations()).toEqual(['getMyPermissions', 'getIssue']);
    expect(issueCount()).toBe(count + 1);
    expect(issueLinkSite(ctx.em).describe(ctx.em, target)).toEqual([
      `${first.item.key} blocks ${target}`,
    ]);
  });

  it('creates a new item once the one it created is closed without answering', async () => {
    const target = demo.keys.entry.exploreFirst;
    const first = ok(await explore(target, { kind: 'idea', question: 'Do customers track?' }));
    const idea = issue(first.item.key);
    idea.statusId = '10002'; // Done
    expect((await readiness(target)).entry?.state).toBe('needs-discovery');
    const second = ok(await explore(target));
    expect(second.outcome).toBe('created');
    expect(second.item.key).not.toBe(first.item.key);
  });

  it('refuses a user without Create and Link issues, and one who cannot see the issue; nothing is created', async () => {
    const count = issueCount();
    expect(refusal(await explore(demo.keys.entry.exploreFirst, undefined, READER))).toEqual({
      code: 'forbidden',
      message:
        'You need the Browse projects, Create issues and Link issues permissions in this project to start discovery with Explore first.',
      details: { missing: ['CREATE_ISSUES', 'LINK_ISSUES'] },
    });
    expect(
      refusal(await explore(demo.keys.entry.exploreFirst, undefined, DEMO_USERS.outsider)).code,
    ).toBe('not-found');
    expect(issueCount()).toBe(count);
    expect(operations()).not.toContain('createIssue');
  });

  it('refuses malformed payloads naming the field; nothing is created or stored', async () => {
    const count = issueCount();
    const keysBefore = ctx.em.kvs.keys();
    for (const [payload, path] of [
      [{ kind: 'epic', question }, 'kind'],
      [{ kind: 'spike', question: '   ' }, 'question'],
      [{ kind: 'spike', question: 'x'.repeat(256) }, 'question'],
      [{ kind: 'spike', question: 'one\ntwo' }, 'question'],
      [{ kind: 'spike' }, 'question'],
      [{ kind: 'spike', question, issueKey: demo.keys.entry.covered }, 'issueKey'],
      [{ kind: 'spike', question, details: 'x'.repeat(2001) }, 'details'],
    ] as const) {
      const error = refusal(await explore(demo.keys.entry.exploreFirst, payload));
      expect(error.code).toBe('invalid-input');
      expect(error.message).toContain(path);
    }
    expect(issueCount()).toBe(count);
    expect(ctx.em.kvs.keys()).toEqual(keysBefore);
  });

  it('refuses items that do not need it: discovery, covered, waiting, or meeting no criterion', async () => {
    const cases: Array<[string, RegExp]> = [
      [demo.keys.overrunSpike, /is on the discovery track/],
      [demo.keys.entry.covered, /is already covered by .* there is nothing to explore first/],
      [
        demo.keys.entry.waitingOnSpike,
        new RegExp(`is already waiting on discovery ${demo.keys.entry.spike}: nothing was created`),
      ],
      [bySummary('Gift messages').key, /meets none of the discovery entry criteria/],
    ];
    const count = issueCount();
    for (const [key, message] of cases) {
      const error = refusal(await explore(key));
      expect(error.code).toBe('conflict');
      expect(error.message).toMatch(message);
    }
    expect(issueCount()).toBe(count);
  });

  it('falls back to "Relates" on a site without "Blocks"', async () => {
    issueLinkSite(ctx.em).removeType('Blocks');
    const target = demo.keys.entry.exploreFirst;
    const result = ok(await explore(target));
    expect(result.linkType?.name).toBe('Relates');
    expect(issueLinkSite(ctx.em).describe(ctx.em, target)).toContain(
      `${result.item.key} relates to ${target}`,
    );
    expect(JSON.stringify(issue(result.item.key).description)).toContain(
      `Created with Dual Track's Explore first for ${target}.`,
    );
  });

  it('keeps and names the item when linking fails, and links that item on the next click', async () => {
    const target = demo.keys.entry.exploreFirst;
    const count = issueCount();
    ctx.em.injectFault({ match: /^POST \/rest\/api\/3\/issueLink$/, status: 500 });
    const first = ok(await explore(target));
    expect(first.outcome).toBe('created');
    expect(first.linked).toBe(false);
    expect(first.message).toBe(
      `Created ${first.item.key} (Spike) but could NOT link it to ${target} (Jira had an internal error (HTTP 500)). Link it by hand (${first.item.key} blocks ${target}), or press Explore first again to retry the link: no second item is created. The Entry triage was copied to it.`,
    );
    expect(issueCount()).toBe(count + 1);
    expect((await readiness(target)).entry?.state).toBe('needs-discovery');

    const retry = ok(await explore(target));
    expect(retry).toMatchObject({
      outcome: 'existing',
      linked: true,
      item: { key: first.item.key },
    });
    expect(retry.message).toBe(
      `Linked ${first.item.key}, created earlier with Explore first: ${first.item.key} blocks ${target}. No second item was created.`,
    );
    expect(issueCount()).toBe(count + 1);
    expect((await readiness(target)).entry).toMatchObject({
      state: 'waiting',
      waitingOn: [{ key: first.item.key }],
    });
  });

  it('gives the claim back when Jira refuses the creation, so the next click works', async () => {
    const target = demo.keys.entry.exploreFirst;
    ctx.em.injectFault({ match: /^POST \/rest\/api\/3\/issue$/, status: 503 });
    const error = refusal(await explore(target));
    expect(error.code).toBe('jira-error');
    const result = ok(await explore(target));
    expect(result.outcome).toBe('created');
  });

  it('creates the item without the triage when the field is not on its create screen, and says so', async () => {
    takeOffScreens(ctx.em, demo.entryTriage.id);
    const result = ok(await explore(demo.keys.entry.exploreFirst));
    expect(result.triageCopied).toBe(false);
    expect(result.message).toMatch(
      /The Entry triage was not copied \(Jira rejected the request: .*cannot be set.*\): a Jira admin can add the Entry triage field to its create screen\.$/,
    );
    expect(issue(result.item.key).custom.has(demo.entryTriage.id)).toBe(false);
    expect(operations().filter((o) => o === 'createIssue')).toHaveLength(2);
  });

  it('refuses when the project has no Spike type on the discovery track, before creating anything', async () => {
    const mapping = ctx.em.kvs.peek(KEYS.trackMapping(demo.projectKey)) as {
      types: Array<{ name: string; track: string }>;
    };
    ctx.em.kvs.seed(KEYS.trackMapping(demo.projectKey), {
      ...mapping,
      types: mapping.types.map((t) => (t.name === 'Spike' ? { ...t, track: 'delivery' } : t)),
    });
    const error = refusal(await explore(demo.keys.entry.exploreFirst));
    expect(error).toMatchObject({ code: 'conflict' });
    expect(error.message).toMatch(/has no Spike issue type on the discovery track/);
    expect(operations()).not.toContain('createIssue');
  });
});
