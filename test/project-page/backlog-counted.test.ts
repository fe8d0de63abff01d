import { addDemoItem, DEMO_USERS, seedSyntheticProject } from '../../dev/emulator/demo-project';
import type { EmIssue } from '../../dev/emulator/model';
import type { ProjectOverview } from '../../src/contract/project-overview';
import {
  backlogNext,
  COUNTED_BACKLOG_MIN,
  idleFoldEnd,
  inUnscopedBacklog,
} from '../../src/project-page/backlog-read';
import { unscopedBacklogQuery } from '../../src/project-page/page-queries';
import { idleBefore } from '../../src/domain/signals';
import { PAGE_CACHE_KEYS } from '../../src/storage/key-families';
import { COMPLETE_OUTCOME, seedWaiver, useEmulator } from '../helpers/emulator';
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
import { setLabels } from '../../dev/emulator/routes/enforcement';

/**
 * A long unscoped backlog of spikes and enablers is counted, not read (src/project-page/
 * backlog-read.ts, decision 13): the page must stay the one a load reading every item builds,
 * whatever the backlog holds around the query's edges.
 */
const ctx = useEmulator();
const now = new Date();
const DAY = 86_400_000;

const load = (projectKey: string): Promise<ProjectOverview> => loadPage(ctx.em, projectKey);

const returnedIssues = () => returnedIssuesOf(ctx.em);
const remembered = (key: string) =>
  (
    ctx.em.kvs.peek(PAGE_CACHE_KEYS.site(key)) as
      { backlogRead?: { few: boolean; idleUpTo?: number } } | undefined
  )?.backlogRead;

/**
 * A synthetic project whose 600 spikes and enablers wait without a scoped outcome, and items
 * around each edge of the backlog's query: parts empty or not, placeholders, a spike's too long
 * timebox, a future sprint, a waiver, work started, equal last-change times, the idle boundary;
 * ranked ahead of every seeded item, or after all of them.
 */
function seedVaried() {
  const big = seedSyntheticProject(ctx.em, { openItems: 3000, now, discoveryPerTen: 3 });
  const key = big.projectKey;
  let top = -1;
  let bottom = 1_000_000;
  const add = (
    type: 'Enabler' | 'Spike',
    summary: string,
    more: {
      outcome?: Record<string, unknown>;
      status?: 'In Progress';
      updated?: number;
      /** Ranked after every other item: never among the backlog's first items read. */
      last?: boolean;
    } = {},
  ): EmIssue => {
    const issue = addDemoItem(ctx.em, key, now, {
      type,
      summary,
      ...(more.status ? { status: more.status } : {}),
      ...(more.outcome ? { custom: { [scopedOutcomeId()]: more.outcome } } : {}),
    });
    issue.rank = more.last ? bottom++ : top--;
    if (more.updated !== undefined) issue.updated = new Date(more.updated).toISOString();
    return issue;
  };
  const old = now.getTime() - 45 * DAY;
  const boundary = idleBefore(now, 14);
  const future = ctx.em.addSprint({ boardId: big.boardId, name: 'Next', state: 'future' });
  const edges = {
    // Equal last changes, older than any other: the idle list's first three, in rank order.
    tiedA: add('Enabler', 'tied A', { updated: old }),
    tiedB: add('Spike', 'tied B', { updated: old }),
    tiedC: add('Enabler', 'tied C', { updated: old }),
    justIdle: add('Enabler', 'just idle', { updated: boundary - 1 }),
    notYetIdle: add('Enabler', 'not yet idle', { updated: boundary }),
    noMeasure: add('Enabler', 'no measure', { outcome: { outcome: COMPLETE_OUTCOME.outcome } }),
    spikeNoDays: add('Spike', 'spike without days', {
      outcome: { outcome: COMPLETE_OUTCOME.outcome, successMeasure: 'p95 under 20 ms' },
    }),
    emptyMeasure: add('Enabler', 'empty measure', {
      outcome: { ...COMPLETE_OUTCOME, successMeasure: '' },
    }),
    placeholder: add('Enabler', 'placeholder', {
      outcome: { ...COMPLETE_OUTCOME, outcome: 'TBD' },
    }),
    tooLong: add('Spike', 'ten-day spike', { outcome: { ...COMPLETE_OUTCOME, timeboxDays: 10 } }),
    // Outside the backlog by one condition each, and ranked last: counted by mistake, they
    // would not be read, and the counts would differ from the reference's.
    scoped: add('Enabler', 'scoped', { outcome: COMPLETE_OUTCOME, last: true }),
    dateBound: add('Enabler', 'bound by a date', {
      outcome: { ...COMPLETE_OUTCOME, timeboxDays: undefined, targetDate: '2027-01-15' },
      last: true,
    }),
    started: add('Spike', 'started', { status: 'In Progress', last: true }),
    nextSprint: add('Enabler', 'next sprint', { last: true }),
    waived: add('Enabler', 'waived', { last: true }),
  };
  ctx.em.setSprint(edges.nextSprint.key, future.id);
  seedWaiver(ctx.em, edges.waived, {
    reason: 'Agreed with the architects',
    expiresOn: new Date(now.getTime() + 10 * DAY).toISOString().slice(0, 10),
    grantedBy: DEMO_USERS.member,
    grantedAt: now.toISOString(),
  });
  return { key, edges };
}

