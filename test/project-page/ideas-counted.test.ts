import {
  DEMO_USERS,
  addDemoItem,
  evidence,
  seedDemoProject,
  seedSyntheticProject,
} from '../../dev/emulator/demo-project';
import {
  connectJpdSpace,
  linkDelivery,
  seedJpdBacklog,
  seedJpdSpace,
  type JpdSpace,
} from '../../dev/emulator/jpd-space';
import type { EmIssue } from '../../dev/emulator/model';
import type { ProjectOverview } from '../../src/contract/project-overview';
import { ideasJql } from '../../src/domain/jpd';
import {
  COUNTED_IDEAS_MIN,
  isQuietIdea,
  quietIdeasCondition,
} from '../../src/project-page/ideas-count';
import { PAGE_CACHE_KEYS } from '../../src/storage/key-families';
import { neededItems } from '../../dev/bench/page-variants';
import { useEmulator } from '../helpers/emulator';
import {
  comparablePage,
  everyItemData,
  jqlOf,
  keysFound,
  loadPage,
  referencePage,
  returnedIssuesOf,
} from '../helpers/page-reference';
import { sharedPagesExpire } from '../helpers/shared-page';

/**
 * A connected JPD space's quiet ideas are counted, not read (src/project-page/ideas-count.ts,
 * decision 13): the page must stay the one a load reading every idea builds, whatever the space
 * holds around the query's edges, with room for them in the validating column or none.
 */
const ctx = useEmulator();
const now = new Date();
const DAY = 86_400_000;

const load = (key: string): Promise<ProjectOverview> => loadPage(ctx.em, key);
const calls = () => ctx.em.jiraCalls();
const returnedIssues = () => returnedIssuesOf(ctx.em);
const quietJql = () =>
  calls()
    .map(jqlOf)
    .filter((q) => q.includes('AND status in ('));
const remembered = (key: string) =>
  (
    ctx.em.kvs.peek(PAGE_CACHE_KEYS.site(key)) as
      { quietIdeas?: { few: boolean; room: boolean; statuses: string[] } } | undefined
  )?.quietIdeas;

/** An idea of the space, as JPD has one. */
function addIdea(
  space: JpdSpace,
  summary: string,
  more: { status?: string; custom?: Record<string, unknown>; updated?: number; rank?: number } = {},
): EmIssue {
  const idea = ctx.em.addIssue({
    projectKey: space.projectKey,
    type: space.ideaType.name,
    summary,
    status: more.status ?? 'Discovery',
    ...(more.custom ? { custom: more.custom } : {}),
  });
  idea.issueTypeId = space.ideaType.id;
  if (more.updated !== undefined) idea.updated = new Date(more.updated).toISOString();
  if (more.rank !== undefined) idea.rank = more.rank;
  return idea;
}

/**
 * 400 quiet ideas (idle, all last changed at the same moment) and ideas around each edge of the
 * query: an evidence date, validated, invalidated, in a sprint, not started without evidence
 * (a new idea), not started with evidence, changed yesterday, linked to a delivery item.
 */
function seedSpace(project: { key: string; id: string }, evidenceFieldId: string) {
  const space = seedJpdSpace(ctx.em, { key: 'IDEA' });
  seedJpdBacklog(ctx.em, space, { ideas: 400, evidenceFieldId, deliveries: [], linkEvery: 1 });
  const ev = (e: unknown) => ({ [evidenceFieldId]: e });
  const sprint = ctx.em.addSprint({ boardId: 1, name: 'Elsewhere', state: 'active' });
  // Outside the quiet ideas by one condition each, changed yesterday and ranked last: counted
  // by mistake, neither list would read them, and the page would differ from the reference's.
  let last = 1_000_000;
  const apart = (summary: string, more: Parameters<typeof addIdea>[2] = {}) =>
    addIdea(space, summary, { updated: now.getTime() - DAY, rank: last++, ...more });
  const edges = {
    dated: apart('dated evidence', {
      custom: ev(evidence({ interviews: 2 }, 'unvalidated', '2026-10-01')),
    }),
    validated: apart('validated', { custom: ev(evidence({ interviews: 5 }, 'validated', null)) }),
    invalidated: apart('invalidated', {
      custom: ev(evidence({ interviews: 5 }, 'invalidated', null)),
    }),
    inSprint: apart('in a sprint'),
    fresh: apart('new, no evidence', { status: 'Parking lot' }),
    // Quiet, and ranked first: listed where the column has room.
    parkedWithEvidence: addIdea(space, 'parked with evidence', {
      status: 'Parking lot',
      custom: ev(evidence({ experiments: 1 }, 'unvalidated', null)),
      rank: -2,
    }),
    yesterday: addIdea(space, 'changed yesterday', { updated: now.getTime() - DAY, rank: -1 }),
  };
  ctx.em.setSprint(edges.inSprint.key, sprint.id);
  connectJpdSpace(ctx.em, project, [space.projectKey], now);
  return { space, edges };
}

