import { DEMO_USERS, addDemoItem, seedDemoProject } from '../../dev/emulator/demo-project';
import { connectJpdSpace, seedJpdSpace } from '../../dev/emulator/jpd-space';
import { sprintChangeEvent } from '../../dev/emulator/enforcement-seed';
import { setLabels } from '../../dev/emulator/routes/enforcement';
import * as handlers from '../../src/index';
import { KEYS } from '../../src/storage/key-families';
import { issueLinkSite } from '../../dev/emulator/routes/issue-writes';
import type { ResolverKey, Result } from '../../src/contract/bridge-contract';
import type { IdeaEvidenceView } from '../../src/contract/jpd-idea';
import type { IssueReadiness } from '../../src/contract/issue-readiness';
import type { ProjectOverview } from '../../src/contract/project-overview';
import type { PromoteResult } from '../../src/promote/promote';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { useEmulator } from '../helpers/emulator';
import { sharedPagesExpire } from '../helpers/shared-page';
import { callOnIssue, callResolver, ok, runTrigger } from '../helpers/invoke';

/**
 * An idea of a connected Jira Product Discovery space, from the project page: its evidence log
 * (the software project's evidence rule decides) and promote, which creates the delivery items
 * in the page's project linked with JPD's delivery link ("<item> implements <idea>"). Every
 * `jpd/idea/*` resolver first checks the idea is one of a connected space the caller may browse.
 */
const ctx = useEmulator();
const now = new Date();

const interview = (n: number) => ({
  type: 'interview',
  date: now.toISOString().slice(0, 10),
  summary: `Interview ${n} with a returning shopper`,
  positive: true,
});
const usabilityTest = {
  type: 'usability-test',
  date: now.toISOString().slice(0, 10),
  summary: 'Five shoppers paid in three instalments on the prototype',
  positive: true,
};

function site(options: { connect?: boolean; linkVariant?: 'current' | 'none' } = {}) {
  const demo = seedDemoProject(ctx.em, { now });
  const space = seedJpdSpace(ctx.em, { linkVariant: options.linkVariant ?? 'current' });
  if (options.connect ?? true) {
    connectJpdSpace(ctx.em, { key: 'DT', id: demo.projectId }, [space.projectKey], now);
  }
  return { demo, space, idea: space.keys.discovery };
}

const onPage = <T>(key: ResolverKey, payload: unknown, who: string = DEMO_USERS.member) => {
  const project = ctx.em.projectByKey('DT');
  return callResolver<T>(ctx.em, key, who, payload, {
    extension: { type: 'jira:projectPage', project: { id: project.id, key: project.key } },
  });
};

async function addEvidence(ideaKey: string): Promise<void> {
  for (const entry of [interview(1), interview(2), interview(3), usabilityTest]) {
    ok(await onPage('jpd/idea/evidence/add', { ideaKey, entry }));
  }
}

/**
 * The page a while later: Jira's search is not read-after-write consistent (search-lag.ts), so
 * the index catches up with the app's writes (the evidence field) first.
 */
const overview = async () => {
  ctx.em.settleSearch();
  sharedPagesExpire(ctx.em, 'DT');
  return ok<ProjectOverview>(await onPage<ProjectOverview>('project/overview', {}));
};

/** The numbers of docs/costs.md's row `action`, column 2 (Jira calls) or 3 (storage). */
function documented(action: string, column: 2 | 3): number[] {
  const costs = readFileSync(join(__dirname, '..', '..', 'docs', 'costs.md'), 'utf8');
  const row = costs.split('\n').find((line) => line.startsWith(`| ${action} `));
  if (!row) throw new Error(`docs/costs.md has no row "${action}"`);
  return [...(row.split('|')[column] ?? '').matchAll(/(\d+)/g)].map((m) => Number(m[1]));
}

