import {
  addDemoItem,
  DEMO_USERS,
  seedProjectShell,
  seedSprintHistory,
} from '../../dev/emulator/demo-project';
import { setLabels } from '../../dev/emulator/routes/enforcement';
import { addComponent, setComponents } from '../../dev/emulator/routes/issue-components';
import { issueLinkSite } from '../../dev/emulator/routes/issue-writes';
import type { EmField, EmIssue } from '../../dev/emulator/model';
import type { OverviewItem, ProjectOverview } from '../../src/contract/project-overview';
import { useEmulator } from '../helpers/emulator';
import { loadPage, referencePage } from '../helpers/page-reference';
import { inInvocation } from '../helpers/invoke';
import { jiraAsUser } from '../../src/jira/jira-gateway';
import { readIssuesInPages } from '../../src/jira/search';
import { sharedPagesExpire } from '../helpers/shared-page';
import { boardShowsAnotherProject } from '../helpers/board-projects';
import { KEYS, PAGE_CACHE_KEYS } from '../../src/storage/key-families';
import { FOLD_MAX } from '../../src/storage/page-cache-store';

/**
 * The project page's "Needs discovery first" signal, driven through `project/overview` against
 * the emulated site: delivery items meeting the discovery entry criteria (triage levels, labels,
 * components) are flagged unless a validated idea or a finished spike is linked, one targeted
 * query finds them, and nothing is read when no criterion is set.
 */
const ctx = useEmulator();
const now = new Date();
const KEY = 'ENT';

const load = (): Promise<ProjectOverview> => loadPage(ctx.em, KEY);

/** The same page from every open item (the reference the targeted read must agree with). */
const reference = (): Promise<ProjectOverview> => referencePage(ctx.em, KEY, now);

const operations = () => ctx.em.jiraCalls().map((c) => c.operationId);
const searchedJql = (): string[] =>
  ctx.em
    .jiraCalls()
    .filter((c) => c.operationId === 'searchAndReconsileIssuesUsingJqlPost')
    .map((c) => c.path);

/** The JQL of each search the load made, in order. */
const searchJql = (): string[] =>
  ctx.em
    .jiraCalls()
    .filter((c) => c.operationId === 'searchAndReconsileIssuesUsingJqlPost')
    .map((c) => String((c.body as { jql?: unknown } | undefined)?.jql));

/** A search of the items meeting the criteria alone (not folded into the whole sets'). */
const ownEntrySearches = (): string[] =>
  searchJql().filter((jql) => jql.includes('labels in') && !jql.includes(') OR (project'));

/** The whole sets' search with the items meeting the criteria folded into it. */
const jointEntrySearches = (): string[] =>
  searchJql().filter((jql) => jql.includes('labels in') && jql.includes(') OR (project'));

/** What the page remembers of the entry read is forgotten: the next load reads it apart. */
function forgetEntryPlan(): void {
  const site = ctx.em.kvs.peek(PAGE_CACHE_KEYS.site(KEY)) as Record<string, unknown> | undefined;
  if (site) ctx.em.kvs.seed(PAGE_CACHE_KEYS.site(KEY), { ...site, entryRead: undefined });
}

function entryTriageField(): EmField {
  const existing = [...ctx.em.fields.values()].find((f) =>
    f.schema.custom?.endsWith('/static/entry-triage'),
  );
  return existing ?? ctx.em.addAppField('entry-triage', 'Entry triage');
}

function override(entry: Record<string, unknown>, more: Record<string, unknown> = {}): void {
  ctx.em.kvs.seed(KEYS.projectConfig(KEY), {
    version: 1,
    updatedAt: '2026-11-01T00:00:00.000Z',
    updatedBy: DEMO_USERS.admin,
    projectId: ctx.em.projectByKey(KEY).id,
    override: { entry, ...more },
  });
}

const allItems = (o: ProjectOverview): OverviewItem[] => [
  ...Object.values(o.discovery).flat(),
  ...o.delivery.activeSprint,
  ...o.delivery.ready,
  ...o.delivery.inProgress,
];
const badgeOf = (o: ProjectOverview, key: string) =>
  allItems(o).find((i) => i.key === key)?.badges.entry;