const scopedOutcomeId = (): string => {
  const field = [...ctx.em.fields.values()].find((f) => f.name === 'Scoped outcome');
  if (!field) throw new Error('no Scoped outcome field');
  return field.id;
};

describe('a long unscoped backlog, counted instead of read', () => {
  it('gives the page a load reading every item gives, for far fewer issues', async () => {
    const { key, edges } = seedVaried();
    ctx.em.resetCalls();
    const first = await load(key);
    const firstIssues = returnedIssues();
    // The first load reads the track whole and finds the backlog long.
    expect(first.columnCounts.engineering.unscoped).toBeGreaterThanOrEqual(COUNTED_BACKLOG_MIN);
    expect(remembered(key)).toMatchObject({ few: false });
    sharedPagesExpire(ctx.em, key);
    ctx.em.resetCalls();
    const counted = await load(key);
    const jql = ctx.em.jiraCalls().map(jqlOf);
    expect(jql.some((q) => q.includes('AND NOT (statusCategory = "To Do"'))).toBe(true);
    // The backlog's first items in rank order and its most idle ones, each kind counted and
    // its idle ones: two lists and three counts.
    const backlog = jql.filter((q) =>
      q.startsWith(
        'project = "BIG" AND statusCategory = "To Do" AND (sprint is EMPTY OR sprint not in openSprints())',
      ),
    );
    expect(backlog.filter((q) => q.endsWith('ORDER BY Rank ASC'))).toHaveLength(1);
    expect(backlog.filter((q) => q.endsWith('ORDER BY updated ASC, Rank ASC'))).toHaveLength(1);
    expect(backlog.filter((q) => !q.includes('ORDER BY'))).toHaveLength(3);
    expect(returnedIssues()).toBeLessThan(firstIssues - 400);
    const reference = await referencePage(ctx.em, key);
    expect(comparablePage(counted)).toEqual(comparablePage(reference));
    // The edges landed where the reference puts them.
    const idle = counted.signals.openEnded.idleItems.map((i) => i.key);
    expect(idle.slice(0, 3)).toEqual([edges.tiedC.key, edges.tiedB.key, edges.tiedA.key]);
    // One millisecond either side of the idle boundary is told apart (the counts match).
    expect(counted.signals.openEnded.idleCount).toBe(reference.signals.openEnded.idleCount);
    const unscoped = counted.engineering.unscoped.map((i) => i.key);
    for (const edge of [
      'noMeasure',
      'spikeNoDays',
      'emptyMeasure',
      'placeholder',
      'tooLong',
    ] as const) {
      expect(unscoped).toContain(edges[edge].key);
    }
    expect(counted.engineering.scoped.map((i) => i.key)).toEqual(
      expect.arrayContaining([edges.scoped.key, edges.dateBound.key]),
    );
    const signal = counted.signals.unscopedEnablers;
    // In a sprint (a future one), so listed among the first, though ranked last.
    expect(signal.items.find((i) => i.key === edges.nextSprint.key)?.inSprint).toBe(true);
    expect(signal.waived.map((w) => w.key)).toEqual([edges.waived.key]);
    expect(signal.count).toBe(reference.signals.unscopedEnablers.count);
    expect(counted.totals.discovery).toBe(reference.totals.discovery);
  }, 60_000);

  it('reads the track whole, now and next time, on a site that does not take the count', async () => {
    const { key } = seedVaried();
    await load(key);
    ctx.em.refusedJql = /"Scoped outcome"\.\w+ IS EMPTY/;
    sharedPagesExpire(ctx.em, key);
    const page = await load(key);
    expect(comparablePage(page)).toEqual(comparablePage(await referencePage(ctx.em, key)));
    expect(remembered(key)).toMatchObject({ few: true });
    sharedPagesExpire(ctx.em, key);
    ctx.em.resetCalls();
    await load(key);
    const jql = ctx.em.jiraCalls().map(jqlOf);
    expect(jql.some((q) => q.includes('IS EMPTY'))).toBe(false);
  }, 60_000);

  it('the backlog query and its item-by-item condition pick the same items', async () => {
    const { key } = seedVaried();
    const data = await everyItemData(ctx.em, key, now);
    const typeIds = (name: string) =>
      [...ctx.em.issueTypes.values()].filter((t) => t.name === name).map((t) => t.id);
    const waivedIds = (data.waivers ?? []).map((w) => w.issueId);
    const rules = data.config.scopedOutcome;
    const query = unscopedBacklogQuery(`project = "${key}"`, {
      enablerTypeIds: typeIds('Enabler'),
      spikeTypeIds: typeIds('Spike'),
      rules,
      waivedIds,
    });
    const byQuery = await keysFound(ctx.em, query?.ordered ?? '');
    const waived = new Set(waivedIds);
    const byCondition = data.reads.discovery
      .filter((i) => inUnscopedBacklog(i, rules, waived))
      .map((i) => i.key);
    expect(byQuery.length).toBeGreaterThan(COUNTED_BACKLOG_MIN);
    expect([...byQuery].sort()).toEqual([...byCondition].sort());
  }, 60_000);

  it('reads a short backlog with the track', async () => {
    const big = seedSyntheticProject(ctx.em, { openItems: 1500, now, discoveryPerTen: 3 });
    await load(big.projectKey);
    expect(remembered(big.projectKey)).toMatchObject({ few: true });
    sharedPagesExpire(ctx.em, big.projectKey);
    ctx.em.resetCalls();
    const page = await load(big.projectKey);
    expect(
      ctx.em
        .jiraCalls()
        .map(jqlOf)
        .some((q) => q.includes('IS EMPTY')),
    ).toBe(false);
    expect(comparablePage(page)).toEqual(
      comparablePage(await referencePage(ctx.em, big.projectKey)),
    );
  }, 60_000);
});

