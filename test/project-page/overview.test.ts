import {
  addDemoItem,
  DEMO_USERS,
  seedDemoProject,
  seedProjectShell,
  seedSprintHistory,
  seedSyntheticProject,
  type DemoProject,
} from '../../dev/emulator/demo-project';
import { SEARCH_PAGE_WITH_FIELDS } from '../../dev/emulator/routes/search';
import api, { route } from '@forge/api';
import { DEFAULT_CONFIG } from '../../src/domain/config';
import { LIST_LIMIT } from '../../src/project-page/project-reads';
import type { Result } from '../../src/contract/bridge-contract';
import type { OverviewItem, ProjectOverview } from '../../src/contract/project-overview';
import { useEmulator } from '../helpers/emulator';
import { callResolver } from '../helpers/invoke';
import { sharedPagesExpire } from '../helpers/shared-page';
import { boardShowsAnotherProject } from '../helpers/board-projects';
import { comparablePage, referencePage } from '../helpers/page-reference';
import { KEYS, PAGE_CACHE_KEYS } from '../../src/storage/key-families';

/**
 * Drives `project/overview` the way Forge invokes it, against the emulated site: the demo
 * project's signals with their numbers and reasons, both tracks kept apart, the badges, every
 * missing-data case explaining itself, the permission refusal, and the cost of one page load in
 * Jira requests at scale.
 */
const ctx = useEmulator();
const now = new Date();

async function overview(
  projectKey: string,
  accountId: string = DEMO_USERS.member,
): Promise<Result<ProjectOverview>> {
  const project = ctx.em.projectByKey(projectKey);
  return callResolver<ProjectOverview>(
    ctx.em,
    'project/overview',
    accountId,
    {},
    {
      extension: { project: { id: project.id, key: project.key } },
    },
  );
}

async function load(projectKey: string): Promise<ProjectOverview> {
  const result = await overview(projectKey);
  if (!result.ok) throw new Error(`project/overview failed: ${JSON.stringify(result.error)}`);
  return result.data;
}

const operations = () => ctx.em.jiraCalls().map((c) => c.operationId);
/** The JQL a count was asked for. */
const countedJql = (c: { body?: unknown }): string => {
  const jql = (c.body as { jql?: unknown } | undefined)?.jql;
  return typeof jql === 'string' ? jql : '';
};
/** The sets read whole are one search whose JQL holds every set, velocity's done items too. */
const isWholeSets = (jql: string) =>
  /\(sprint in \([\d, ]+\) AND statusCategory = Done\)\)/.test(jql);
/**
 * Approximate counts of lists not read to their end. A load that is not served a shared page
 * first asks what the viewer sees (a search and a count; src/project-page/shared-overview.ts);
 * a whole-sets search longer than two pages is counted to decide whether to read it in parts
 * (src/jira/search-in-parts.ts).
 */
const listCounts = () =>
  ctx.em
    .jiraCalls()
    .slice(2)
    .filter((c) => c.operationId === 'countIssues' && !isWholeSets(countedJql(c)));
/** Counts of the whole-sets search (its rest, past two pages). */
const wholeSetCounts = () =>
  ctx.em.jiraCalls().filter((c) => c.operationId === 'countIssues' && isWholeSets(countedJql(c)));
const allItems = (o: ProjectOverview): OverviewItem[] => [
  ...Object.values(o.discovery).flat(),
  ...Object.values(o.engineering).flat(),
  ...o.delivery.activeSprint,
  ...o.delivery.ready,
  ...o.delivery.inProgress,
];
const find = (o: ProjectOverview, summary: string): OverviewItem => {
  const item = allItems(o).find((i) => i.summary === summary);
  if (!item) throw new Error(`no item "${summary}"`);
  return item;
};