const keysOf = (items: ReadonlyArray<{ key: string }>) => items.map((i) => i.key);
const writes = () =>
  ctx.em
    .jiraCalls()
    .filter((c) => c.method !== 'GET' && !c.path.includes('/search'))
    .map((c) => `${c.method} ${c.path}`);
const refusal = (result: Result<unknown>) => (result.ok ? undefined : result.error);

/** The links JPD's delivery link type holds to the idea: "<delivery> implements <idea>". */
function deliveryLinksOf(ideaKey: string): string[] {
  const links = issueLinkSite(ctx.em);
  const idea = ctx.em.findIssue(ideaKey);
  return links.links
    .filter((l) => l.inwardIssueId === idea?.id)
    .filter((l) => links.types.get(l.typeId)?.name === 'Polaris work item link')
    .map((l) => ctx.em.issues.get(l.outwardIssueId)?.key ?? '?');
}

describe("a JPD idea's evidence log from the project page", () => {
  it('evidence added to an idea makes it validated on the page', async () => {
    const { idea } = site();
    expect(keysOf((await overview()).discovery.validating)).toContain(idea);
    const before = ok<IdeaEvidenceView>(await onPage('jpd/idea/evidence/list', { ideaKey: idea }));
    expect(before).toMatchObject({ canEdit: true, evidence: { state: 'unvalidated' } });
    expect(before.promotion.allowed).toBe(false);
    await addEvidence(idea);
    const after = ok<IdeaEvidenceView>(await onPage('jpd/idea/evidence/list', { ideaKey: idea }));
    expect(after.evidence.state).toBe('validated');
    expect(after.evidence.entries).toHaveLength(4);
    expect(after.promotion).toEqual({ allowed: true, reasons: [] });
    const page = await overview();
    expect(keysOf(page.discovery.validated)).toContain(idea);
    expect(keysOf(page.discovery.validating)).not.toContain(idea);
  });

  it('costs what docs/costs.md says', async () => {
    const { idea } = site();
    ctx.em.resetCalls();
    ok(await onPage('jpd/idea/evidence/add', { ideaKey: idea, entry: interview(1) }));
    expect(documented('JPD idea, evidence change', 2)).toEqual([ctx.em.jiraCalls().length]);
    expect(documented('JPD idea, evidence change', 3).slice(0, 2)).toEqual([
      ctx.em.kvs.reads(),
      ctx.em.kvs.writes(),
    ]);
    await addEvidence(idea);
    ctx.em.resetCalls();
    const items = [{ summary: 'One' }, { summary: 'Two' }, { summary: 'Three' }];
    ok(await onPage('jpd/idea/promote/run', { ideaKey: idea, items }));
    const [fixed, perItem] = documented('JPD idea, promote n items', 2);
    expect((fixed ?? 0) + (perItem ?? 0) * items.length).toBe(ctx.em.jiraCalls().length);
    expect(documented('JPD idea, promote n items', 3)).toEqual([ctx.em.kvs.reads()]);
  });

  it('refuses an idea of a space the project does not connect, before reading it', async () => {
    const { idea } = site({ connect: false });
    ctx.em.resetCalls();
    const answer = await onPage('jpd/idea/evidence/add', { ideaKey: idea, entry: interview(1) });
    expect(refusal(answer)?.code).toBe('invalid-input');
    expect(refusal(answer)?.message).toContain(
      'not an idea of a Jira Product Discovery space connected',
    );
    expect(ctx.em.jiraCalls()).toEqual([]);
    expect(ctx.em.kvs.writes()).toBe(0);
  });

  it('refuses an item of a connected space that is not an idea', async () => {
    const { space } = site();
    const bug = ctx.em.addIssue({ projectKey: space.projectKey, type: 'Task', summary: 'A task' });
    const answer = await onPage('jpd/idea/evidence/list', { ideaKey: bug.key });
    expect(refusal(answer)?.code).toBe('invalid-input');
    expect(refusal(answer)?.message).toContain('not a Jira Product Discovery idea');
  });

  it('a user who may not browse the idea gets not-found, no data, and nothing is written', async () => {
    const { idea } = site();
    ctx.em.revoke('IDEA', DEMO_USERS.member);
    for (const [key, payload] of [
      ['jpd/idea/evidence/list', { ideaKey: idea }],
      ['jpd/idea/evidence/add', { ideaKey: idea, entry: interview(1) }],
      ['jpd/idea/promote/run', { ideaKey: idea, items: [{ summary: 'Instalments' }] }],
    ] as const) {
      ctx.em.resetCalls();
      const answer = await onPage(key, payload);
      expect(Object.keys(answer)).toEqual(['ok', 'error']);
      expect(refusal(answer)?.code).toBe('not-found');
      expect(writes()).toEqual([]);
      expect(ctx.em.kvs.writes()).toBe(0);
    }
  });

  it('a user who may browse but not edit the idea sees it and may not change it', async () => {
    const { idea } = site();
    ctx.em.revoke('IDEA', DEMO_USERS.member);
    ctx.em.grant('IDEA', DEMO_USERS.member, ['BROWSE_PROJECTS']);
    const view = ok<IdeaEvidenceView>(await onPage('jpd/idea/evidence/list', { ideaKey: idea }));
    expect(view.canEdit).toBe(false);
    const answer = await onPage('jpd/idea/evidence/add', { ideaKey: idea, entry: interview(1) });
    expect(refusal(answer)?.code).toBe('forbidden');
  });
});

