import { addDemoItem, seedSyntheticProject } from '../../dev/emulator/demo-project';
import type { ProjectOverview } from '../../src/contract/project-overview';
import { LIST_LIMIT } from '../../src/project-page/project-reads';
import { foldInProgressNext } from '../../src/project-page/in-progress-read';
import { FOLD_MAX } from '../../src/storage/page-cache-store';
import { useEmulator } from '../helpers/emulator';
import { comparablePage, loadPage, referencePage } from '../helpers/page-reference';
import { sharedPagesExpire } from '../helpers/shared-page';
import { boardShowsAnotherProject } from '../helpers/board-projects';

/**
 * The delivery items in progress outside the active sprint, read with the whole sets' search
 * when the last load found few of them (src/project-page/in-progress-read.ts, read-plan.ts):
 * one search fewer, and the same column, count and signals as reading every open item.
 */
const ctx = useEmulator();
const now = new Date();
const KEY = 'BIG';

const load = (): Promise<ProjectOverview> => loadPage(ctx.em, KEY);
const reference = (): Promise<ProjectOverview> => referencePage(ctx.em, KEY, now);

const searchJql = (): string[] =>
  ctx.em
    .jiraCalls()
    .filter((c) => c.operationId === 'searchAndReconsileIssuesUsingJqlPost')
    .map((c) => String((c.body as { jql?: unknown } | undefined)?.jql));
const inProgressClause = 'statusCategory = "In Progress"';
/** The column's own search, not folded into the whole sets'. */
const ownSearches = () =>
  searchJql().filter((jql) => jql.includes(inProgressClause) && !jql.includes(') OR (project'));
/** The whole sets' search with the column folded into it. */
const foldedSearches = () =>
  searchJql().filter((jql) => jql.includes(') OR (project') && jql.includes(inProgressClause));
const countedInProgress = () =>
  ctx.em
    .jiraCalls()
    .filter((c) => c.operationId === 'countIssues')
    .filter((c) =>
      String((c.body as { jql?: unknown } | undefined)?.jql).includes(inProgressClause),
    );

async function laterLoad(): Promise<ProjectOverview> {
  sharedPagesExpire(ctx.em, KEY);
  ctx.em.resetCalls();
  return load();
}

/**
 * 300 open items; every tenth from the 6th is a delivery item in progress: 28 outside the sprint
 * (two are in it), and every tenth from the 1st a discovery item in progress (not in the
 * column). With 5 done stories a closed sprint, the whole sets' search holds fewer than 72
 * issues: the 28 fit in its one page.
 */
function seed(closedSprintItems = 5): void {
  seedSyntheticProject(ctx.em, { openItems: 300, now, closedSprintItems });
}

/** Adds `n` stories in progress, outside any sprint, at the end of the rank. */
function startStories(n: number): void {
  for (let i = 0; i < n; i++) {
    addDemoItem(ctx.em, KEY, now, {
      type: 'Story',
      summary: `Started ${i}`,
      status: 'In Progress',
    });
  }
}

describe('the items in progress outside the sprint, read with the whole sets when few', () => {
  it('a later load picks them out of the whole sets’ search: no search of their own, the page as from every item', async () => {
    seed();
    ctx.em.resetCalls();
    const first = await load();
    expect(ownSearches()).toHaveLength(1);
    expect(foldedSearches()).toEqual([]);
    expect(first.columnCounts.delivery.inProgress).toBe(28);
    const firstSearches = new Set(searchJql()).size;
    const later = await laterLoad();
    expect(ownSearches()).toEqual([]);
    // one search (in pages) fewer, and one more for the entry criteria's few matches, folded
    // too (needs-discovery.test.ts)
    expect(new Set(foldedSearches()).size).toBe(1);
    expect(new Set(searchJql()).size).toBe(firstSearches - 2);
    expect(countedInProgress()).toEqual([]);
    expect(later.delivery.inProgress).toEqual(first.delivery.inProgress);
    expect(later.columnCounts).toEqual(first.columnCounts);
    expect(comparablePage(later)).toEqual(comparablePage(await reference()));
    // Folded, the search's size holds them: they stay folded while that still saves a call.
    await laterLoad();
    expect(ownSearches()).toEqual([]);
    expect(new Set(foldedSearches()).size).toBe(1);
  }, 30_000);

  it(`grown past the list while folded: its first ${LIST_LIMIT} in rank order and the exact count; past ${FOLD_MAX}, read apart again`, async () => {
    seed();
    await load();
    startStories(FOLD_MAX - 28 + 1);
    const folded = await laterLoad();
    expect(ownSearches()).toEqual([]);
    expect(countedInProgress()).toEqual([]);
    expect(folded.columnCounts.delivery.inProgress).toBe(FOLD_MAX + 1);
    expect(folded.delivery.inProgress).toHaveLength(LIST_LIMIT);
    const full = await reference();
    expect(folded.delivery.inProgress).toEqual(full.delivery.inProgress);
    expect(comparablePage(folded)).toEqual(comparablePage(full));
    const apart = await laterLoad();
    expect(ownSearches()).toHaveLength(1);
    expect(foldedSearches()).toEqual([]);
    expect(countedInProgress()).toHaveLength(1);
    expect(apart.delivery.inProgress).toEqual(full.delivery.inProgress);
    expect(apart.columnCounts.delivery.inProgress).toBe(FOLD_MAX + 1);
  }, 30_000);

  it('many in progress at the first load: read apart, the first ones and a count, never folded', async () => {
    seed();
    startStories(FOLD_MAX);
    await load();
    const later = await laterLoad();
    expect(foldedSearches()).toEqual([]);
    expect(ownSearches()).toHaveLength(1);
    expect(countedInProgress()).toHaveLength(1);
    expect(later.columnCounts.delivery.inProgress).toBe(FOLD_MAX + 28);
  }, 30_000);

  it('on a board that also shows another project, that project’s items in progress are in the column, folded or not', async () => {
    seed();
    boardShowsAnotherProject(ctx.em, KEY, now);
    const theirs = addDemoItem(ctx.em, 'OTH', now, {
      type: 'Story',
      summary: 'Their work in progress',
      status: 'In Progress',
    });
    const first = await load();
    expect(first.delivery.inProgress.map((i) => i.key)).toContain(theirs.key);
    const later = await laterLoad();
    expect(ownSearches()).toEqual([]);
    expect(new Set(foldedSearches()).size).toBe(1);
    expect(later.delivery.inProgress).toEqual(first.delivery.inProgress);
    expect(later.columnCounts.delivery.inProgress).toBe(first.columnCounts.delivery.inProgress);
  }, 30_000);

  it('not where they would add a page to the whole sets’ search: no call saved, a round trip more', async () => {
    // 10 done stories a closed sprint: the whole sets' search holds more than 72 issues.
    seed(10);
    await load();
    const later = await laterLoad();
    expect(foldedSearches()).toEqual([]);
    expect(ownSearches()).toHaveLength(1);
    expect(later.columnCounts.delivery.inProgress).toBe(28);
  }, 30_000);
});

describe('foldInProgressNext: folded where it saves calls', () => {
  it.each([
    // whole sets, in progress, folded: apart 1 search (and a count past 50), together the pages added
    [208, 48, true],
    [189, 48, false],
    [345, 60, true],
    [301, 51, true],
    [300, 50, false],
    [0, 0, true],
    [0, FOLD_MAX, true],
    [0, FOLD_MAX + 1, false],
    [undefined, 5, false],
  ])('%p issues in the whole sets, %p in progress: %p', (whole, inProgress, folded) => {
    expect(foldInProgressNext(whole, inProgress)).toBe(folded);
  });
});