describe('the demo project', () => {
  let demo: DemoProject;
  let page: ProjectOverview;

  beforeEach(async () => {
    demo = seedDemoProject(ctx.em, { now });
    ctx.em.resetCalls();
    page = await load(demo.projectKey);
  });

  it('answers for the context project with its board and sprint', () => {
    expect(page.project).toEqual({
      id: demo.projectId,
      key: 'DT',
      name: 'Dual Track Demo',
    });
    expect(page.unit).toBe('points');
    expect(page.board).toEqual({ id: demo.boardId, name: 'DT Scrum board' });
    expect(page.activeSprint).toEqual({ id: demo.activeSprint.id, name: 'DT Sprint 7' });
    expect(page.notes).toEqual([]);
    expect(page.totals).toEqual({ openItems: 35, discovery: 21, delivery: 14, omitted: 0 });
  });

  it('runway: 20 truly ready points at a delivery velocity of 18.7 is healthy; the 4 items not ready are left out, each with its reason', () => {
    expect(page.signals.runway).toMatchObject({
      level: 'ok',
      verdict: 'healthy',
      readyWork: 20,
      velocity: 56 / 3,
      velocitySprints: 3,
      sprints: 1.1,
      unit: 'points',
    });
    // Not started and outside the sprint, but not ready: the page flags them too.
    expect(page.signals.runway.excluded.items).toEqual([
      { key: 'DT-55', summary: 'Order tracking page', reason: 'needs-discovery', keys: [] },
      {
        key: 'DT-57',
        summary: 'Wishlist sharing',
        reason: 'waiting-on-discovery',
        keys: ['DT-61'],
      },
      { key: 'DT-58', summary: 'Returns portal', reason: 'waiting-on-discovery', keys: ['DT-70'] },
      { key: 'DT-59', summary: 'Loyalty points', reason: 'unestimated', keys: [] },
    ]);
    expect(page.signals.runway.reason).toBe(
      'Within the 1-2 sprint target. 20 points of ready delivery work ÷ 18.7 points of delivery per sprint (average of the last 3 closed sprints); left out as not ready: 1 needing discovery first (entry criteria), 2 waiting on discovery, 1 not estimated.',
    );
  });

  it('capacity: the spike is 3 of the 21 points; the unscoped enabler the guard takes out is not counted', () => {
    expect(page.signals.capacity).toMatchObject({
      level: 'warning',
      discovery: 3,
      delivery: 18,
      discoveryPercent: 14,
      leftOut: [
        {
          key: demo.keys.unscopedEnablerInSprint,
          summary: 'Enabler: split the session service',
          why: 'unscoped',
        },
      ],
    });
    expect(page.signals.capacity.reason).toBe(
      'Engineering discovery gets 14% of the sprint, below the protected 20% (a warning under 15%): 3 of 21 points in DT Sprint 7 are spikes and scoped enablers; not counted: 1 unscoped spike or enabler in the sprint, which the sprint guard takes out.',
    );
  });

  it('product discovery cadence: the evidence dated since the sprint began, against 3 per sprint', () => {
    expect(page.signals.cadence).toEqual({
      level: 'ok',
      count: 18,
      byType: {
        interview: 11,
        'usability-test': 5,
        'prototype-review': 1,
        'concierge-test': 0,
        experiment: 1,
      },
      target: 3,
      expectedByNow: 1,
      days: { elapsed: 5, length: 14 },
      reason:
        '18 product discovery activities dated in DT Sprint 7 (11 interviews, 5 usability tests, 1 prototype review, 1 experiment), meeting the target of 3 per sprint.',
    });
  });

  it('open-ended discovery: the spike past its timebox and the two idle ideas', () => {
    const openEnded = page.signals.openEnded;
    expect(openEnded.level).toBe('warning');
    expect(openEnded.overrunSpikes).toEqual([
      {
        key: demo.keys.overrunSpike,
        summary: 'Spike: Postgres logical replication for reporting',
        daysUsed: 6,
        timeboxDays: 3,
      },
    ]);
    expect(openEnded.idleItems.map((i) => [i.key, i.idleDays])).toEqual([
      [demo.keys.idleIdeas[1], 30],
      [demo.keys.idleIdeas[0], 21],
    ]);
    expect(openEnded.reason).toBe(
      'Open-ended discovery: 1 spike past the timebox; 2 discovery items untouched for 14+ days.',
    );
  });

  it('unscoped enablers: the one in the active sprint is critical', () => {
    const unscoped = page.signals.unscopedEnablers;
    expect(unscoped.level).toBe('critical');
    expect(unscoped.inSprintCount).toBe(1);
    expect(unscoped.items).toEqual([
      {
        key: demo.keys.unscopedEnablerInSprint,
        summary: 'Enabler: split the session service',
        kind: 'enabler',
        inSprint: true,
        missing: ['outcome', 'successMeasure', 'bound'],
      },
      {
        key: demo.keys.unscopedEnablerInBacklog,
        summary: 'Enabler: feature-flag service',
        kind: 'enabler',
        inSprint: false,
        missing: ['successMeasure'],
      },
    ]);
    expect(unscoped.reason).toBe(
      '1 enabler without a scoped outcome is in a sprint; 1 more in the backlog.',
    );
  });

  it('engineering discovery has its own lane: spikes and enablers by readiness, never among the ideas', () => {
    const lanes = Object.fromEntries(
      Object.entries(page.engineering).map(([lane, items]) => [lane, items.map((i) => i.summary)]),
    );
    expect(lanes).toEqual({
      unscoped: ['Enabler: split the session service', 'Enabler: feature-flag service'],
      scoped: ['Spike: OAuth provider options', 'Enabler: upgrade to the Node 22 runtime'],
      'in-progress': ['Spike: benchmark the image CDN'],
      'over-timebox': ['Spike: Postgres logical replication for reporting'],
      done: [],
    });
    expect(page.columnCounts.engineering).toEqual({
      unscoped: 2,
      scoped: 2,
      'in-progress': 1,
      'over-timebox': 1,
      done: 0,
    });
  });

  it('keeps the two tracks apart: discovery columns hold only discovery items, delivery only delivery', () => {
    for (const [stage, items] of Object.entries(page.discovery)) {
      for (const item of items) {
        expect([item.key, item.track, item.kind, item.stage, item.lane]).toEqual([
          item.key,
          'discovery',
          'idea',
          stage,
          null,
        ]);
      }
    }
    for (const [lane, items] of Object.entries(page.engineering)) {
      for (const item of items) {
        expect([item.key, item.track, item.stage, item.lane]).toEqual([
          item.key,
          'discovery',
          null,
          lane,
        ]);
        expect(['spike', 'enabler']).toContain(item.kind);
      }
    }
    const delivery = [
      ...page.delivery.activeSprint,
      ...page.delivery.ready,
      ...page.delivery.inProgress,
    ];
    for (const item of delivery) {
      expect([item.key, item.track, item.kind, item.stage]).toEqual([
        item.key,
        'delivery',
        'delivery',
        null,
      ]);
    }
    const counts = Object.fromEntries(
      Object.entries(page.discovery).map(([stage, items]) => [stage, items.length]),
    );
    expect(counts).toEqual({ new: 6, validating: 6, validated: 2, invalidated: 1 });
    expect(page.discovery.validated.map((i) => i.summary)).toEqual([
      'One-page checkout',
      'Saved carts across devices',
    ]);
    expect(page.discovery.invalidated.map((i) => i.summary)).toEqual(['Pay with crypto']);
    expect(page.delivery.activeSprint.map((i) => i.summary)).toEqual([
      'Save card for later',
      'Order history filters',
      'Email receipt template',
      'Coupon total rounds down',
      'Address autocomplete',
    ]);
    expect(page.delivery.ready.map((i) => i.summary)).toEqual([
      'Guest checkout',
      'Saved addresses',
      'Gift messages',
      'Order tracking page',
      'Currency symbol missing on invoices',
      'Wishlist sharing',
      'Returns portal',
      'Loyalty points',
    ]);
    expect(page.delivery.inProgress.map((i) => i.summary)).toEqual([
      'Hotfix: payment webhook retries',
    ]);
    // Done work shows only in the sprint column (the demo sprint has none yet).
    expect(allItems(page).some((i) => i.statusCategory === 'done')).toBe(false);
  });

  it('badges: evidence, missing scoped outcome, spike overrun, age', () => {
    expect(find(page, 'One-page checkout').badges).toEqual({
      evidence: '3 interviews · 1 usability test',
      noScopedOutcome: false,
      spikeOverrun: null,
      ageDays: 30,
      entry: null,
      notReady: null,
      waivedUntil: null,
    });
    // The ready column says why an item is left out of runway.
    expect(find(page, 'Wishlist sharing').badges.notReady).toEqual({
      reason: 'waiting-on-discovery',
      text: 'Not ready: waiting on DT-61',
    });
    expect(find(page, 'Loyalty points').badges.notReady).toEqual({
      reason: 'unestimated',
      text: 'Not ready: not estimated',
    });
    expect(find(page, 'Guest checkout').badges.notReady).toBeNull();
    expect(find(page, 'Saved carts across devices').badges.evidence).toBe(
      '4 interviews · 2 usability tests · 1 experiment',
    );
    expect(find(page, 'Subscription boxes').badges.evidence).toBeNull();
    const spike = find(page, 'Spike: Postgres logical replication for reporting');
    expect(spike).toMatchObject({
      kind: 'spike',
      inActiveSprint: true,
      estimate: 3,
      stage: null,
      lane: 'over-timebox',
    });
    expect(spike.badges).toMatchObject({
      spikeOverrun: { daysUsed: 6, timeboxDays: 3 },
      noScopedOutcome: false,
    });
    const enabler = find(page, 'Enabler: split the session service');
    expect(enabler).toMatchObject({
      kind: 'enabler',
      inActiveSprint: true,
      stage: null,
      lane: 'unscoped',
    });
    expect(enabler.badges.noScopedOutcome).toBe(true);
    expect(find(page, 'Enabler: upgrade to the Node 22 runtime').badges.noScopedOutcome).toBe(
      false,
    );
    expect(find(page, 'Address autocomplete').badges).toEqual({
      evidence: null,
      noScopedOutcome: false,
      spikeOverrun: null,
      ageDays: 25,
      entry: null,
      notReady: null,
      waivedUntil: null,
    });
    expect(find(page, 'Loyalty points').estimate).toBeNull();
  });

  it('needs discovery first: the architecture story to explore first, the ones waiting on an idea and on a spike; the covered one is not flagged', () => {
    const { entry } = demo.keys;
    const signal = page.signals.needsDiscovery;
    expect(signal).toMatchObject({
      level: 'warning',
      measured: true,
      count: 3,
      atLeast: false,
      meetingCriteria: 4,
      criteria: 'uncertainty high, risk high or label "architecture"',
    });
    expect(signal.items).toEqual([
      {
        key: entry.exploreFirst,
        summary: 'Order tracking page',
        state: 'needs-discovery',
        reasons: ['label "architecture"'],
        waitingOn: [],
        inSprint: false,
        started: false,
      },
      {
        key: entry.waitingOnSpike,
        summary: 'Wishlist sharing',
        state: 'waiting',
        reasons: ['uncertainty high'],
        waitingOn: [entry.spike],
        inSprint: false,
        started: false,
      },
      {
        key: entry.waiting,
        summary: 'Returns portal',
        state: 'waiting',
        reasons: ['label "architecture"'],
        waitingOn: [entry.waitingOn],
        inSprint: false,
        started: false,
      },
    ]);
    expect(find(page, 'Order tracking page').badges.entry).toEqual({
      state: 'needs-discovery',
      text: 'Explore first: label "architecture"',
    });
    expect(find(page, 'Returns portal').badges.entry).toEqual({
      state: 'waiting',
      text: `Waiting on ${entry.waitingOn}`,
    });
    expect(find(page, 'Guest checkout').badges.entry).toBeNull();
  });

  it('costs 11 Jira requests on the first load and 6 once field ids, issue types, the board’s configuration, the entry criteria’s few matches and the few items in progress are remembered, no count; 3 while the page is shared', async () => {
    expect(operations()).toEqual([
      // what the viewer sees (the audience a shared page is kept for; Jira answers only those
      // who may browse the project): how many items, how many of them have a security level, and
      // the project's boards (the load picks its board from them)
      'countIssues',
      'countIssues',
      'getAllBoards',
      'getFields',
      'getConfiguration',
      'getAllSprints',
      'getIssueTypesForProject',
      // the sets read whole (discovery, active sprint, velocity), ready, in progress, needs
      // discovery first: every list fits in its page, and the ideas linked to flagged items are
      // open (read already)
      ...Array<string>(4).fill('searchAndReconsileIssuesUsingJqlPost'),
    ]);
    expect(ctx.em.jiraCalls().every((c) => c.provider === 'user')).toBe(true);
    expect(ctx.em.kvs.peek(KEYS.jiraFields)).toMatchObject({ sprint: ctx.em.sprintField.id });
    ctx.em.resetCalls();
    await load(demo.projectKey);
    expect(operations()).toEqual(['countIssues', 'countIssues', 'getAllBoards']);
    sharedPagesExpire(ctx.em, demo.projectKey);
    ctx.em.resetCalls();
    await load(demo.projectKey);
    // The first load found few items meeting the entry criteria and few in progress outside the
    // sprint: they come with the whole sets.
    expect(ctx.em.jiraCalls()).toHaveLength(6);
    const searches = ctx.em
      .jiraCalls()
      .filter((c) => c.operationId === 'searchAndReconsileIssuesUsingJqlPost')
      .map((c) => String((c.body as { jql: string }).jql));
    expect(searches).toHaveLength(2);
    expect(searches[0]).toContain('statusCategory = "In Progress"');
    expect(searches[1]).toMatch(/^project = "DT" AND statusCategory = "To Do"/);
    expect(operations()).not.toContain('getFields');
    // the audience's board list only: the load picks from it
    expect(operations().filter((op) => op === 'getAllBoards')).toHaveLength(1);
    expect(operations()).not.toContain('getIssueTypesForProject');
    expect(operations()).not.toContain('getConfiguration');
    expect(listCounts()).toEqual([]);
    expect(operations()).not.toContain('bulkFetchIssues');
  });

  it('lists every column whole, with its count, and says nothing is left out', () => {
    expect(page.listLimit).toBe(LIST_LIMIT);
    expect(page.columnCounts).toEqual({
      discovery: { new: 6, validating: 6, validated: 2, invalidated: 1 },
      engineering: { unscoped: 2, scoped: 2, 'in-progress': 1, 'over-timebox': 1, done: 0 },
      delivery: { activeSprint: 5, ready: 8, inProgress: 1 },
    });
    expect(page.signals.runway.atLeast).toBe(false);
  });
});