interface Site {
  triage: EmField | undefined;
  /** Uncertainty high, nothing linked. */
  explore: EmIssue;
  /** Label "architecture", linked to an idea still being validated. */
  waiting: EmIssue;
  openIdea: EmIssue;
  /** Risk high, linked to a validated idea that is closed (its evidence is fetched). */
  coveredByIdea: EmIssue;
  /** Component "Payments", linked to a finished spike. */
  coveredBySpike: EmIssue;
  /** Label "architecture", in the active sprint, nothing linked. */
  inSprint: EmIssue;
  /** Low uncertainty and risk. */
  calm: EmIssue;
  /** A spike with high levels (discovery: never flagged). */
  riskySpike: EmIssue;
  /** A done story with high levels and the label (not open: never flagged). */
  done: EmIssue;
}

function seed(options: { triageField: boolean }): Site {
  const shell = seedProjectShell(ctx.em, { key: KEY, name: 'Entry criteria', now });
  const sprints = seedSprintHistory(ctx.em, shell.boardId ?? 0, KEY, now);
  if (!options.triageField) {
    // A site where the app's Entry triage field is missing (not yet upgraded).
    for (const f of [...ctx.em.fields.values()]) {
      if (f.schema.custom?.endsWith('/static/entry-triage')) ctx.em.fields.delete(f.id);
    }
    const fields = { ...((ctx.em.kvs.peek(KEYS.jiraFields) ?? {}) as Record<string, unknown>) };
    delete fields['entryTriage'];
    ctx.em.kvs.seed(KEYS.jiraFields, fields);
  }
  const triage = options.triageField ? entryTriageField() : undefined;
  const ev = [...ctx.em.fields.values()].find((f) => f.name === 'Discovery evidence');
  if (!ev) throw new Error('no Discovery evidence field');
  const levels = (uncertainty: string, risk: string, reason?: string) =>
    triage ? { [triage.id]: { uncertainty, risk, ...(reason ? { reason } : {}) } } : {};
  const add = (
    type: string,
    summary: string,
    extra: Partial<Parameters<typeof addDemoItem>[3]> = {},
  ) => addDemoItem(ctx.em, KEY, now, { type, summary, points: 3, ...extra });

  const explore = add('Story', 'Pay by bank transfer', {
    custom: levels('high', 'low', 'A payment provider we have never used'),
  });
  const waiting = add('Story', 'Split the order service');
  setLabels(ctx.em, waiting.key, ['Architecture']);
  const openIdea = add('Discovery', 'Do shops want split shipments?', { points: undefined });
  const coveredByIdea = add('Story', 'Migrate invoices to the new ledger', {
    custom: levels('medium', 'high', 'Touches every invoice ever issued'),
  });
  const validated = add('Discovery', 'Do businesses want one invoice a month?', {
    status: 'Done',
    points: undefined,
    custom: {
      [ev.id]: {
        interviews: 3,
        usabilityTests: 1,
        prototypeReviews: 0,
        conciergeTests: 0,
        experiments: 0,
        latest: null,
        state: 'validated',
      },
    },
  });
  const coveredBySpike = add('Story', 'Card vault for saved cards');
  addComponent(ctx.em, KEY, 'Payments');
  setComponents(ctx.em, coveredBySpike.key, ['Payments']);
  const spike = add('Spike', 'Spike: which card vault?', { status: 'Done', points: undefined });
  const inSprint = add('Story', 'Move sessions to the new store', { sprints: [sprints.active] });
  setLabels(ctx.em, inSprint.key, ['architecture']);
  const calm = add('Story', 'Fix the footer links', { custom: levels('low', 'low') });
  // Not delivery, or not open: never flagged.
  const riskySpike = add('Spike', 'Spike: risky but discovery already', {
    custom: levels('high', 'high', 'x'),
  });
  const done = add('Story', 'Shipped risky thing', {
    status: 'Done',
    custom: levels('high', 'high', 'y'),
  });
  setLabels(ctx.em, done.key, ['architecture']);

  const links = issueLinkSite(ctx.em);
  const relates = [...links.types.values()].find((t) => t.name === 'Relates');
  if (!relates) throw new Error('no Relates link type');
  links.addLink(relates.id, waiting.id, openIdea.id);
  links.addLink(relates.id, validated.id, coveredByIdea.id);
  links.addLink(relates.id, coveredBySpike.id, spike.id);
  override({ components: ['Payments'] });
  return {
    triage,
    explore,
    waiting,
    openIdea,
    coveredByIdea,
    coveredBySpike,
    inSprint,
    calm,
    riskySpike,
    done,
  };
}