describe('the counted backlog’s idle list, with the whole sets’ search where it fits', () => {
  /** 2,000 items, 30% discovery: 396 unscoped spikes and enablers, 345 issues in the sets. */
  function seedFitting() {
    return seedSyntheticProject(ctx.em, {
      openItems: 2000,
      now,
      discoveryPerTen: 3,
      closedSprintItems: 40,
    });
  }
  const jqlNow = () => ctx.em.jiraCalls().map(jqlOf);
  const idleLists = () => jqlNow().filter((q) => q.endsWith('ORDER BY updated ASC, Rank ASC'));
  const foldedIdle = () => jqlNow().filter((q) => q.includes(' AND updated <= '));
  /** The seeded spikes and enablers not started, in no sprint: the unscoped backlog. */
  const backlogIssues = (key: string) => {
    const project = ctx.em.projectByKey(key);
    const types = new Set(
      [...ctx.em.issueTypes.values()]
        .filter((t) => t.name === 'Spike' || t.name === 'Enabler')
        .map((t) => t.id),
    );
    const toDo = ctx.em.statusNamed('To Do')?.id;
    return [...ctx.em.issues.values()]
      .filter((i) => i.projectId === project.id && types.has(i.issueTypeId))
      .filter((i) => i.statusId === toDo && !i.custom.has(ctx.em.sprintField.id))
      .sort((a, b) => Date.parse(a.updated) - Date.parse(b.updated));
  };

  async function laterLoad(key: string) {
    sharedPagesExpire(ctx.em, key);
    ctx.em.resetCalls();
    return load(key);
  }

  it('a load that read the track whole plans the count, and the idle list folded: no search of its own, the page as from every item', async () => {
    const { projectKey: key } = seedFitting();
    await load(key);
    // Counting asks no more than the 4 pages the backlog adds to the sets: counted next time.
    expect(remembered(key)?.few).toBe(false);
    expect(typeof remembered(key)?.idleUpTo).toBe('number');
    const page = await laterLoad(key);
    expect(idleLists()).toEqual([]);
    expect(new Set(foldedIdle()).size).toBe(1);
    // Of the backlog, the first list and the counts: no search of its own for the idle list.
    const ownSearches = jqlNow().filter((q) =>
      q.startsWith(
        'project = "BIG" AND statusCategory = "To Do" AND (sprint is EMPTY OR sprint not in openSprints())',
      ),
    );
    expect(ownSearches.filter((q) => q.includes('ORDER BY'))).toHaveLength(1);
    expect(comparablePage(page)).toEqual(comparablePage(await referencePage(ctx.em, key)));
  }, 60_000);

  it('with fewer than 50 left of the folded idle items (some touched since), the same load reads the idle list', async () => {
    const { projectKey: key } = seedFitting();
    await load(key);
    const upTo = remembered(key)?.idleUpTo ?? 0;
    const oldest = backlogIssues(key).filter((i) => Date.parse(i.updated) <= upTo);
    expect(oldest).toHaveLength(50);
    for (const issue of oldest.slice(0, 5)) issue.updated = new Date().toISOString();
    const page = await laterLoad(key);
    expect(new Set(foldedIdle()).size).toBe(1);
    expect(idleLists()).toHaveLength(1);
    expect(comparablePage(page)).toEqual(comparablePage(await referencePage(ctx.em, key)));
    // The next load folds up to the new 50th.
    expect(remembered(key)?.idleUpTo).toBeGreaterThan(upTo);
    await laterLoad(key);
    expect(idleLists()).toEqual([]);
  }, 60_000);

  it('an item that joins the backlog without a new last change, older than all, is among the folded ones', async () => {
    const { projectKey: key } = seedFitting();
    await load(key);
    // A scoped enabler, idle for long, its outcome cleared behind Jira's back (no new last change).
    const scoped = addDemoItem(ctx.em, key, now, {
      type: 'Enabler',
      summary: 'scoped long ago',
      custom: { [scopedOutcomeId()]: COMPLETE_OUTCOME },
    });
    scoped.updated = new Date(now.getTime() - 300 * DAY).toISOString();
    await laterLoad(key);
    ctx.em.setCustom(scoped.key, scopedOutcomeId(), { outcome: COMPLETE_OUTCOME.outcome });
    const page = await laterLoad(key);
    expect(idleLists()).toEqual([]);
    expect(page.signals.openEnded.idleItems[0]?.key).toBe(scoped.key);
    expect(comparablePage(page)).toEqual(comparablePage(await referencePage(ctx.em, key)));
  }, 60_000);

  it('the plan counts the reads folded in next time: from the second load on, the same whole sets’ search and plan', async () => {
    const s = seedFitting();
    const key = s.projectKey;
    // 6 more items meeting the entry criteria, folded in from the second load: with them and 50
    // idle items the whole sets' search would start a page more, so the backlog is read whole.
    for (const issue of s.openDelivery.slice(600, 606))
      setLabels(ctx.em, issue.key, ['architecture']);
    const plan = () => {
      const site = ctx.em.kvs.peek(PAGE_CACHE_KEYS.site(key)) as
        | { wholeSets?: { query?: string }; backlogRead?: { few: boolean; idleUpTo?: number } }
        | undefined;
      return { search: site?.wholeSets?.query, backlog: site?.backlogRead };
    };
    await load(key);
    const first = plan();
    await laterLoad(key);
    const second = plan();
    const page = await laterLoad(key);
    expect(plan()).toEqual(second);
    expect(second.backlog).toEqual(first.backlog);
    expect(second.backlog).toMatchObject({ few: true });
    expect(comparablePage(page)).toEqual(comparablePage(await referencePage(ctx.em, key)));
  }, 60_000);

  it('Jira refusing the joint search: the sets and the idle list read apart in the same load, not folded next time', async () => {
    const { projectKey: key } = seedFitting();
    await load(key);
    ctx.em.refusedJql = / AND updated <= \d+\)/;
    const page = await laterLoad(key);
    expect(idleLists()).toHaveLength(1);
    expect(comparablePage(page)).toEqual(comparablePage(await referencePage(ctx.em, key)));
    // Not folded next time: no refused search again. Without the fold, counting would ask more
    // than the pages the backlog adds to the sets: it is read with them.
    expect(remembered(key)).toMatchObject({ few: true });
    expect(remembered(key)?.idleUpTo).toBeUndefined();
    const next = await laterLoad(key);
    expect(foldedIdle()).toEqual([]);
    expect(ctx.em.jiraCalls().filter((c) => c.status === 400)).toEqual([]);
    expect(comparablePage(next)).toEqual(comparablePage(await referencePage(ctx.em, key)));
  }, 60_000);
});