/** Marks an issue Done (the emulator's Done status) as if the team had finished it. */
function finish(summary: string): void {
  const issue = [...ctx.em.issues.values()].find((i) => i.summary === summary);
  if (!issue) throw new Error(`no issue "${summary}"`);
  issue.statusId = '10002'; // Done
}

/**
 * Keys Jira's search finds for a JQL query, in its order (ids only: one page holds them): the
 * test's own check of the site, not a call of the app.
 */
async function searchKeys(jql: string): Promise<string[]> {
  return ctx.em.invocations.setup(() =>
    ctx.em.runAs(DEMO_USERS.member, async () => {
      const response = await api.asUser().requestJira(route`/rest/api/3/search/jql`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ jql, fields: ['key'], maxResults: 5000 }),
      });
      const body = (await response.json()) as { issues?: Array<{ key: string }>; isLast?: boolean };
      if (response.status !== 200 || body.isLast !== true) {
        throw new Error(`search ${jql} answered ${response.status}`);
      }
      return (body.issues ?? []).map((i) => i.key);
    }),
  );
}

function overrideConfig(projectKey: string, override: Record<string, unknown>): void {
  ctx.em.kvs.seed(KEYS.projectConfig(projectKey), {
    version: 1,
    updatedAt: '2026-11-01T00:00:00.000Z',
    updatedBy: DEMO_USERS.admin,
    projectId: ctx.em.projectByKey(projectKey).id,
    override,
  });
}