/** Loads once (the track read whole, the ideas found many), then the counted load. */
async function countedLoad(key: string) {
  ctx.em.resetCalls();
  await load(key);
  const wholeIssues = returnedIssues();
  expect(remembered(key)).toMatchObject({ few: false });
  sharedPagesExpire(ctx.em, key);
  ctx.em.resetCalls();
  const page = await load(key);
  return { page, wholeIssues };
}

const same = async (page: ProjectOverview, key: string) =>
  expect(comparablePage(page)).toEqual(comparablePage(await referencePage(ctx.em, key, now)));

describe("a connected space's quiet ideas, counted instead of read", () => {
  it('gives the page a load reading every idea gives, with room for them in the column', async () => {
    const demo = seedDemoProject(ctx.em, { now });
    const project = { key: 'DT', id: demo.projectId };
    const { space, edges } = seedSpace(project, demo.discoveryEvidence.id);
    const story = addDemoItem(ctx.em, 'DT', now, {
      type: 'Story',
      summary: 'Gift card checkout',
      status: 'To Do',
      points: 3,
    });
    const linked = addIdea(space, 'linked to a story');
    if (space.linkType) linkDelivery(ctx.em, space.linkType, story, linked);
    const { page, wholeIssues } = await countedLoad('DT');
    expect(remembered('DT')).toMatchObject({ few: false, room: true });
    const quiet = quietJql();
    // A count and an idle count, the most idle ones and, with room, the first ones by rank.
    expect(
      quiet.filter((q) => q.endsWith('ORDER BY Rank ASC') && !q.includes('NOT (')),
    ).toHaveLength(1);
    expect(quiet.filter((q) => q.endsWith('ORDER BY updated ASC, Rank ASC'))).toHaveLength(1);
    expect(
      calls().filter(
        (c) => c.operationId === 'countIssues' && jqlOf(c).includes('AND status in ('),
      ),
    ).toHaveLength(2);
    expect(returnedIssues()).toBeLessThan(wholeIssues - 250);
    await same(page, 'DT');
    const validating = page.discovery.validating.map((i) => i.key);
    // Ranked first, the quiet ones are listed; the others sit where their evidence puts them.
    expect(validating).toEqual(
      expect.arrayContaining([edges.parkedWithEvidence.key, edges.yesterday.key]),
    );
    expect(page.discovery.new.map((i) => i.key)).toContain(edges.fresh.key);
    expect(page.discovery.validated.map((i) => i.key)).toContain(edges.validated.key);
    expect(page.discovery.invalidated.map((i) => i.key)).toContain(edges.invalidated.key);
    expect(page.columnCounts.discovery.validating).toBeGreaterThan(COUNTED_IDEAS_MIN);
    // Idle: every seeded idea (changed on one day, told apart by rank) but yesterday's.
    const idle = page.signals.openEnded.idleItems.map((i) => i.key);
    expect(idle).not.toContain(edges.yesterday.key);
    expect(page.signals.openEnded.idleCount).toBeGreaterThan(COUNTED_IDEAS_MIN);
  }, 60_000);

  it('reads none of their items where the project’s own ideas fill the column', async () => {
    const big = seedSyntheticProject(ctx.em, { openItems: 2000, now, evidenceEvery: 3 });
    const project = { key: big.projectKey, id: big.projectId };
    seedSpace(project, big.discoveryEvidenceId);
    const { page } = await countedLoad(big.projectKey);
    expect(remembered(big.projectKey)).toMatchObject({ few: false, room: false });
    const quiet = quietJql().filter((q) => !q.includes('NOT ('));
    expect(quiet.filter((q) => q.endsWith('ORDER BY Rank ASC'))).toHaveLength(0);
    expect(quiet.filter((q) => q.endsWith('ORDER BY updated ASC, Rank ASC'))).toHaveLength(1);
    await same(page, big.projectKey);
  }, 60_000);

  it('reads their first ones in a second round when the column has room it did not expect', async () => {
    const big = seedSyntheticProject(ctx.em, { openItems: 2000, now, evidenceEvery: 3 });
    const project = { key: big.projectKey, id: big.projectId };
    seedSpace(project, big.discoveryEvidenceId);
    await countedLoad(big.projectKey);
    // The project's own ideas in progress are finished: the column has room now.
    const done = ctx.em.statusNamed('Done');
    for (const issue of ctx.em.issues.values()) {
      if (
        issue.key.startsWith(`${big.projectKey}-`) &&
        issue.statusId === ctx.em.statusNamed('In Progress')?.id
      ) {
        issue.statusId = done?.id ?? issue.statusId;
      }
    }
    sharedPagesExpire(ctx.em, big.projectKey);
    ctx.em.resetCalls();
    const page = await load(big.projectKey);
    const quiet = quietJql().filter((q) => !q.includes('NOT ('));
    expect(quiet.filter((q) => q.endsWith('ORDER BY Rank ASC'))).toHaveLength(1);
    await same(page, big.projectKey);
    expect(remembered(big.projectKey)).toMatchObject({ room: true });
  }, 60_000);

  it('reads every idea, now and next time, on a site that does not take their count', async () => {
    const demo = seedDemoProject(ctx.em, { now });
    seedSpace({ key: 'DT', id: demo.projectId }, demo.discoveryEvidence.id);
    await load('DT');
    // Refused: the idle list and count only, so the whole sets' search goes through.
    ctx.em.refusedJql = /"Discovery evidence".+updated < \d+/;
    sharedPagesExpire(ctx.em, 'DT');
    const page = await load('DT');
    await same(page, 'DT');
    expect(remembered('DT')).toMatchObject({ few: true });
    sharedPagesExpire(ctx.em, 'DT');
    ctx.em.resetCalls();
    await load('DT');
    expect(quietJql()).toHaveLength(0);
  }, 60_000);

  it('leaves the plan alone for a viewer who may not browse the space', async () => {
    const demo = seedDemoProject(ctx.em, { now });
    seedSpace({ key: 'DT', id: demo.projectId }, demo.discoveryEvidence.id);
    await countedLoad('DT');
    ctx.em.revoke('IDEA', DEMO_USERS.member);
    sharedPagesExpire(ctx.em, 'DT');
    const page = await load('DT');
    const ideas = Object.values(page.discovery)
      .flat()
      .filter((i) => i.key.startsWith('IDEA-'));
    expect(ideas).toHaveLength(0);
    expect(page.columnCounts.discovery.validating).toBeLessThan(50);
    expect(remembered('DT')).toMatchObject({ few: false });
  }, 60_000);

  it('the query and its item-by-item condition pick the same ideas', async () => {
    const demo = seedDemoProject(ctx.em, { now });
    const project = { key: 'DT', id: demo.projectId };
    seedSpace(project, demo.discoveryEvidence.id);
    const data = await everyItemData(ctx.em, project.key, now);
    const ideas = data.reads.discovery.filter((i) => i.key.startsWith('IDEA-'));
    const byCondition = ideas.filter(isQuietIdea);
    const statuses = [...new Set(byCondition.map((i) => i.status))];
    const where = `${ideasJql(['IDEA'])?.where ?? ''} AND ${quietIdeasCondition(statuses) ?? ''}`;
    const byQuery = await keysFound(ctx.em, where);
    expect(byQuery.length).toBeGreaterThan(COUNTED_IDEAS_MIN);
    expect([...byQuery].sort()).toEqual(byCondition.map((i) => i.key).sort());
    // What the condition leaves out, the read of the other ideas picks up: each idea once.
    const others = ideasJql(['IDEA'], quietIdeasCondition(statuses))?.where ?? '';
    const rest = await keysFound(ctx.em, others);
    expect(rest.filter((k) => byQuery.includes(k))).toEqual([]);
    expect(rest.length + byQuery.length).toBe(
      [...ctx.em.issues.values()].filter(
        (i) =>
          i.projectId === ctx.em.projectByKey('IDEA').id &&
          i.statusId !== ctx.em.statusNamed("Won't do")?.id,
      ).length,
    );
  }, 60_000);

  it("the bench's bound counts the quiet ideas the page does not list, and keeps those it does", async () => {
    const demo = seedDemoProject(ctx.em, { now });
    const project = { key: 'DT', id: demo.projectId };
    seedSpace(project, demo.discoveryEvidence.id);
    const data = await everyItemData(ctx.em, project.key, now);
    const page = await referencePage(ctx.em, 'DT', now);
    const listed = new Set([
      ...page.discovery.validating.map((i) => i.key),
      ...page.signals.openEnded.idleItems.map((i) => i.key),
    ]);
    const quiet = data.reads.discovery.filter((i) => i.key.startsWith('IDEA-') && isQuietIdea(i));
    const unlisted = quiet.filter((i) => !listed.has(i.key));
    expect(unlisted.length).toBeGreaterThan(COUNTED_IDEAS_MIN);
    expect(unlisted.length).toBeLessThan(quiet.length);
    const needs = neededItems(data, 0, 0);
    expect(needs.counted).toEqual({
      items: needs.items - unlisted.length,
      // One count for the column, one for the idle ones the idle list leaves out.
      counts: needs.counts + 2,
    });
  }, 60_000);
});