describe('backlogNext: counted where it asks Jira no more', () => {
  const idle = { upTo: 1, items: 50 };
  it.each([
    // size, whole sets without it, idle fold end, kinds: counted, folded
    [396, 345, idle, 2, false, true], // 4 calls counting (first list, 3 counts), 4 pages read
    [396, 345, { upTo: 1, items: 66 }, 2, true, false], // the fold adds a page: 5 calls
    [396, 300, idle, 2, true, false], // read: 4 pages; counted: 5 calls (the fold adds a page)
    [300, 345, idle, 2, true, false], // read: 3 pages
    [300, 345, idle, 1, false, true], // one kind: 3 calls counting
    [2000, 345, undefined, 2, false, false], // no fold end: the idle list read apart
    [40, 0, idle, 2, true, false],
  ])(
    '%p items, %p in the sets, fold %j, %p kinds: read %p, folded %p',
    (size, wholeSets, end, kinds, few, folded) => {
      const next = backlogNext({ size, refused: false, wholeSets, idle: end, kinds });
      expect(next.few).toBe(few);
      expect(next.idleUpTo !== undefined).toBe(folded);
      expect(next.inWholeSets).toBe(few ? size : folded ? (end?.items ?? 0) : 0);
    },
  );

  it('reads a backlog Jira refused to count, and without a whole sets’ search counts from COUNTED_BACKLOG_MIN', () => {
    expect(backlogNext({ size: 5000, refused: true, wholeSets: 345, idle, kinds: 2 }).few).toBe(
      true,
    );
    const noSearch = (size: number) =>
      backlogNext({ size, refused: false, wholeSets: undefined, idle, kinds: 2 }).few;
    expect(noSearch(COUNTED_BACKLOG_MIN - 1)).toBe(true);
    expect(noSearch(COUNTED_BACKLOG_MIN)).toBe(false);
  });
});

describe('idleFoldEnd: the 50th idle item’s last change', () => {
  const item = (key: string, daysAgo: number) =>
    ({ key, updated: new Date(now.getTime() - daysAgo * DAY).toISOString() }) as never;
  it('least recently touched first; items changed at the same moment as the 50th are counted too; none under 50 idle', () => {
    const threshold = now.getTime() - 14 * DAY;
    const items = [
      ...Array.from({ length: 49 }, (_, i) => item(`A-${i}`, 100 + i)),
      item('B-1', 20),
      item('B-2', 20),
      item('C-1', 3), // not idle
    ];
    expect(idleFoldEnd(items, threshold)).toEqual({
      upTo: now.getTime() - 20 * DAY,
      items: 51,
    });
    expect(idleFoldEnd(items.slice(1), threshold)).toEqual({
      upTo: now.getTime() - 20 * DAY,
      items: 50,
    });
    expect(idleFoldEnd(items.slice(2), threshold)).toBeUndefined();
  });
});