describe('signals through the resolver as the sprint and the backlog change', () => {
  let demo: DemoProject;
  beforeEach(() => {
    demo = seedDemoProject(ctx.em, { now });
  });

  it('capacity counts the sprint’s finished work: a done story and a done spike leave the split at 14%, in the same 6 calls', async () => {
    await load(demo.projectKey); // remembers the field ids
    finish('Save card for later'); // 5 points of delivery
    finish('Spike: Postgres logical replication for reporting'); // 3 points of discovery
    sharedPagesExpire(ctx.em, demo.projectKey);
    ctx.em.resetCalls();
    const page = await load(demo.projectKey);
    expect(page.signals.capacity).toMatchObject({
      level: 'warning',
      discovery: 3,
      delivery: 18,
      discoveryPercent: 14,
    });
    // The sprint column shows the done story with its status, as Jira's board does; the done
    // spike is off the discovery track's open columns and no longer past its timebox.
    const story = page.delivery.activeSprint.find((i) => i.summary === 'Save card for later');
    expect(story).toMatchObject({ status: 'Done', statusCategory: 'done', inActiveSprint: true });
    expect(page.columnCounts.delivery.activeSprint).toBe(5);
    expect(
      Object.values(page.discovery)
        .flat()
        .some((i) => i.summary.startsWith('Spike: Postgres')),
    ).toBe(false);
    expect(page.engineering['over-timebox']).toEqual([]);
    expect(page.engineering.done.map((i) => [i.summary, i.lane, i.status])).toEqual([
      ['Spike: Postgres logical replication for reporting', 'done', 'Done'],
    ]);
    expect(page.signals.openEnded.overrunCount).toBe(0);
    // Open items: the story is no longer one of them.
    expect(page.totals).toMatchObject({ openItems: 33, discovery: 20, delivery: 13 });
    expect(ctx.em.jiraCalls()).toHaveLength(6);
    expect(listCounts()).toEqual([]);
  });

  it('a spike without a scoped outcome is on the unscoped card and in the unscoped lane, as an enabler is', async () => {
    const spike = [...ctx.em.issues.values()].find(
      (i) => i.summary === 'Spike: OAuth provider options',
    );
    if (!spike) throw new Error('no "Spike: OAuth provider options"');
    spike.custom.delete(demo.scopedOutcome.id);
    const page = await load(demo.projectKey);
    const unscoped = page.signals.unscopedEnablers;
    expect(unscoped.items.find((i) => i.key === spike.key)).toEqual({
      key: spike.key,
      summary: 'Spike: OAuth provider options',
      kind: 'spike',
      inSprint: false,
      missing: ['outcome', 'successMeasure', 'bound'],
    });
    expect(unscoped.reason).toBe(
      '1 enabler without a scoped outcome is in a sprint; 2 more in the backlog.',
    );
    expect(page.engineering.unscoped.map((i) => i.key)).toContain(spike.key);
    expect(page.engineering.scoped.map((i) => i.key)).not.toContain(spike.key);
  });

  it('a 10-day spike and a date-only spike are unscoped on the page, as the gates judge them', async () => {
    const spikes = [...ctx.em.issues.values()].filter((i) =>
      ['Spike: OAuth provider options', 'Spike: benchmark the image CDN'].includes(i.summary),
    );
    const [tenDays, dateOnly] = spikes;
    if (!tenDays || !dateOnly) throw new Error('the demo has no such spikes');
    const outcome = tenDays.custom.get(demo.scopedOutcome.id) as Record<string, unknown>;
    tenDays.custom.set(demo.scopedOutcome.id, { ...outcome, timeboxDays: 10 });
    const rest = { ...(dateOnly.custom.get(demo.scopedOutcome.id) as Record<string, unknown>) };
    delete rest['timeboxDays'];
    dateOnly.custom.set(demo.scopedOutcome.id, { ...rest, targetDate: '2026-12-20' });
    const page = await load(demo.projectKey);
    const unscoped = page.signals.unscopedEnablers.items;
    for (const spike of [tenDays, dateOnly]) {
      expect(unscoped.find((i) => i.key === spike.key)).toMatchObject({
        kind: 'spike',
        missing: ['bound'],
      });
      expect(page.engineering.unscoped.map((i) => i.key)).toContain(spike.key);
    }
  });

  it('build trap risk: below the runway floor, and delivery started while waiting on discovery, each named', async () => {
    // "Wishlist sharing" waits on DT-61; starting it is delivery outrunning discovery.
    const started = [...ctx.em.issues.values()].find((i) => i.summary === 'Wishlist sharing');
    if (!started) throw new Error('no "Wishlist sharing"');
    started.statusId = '3'; // In Progress
    for (const summary of ['Guest checkout', 'Saved addresses', 'Gift messages']) finish(summary);
    const { buildTrap } = (await load(demo.projectKey)).signals;
    expect(buildTrap).toMatchObject({
      level: 'critical',
      belowFloor: true,
      floor: 1,
      startedCount: 1,
      started: [
        { key: started.key, summary: 'Wishlist sharing', detail: 'in progress, waiting on DT-61' },
      ],
    });
    expect(buildTrap.reason).toBe(
      `Build trap risk: runway is ${buildTrap.runwaySprints} sprints, below the 1-sprint target; 1 delivery item started while meeting the discovery entry criteria without finished discovery. Delivery is outrunning discovery.`,
    );
  });

  it('analysis paralysis risk: a validated idea left unpromoted 50 days and evidence gone stale, each named', async () => {
    const ev = demo.discoveryEvidence.id;
    const daysAgo = (n: number) =>
      new Date(now.getTime() - n * 86_400_000).toISOString().slice(0, 10);
    const idea = (summary: string) => {
      const found = [...ctx.em.issues.values()].find((i) => i.summary === summary);
      if (!found) throw new Error(`no "${summary}"`);
      return found;
    };
    // Validated 50 days ago, no delivery item linked (the default allows 42 days).
    const unpromoted = idea('Saved carts across devices');
    unpromoted.custom.set(ev, { ...(unpromoted.custom.get(ev) as object), latest: daysAgo(50) });
    // Still in validation, its latest evidence 40 days old (fresh for 28 days by default).
    const validating = [...ctx.em.issues.values()].find(
      (i) => (i.custom.get(ev) as { state?: string } | undefined)?.state === 'unvalidated',
    );
    if (!validating) throw new Error('no idea in validation');
    validating.custom.set(ev, { ...(validating.custom.get(ev) as object), latest: daysAgo(40) });

    const { paralysis } = (await load(demo.projectKey)).signals;
    expect(paralysis).toMatchObject({
      level: 'warning',
      atPause: false,
      unpromoted: [{ key: unpromoted.key, summary: 'Saved carts across devices', days: 50 }],
      unpromotedCount: 1,
      staleEvidence: [{ key: validating.key, summary: validating.summary, days: 40 }],
      staleCount: 1,
    });
    expect(paralysis.reason).toBe(
      'Analysis paralysis risk: 1 validated idea not promoted to delivery for more than 42 days; 1 idea in validation with evidence older than 28 days. Discovery is running ahead of what ships.',
    );
    // A validated idea a delivery item implements is promoted, however old its evidence.
    const promoted = ctx.em.findIssue(demo.keys.panel.validatedIdea);
    if (!promoted) throw new Error('no validated idea');
    promoted.custom.set(ev, { ...(promoted.custom.get(ev) as object), latest: daysAgo(90) });
    const again = (await load(demo.projectKey)).signals.paralysis;
    expect(again.unpromoted.map((i) => i.key)).toEqual([unpromoted.key]);
  });

  it('capacity below a 40% target warns, naming the target and where the warning starts', async () => {
    overrideConfig(demo.projectKey, { capacity: { discoveryTargetPercent: 40 } });
    const { capacity } = (await load(demo.projectKey)).signals;
    expect(capacity).toMatchObject({
      level: 'warning',
      discoveryPercent: 14,
      targetPercent: 40,
      warnBelowPercent: 35,
    });
    expect(capacity.reason).toBe(
      'Engineering discovery gets 14% of the sprint, below the protected 40% (a warning under 35%): 3 of 21 points in DT Sprint 7 are spikes and scoped enablers; not counted: 1 unscoped spike or enabler in the sprint, which the sprint guard takes out.',
    );
  });

  it('capacity just under the target, within its 5-point tolerance, is on target and says so', async () => {
    overrideConfig(demo.projectKey, { capacity: { discoveryTargetPercent: 18 } });
    const { capacity } = (await load(demo.projectKey)).signals;
    expect(capacity).toMatchObject({ level: 'ok', discoveryPercent: 14, warnBelowPercent: 13 });
    expect(capacity.reason).toBe(
      'Engineering discovery gets 14% of the sprint, under the 18% target but within 5 points of it: 3 of 21 points in DT Sprint 7 are spikes and scoped enablers; not counted: 1 unscoped spike or enabler in the sprint, which the sprint guard takes out.',
    );
  });

  it('a small ready backlog is the build trap: 2 ready points at a delivery velocity of 18.7', async () => {
    for (const summary of [
      'Guest checkout',
      'Saved addresses',
      'Gift messages',
      'Order tracking page',
    ]) {
      finish(summary);
    }
    const { runway } = (await load(demo.projectKey)).signals;
    expect(runway).toMatchObject({
      level: 'critical',
      verdict: 'build-trap',
      readyWork: 2,
      velocity: 56 / 3,
      sprints: 0.1,
      atLeast: false,
    });
    expect(runway.reason).toBe(
      'Build trap risk: 0.1 sprints of ready delivery work is below the 1-sprint target; delivery is outrunning discovery. 2 points of ready delivery work ÷ 18.7 points of delivery per sprint (average of the last 3 closed sprints); left out as not ready: 2 waiting on discovery, 1 not estimated.',
    );
  });

  it('each column carries the JQL the loader read it with: Jira’s search finds exactly its items, in its order', async () => {
    const page = await load(demo.projectKey);
    const { delivery, discovery } = page.columnJql;
    for (const list of ['activeSprint', 'ready', 'inProgress'] as const) {
      const jql = delivery[list];
      if (!jql) throw new Error(`no JQL for ${list}`);
      expect(jql).toMatch(/^project = "DT" AND .* ORDER BY Rank ASC$/);
      expect(await searchKeys(jql)).toEqual(page.delivery[list].map((i) => i.key));
    }
    if (!discovery) throw new Error('no JQL for the discovery track');
    // Ideas and the open spikes and enablers: the lane of work finished this sprint is not in it.
    const { done, ...open } = page.engineering;
    expect(done).toEqual([]);
    expect((await searchKeys(discovery)).sort()).toEqual(
      [...Object.values(page.discovery).flat(), ...Object.values(open).flat()]
        .map((i) => i.key)
        .sort(),
    );
  });
});