describe('needs discovery first', () => {
  it('flags delivery items meeting the criteria with no finished discovery linked, in-sprint first', async () => {
    const site = seed({ triageField: true });
    ctx.em.resetCalls();
    const page = await load();
    const signal = page.signals.needsDiscovery;
    expect(signal).toMatchObject({
      level: 'critical',
      measured: true,
      count: 3,
      atLeast: false,
      inSprintCount: 1,
      meetingCriteria: 5,
      criteria: 'uncertainty high, risk high, label "architecture" or component "Payments"',
    });
    expect(signal.items).toEqual([
      {
        key: site.inSprint.key,
        summary: 'Move sessions to the new store',
        state: 'needs-discovery',
        reasons: ['label "architecture"'],
        waitingOn: [],
        inSprint: true,
        started: false,
      },
      {
        key: site.explore.key,
        summary: 'Pay by bank transfer',
        state: 'needs-discovery',
        reasons: ['uncertainty high'],
        waitingOn: [],
        inSprint: false,
        started: false,
      },
      {
        key: site.waiting.key,
        summary: 'Split the order service',
        state: 'waiting',
        reasons: ['label "architecture"'],
        waitingOn: [site.openIdea.key],
        inSprint: false,
        started: false,
      },
    ]);
    expect(signal.reason).toBe(
      '3 delivery items meet the discovery entry criteria without a validated idea or finished spike: 2 with no discovery linked, 1 waiting on discovery under way. 1 of them is in the active sprint.',
    );
  });

  it('puts a badge on each flagged delivery item: "Explore first: …" or "Waiting on …"', async () => {
    const site = seed({ triageField: true });
    const page = await load();
    expect(badgeOf(page, site.explore.key)).toEqual({
      state: 'needs-discovery',
      text: 'Explore first: uncertainty high',
    });
    expect(badgeOf(page, site.waiting.key)).toEqual({
      state: 'waiting',
      text: `Waiting on ${site.openIdea.key}`,
    });
    expect(badgeOf(page, site.inSprint.key)).toEqual({
      state: 'needs-discovery',
      text: 'Explore first: label "architecture"',
    });
  });

  it('does not flag items covered by a validated idea or a finished spike, nor items meeting no criterion', async () => {
    const site = seed({ triageField: true });
    const page = await load();
    const flagged = page.signals.needsDiscovery.items.map((i) => i.key);
    for (const issue of [site.coveredByIdea, site.coveredBySpike, site.calm]) {
      expect(flagged).not.toContain(issue.key);
      expect(badgeOf(page, issue.key)).toBeNull();
    }
  });

  it('costs one targeted search and one bulk fetch (the closed validated idea): the open idea comes from the discovery read', async () => {
    seed({ triageField: true });
    await load(); // remembers the field ids
    forgetEntryPlan();
    sharedPagesExpire(ctx.em, KEY);
    ctx.em.resetCalls();
    await load();
    expect(operations().filter((o) => o === 'bulkFetchIssues')).toHaveLength(1);
    // two counts: what the viewer sees (the audience of a shared page); no list counted
    expect(operations().filter((o) => o === 'countIssues')).toHaveLength(2);
    const searches = operations().filter((o) => o === 'searchAndReconsileIssuesUsingJqlPost');
    // the sets read whole (discovery, active sprint, velocity, and the few items in progress
    // the first load found), ready, needs discovery first; the issue types and the board's
    // configuration are remembered (its sprints are read); what the viewer sees is 2 counts and
    // the project's boards (the load picks from them)
    expect(searches).toHaveLength(3);
    expect(ctx.em.jiraCalls()).toHaveLength(8);
    expect(searchedJql()).toHaveLength(3);
  });

  it('asks Jira with the documented JQL for the triage field, labels and components', async () => {
    seed({ triageField: true });
    const bodies: string[] = [];
    type Fetch = (meta: unknown, path: string, init?: RequestInit) => Promise<Response>;
    const seam = globalThis as { __forge_fetch__?: Fetch };
    const original = seam.__forge_fetch__;
    if (!original) throw new Error('no emulator at the fetch seam');
    seam.__forge_fetch__ = (meta, path, init) => {
      if (path.includes('/search/jql') && typeof init?.body === 'string') {
        bodies.push((JSON.parse(init.body) as { jql: string }).jql);
      }
      return original(meta, path, init);
    };
    try {
      await load();
    } finally {
      seam.__forge_fetch__ = original;
    }
    expect(bodies.filter((jql) => jql.includes('labels in'))).toEqual([
      expect.stringContaining(
        'statusCategory != Done AND issuetype not in (', // delivery types only
      ),
    ]);
    const jql = bodies.find((j) => j.includes('labels in')) ?? '';
    expect(jql).toContain(
      '("Entry triage".uncertainty in ("high") OR "Entry triage".risk in ("high") OR labels in ("architecture") OR component in ("Payments")) ORDER BY Rank ASC',
    );
  });

  it('agrees with the page read from every open item', async () => {
    seed({ triageField: true });
    const full = await reference();
    const page = await load();
    expect(page.signals.needsDiscovery).toEqual(full.signals.needsDiscovery);
    expect(page.delivery).toEqual(full.delivery);
  });

  it('medium thresholds also flag medium levels', async () => {
    const site = seed({ triageField: true });
    override({ uncertaintyAtLeast: 'medium', riskAtLeast: 'off', labels: [], components: [] });
    const page = await load();
    expect(page.signals.needsDiscovery.criteria).toBe('uncertainty medium or high');
    // The invoices story is uncertainty medium, covered by its validated idea.
    expect(page.signals.needsDiscovery.items.map((i) => i.key)).toEqual([site.explore.key]);
    expect(page.signals.needsDiscovery.meetingCriteria).toBe(2);
  });

  it('makes no query when no criterion is set, and says so', async () => {
    seed({ triageField: true });
    override({ uncertaintyAtLeast: 'off', riskAtLeast: 'off', labels: [], components: [] });
    await load();
    sharedPagesExpire(ctx.em, KEY);
    ctx.em.resetCalls();
    const page = await load();
    expect(page.signals.needsDiscovery).toMatchObject({
      level: 'unknown',
      measured: false,
      count: 0,
      items: [],
    });
    expect(page.signals.needsDiscovery.reason).toBe(
      'No discovery entry criteria are set: both thresholds are off and no label or component is named.',
    );
    // the sets read whole (with the few items in progress), ready: no third search; one bulk
    // fetch still reads the closed idea a ready item is linked to (runway counts only items
    // linked to validated ideas).
    expect(operations().filter((o) => o === 'searchAndReconsileIssuesUsingJqlPost')).toHaveLength(
      2,
    );
    expect(operations().filter((o) => o === 'bulkFetchIssues')).toHaveLength(1);
    expect(allItems(page).every((i) => i.badges.entry === null)).toBe(true);
  });

  it('without the Entry triage field: searches labels and components only, with a note', async () => {
    const site = seed({ triageField: false });
    const page = await load();
    expect(page.notes).toContain(
      'The app’s Entry triage field is not on this Jira site, so the discovery entry criteria look at labels and components only, not at uncertainty or risk. Reinstalling or upgrading Dual Track registers it.',
    );
    expect(page.signals.needsDiscovery.criteria).toBe(
      'label "architecture" or component "Payments"',
    );
    expect(page.signals.needsDiscovery.items.map((i) => i.key)).toEqual([
      site.inSprint.key,
      site.waiting.key,
    ]);
  });

  it('a criteria search Jira refuses leaves the rest of the page, and the signal says why', async () => {
    seed({ triageField: true });
    // The field under another name: Jira answers 400 to "Entry triage".uncertainty.
    entryTriageField().name = 'Triage (old)';
    const page = await load();
    expect(page.signals.needsDiscovery).toMatchObject({ level: 'unknown', measured: false });
    expect(page.signals.needsDiscovery.reason).toMatch(
      /^The discovery entry criteria could not be checked: Jira rejected the request: .*Field 'Entry triage.uncertainty' does not exist/,
    );
    expect(page.totals.openItems).toBeGreaterThan(0);
  });

  it('a component Jira does not know is left out of the query, with a note', async () => {
    const site = seed({ triageField: true });
    override({ components: ['Payments', 'Warp drive'] });
    const page = await load();
    expect(page.notes).toContain(
      'Jira knows no component "Warp drive", named in the discovery entry criteria, so the page does not look for it.',
    );
    expect(page.signals.needsDiscovery.items.map((i) => i.key)).toContain(site.explore.key);
  });
});