describe('promote from a JPD idea', () => {
  const items = [{ summary: 'Pay in three at checkout' }, { summary: 'Instalment reminders' }];

  it("creates the items in the page's project, linked by JPD's link, and replays a repeat", async () => {
    const { idea } = site();
    await addEvidence(idea);
    const draft = ok<{ items: Array<{ summary: string }> }>(
      await onPage('jpd/idea/promote/draft', { ideaKey: idea }),
    );
    expect(draft.items[0]?.summary).toBe('Pay in three instalments');
    const requestId = 'req-jpd-idea-1';
    const result = ok<PromoteResult>(
      await onPage('jpd/idea/promote/run', { ideaKey: idea, items, requestId }),
    );
    expect(result.outcome).toBe('complete');
    expect(result.linkType.name).toBe('Polaris work item link');
    const created = result.created.map((c) => c.key);
    expect(created).toHaveLength(2);
    expect(created.every((k) => k.startsWith('DT-'))).toBe(true);
    expect(result.created.every((c) => c.linked)).toBe(true);
    expect(deliveryLinksOf(idea).sort()).toEqual([...created].sort());
    // The same click again: answered from the record, nothing more created or linked.
    ctx.em.resetCalls();
    const again = ok<PromoteResult>(
      await onPage('jpd/idea/promote/run', { ideaKey: idea, items, requestId }),
    );
    expect(again.created.map((c) => c.key)).toEqual(created);
    expect(writes()).toEqual([]);
    expect(deliveryLinksOf(idea)).toHaveLength(2);
  });

  it('the created item counts as from a validated idea for the entry criteria', async () => {
    const { idea } = site();
    await addEvidence(idea);
    const result = ok<PromoteResult>(
      await onPage('jpd/idea/promote/run', { ideaKey: idea, items: [items[0]] }),
    );
    const key = result.created[0]?.key ?? '';
    // Meets the entry criteria by its label: covered only by validated discovery.
    setLabels(ctx.em, key, ['architecture']);
    const page = await overview();
    expect(keysOf(page.signals.needsDiscovery.items)).not.toContain(key);
    const panel = ok<IssueReadiness>(
      await callOnIssue<IssueReadiness>(ctx.em, 'issue/readiness', DEMO_USERS.member, key),
    );
    expect(panel.origin).toEqual([expect.objectContaining({ key: idea, validated: true })]);
    // Without the link it would wait for discovery: the same item, unlinked, is flagged.
    const other = addDemoItem(ctx.em, 'DT', now, {
      type: 'Story',
      summary: 'Unlinked rewrite',
      status: 'To Do',
      points: 3,
    });
    setLabels(ctx.em, other.key, ['architecture']);
    expect(keysOf((await overview()).signals.needsDiscovery.items)).toContain(other.key);
  });

  it('the sprint guard lets the created item into the sprint as from a validated idea', async () => {
    const { demo, idea } = site();
    await addEvidence(idea);
    const result = ok<PromoteResult>(
      await onPage('jpd/idea/promote/run', { ideaKey: idea, items: [items[0]] }),
    );
    // The guard moves back an item that meets the entry criteria without validated discovery.
    ctx.em.kvs.seed(KEYS.projectConfig('DT'), {
      version: 2,
      updatedAt: now.toISOString(),
      updatedBy: DEMO_USERS.admin,
      projectId: demo.projectId,
      override: { jpd: { spaceKeys: ['IDEA'] }, entry: { guardMovesBack: true } },
    });
    const unlinked = addDemoItem(ctx.em, 'DT', now, {
      type: 'Story',
      summary: 'Unlinked instalments rewrite',
      status: 'To Do',
      points: 3,
    });
    const inSprint = (key: string) => {
      const issue = ctx.em.findIssue(key);
      const sprints = issue?.custom.get(ctx.em.sprintField.id) as unknown[] | undefined;
      return (sprints ?? []).length > 0;
    };
    for (const [key, changelogId] of [
      [result.created[0]?.key ?? '', '70001'],
      [unlinked.key, '70002'],
    ] as const) {
      setLabels(ctx.em, key, ['architecture']);
      const issue = ctx.em.findIssue(key);
      if (!issue) throw new Error(`no ${key}`);
      ctx.em.setSprint(key, demo.activeSprint.id);
      const event = sprintChangeEvent(ctx.em, issue, { to: demo.activeSprint, changelogId });
      await runTrigger(ctx.em, handlers.sprintGuard, event);
    }
    expect(inSprint(result.created[0]?.key ?? '')).toBe(true);
    expect(inSprint(unlinked.key)).toBe(false);
  });

  it('refuses an idea that is not validated and creates nothing', async () => {
    const { idea } = site();
    ctx.em.resetCalls();
    const answer = await onPage('jpd/idea/promote/run', { ideaKey: idea, items });
    expect(refusal(answer)?.code).toBe('conflict');
    expect(refusal(answer)?.message).toContain('not validated yet');
    expect(writes()).toEqual([]);
    expect(deliveryLinksOf(idea)).toEqual([]);
  });

  it('refuses an idea of a space the project does not connect', async () => {
    const { idea } = site({ connect: false });
    const answer = await onPage('jpd/idea/promote/run', { ideaKey: idea, items });
    expect(refusal(answer)?.code).toBe('invalid-input');
    expect(writes()).toEqual([]);
  });

  it('refuses on a site without JPD link type and creates nothing', async () => {
    const { idea } = site({ linkVariant: 'none' });
    await addEvidence(idea);
    ctx.em.resetCalls();
    const answer = await onPage('jpd/idea/promote/run', { ideaKey: idea, items });
    expect(refusal(answer)?.code).toBe('conflict');
    expect(refusal(answer)?.message).toContain('no Jira Product Discovery delivery link type');
    expect(writes()).toEqual([]);
  });

  it("refuses the issue panel's promote on an idea, even validated, and creates nothing", async () => {
    const { idea } = site();
    await addEvidence(idea);
    ctx.em.resetCalls();
    // The panel, were Jira to show it on the idea: Forge's context is the idea, in its space.
    const answer = await callOnIssue(ctx.em, 'promote/run', DEMO_USERS.member, idea, { items });
    expect(refusal(answer)?.code).toBe('conflict');
    expect(refusal(answer)?.message).toContain('promote it from the Dual Track page');
    expect(writes()).toEqual([]);
    expect(deliveryLinksOf(idea)).toEqual([]);
  });
});