describe('missing data explains itself', () => {
  it('an empty project: no items, and no velocity from sprints that completed nothing', async () => {
    const shell = seedProjectShell(ctx.em, { key: 'EMPTY', now });
    seedSprintHistory(ctx.em, shell.boardId ?? 0, 'EMPTY', now);
    const page = await load('EMPTY');
    expect(page.totals).toEqual({ openItems: 0, discovery: 0, delivery: 0, omitted: 0 });
    expect(allItems(page)).toEqual([]);
    expect(page.notes).toEqual([
      'EMPTY has no open items: nothing is waiting in discovery or delivery.',
    ]);
    expect(page.signals.runway).toMatchObject({ level: 'unknown', velocity: 0 });
    expect(page.signals.runway.reason).toBe(
      'The last 3 closed sprints completed no points, so runway cannot be measured.',
    );
    expect(page.signals.capacity.reason).toBe(
      'Nothing in EMPTY Sprint 7 is estimated, so the split cannot be measured.',
    );
    expect(page.signals.unscopedEnablers.reason).toBe(
      'Every open enabler and spike has a scoped outcome.',
    );
  });

  it('no board: counts issues, and runway and capacity say why they are unknown', async () => {
    seedProjectShell(ctx.em, { key: 'NOB', name: 'No Board', now, board: 'none' });
    addDemoItem(ctx.em, 'NOB', now, { type: 'Story', summary: 'A story', points: 3 });
    addDemoItem(ctx.em, 'NOB', now, { type: 'Discovery', summary: 'An idea' });
    ctx.em.resetCalls();
    const page = await load('NOB');
    expect(page.project.name).toBe('No Board');
    expect(page).toMatchObject({ board: null, activeSprint: null, unit: 'issues' });
    expect(page.signals.runway).toMatchObject({ level: 'unknown', readyWork: 1 });
    expect(page.signals.runway.reason).toBe(
      'No Scrum board shows this project, so there is no velocity to measure runway against.',
    );
    expect(page.signals.capacity.reason).toBe(
      'No active sprint: the capacity split is measured on the sprint in progress.',
    );
    expect(page.notes).toEqual([
      'No Scrum board shows NOB, so there is no velocity, no runway and no sprint to split: add the project to a Scrum board. Work is counted in issues.',
    ]);
    expect(page.totals).toMatchObject({ openItems: 2, discovery: 1, delivery: 1 });
    expect(page.columnJql.delivery.activeSprint).toBeNull();
    expect(operations()).toEqual([
      'countIssues', // how many items the viewer sees
      'countIssues', // how many of them have a security level
      'getAllBoards', // the boards they see (none)
      'getFields',
      'getIssueTypesForProject',
      // discovery, ready, in progress, needs discovery first (no sprint to read, no velocity)
      ...Array<string>(4).fill('searchAndReconsileIssuesUsingJqlPost'),
      'getProject',
    ]);
  });

  it('a board without estimation counts issues, velocity included', async () => {
    seedDemoProject(ctx.em, { now, key: 'CNT', board: 'issue-count' });
    const page = await load('CNT');
    expect(page.unit).toBe('issues');
    // Sprints 6, 5, 4 completed 4 delivery issues each (their discovery items do not count);
    // 3 of the 8 not-started delivery issues are not ready (entry criteria).
    expect(page.signals.runway).toMatchObject({ velocity: 4, readyWork: 5, sprints: 1.3 });
    expect(page.signals.runway.reason).toContain(
      '5 issues of ready delivery work ÷ 4 issues of delivery per sprint',
    );
    expect(page.signals.capacity).toMatchObject({
      discovery: 1,
      delivery: 5,
      discoveryPercent: 17,
    });
    expect(page.notes).toEqual([
      'The board "CNT Scrum board" has no estimation field, so work is counted in issues, not points.',
    ]);
  });

  it('no closed sprints: runway waits for the first finished sprint', async () => {
    seedProjectShell(ctx.em, { key: 'NEW', now });
    addDemoItem(ctx.em, 'NEW', now, { type: 'Story', summary: 'First story', points: 5 });
    const page = await load('NEW');
    expect(page.signals.runway).toMatchObject({ level: 'unknown', velocitySprints: 0 });
    expect(page.signals.runway.reason).toBe(
      'No closed sprints yet: runway needs the velocity of at least one finished sprint.',
    );
    expect(page.notes).toEqual([
      'The board "NEW Scrum board" has no closed sprints yet, so there is no velocity: runway appears once a sprint is completed.',
      'No sprint is active on "NEW Scrum board": the capacity split is measured on the sprint in progress.',
    ]);
  });

  it('no estimates on the open delivery work', async () => {
    const shell = seedProjectShell(ctx.em, { key: 'EST', now });
    seedSprintHistory(ctx.em, shell.boardId ?? 0, 'EST', now);
    addDemoItem(ctx.em, 'EST', now, { type: 'Story', summary: 'Unestimated' });
    const page = await load('EST');
    expect(page.notes).toContain(
      'No ready delivery item has a Story Points value, so ready work counts as 0 points.',
    );
  });

  it('a project that is not set up: tracks guessed from type names, with a note', async () => {
    seedDemoProject(ctx.em, { now, key: 'RAW', setUp: false });
    const page = await load('RAW');
    expect(page.notes).toEqual([
      'Dual Track is not set up for this project yet, so tracks are guessed from issue type names: Discovery, Spike and Enabler are discovery, every other type is delivery. A project admin can run setup in the project settings.',
    ]);
    expect(page.totals).toEqual({ openItems: 35, discovery: 21, delivery: 14, omitted: 0 });
    expect(page.signals.runway.verdict).toBe('healthy');
  });
});

describe('permissions', () => {
  it('a user without Browse projects is refused and gets no project data', async () => {
    seedDemoProject(ctx.em, { now });
    ctx.em.resetCalls();
    const result = await overview('DT', DEMO_USERS.outsider);
    expect(result).toEqual({
      ok: false,
      error: {
        code: 'forbidden',
        message:
          'You need the Browse projects permission on this project to see its dual-track overview.',
        details: { missing: ['BROWSE_PROJECTS'] },
      },
    });
    // Jira refuses the viewer's first requests about the project (it names the project as
    // unknown), then the permission check says why; nothing of the project is read.
    expect(operations()).toEqual([
      'countIssues',
      'countIssues',
      'getAllBoards',
      'getMyPermissions',
    ]);
    expect(ctx.em.jiraCalls().map((c) => c.status)).toEqual([400, 400, 400, 200]);
  });

  it('takes the project from Forge’s context only: a payload naming a project is refused', async () => {
    seedDemoProject(ctx.em, { now });
    const result = await callResolver(
      ctx.em,
      'project/overview',
      DEMO_USERS.member,
      { projectKey: 'DT' },
      { extension: {} },
    );
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
  });
});