describe('needs discovery first, read with the whole sets when the last load found few', () => {
  it('a later load finds them in the whole sets’ search: one search fewer, the same signal', async () => {
    seed({ triageField: true });
    const first = await load();
    // The first load knows nothing of the criteria's matches: they get a search of their own.
    expect(ownEntrySearches()).toHaveLength(1);
    const firstSearches = searchJql().length;
    sharedPagesExpire(ctx.em, KEY);
    ctx.em.resetCalls();
    const later = await load();
    expect(ownEntrySearches()).toEqual([]);
    const joint = searchJql().filter((jql) => jql.includes('labels in'));
    expect(joint).toHaveLength(1);
    expect(joint[0]).toMatch(/^\(+project = "ENT" AND \(\(statusCategory != Done AND issuetype in/);
    expect(joint[0]).toContain(
      ') OR (project = "ENT" AND statusCategory != Done AND issuetype not in (',
    );
    // one search fewer for the criteria's matches, one for the few items in progress
    expect(searchJql()).toHaveLength(firstSearches - 2);
    expect(later.signals.needsDiscovery).toEqual(first.signals.needsDiscovery);
    // explore first, waiting, in the sprint (the seed's three flagged items)
    expect(later.signals.needsDiscovery.count).toBe(3);
    const full = await reference();
    expect(later.signals.needsDiscovery).toEqual(full.signals.needsDiscovery);
    expect(later.delivery).toEqual(full.delivery);
    expect(later.discovery).toEqual(full.discovery);
  });

  it(`criteria that come to match more than ${FOLD_MAX} items are still judged whole, then read apart again`, async () => {
    seed({ triageField: true });
    const first = await load();
    for (let i = 0; i < FOLD_MAX; i++) {
      const story = addDemoItem(ctx.em, KEY, now, { type: 'Story', summary: `Rewrite ${i}` });
      setLabels(ctx.em, story.key, ['architecture']);
    }
    sharedPagesExpire(ctx.em, KEY);
    ctx.em.resetCalls();
    const folded = await load();
    expect(ownEntrySearches()).toEqual([]);
    const full = await reference();
    expect(folded.signals.needsDiscovery).toEqual(full.signals.needsDiscovery);
    expect(folded.signals.needsDiscovery.count).toBe(first.signals.needsDiscovery.count + FOLD_MAX);
    sharedPagesExpire(ctx.em, KEY);
    ctx.em.resetCalls();
    const apart = await load();
    expect(ownEntrySearches()).toHaveLength(1);
    // Read apart, the search stops once a list's worth are flagged: the count is a floor.
    expect(apart.signals.needsDiscovery).toMatchObject({ atLeast: true, level: 'critical' });
    expect(apart.signals.needsDiscovery.items).toEqual(full.signals.needsDiscovery.items);
  });

  it('criteria naming a component Jira does not know keep their own read: no joint search to refuse', async () => {
    seed({ triageField: true });
    override({ components: ['Payments', 'Warp drive'] });
    await load();
    sharedPagesExpire(ctx.em, KEY);
    ctx.em.resetCalls();
    const page = await load();
    expect(jointEntrySearches()).toEqual([]);
    expect(page.notes).toContain(
      'Jira knows no component "Warp drive", named in the discovery entry criteria, so the page does not look for it.',
    );
  });

  it('on a board that also shows another project, that project’s items meeting the criteria are not this page’s', async () => {
    seed({ triageField: true });
    const boardId = boardShowsAnotherProject(ctx.em, KEY, now, {
      entry: { components: ['Payments'] },
    });
    const active = [...ctx.em.sprints.values()].find(
      (sp) => sp.boardId === boardId && sp.state === 'active',
    );
    if (!active) throw new Error('no active sprint on the board');
    const theirs = addDemoItem(ctx.em, 'OTH', now, {
      type: 'Story',
      summary: 'Their risky rewrite',
      sprints: [active],
    });
    setLabels(ctx.em, theirs.key, ['architecture']);
    const first = await load();
    sharedPagesExpire(ctx.em, KEY);
    ctx.em.resetCalls();
    const later = await load();
    expect(ownEntrySearches()).toEqual([]);
    expect(later.delivery.activeSprint.map((i) => i.key)).toContain(theirs.key);
    expect(later.signals.needsDiscovery.items.map((i) => i.key)).not.toContain(theirs.key);
    expect(later.signals.needsDiscovery).toEqual(first.signals.needsDiscovery);
  });

  it('changed criteria are read apart first, as nothing is known of their matches', async () => {
    const site = seed({ triageField: true });
    await load();
    override({ components: [], labels: ['architecture'] });
    sharedPagesExpire(ctx.em, KEY);
    ctx.em.resetCalls();
    const page = await load();
    expect(ownEntrySearches()).toHaveLength(1);
    expect(ownEntrySearches()[0]).not.toContain('component in');
    expect(page.signals.needsDiscovery.items.map((i) => i.key)).toContain(site.explore.key);
  });

  it('a joint search Jira refuses is read apart in the same load: the page loads, the signal says why', async () => {
    seed({ triageField: true });
    const first = await load();
    // The field under another name: Jira answers 400 to "Entry triage".uncertainty.
    entryTriageField().name = 'Triage (old)';
    sharedPagesExpire(ctx.em, KEY);
    ctx.em.resetCalls();
    const page = await load();
    const refused = ctx.em.jiraCalls().filter((c) => c.status === 400);
    expect(refused.map((c) => String((c.body as { jql?: unknown }).jql))).toEqual([
      expect.stringContaining(') OR (project = "ENT"'),
      expect.not.stringContaining(') OR (project'),
    ]);
    expect(page.discovery).toEqual(first.discovery);
    const keys = (o: ProjectOverview) =>
      Object.values(o.delivery)
        .flat()
        .map((i) => i.key);
    expect(keys(page)).toEqual(keys(first));
    // The items in progress, folded into the refused search too, are read apart as well.
    expect(
      searchJql().filter((jql) => /^project = "ENT" AND statusCategory = "In Progress"/.test(jql)),
    ).toHaveLength(1);
    expect(page.signals.needsDiscovery).toMatchObject({ level: 'unknown', measured: false });
    expect(page.signals.needsDiscovery.reason).toMatch(
      /^The discovery entry criteria could not be checked: Jira rejected the request: .*Field 'Entry triage.uncertainty' does not exist/,
    );
    // Nothing is remembered as few: the next load does not try the joint search again.
    sharedPagesExpire(ctx.em, KEY);
    ctx.em.resetCalls();
    await load();
    expect(jointEntrySearches()).toEqual([]);
  });
});

describe('the emulated search: entry criteria JQL', () => {
  /** What the app's paged search finds, in one invocation of the resolver that searches. */
  const keys = async (jql: string): Promise<{ status: number; keys: string[] }> =>
    inInvocation(
      ctx.em,
      'resolver',
      'project/overview: readIssuesInPages',
      async () => {
        const jira = jiraAsUser(DEMO_USERS.member);
        try {
          const found: string[] = [];
          await readIssuesInPages(jira, jql, ['key'], (issues) =>
            found.push(...issues.map((i) => i.key)),
          );
          return { status: 200, keys: found.sort() };
        } catch (error) {
          return { status: (error as { status?: number }).status ?? 0, keys: [] };
        }
      },
      { as: DEMO_USERS.member },
    );

  it('matches an object field property by its searchAlias, exactly; != and not in skip empty values', async () => {
    const site = seed({ triageField: true });
    expect((await keys(`project = ${KEY} AND "Entry triage".uncertainty = high`)).keys).toEqual(
      [site.explore.key, site.riskySpike.key, site.done.key].sort(),
    );
    const medium = await keys(`project = ${KEY} AND "Entry triage".uncertainty in (medium)`);
    expect(medium.keys).toEqual([site.coveredByIdea.key]);
    const notHigh = await keys(`project = ${KEY} AND "Entry triage".risk != "high"`);
    expect(notHigh.keys.sort()).toEqual([site.explore.key, site.calm.key].sort());
    // Values compare exactly: "High" is not "high".
    expect((await keys(`project = ${KEY} AND "Entry triage".uncertainty = "High"`)).keys).toEqual(
      [],
    );
  });

  it('refuses a property the manifest gives no searchAlias, and a field that does not exist', async () => {
    seed({ triageField: true });
    expect((await keys(`project = ${KEY} AND "Entry triage".reason = x`)).status).toBe(400);
    expect((await keys(`project = ${KEY} AND "No such field".uncertainty = high`)).status).toBe(
      400,
    );
    expect(ctx.em.violations).toEqual([]);
  });

  it('labels in matches case-insensitively; component in refuses a name no project has', async () => {
    const site = seed({ triageField: true });
    expect((await keys(`project = ${KEY} AND labels in ("ARCHITECTURE")`)).keys).toEqual(
      [site.waiting.key, site.inSprint.key, site.done.key].sort(),
    );
    expect((await keys(`project = ${KEY} AND component in ("payments")`)).keys).toEqual([
      site.coveredBySpike.key,
    ]);
    expect((await keys(`project = ${KEY} AND component = "Warp drive"`)).status).toBe(400);
  });

  it('reads backslash escapes in strings', async () => {
    const site = seed({ triageField: true });
    setLabels(ctx.em, site.calm.key, ['say-"hi"']);
    expect((await keys(`project = ${KEY} AND labels = "say-\\"hi\\""`)).keys).toEqual([
      site.calm.key,
    ]);
  });
});