describe('scale: the page reads what each list and signal needs, not every open item', () => {
  const searches = () => operations().filter((o) => o === 'searchAndReconsileIssuesUsingJqlPost');
  const returnedIssues = () => ctx.em.jiraCalls().reduce((n, c) => n + c.returnedIssues, 0);

  const reference = (projectKey: string) => referencePage(ctx.em, projectKey);
  const comparable = comparablePage;

  it('2,000 open items: whole discovery track and sprint, the first items of each delivery list, two counts', async () => {
    const big = seedSyntheticProject(ctx.em, { openItems: 2000, now, evidenceEvery: 3 });
    ctx.em.resetCalls();
    const page = await load(big.projectKey);
    // what the viewer sees (2 counts and the boards, from which the load picks), field list,
    // issue types, configuration, sprints (a first load); the sets read whole in 3 pages (200 discovery + 18 in the sprint + 30 done
    // for velocity), ready 1, in progress 1, needs discovery first 1; the two long lists
    // counted. Three pages are read as one search reads them: no count of the whole sets.
    expect(ctx.em.jiraCalls()).toHaveLength(15);
    expect(searches()).toHaveLength(6);
    expect(listCounts()).toHaveLength(2);
    expect(wholeSetCounts()).toHaveLength(0);
    expect(operations()).not.toContain('bulkFetchIssues');
    // 200 discovery + 18 delivery in the sprint + a page of 100 ready + 50 in progress + 30
    // done (velocity) + the 8 "architecture" items: a fifth of the items, where reading every
    // open item returns 2,030.
    expect(returnedIssues()).toBe(200 + 18 + SEARCH_PAGE_WITH_FIELDS + LIST_LIMIT + 30 + 8);
    // Every 250th item from the 4th: the one in the sprint first; one waits, one is covered.
    expect(page.signals.needsDiscovery).toMatchObject({
      level: 'critical',
      count: 7,
      inSprintCount: 1,
      meetingCriteria: 8,
      atLeast: false,
    });
    expect(page.totals).toMatchObject({ openItems: 2000, discovery: 200, delivery: 1800 });
    // Every 5th item is in progress, every 10th discovery; items 0-19 are in the sprint.
    expect(page.columnCounts.delivery).toEqual({
      activeSprint: 18,
      ready: 1600 - 16,
      inProgress: 200 - 2,
    });
    expect(page.delivery.ready).toHaveLength(LIST_LIMIT);
    expect(page.delivery.inProgress).toHaveLength(LIST_LIMIT);
    // "Open all N in Jira": each cut column's JQL finds all N, its first ones as listed.
    for (const list of ['ready', 'inProgress'] as const) {
      const jql = page.columnJql.delivery[list];
      if (!jql) throw new Error(`no JQL for ${list}`);
      const keys = await searchKeys(jql);
      expect(keys).toHaveLength(page.columnCounts.delivery[list]);
      expect(keys.slice(0, LIST_LIMIT)).toEqual(page.delivery[list].map((i) => i.key));
    }
    expect(page.signals.runway).toMatchObject({ verdict: 'paralysis', atLeast: true });
    const size = Buffer.byteLength(JSON.stringify(page));
    expect(size).toBeLessThan(1_500_000);
  }, 30_000);

  it('a project above the list limit: the same totals, lists and signals as reading every item, runway "at least"', async () => {
    const big = seedSyntheticProject(ctx.em, { openItems: 600, now, evidenceEvery: 2 });
    // Rank the backlog newest first: the lists must follow rank, not key or id.
    for (const issue of ctx.em.issues.values()) issue.rank = -Number(issue.id);
    const full = await reference(big.projectKey);
    ctx.em.resetCalls();
    const page = await load(big.projectKey);
    expect(comparable(page)).toEqual(comparable(full));
    expect(page.totals.openItems).toBe(600);
    expect(page.totals.omitted).toBeGreaterThan(0);
    expect(page.notes).toContain(
      `This project is large: each list shows its first ${LIST_LIMIT} items; ${page.totals.omitted} more are counted in the totals but not listed.`,
    );
    const number = (key: string) => Number(key.split('-')[1]);
    const shown = page.delivery.ready.map((i) => number(i.key));
    expect(shown).toEqual([...shown].sort((a, b) => b - a));

    // Runway: the ready read stopped once past pause + 1 sprints; the verdict is the full one's.
    const { runway } = page.signals;
    const pauseAt = DEFAULT_CONFIG.runway.pauseAtSprints;
    expect(full.signals.runway.atLeast).toBe(false);
    expect(runway).toMatchObject({ atLeast: true, verdict: 'paralysis', level: 'warning' });
    expect(runway.sprints).toBeGreaterThan(pauseAt + 1);
    expect(runway.sprints).toBeLessThan(full.signals.runway.sprints ?? 0);
    expect(runway.readyWork).toBeGreaterThan((pauseAt + 1) * (runway.velocity ?? Infinity));
    expect(runway.reason).toMatch(
      /^Pause discovery: at least [\d.]+ sprints of ready delivery work .*\. At least [\d.]+ points of ready delivery work ÷ [\d.]+ points of delivery per sprint .*the rest of the ready backlog was not added up, as it cannot change the verdict\.$/,
    );
  }, 30_000);

  it('reads the whole ready backlog when it cannot pass the pause threshold: runway is exact', async () => {
    // 400 done points per closed sprint: 300 open items hold far less than 4 sprints of work.
    const big = seedSyntheticProject(ctx.em, { openItems: 300, now, closedSprintItems: 200 });
    const full = await reference(big.projectKey);
    ctx.em.resetCalls();
    const page = await load(big.projectKey);
    expect(page.signals.runway.atLeast).toBe(false);
    expect(page.signals.runway).toEqual(full.signals.runway);
    expect(page.signals.runway.verdict).toBe('healthy');
    expect(comparable(page)).toEqual(comparable(full));
    // Both delivery lists were read to their end (28 in progress): nothing to count.
    expect(listCounts()).toHaveLength(0);
  }, 30_000);

  it('a mostly unestimated backlog: past the list, runway reads only the estimated ready items, with the same verdict', async () => {
    // One delivery item in 20 estimated: the first page of the ready list holds a few; the rest
    // of runway's work comes from a search of the estimated ones, not from the whole backlog.
    const big = seedSyntheticProject(ctx.em, { openItems: 2000, now, estimated: 20 });
    const full = await reference(big.projectKey);
    ctx.em.resetCalls();
    const page = await load(big.projectKey);
    expect(comparable(page)).toEqual(comparable(full));
    const estimatedReads = ctx.em
      .jiraCalls()
      .filter((c) => JSON.stringify(c.body ?? '').includes('is not EMPTY'));
    expect(estimatedReads.length).toBeGreaterThan(0);
    // Without it the ready read went through all 1,584 ready items, 100 a page.
    expect(ctx.em.jiraCalls().length).toBeLessThan(20);
    expect(page.delivery.ready).toHaveLength(LIST_LIMIT);
    expect(page.signals.runway.verdict).toBe(full.signals.runway.verdict);
  }, 30_000);

  it('no ready item estimated: one empty search of the estimated ones says so exactly', async () => {
    const big = seedSyntheticProject(ctx.em, { openItems: 2000, now, estimated: 'none' });
    const full = await reference(big.projectKey);
    ctx.em.resetCalls();
    const page = await load(big.projectKey);
    expect(comparable(page)).toEqual(comparable(full));
    expect(page.notes).toContain(
      'No ready delivery item has a Story Points value, so ready work counts as 0 points.',
    );
    expect(ctx.em.jiraCalls().length).toBeLessThan(20);
  }, 30_000);

  it.each(['none', 20] as const)(
    'estimated %s: a later load takes the estimated ready items from the whole sets’ search (the last one found few): the same page',
    async (estimated) => {
      const big = seedSyntheticProject(ctx.em, { openItems: 2000, now, estimated });
      const estimatedOnly = () =>
        ctx.em
          .jiraCalls()
          .map((c) => countedJql(c))
          .filter(
            (q) => /cf\[\d+\] is not EMPTY ORDER BY Rank ASC/.test(q) && !q.includes(') OR ('),
          );
      ctx.em.resetCalls();
      const first = await load(big.projectKey);
      expect(estimatedOnly()).toHaveLength(1);
      const firstCalls = ctx.em.jiraCalls().length;
      sharedPagesExpire(ctx.em, big.projectKey);
      ctx.em.resetCalls();
      const later = await load(big.projectKey);
      expect(estimatedOnly()).toEqual([]);
      const joint = ctx.em
        .jiraCalls()
        .map((c) => countedJql(c))
        .filter((q) => q.includes(') OR (') && /cf\[\d+\] is not EMPTY/.test(q));
      expect(joint.length).toBeGreaterThan(0);
      expect(ctx.em.jiraCalls().length).toBeLessThan(firstCalls);
      expect(comparable(later)).toEqual(comparable(first));
      expect(comparable(later)).toEqual(comparable(await reference(big.projectKey)));
    },
    60_000,
  );

  it('on a board that also shows another project, its estimated ready items count for runway, folded or not', async () => {
    const big = seedSyntheticProject(ctx.em, { openItems: 2000, now, estimated: 20 });
    boardShowsAnotherProject(ctx.em, big.projectKey, now);
    // Past the list (last in rank), estimated: only the read of the estimated items finds it.
    addDemoItem(ctx.em, 'OTH', now, { type: 'Story', summary: 'Their ready story', points: 40 });
    const first = await load(big.projectKey);
    sharedPagesExpire(ctx.em, big.projectKey);
    ctx.em.resetCalls();
    const later = await load(big.projectKey);
    const joint = ctx.em
      .jiraCalls()
      .map((c) => countedJql(c))
      .filter((q) => q.includes(') OR (') && /cf\[\d+\] is not EMPTY/.test(q));
    expect(joint.length).toBeGreaterThan(0);
    expect(later.signals.runway).toEqual(first.signals.runway);
  }, 60_000);

  it('more estimated ready items than a page, or a read of them that stopped early: read apart again', async () => {
    const big = seedSyntheticProject(ctx.em, { openItems: 8000, now, estimated: 20 });
    const estimatedOnly = () =>
      ctx.em
        .jiraCalls()
        .map((c) => countedJql(c))
        .filter((q) => /cf\[\d+\] is not EMPTY ORDER BY Rank ASC/.test(q) && !q.includes(') OR ('));
    await load(big.projectKey);
    expect(estimatedOnly().length).toBeGreaterThan(0);
    sharedPagesExpire(ctx.em, big.projectKey);
    ctx.em.resetCalls();
    await load(big.projectKey);
    expect(estimatedOnly().length).toBeGreaterThan(0);
  }, 60_000);

  it('where the ready list suffices without them, the estimated items are never folded in', async () => {
    const big = seedSyntheticProject(ctx.em, { openItems: 2000, now });
    await load(big.projectKey);
    sharedPagesExpire(ctx.em, big.projectKey);
    ctx.em.resetCalls();
    await load(big.projectKey);
    const estimatedClause = /cf\[\d+\] is not EMPTY/;
    expect(ctx.em.jiraCalls().some((c) => estimatedClause.test(countedJql(c)))).toBe(false);
  }, 30_000);

  it('counted in issues, runway counts the truly ready issues in rank order until its verdict is decided', async () => {
    const big = seedSyntheticProject(ctx.em, { openItems: 600, now });
    const board = ctx.em.boards.get(big.boardId);
    if (!board) throw new Error('no board');
    board.estimationFieldId = undefined;
    const full = await reference(big.projectKey);
    const page = await load(big.projectKey);
    expect(page.unit).toBe('issues');
    expect(page.delivery.ready).toHaveLength(LIST_LIMIT);
    const { runway } = page.signals;
    const pauseAt = DEFAULT_CONFIG.runway.pauseAtSprints;
    expect(full.signals.runway.atLeast).toBe(false);
    expect(runway).toMatchObject({
      atLeast: true,
      verdict: full.signals.runway.verdict,
      level: full.signals.runway.level,
    });
    expect(runway.readyWork).toBeGreaterThan((pauseAt + 1) * (runway.velocity ?? Infinity));
    expect(runway.readyWork).toBeLessThan(full.signals.runway.readyWork);
    expect(comparable(page)).toEqual(comparable(full));
  }, 30_000);

  it('10,000 open items: every list is trimmed and the answer stays well under 1.5 MB', async () => {
    const big = seedSyntheticProject(ctx.em, { openItems: 10_000, now });
    ctx.em.resetCalls();
    const page = await load(big.projectKey);
    // The fixed 7 of a first load (the 2 counts of what the viewer sees among them); the sets
    // read whole (1,000 discovery, the sprint, 30 done for velocity): 5 pages, then a sixth
    // with the count of the rest and its first and last issue by key; a rest of 450 is read on
    // page after page (no parts: test/jira/search-in-parts.test.ts); ready 1, in progress 1,
    // 2 counts, needs discovery first 1 (40 items meet the criteria).
    expect(ctx.em.jiraCalls()).toHaveLength(26);
    expect(wholeSetCounts()).toHaveLength(1);
    expect(returnedIssues()).toBeLessThan(1_300);
    expect(page.totals.openItems).toBe(10_000);
    const listed = allItems(page).length;
    const signalLists =
      page.signals.openEnded.idleItems.length + page.signals.openEnded.overrunSpikes.length;
    expect(listed).toBeLessThanOrEqual(7 * LIST_LIMIT);
    expect(signalLists).toBeLessThanOrEqual(2 * LIST_LIMIT);
    expect(page.signals.openEnded.overrunCount + page.signals.openEnded.idleCount).toBeGreaterThan(
      signalLists,
    );
    expect(page.totals.omitted).toBeGreaterThan(0);
    const size = Buffer.byteLength(JSON.stringify(page));
    expect(size).toBeLessThan(1_000_000);
  }, 60_000);

  it('a later load plans the whole sets’ parts from what the last one found: no count, no ends, the same page', async () => {
    // One in ten discovery items, every one started: the whole track is read with the sets.
    const big = seedSyntheticProject(ctx.em, { openItems: 11_000, now });
    const first = await load(big.projectKey);
    expect(wholeSetCounts()).toHaveLength(1);
    // The second load folds the entry criteria's few items into the search: another search,
    // read as a first one, whose shape the third load plans from.
    sharedPagesExpire(ctx.em, big.projectKey);
    ctx.em.resetCalls();
    await load(big.projectKey);
    expect(wholeSetCounts()).toHaveLength(1);
    const remembered = ctx.em.kvs.peek(PAGE_CACHE_KEYS.site(big.projectKey)) as {
      wholeSets?: { size: number; low: number; high: number };
    };
    // 1,100 discovery items, the sprint and velocity's done items: two parts of 6 pages.
    expect(remembered.wholeSets?.size).toBeGreaterThan(1_000);
    sharedPagesExpire(ctx.em, big.projectKey);
    ctx.em.resetCalls();
    const later = await load(big.projectKey);
    expect(wholeSetCounts()).toEqual([]);
    const jql = ctx.em.jiraCalls().map((c) => countedJql(c));
    expect(jql.some((q) => q.includes('ORDER BY key'))).toBe(false);
    expect(jql.filter((q) => /\bid (>=|<) \d+/.test(q)).length).toBeGreaterThanOrEqual(2);
    expect(comparable(later)).toEqual(comparable(first));
    expect(comparable(later)).toEqual(comparable(await reference(big.projectKey)));
  }, 60_000);
});

describe('the emulated search holds the app to Jira’s rules', () => {
  /** The test's own probes of the emulated search, not calls of the app. */
  const probe = <T>(fn: () => Promise<T>): Promise<T> =>
    ctx.em.invocations.setup(() => ctx.em.runAs(DEMO_USERS.member, fn));
  const search = (body: unknown) =>
    probe(async () => {
      const response = await api.asUser().requestJira(route`/rest/api/3/search/jql`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    });

  beforeEach(() => {
    seedDemoProject(ctx.em, { now });
  });

  it('refuses unbounded JQL with 400, as the enhanced search does', async () => {
    const answer = await search({ jql: 'statusCategory != Done ORDER BY Rank ASC' });
    expect(answer.status).toBe(400);
    expect(answer.body['errorMessages']).toEqual([
      'Unbounded JQL queries are not allowed here. Please add a search restriction to your query.',
    ]);
  });

  it('answers JQL outside the emulated subset with 400 and records a violation', async () => {
    const answer = await search({ jql: 'project = DT AND assignee = currentUser()' });
    expect(answer.status).toBe(400);
    expect(ctx.em.violations).toEqual([
      'search/jql: The JQL field "assignee" is not emulated. (JQL: project = DT AND assignee = currentUser())',
    ]);
    ctx.em.violations.length = 0;
  });

  it('refuses an issue type that does not exist, as Jira does (no violation: it is bad JQL)', async () => {
    const answer = await search({ jql: 'project = DT AND issuetype in (Story, Epicish)' });
    expect(answer).toMatchObject({
      status: 400,
      body: { errorMessages: ["The value 'Epicish' does not exist for the field 'type'."] },
    });
  });

  it('OR, NOT and parentheses; sprint not in, or NOT sprint =, never matches an item in no sprint', async () => {
    const keys = async (jql: string): Promise<string[]> => {
      const answer = await search({ jql, fields: ['key'], maxResults: 5000 });
      expect(answer.status).toBe(200);
      return (answer.body['issues'] as Array<{ key: string }>).map((i) => i.key).sort();
    };
    const open = await keys('project = DT AND statusCategory != Done');
    const inSprint = await keys('project = DT AND statusCategory != Done AND sprint is not EMPTY');
    const noSprint = await keys('project = DT AND statusCategory != Done AND sprint is EMPTY');
    expect([...inSprint, ...noSprint].sort()).toEqual(open);
    const sprintId = [...ctx.em.sprints.values()].find((x) => x.state === 'active')?.id;
    const notActive = await keys(
      `project = DT AND statusCategory != Done AND sprint not in (${sprintId})`,
    );
    expect(notActive.every((k) => inSprint.includes(k))).toBe(true);
    const outside = await keys(
      `project = DT AND statusCategory != Done AND (sprint is EMPTY OR sprint not in (${sprintId}))`,
    );
    const inActive = await keys(`project = DT AND statusCategory != Done AND sprint = ${sprintId}`);
    expect([...outside, ...inActive].sort()).toEqual(open);
    // "field != value is the same as NOT field = value", and != never matches an empty field
    // (https://support.atlassian.com/jira-software-cloud/docs/jql-operators/): NOT (sprint = …)
    // leaves out the items in no sprint, as sprint not in (…) does; naming EMPTY brings them.
    expect(
      await keys(`project = DT AND NOT (sprint = ${sprintId}) AND statusCategory != Done`),
    ).toEqual(notActive);
    expect(
      await keys(
        `project = DT AND NOT (sprint is not EMPTY AND sprint = ${sprintId}) AND statusCategory != Done`,
      ),
    ).toEqual(outside);
    const stories = await keys('project = DT AND statusCategory != Done AND issuetype = Story');
    const others = await keys(
      'project = DT AND statusCategory != Done AND issuetype not in (Story)',
    );
    expect([...stories, ...others].sort()).toEqual(open);
    expect(stories.length).toBeGreaterThan(0);
  });

  it('counts what the same JQL searches, in one request that returns no issue', async () => {
    const count = (jql: string) =>
      probe(async () => {
        const response = await api
          .asUser()
          .requestJira(route`/rest/api/3/search/approximate-count`, {
            method: 'POST',
            headers: { 'Content-Type': 'application/json' },
            body: JSON.stringify({ jql }),
          });
        return { status: response.status, body: (await response.json()) as unknown };
      });
    const jql =
      'project = DT AND statusCategory = "To Do" AND issuetype not in (Discovery, Spike, Enabler)';
    const found = await search({ jql, fields: ['key'], maxResults: 5000 });
    ctx.em.resetCalls();
    expect(await count(jql)).toEqual({
      status: 200,
      body: { count: (found.body['issues'] as unknown[]).length },
    });
    expect(ctx.em.jiraCalls()).toMatchObject([{ operationId: 'countIssues', returnedIssues: 0 }]);
    expect((await count('statusCategory = Done')).status).toBe(400);
    // Another user sees only what they may browse.
    const outsider = await ctx.em.invocations.setup(() =>
      ctx.em.runAs(DEMO_USERS.outsider, async () => {
        const response = await api
          .asUser()
          .requestJira(route`/rest/api/3/search/approximate-count`, {
            method: 'POST',
            headers: { 'Content-Type': 'application/json' },
            body: JSON.stringify({ jql }),
          });
        return response.status;
      }),
    );
    expect(outsider).toBe(400);
  });

  it('pages with nextPageToken and grants at most 100 issues when fields are requested', async () => {
    seedSyntheticProject(ctx.em, { openItems: 90, now });
    const jql = 'project = "BIG" ORDER BY key ASC';
    const first = await search({ jql, fields: ['summary'], maxResults: 5000 });
    expect(first.status).toBe(200);
    expect(first.body['issues']).toHaveLength(SEARCH_PAGE_WITH_FIELDS);
    expect(first.body['isLast']).toBe(false);
    const second = await search({
      jql,
      fields: ['summary'],
      maxResults: 5000,
      nextPageToken: first.body['nextPageToken'],
    });
    // 90 open + 60 done issues.
    expect(second.body).toMatchObject({ isLast: true });
    expect(second.body['issues']).toHaveLength(150 - SEARCH_PAGE_WITH_FIELDS);
    const idsOnly = await search({ jql, fields: ['key'], maxResults: 5000 });
    expect(idsOnly.body['issues']).toHaveLength(150);
    expect(idsOnly.body['isLast']).toBe(true);
  });
});
