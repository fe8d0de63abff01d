import type { JiraEmulator } from './jira-emulator';
import type { EmField, EmIssue, EmSprint } from './model';
import { ALL_PROJECT_PERMISSIONS } from './model';
import { setLabels } from './routes/enforcement';
import { issueLinkSite } from './routes/issue-writes';
import { seedRetroHistory } from './retro-seed';

/**
 * A realistic, deterministic dual-track project for the local preview, browser tests and the
 * project page's tests: one Scrum board estimating in story points, six closed sprints with a
 * velocity history, an active sprint, a planned future sprint, ideas at every validation stage,
 * spikes (one past its timebox), enablers (one in the active sprint without a scoped outcome),
 * stories and bugs, users with permissions, and storage as setup leaves it. Every date is fixed
 * relative to `now`; nothing is random.
 *
 * The numbers the page should show (default settings):
 *   velocity  = (24 + 22 + 20) / 3 = 22 points (sprints 6, 5, 4; sprint 6 includes an issue
 *               carried over from sprint 5)
 *   runway    = 33 points ready ÷ 22 = 1.5 sprints → healthy
 *   capacity  = 5 of 23 points in the active sprint are discovery → 22 %
 *   open-ended: 1 spike past its timebox (6 of 3 days), 2 ideas idle 21 and 30 days
 *   unscoped  : 2 enablers, 1 of them in the active sprint
 *   needs discovery first: 1 to explore first (label "architecture", nothing linked), 2 waiting
 *               (on an idea being validated; on a spike in progress), 1 covered (not flagged)
 */

const DAY = 86_400_000;
const STORAGE_KEYS = {
  jiraFields: 'app:jira-fields',
  trackMapping: (key: string) => `track-mapping:${key}`,
  setupReport: (key: string) => `setup-report:${key}`,
};

export const DEMO_USERS = {
  member: 'user-member',
  admin: 'user-admin',
  outsider: 'user-outsider',
} as const;

/** A Jira group of the demo site, for naming lead engineers by group. */
export const DEMO_LEAD_GROUP = {
  groupId: '5f0c6a4e-2d7b-4c1e-9a53-1e2d3c4b5a60',
  name: 'engineering-leads',
} as const;

export interface DemoProject {
  projectKey: string;
  projectId: string;
  projectName: string;
  boardId: number;
  storyPoints: EmField;
  scopedOutcome: EmField;
  discoveryEvidence: EmField;
  entryTriage: EmField;
  activeSprint: EmSprint;
  futureSprint: EmSprint;
  /** Oldest first. */
  closedSprints: EmSprint[];
  users: typeof DEMO_USERS;
  /** Keys of the items the signals single out. */
  keys: {
    overrunSpike: string;
    unscopedEnablerInSprint: string;
    unscopedEnablerInBacklog: string;
    idleIdeas: string[];
    carriedOver: string;
    /** Delivery items meeting the discovery entry criteria (see seedDemoEntryCandidates). */
    entry: DemoEntryKeys;
    /** Items the issue panel preview opens on (evidence logs seeded in storage to match). */
    panel: DemoPanelKeys;
  };
}

export interface DemoPanelKeys {
  /** 2 positive interviews and 1 usability test: a third interview validates it. */
  validatingIdea: string;
  validatedIdea: string;
  invalidatedIdea: string;
  /** A story linked ("implements") from the validated idea. */
  deliveryFromValidated: string;
  /** A finished spike without its "what we learned" note. */
  doneSpike: string;
}

export interface DemoEntryKeys {
  /** Label "architecture", nothing linked: "Explore first". */
  exploreFirst: string;
  /** Label "architecture", linked to an idea being validated: "Waiting on …". */
  waiting: string;
  /** The idea it waits on. */
  waitingOn: string;
  /** Label "architecture", implemented from a validated idea: covered, not flagged. */
  covered: string;
  /** Uncertainty high, blocked by a spike in progress: "Waiting on …". */
  waitingOnSpike: string;
  /** The spike it waits on. */
  spike: string;
}

type Status = 'To Do' | 'Ready for sprint' | 'In Progress' | 'Done';

export interface Seed {
  type: string;
  summary: string;
  status?: Status;
  points?: number;
  /** Days before now the item was created / last updated / changed status category. */
  createdDaysAgo?: number;
  updatedDaysAgo?: number;
  categoryChangedDaysAgo?: number;
  sprints?: EmSprint[];
  custom?: Record<string, unknown>;
}

const COMPLETE_SPIKE_OUTCOME = (timeboxDays: number, outcome: string, measure: string) => ({
  outcome,
  successMeasure: measure,
  timeboxDays,
});

export function evidence(
  counts: Partial<{
    interviews: number;
    usabilityTests: number;
    prototypeReviews: number;
    conciergeTests: number;
    experiments: number;
  }>,
  state: 'unvalidated' | 'validated' | 'invalidated',
  latest: string | null,
) {
  return {
    interviews: counts.interviews ?? 0,
    usabilityTests: counts.usabilityTests ?? 0,
    prototypeReviews: counts.prototypeReviews ?? 0,
    conciergeTests: counts.conciergeTests ?? 0,
    experiments: counts.experiments ?? 0,
    latest,
    state,
  };
}

const LOG_SUMMARIES: Record<string, string> = {
  interview: 'Customer interview: confirmed the problem',
  'usability-test': 'Usability test: completed the task without help',
  'prototype-review': 'Prototype review with the design team',
  'concierge-test': 'Concierge test run by hand for a week',
  experiment: 'Fake-door experiment on the product page',
};

/**
 * The evidence log behind a seeded Discovery evidence value, in storage as the evidence
 * resolvers keep it (`evidence:<issueId>`), so the issue panel and the field tell the same story.
 */
export function seedEvidenceLog(
  em: JiraEmulator,
  issue: EmIssue,
  value: ReturnType<typeof evidence>,
  now: Date,
  invalidatedReason?: string,
): void {
  const counts: Array<[string, number]> = [
    ['interview', value.interviews],
    ['usability-test', value.usabilityTests],
    ['prototype-review', value.prototypeReviews],
    ['concierge-test', value.conciergeTests],
    ['experiment', value.experiments],
  ];
  const latest = value.latest ?? now.toISOString().slice(0, 10);
  const entries = counts.flatMap(([type, n]) =>
    Array.from({ length: n }, () => ({ type, summary: LOG_SUMMARIES[type] ?? type })),
  );
  const at = now.toISOString();
  em.kvs.seed(`evidence:${issue.id}`, {
    version: 1,
    issueId: issue.id,
    updatedAt: at,
    updatedBy: DEMO_USERS.member,
    nextEntry: entries.length + 1,
    entries: entries.map((e, i) => ({
      id: `e${i + 1}`,
      type: e.type,
      date: latest,
      summary: `${e.summary} (${i + 1})`,
      positive: true,
      recordedBy: DEMO_USERS.member,
      recordedAt: at,
    })),
    invalidated: invalidatedReason
      ? { reason: invalidatedReason, decidedBy: DEMO_USERS.member, decidedAt: at }
      : null,
  });
}

/** The Sprint field's value for one sprint, as Jira returns it on an issue. */
export function sprintFieldValue(sprint: EmSprint): Record<string, unknown> {
  return {
    id: sprint.id,
    name: sprint.name,
    state: sprint.state,
    boardId: sprint.boardId,
    goal: sprint.goal,
    ...(sprint.startDate ? { startDate: sprint.startDate } : {}),
    ...(sprint.endDate ? { endDate: sprint.endDate } : {}),
    ...(sprint.completeDate ? { completeDate: sprint.completeDate } : {}),
  };
}

/** A custom number field "Story Points", as a site with Jira Software has it. */
function addStoryPointsField(em: JiraEmulator): EmField {
  const existing = [...em.fields.values()].find((f) => f.name === 'Story Points');
  if (existing) return existing;
  const numeric = em.nextNumericId();
  const field: EmField = {
    id: `customfield_${numeric}`,
    key: `customfield_${numeric}`,
    name: 'Story Points',
    custom: true,
    schema: {
      type: 'number',
      custom: 'com.atlassian.jira.plugin.system.customfieldtypes:float',
      customId: numeric,
    },
  };
  em.fields.set(field.id, field);
  return field;
}

const TYPES = ['Story', 'Bug', 'Discovery', 'Spike', 'Enabler'] as const;
const DISCOVERY_TYPES = new Set(['Discovery', 'Spike', 'Enabler']);

interface SiteBase {
  projectId: string;
  storyPoints: EmField;
  scopedOutcome: EmField;
  discoveryEvidence: EmField;
  entryTriage: EmField;
  boardId: number | undefined;
}

export interface ShellOptions {
  key: string;
  name?: string;
  now: Date;
  /** The project's Scrum board: estimating in story points (default), counting issues, or none. */
  board?: 'story-points' | 'issue-count' | 'none';
  /** Whether setup has recorded the track mapping (default true). */
  setUp?: boolean;
}

/** Project, users, types, fields, board and storage "as setup leaves it". */
function seedBase(em: JiraEmulator, args: ShellOptions): SiteBase {
  if (!em.users.has(DEMO_USERS.member)) {
    em.addUser({ accountId: DEMO_USERS.member, displayName: 'Mia Member' });
    em.addUser({ accountId: DEMO_USERS.admin, displayName: 'Ada Admin', siteAdmin: true });
    em.addUser({ accountId: DEMO_USERS.outsider, displayName: 'Oscar Outsider' });
    em.addGroup({
      groupId: DEMO_LEAD_GROUP.groupId,
      name: DEMO_LEAD_GROUP.name,
      members: [DEMO_USERS.admin],
    });
  }
  const project = em.addProject({ key: args.key, name: args.name ?? args.key });
  em.grant(args.key, DEMO_USERS.member);
  em.grant(args.key, DEMO_USERS.admin, ALL_PROJECT_PERMISSIONS);
  for (const name of TYPES) {
    if (![...em.issueTypes.values()].some((t) => t.name === name)) em.addIssueType({ name });
  }
  const storyPoints = addStoryPointsField(em);
  // Installing the app registers all its fields (manifest.yml's jira:customField modules).
  const installed = em.installAppFields();
  const appField = (moduleKey: string): EmField => {
    const field = installed[moduleKey];
    if (!field) throw new Error(`manifest.yml declares no jira:customField ${moduleKey}`);
    return field;
  };
  const scopedOutcome = appField('scoped-outcome');
  const discoveryEvidence = appField('discovery-evidence');
  const entryTriage = appField('entry-triage');
  const boardKind = args.board ?? 'story-points';
  const board =
    boardKind === 'none'
      ? undefined
      : em.addBoard({
          projectKey: args.key,
          name: `${args.key} Scrum board`,
          ...(boardKind === 'story-points' ? { estimationFieldId: storyPoints.id } : {}),
        });
  const at = args.now.toISOString();
  em.kvs.seed(STORAGE_KEYS.jiraFields, {
    scopedOutcome: scopedOutcome.id,
    discoveryEvidence: discoveryEvidence.id,
    entryTriage: entryTriage.id,
  });
  const types = [...em.issueTypes.values()].filter((t) =>
    (TYPES as readonly string[]).includes(t.name),
  );
  if (args.setUp === false) {
    return {
      projectId: project.id,
      storyPoints,
      scopedOutcome,
      discoveryEvidence,
      entryTriage,
      boardId: board?.id,
    };
  }
  em.kvs.seed(STORAGE_KEYS.trackMapping(args.key), {
    version: 1,
    projectId: project.id,
    projectKey: args.key,
    style: 'classic',
    types: types.map((t) => ({
      issueTypeId: t.id,
      name: t.name,
      track: DISCOVERY_TYPES.has(t.name) ? 'discovery' : 'delivery',
    })),
    updatedAt: at,
    updatedBy: DEMO_USERS.admin,
  });
  em.kvs.seed(STORAGE_KEYS.setupReport(args.key), {
    version: 1,
    projectId: project.id,
    projectKey: args.key,
    style: 'classic',
    outcome: 'complete',
    runBy: DEMO_USERS.admin,
    startedAt: at,
    finishedAt: at,
    steps: [{ step: 'record-mapping', target: args.key, status: 'done', at }],
  });
  return {
    projectId: project.id,
    storyPoints,
    scopedOutcome,
    discoveryEvidence,
    entryTriage,
    boardId: board?.id,
  };
}

/** Six closed two-week sprints, the active one (started 4 days ago) and one planned. */
function seedSprints(
  em: JiraEmulator,
  boardId: number,
  key: string,
  now: Date,
): { closed: EmSprint[]; active: EmSprint; future: EmSprint } {
  const iso = (daysAgo: number) => new Date(now.getTime() - daysAgo * DAY).toISOString();
  const closed: EmSprint[] = [];
  for (let k = 1; k <= 6; k++) {
    const startDaysAgo = 4 + (7 - k) * 14;
    closed.push(
      em.addSprint({
        boardId,
        name: `${key} Sprint ${k}`,
        state: 'closed',
        goal: `Sprint ${k} goal`,
        startDate: iso(startDaysAgo),
        endDate: iso(startDaysAgo - 14),
        completeDate: iso(startDaysAgo - 14),
      }),
    );
  }
  const active = em.addSprint({
    boardId,
    name: `${key} Sprint 7`,
    state: 'active',
    goal: 'Faster checkout',
    startDate: iso(4),
    endDate: iso(-10),
  });
  const future = em.addSprint({ boardId, name: `${key} Sprint 8`, state: 'future' });
  return { closed, active, future };
}

function addItem(
  em: JiraEmulator,
  key: string,
  storyPoints: EmField,
  now: Date,
  seed: Seed,
): EmIssue {
  const iso = (daysAgo: number) => new Date(now.getTime() - daysAgo * DAY).toISOString();
  const custom: Record<string, unknown> = { ...(seed.custom ?? {}) };
  if (seed.points !== undefined) custom[storyPoints.id] = seed.points;
  if (seed.sprints && seed.sprints.length > 0) {
    custom[em.sprintField.id] = seed.sprints.map(sprintFieldValue);
  }
  const issue = em.addIssue({
    projectKey: key,
    type: seed.type,
    summary: seed.summary,
    status: seed.status ?? 'To Do',
    custom,
  });
  const created = seed.createdDaysAgo ?? 30;
  issue.created = iso(created);
  issue.updated = iso(seed.updatedDaysAgo ?? Math.min(created, 2));
  issue.statusCategoryChanged = iso(seed.categoryChangedDaysAgo ?? created);
  return issue;
}

/**
 * A project with users, types, fields and (optionally) a board and storage, but no sprints and
 * no issues: for edge cases. Add sprints with `seedSprintHistory` and issues with `addDemoItem`.
 */
export function seedProjectShell(
  em: JiraEmulator,
  options: ShellOptions,
): { projectId: string; boardId: number | undefined; storyPoints: EmField } {
  const base = seedBase(em, options);
  return { projectId: base.projectId, boardId: base.boardId, storyPoints: base.storyPoints };
}

/** Six closed sprints, an active and a future one on the board (see seedDemoProject). */
export function seedSprintHistory(
  em: JiraEmulator,
  boardId: number,
  key: string,
  now: Date,
): { closed: EmSprint[]; active: EmSprint; future: EmSprint } {
  return seedSprints(em, boardId, key, now);
}

/** One issue with dates relative to `now` (see Seed). */
export function addDemoItem(em: JiraEmulator, key: string, now: Date, seed: Seed): EmIssue {
  return addItem(em, key, addStoryPointsField(em), now, seed);
}

/** Seeds the demo project DT; see the file comment for the numbers it produces. */
export function seedDemoProject(
  em: JiraEmulator,
  options: {
    now: Date;
    key?: string;
    name?: string;
    board?: 'story-points' | 'issue-count';
    setUp?: boolean;
  },
): DemoProject {
  const key = options.key ?? 'DT';
  const name = options.name ?? 'Dual Track Demo';
  const { now } = options;
  const base = seedBase(em, {
    key,
    name,
    now,
    board: options.board ?? 'story-points',
    setUp: options.setUp ?? true,
  });
  const boardId = base.boardId ?? 0;
  const { closed, active, future } = seedSprints(em, boardId, key, now);
  const add = (seed: Seed) => addItem(em, key, base.storyPoints, now, seed);
  const so = base.scopedOutcome.id;
  const ev = base.discoveryEvidence.id;
  const date = (daysAgo: number) =>
    new Date(now.getTime() - daysAgo * DAY).toISOString().slice(0, 10);

  // Work finished before the team used sprints.
  for (const summary of [
    'Product catalogue page',
    'Basket',
    'Card payments',
    'Order confirmation email',
    'Admin: product import',
  ]) {
    add({ type: 'Story', summary, status: 'Done', points: 5, createdDaysAgo: 120 });
  }

  // Velocity history: what each closed sprint completed (points).
  const history: number[][] = [
    [5, 5, 3, 3, 2],
    [8, 5, 3, 3, 2],
    [8, 5, 5, 3, 3],
    [8, 5, 3, 2, 2],
    [8, 5, 3, 3, 3],
    [8, 5, 5, 3],
  ];
  history.forEach((points, i) => {
    const sprint = closed[i];
    if (!sprint) return;
    points.forEach((p, j) =>
      add({
        type: j === points.length - 1 ? 'Bug' : 'Story',
        summary: `${sprint.name}: ${j === points.length - 1 ? 'fix' : 'story'} ${j + 1}`,
        status: 'Done',
        points: p,
        createdDaysAgo: 100 - i * 14,
        updatedDaysAgo: 80 - i * 14,
        sprints: [sprint],
      }),
    );
  });
  // Started in sprint 5, carried over and finished in sprint 6 (counts for sprint 6 only).
  const sprint5 = closed[4];
  const sprint6 = closed[5];
  const carriedOver = add({
    type: 'Story',
    summary: 'Search suggestions',
    status: 'Done',
    points: 3,
    createdDaysAgo: 40,
    updatedDaysAgo: 5,
    sprints: sprint5 && sprint6 ? [sprint5, sprint6] : [],
  });

  // Discovery work that ended outside sprints (decided ideas, finished spikes).
  const doneDiscovery: EmIssue[] = [];
  for (const summary of [
    'Do customers want same-day delivery?',
    'Is a mobile app worth it yet?',
    'Spike: payment provider SDK comparison',
    'Would a referral bonus pay off?',
    'Marketplace for third-party sellers',
    'Spike: search engine options',
    'Printed catalogue',
    'Enabler: structured logging',
  ]) {
    const type = summary.startsWith('Spike')
      ? 'Spike'
      : summary.startsWith('Enabler')
        ? 'Enabler'
        : 'Discovery';
    doneDiscovery.push(
      add({ type, summary, status: 'Done', createdDaysAgo: 90, updatedDaysAgo: 60 }),
    );
  }

  // Active sprint: delivery (18 points).
  add({
    type: 'Story',
    summary: 'Save card for later',
    status: 'In Progress',
    points: 5,
    sprints: [active],
    createdDaysAgo: 20,
    categoryChangedDaysAgo: 3,
  });
  add({
    type: 'Story',
    summary: 'Order history filters',
    status: 'In Progress',
    points: 3,
    sprints: [active],
    createdDaysAgo: 18,
    categoryChangedDaysAgo: 2,
  });
  add({
    type: 'Story',
    summary: 'Email receipt template',
    status: 'To Do',
    points: 3,
    sprints: [active],
    createdDaysAgo: 15,
  });
  add({
    type: 'Bug',
    summary: 'Coupon total rounds down',
    status: 'In Progress',
    points: 2,
    sprints: [active],
    createdDaysAgo: 6,
    categoryChangedDaysAgo: 1,
  });
  add({
    type: 'Story',
    summary: 'Address autocomplete',
    status: 'To Do',
    points: 5,
    sprints: [active],
    createdDaysAgo: 25,
  });

  // Active sprint: discovery (5 points).
  const overrunSpike = add({
    type: 'Spike',
    summary: 'Spike: Postgres logical replication for reporting',
    status: 'In Progress',
    points: 3,
    sprints: [active],
    createdDaysAgo: 12,
    updatedDaysAgo: 1,
    categoryChangedDaysAgo: 6,
    custom: {
      [so]: COMPLETE_SPIKE_OUTCOME(
        3,
        'A recommendation on logical replication for the reporting database, with a working prototype',
        'Replication lag under 5 seconds at peak order volume in the prototype',
      ),
    },
  });
  const unscopedInSprint = add({
    type: 'Enabler',
    summary: 'Enabler: split the session service',
    status: 'To Do',
    points: 2,
    sprints: [active],
    createdDaysAgo: 9,
    updatedDaysAgo: 4,
  });
  const validatingIdea = add({
    type: 'Discovery',
    summary: 'Reorder from past orders',
    status: 'In Progress',
    // Not in the sprint: the sprint guard keeps ideas that are not validated out of sprints.
    createdDaysAgo: 16,
    updatedDaysAgo: 1,
    categoryChangedDaysAgo: 8,
    custom: { [ev]: evidence({ interviews: 2, usabilityTests: 1 }, 'unvalidated', date(2)) },
  });

  // Planned for the next sprint (still ready work: not started, not in the active sprint).
  const guestCheckout = add({
    type: 'Story',
    summary: 'Guest checkout',
    status: 'Ready for sprint',
    points: 8,
    sprints: [future],
    createdDaysAgo: 22,
  });
  add({
    type: 'Story',
    summary: 'Saved addresses',
    status: 'Ready for sprint',
    points: 5,
    sprints: [future],
    createdDaysAgo: 21,
  });
  // Backlog: ready delivery work (33 points with the two above).
  add({ type: 'Story', summary: 'Gift messages', points: 5, createdDaysAgo: 19 });
  add({ type: 'Story', summary: 'Order tracking page', points: 8, createdDaysAgo: 17 });
  add({
    type: 'Bug',
    summary: 'Currency symbol missing on invoices',
    points: 2,
    createdDaysAgo: 5,
  });
  add({ type: 'Story', summary: 'Wishlist sharing', points: 3, createdDaysAgo: 14 });
  add({ type: 'Story', summary: 'Returns portal', points: 2, createdDaysAgo: 13 });
  add({ type: 'Story', summary: 'Loyalty points', createdDaysAgo: 3 });
  // Delivery in progress outside the sprint.
  add({
    type: 'Bug',
    summary: 'Hotfix: payment webhook retries',
    status: 'In Progress',
    points: 1,
    createdDaysAgo: 2,
    categoryChangedDaysAgo: 1,
  });

  // Spikes and enablers outside the sprint.
  add({
    type: 'Spike',
    summary: 'Spike: benchmark the image CDN',
    status: 'In Progress',
    createdDaysAgo: 4,
    updatedDaysAgo: 1,
    categoryChangedDaysAgo: 1,
    custom: {
      [so]: COMPLETE_SPIKE_OUTCOME(
        2,
        'Benchmark numbers for two CDN configurations on the product image set',
        'A chosen configuration with p95 image load under 300 ms on 4G',
      ),
    },
  });
  add({
    type: 'Spike',
    summary: 'Spike: OAuth provider options',
    createdDaysAgo: 6,
    updatedDaysAgo: 3,
    custom: {
      [so]: COMPLETE_SPIKE_OUTCOME(
        3,
        'A shortlist of two OAuth providers with pricing and migration effort for each',
        'The team agrees on one provider in the sprint review',
      ),
    },
  });
  add({
    type: 'Enabler',
    summary: 'Enabler: upgrade to the Node 22 runtime',
    createdDaysAgo: 10,
    updatedDaysAgo: 2,
    custom: {
      [so]: {
        outcome: 'Every service runs on Node 22 with the CI pipeline green and no deprecated APIs',
        successMeasure: 'Zero Node 20 deployments and no new runtime errors for a week',
        targetDate: date(-21),
      },
    },
  });
  const unscopedInBacklog = add({
    type: 'Enabler',
    summary: 'Enabler: feature-flag service',
    createdDaysAgo: 11,
    updatedDaysAgo: 3,
    custom: {
      [so]: {
        outcome: 'A feature-flag service that every frontend can read flags from at start-up',
        timeboxDays: 5,
      },
    },
  });

  // Ideas at every validation stage.
  add({ type: 'Discovery', summary: 'Subscription boxes', createdDaysAgo: 5, updatedDaysAgo: 5 });
  const idle1 = add({
    type: 'Discovery',
    summary: 'Voice ordering',
    createdDaysAgo: 40,
    updatedDaysAgo: 21,
  });
  const idle2 = add({
    type: 'Discovery',
    summary: 'Bulk-buy discounts',
    createdDaysAgo: 45,
    updatedDaysAgo: 30,
  });
  add({
    type: 'Discovery',
    summary: 'Dark mode for the shop',
    createdDaysAgo: 3,
    updatedDaysAgo: 3,
  });
  add({ type: 'Discovery', summary: 'Chat with a florist', createdDaysAgo: 2, updatedDaysAgo: 2 });
  add({
    type: 'Discovery',
    summary: 'Store pickup',
    createdDaysAgo: 12,
    updatedDaysAgo: 4,
    custom: { [ev]: evidence({ interviews: 1, prototypeReviews: 1 }, 'unvalidated', date(4)) },
  });
  add({
    type: 'Discovery',
    summary: 'Price-drop alerts',
    status: 'In Progress',
    createdDaysAgo: 9,
    updatedDaysAgo: 2,
    categoryChangedDaysAgo: 2,
  });
  add({
    type: 'Discovery',
    summary: 'Recipe bundles',
    createdDaysAgo: 8,
    updatedDaysAgo: 6,
    custom: { [ev]: evidence({ interviews: 2, conciergeTests: 1 }, 'unvalidated', date(6)) },
  });
  const validatedIdea = add({
    type: 'Discovery',
    summary: 'One-page checkout',
    status: 'In Progress',
    createdDaysAgo: 30,
    updatedDaysAgo: 1,
    categoryChangedDaysAgo: 20,
    custom: { [ev]: evidence({ interviews: 3, usabilityTests: 1 }, 'validated', date(1)) },
  });
  add({
    type: 'Discovery',
    summary: 'Saved carts across devices',
    createdDaysAgo: 26,
    updatedDaysAgo: 3,
    custom: {
      [ev]: evidence({ interviews: 4, usabilityTests: 2, experiments: 1 }, 'validated', date(3)),
    },
  });
  const invalidatedIdea = add({
    type: 'Discovery',
    summary: 'Pay with crypto',
    createdDaysAgo: 35,
    updatedDaysAgo: 6,
    custom: { [ev]: evidence({ interviews: 2, conciergeTests: 1 }, 'invalidated', date(7)) },
  });
  add({
    type: 'Discovery',
    summary: 'Gift cards for teams',
    createdDaysAgo: 7,
    updatedDaysAgo: 2,
    custom: { [ev]: evidence({ interviews: 1, usabilityTests: 1 }, 'unvalidated', date(2)) },
  });
  add({
    type: 'Discovery',
    summary: 'Printable invoices for businesses',
    createdDaysAgo: 14,
    updatedDaysAgo: 5,
    custom: { [ev]: evidence({ interviews: 3 }, 'unvalidated', date(5)) },
  });
  add({
    type: 'Discovery',
    summary: 'Next-day delivery slots',
    createdDaysAgo: 4,
    updatedDaysAgo: 4,
  });

  // The evidence logs behind the Discovery evidence values, and the link promote would have made
  // from the validated idea to its delivery story.
  for (const issue of em.issues.values()) {
    const value = issue.custom.get(ev) as ReturnType<typeof evidence> | undefined;
    if (issue.projectId !== base.projectId || !value) continue;
    const reason =
      issue.id === invalidatedIdea.id
        ? 'Fewer than 1 in 50 customers would pay with crypto, and fees eat the margin'
        : undefined;
    seedEvidenceLog(em, issue, value, now, reason);
  }
  const links = issueLinkSite(em);
  const implementsType =
    [...links.types.values()].find((t) => t.name === 'Implements') ??
    links.addType({ name: 'Implements', inward: 'is implemented by', outward: 'implements' });
  links.addLink(implementsType.id, validatedIdea.id, guestCheckout.id);
  const doneSpike = doneDiscovery.find((i) => i.summary.startsWith('Spike')) ?? overrunSpike;
  const entry = {
    ...seedDemoEntryCandidates(em, key, implementsType.id),
    ...seedDemoTriage(em, key, base.entryTriage),
  };
  // The changelog, decided ideas and audit entries the retro sub-page reads (dev/emulator/retro-seed.ts).
  seedRetroHistory(em, {
    projectKey: key,
    closed,
    scopedOutcome: base.scopedOutcome,
    entryTriage: base.entryTriage,
    carriedOverKey: carriedOver.key,
    now,
    member: DEMO_USERS.member,
  });

  return {
    projectKey: key,
    projectId: base.projectId,
    projectName: name,
    boardId,
    storyPoints: base.storyPoints,
    scopedOutcome: base.scopedOutcome,
    discoveryEvidence: base.discoveryEvidence,
    entryTriage: base.entryTriage,
    activeSprint: active,
    futureSprint: future,
    closedSprints: closed,
    users: DEMO_USERS,
    keys: {
      overrunSpike: overrunSpike.key,
      unscopedEnablerInSprint: unscopedInSprint.key,
      unscopedEnablerInBacklog: unscopedInBacklog.key,
      idleIdeas: [idle1.key, idle2.key],
      carriedOver: carriedOver.key,
      entry,
      panel: {
        validatingIdea: validatingIdea.key,
        validatedIdea: validatedIdea.key,
        invalidatedIdea: invalidatedIdea.key,
        deliveryFromValidated: guestCheckout.key,
        doneSpike: doneSpike.key,
      },
    },
  };
}

export interface SyntheticProject {
  projectKey: string;
  projectId: string;
  boardId: number;
  openItems: number;
  /** Done issues in the last three closed sprints (the velocity search reads these). */
  recentDoneItems: number;
  /** The app's Discovery evidence field. */
  discoveryEvidenceId: string;
  /** The open delivery items, in the order they were added. */
  openDelivery: readonly EmIssue[];
}

/** The shape of a synthetic project's open items (the bench's data variants). */
export interface SeedShape {
  /**
   * Which open items carry an estimate: 'delivery' (default: every delivery item, no
   * discovery item), 'all' (discovery items too), 'none' (no open item), or a number n (every
   * n-th open delivery item).
   */
  estimated?: 'delivery' | 'all' | 'none' | number;
  /** Discovery items per ten open items (default 1: one in ten; at most 3). */
  discoveryPerTen?: number;
}

/**
 * A large project for scale tests, fast to build: `openItems` open items (one in ten
 * discovery), 20 of them in the active sprint, and ten (or `closedSprintItems`) done stories in
 * each of six closed sprints; with `evidenceEvery`, ideas carry evidence. Issues are added directly (no per-issue lookups), so 10,000 items take well under a
 * second.
 */
export function seedSyntheticProject(
  em: JiraEmulator,
  options: {
    openItems: number;
    now: Date;
    key?: string;
    /** Done stories in each of the six closed sprints (default 10). */
    closedSprintItems?: number;
    /** Every n-th discovery item gets a Discovery evidence value (default: none). */
    evidenceEvery?: number;
  } & SeedShape,
): SyntheticProject {
  const key = options.key ?? 'BIG';
  const { now } = options;
  const base = seedBase(em, { key, name: 'Big Synthetic Project', now });
  const boardId = base.boardId ?? 0;
  const { closed, active } = seedSprints(em, boardId, key, now);
  const add = (seed: Seed) => addItem(em, key, base.storyPoints, now, seed);
  const perSprint = options.closedSprintItems ?? 10;
  for (const sprint of closed) {
    for (let j = 0; j < perSprint; j++) {
      add({
        type: 'Story',
        summary: `${sprint.name} story ${j + 1}`,
        status: 'Done',
        points: 2,
        createdDaysAgo: 120,
        sprints: [sprint],
      });
    }
  }
  const kinds = ['Discovery', 'Spike', 'Enabler'] as const;
  const ev = base.discoveryEvidence.id;
  const evidenceEvery = options.evidenceEvery ?? 0;
  const opened: EmIssue[] = [];
  const perTen = options.discoveryPerTen ?? 1;
  const estimated = options.estimated ?? 'delivery';
  let deliverySeen = 0;
  for (let i = 0; i < options.openItems; i++) {
    // The discovery items are the first `perTen` of every ten: item 0 is one (the idea that
    // seedEntryCandidates links to), so is every tenth, as with the default of one in ten.
    const discovery = i % 10 < perTen;
    const nth = Math.floor(i / 10) * perTen + (i % 10);
    const withEvidence = discovery && evidenceEvery > 0 && nth % evidenceEvery === 0;
    const type = discovery ? (kinds[nth % 3] ?? 'Discovery') : i % 7 === 0 ? 'Bug' : 'Story';
    if (!discovery) deliverySeen++;
    const hasEstimate =
      estimated === 'all' ||
      (estimated === 'delivery' && !discovery) ||
      (typeof estimated === 'number' && !discovery && deliverySeen % estimated === 1 % estimated);
    const issue = add({
      type,
      summary: `${type} ${i + 1}: synthetic work item with a realistic length of summary text`,
      status: i % 5 === 0 ? 'In Progress' : 'To Do',
      ...(hasEstimate ? { points: (i % 5) + 1 } : {}),
      createdDaysAgo: 1 + (i % 60),
      // Apart by a few milliseconds each, as real last changes are, not tied by the thousand.
      updatedDaysAgo: (i % 30) + i / 1e8,
      ...(i < 20 ? { sprints: [active] } : {}),
      ...(withEvidence
        ? { custom: { [ev]: evidence({ interviews: 1 + (i % 3) }, 'unvalidated', null) } }
        : {}),
    });
    opened.push(issue);
  }
  seedEntryCandidates(em, key, opened, now);
  return {
    projectKey: key,
    projectId: base.projectId,
    boardId,
    openItems: options.openItems,
    recentDoneItems: 3 * perSprint,
    discoveryEvidenceId: ev,
    openDelivery: opened.filter((_, i) => i % 10 >= perTen),
  };
}

/**
 * Delivery items of a synthetic project that meet the default discovery entry criteria (label
 * "architecture"): every 250th open item from the 4th (the 4th is in the active sprint); the
 * 254th waits on the open idea 1, and the 504th is covered by a finished spike.
 */
function seedEntryCandidates(em: JiraEmulator, key: string, opened: readonly EmIssue[], now: Date) {
  const links = issueLinkSite(em);
  const relates = [...links.types.values()].find((t) => t.name === 'Relates');
  for (let i = 3; i < opened.length; i += 250) {
    const issue = opened[i];
    if (issue) setLabels(em, issue.key, ['architecture']);
  }
  const idea = opened[0];
  const waiting = opened[253];
  if (relates && idea && waiting) links.addLink(relates.id, waiting.id, idea.id);
  const covered = opened[503];
  if (relates && covered) {
    const spike = addItem(em, key, addStoryPointsField(em), now, {
      type: 'Spike',
      summary: 'Spike: settle the storage layout',
      status: 'Done',
      createdDaysAgo: 40,
    });
    links.addLink(relates.id, covered.id, spike.id);
  }
}

/**
 * Demo delivery items that meet the default discovery entry criteria by their label
 * "architecture" (no new items: the page's other numbers stay as they are): one with nothing
 * linked (flagged "Explore first"), one waiting on an idea still being validated, and one covered
 * by the validated idea it implements.
 */
function seedDemoEntryCandidates(em: JiraEmulator, key: string, implementsTypeId: string) {
  const find = (summary: string): EmIssue => {
    const issue = [...em.issues.values()].find(
      (i) => i.summary === summary && em.projects.get(i.projectId)?.key === key,
    );
    if (!issue) throw new Error(`demo: no item "${summary}" in ${key}`);
    return issue;
  };
  const exploreFirst = find('Order tracking page');
  const waiting = find('Returns portal');
  const waitingOn = find('Store pickup');
  const covered = find('Guest checkout');
  for (const issue of [exploreFirst, waiting, covered]) setLabels(em, issue.key, ['architecture']);
  issueLinkSite(em).addLink(implementsTypeId, waitingOn.id, waiting.id);
  return {
    exploreFirst: exploreFirst.key,
    waiting: waiting.key,
    waitingOn: waitingOn.key,
    covered: covered.key,
  };
}

type Level = 'low' | 'medium' | 'high';

/**
 * Entry triage values (uncertainty, risk, a reason when high) on about half of the demo's open
 * items, as a team fills them in: high levels on the spikes and enablers that exist to reduce
 * them, low or medium on ordinary delivery work, nothing yet on the newest story. One more
 * delivery item meets the criteria by its triage: "Wishlist sharing" (uncertainty high) waits on
 * the image CDN spike in progress that blocks it. No item is added, so the page's other numbers
 * stay as they are.
 */
function seedDemoTriage(
  em: JiraEmulator,
  key: string,
  field: EmField,
): { waitingOnSpike: string; spike: string } {
  const find = (summary: string): EmIssue => {
    const issue = [...em.issues.values()].find(
      (i) => i.summary === summary && em.projects.get(i.projectId)?.key === key,
    );
    if (!issue) throw new Error(`demo: no item "${summary}" in ${key}`);
    return issue;
  };
  const levels: Array<[string, Level, Level, string?]> = [
    [
      'Spike: Postgres logical replication for reporting',
      'high',
      'medium',
      'Nobody on the team has run logical replication in production',
    ],
    ['Spike: benchmark the image CDN', 'high', 'low', 'No numbers yet for our image sizes on 4G'],
    ['Spike: OAuth provider options', 'medium', 'high', 'A wrong choice locks every account in'],
    [
      'Enabler: split the session service',
      'medium',
      'high',
      'Every request passes through the session service',
    ],
    ['Enabler: upgrade to the Node 22 runtime', 'low', 'medium'],
    ['Reorder from past orders', 'medium', 'low'],
    [
      'One-page checkout',
      'high',
      'medium',
      'Unclear whether customers trust one page with payment',
    ],
    ['Store pickup', 'medium', 'medium'],
    ['Save card for later', 'low', 'medium'],
    ['Order history filters', 'low', 'low'],
    ['Address autocomplete', 'medium', 'low'],
    ['Saved addresses', 'low', 'low'],
    ['Gift messages', 'low', 'low'],
    ['Currency symbol missing on invoices', 'low', 'low'],
    ['Order tracking page', 'medium', 'low'],
    ['Returns portal', 'medium', 'medium'],
    ['Guest checkout', 'medium', 'high', 'Touches payment and fraud checks'],
    [
      'Wishlist sharing',
      'high',
      'low',
      'Share previews depend on the image CDN we are still benchmarking',
    ],
  ];
  for (const [summary, uncertainty, risk, reason] of levels) {
    find(summary).custom.set(field.id, { uncertainty, risk, ...(reason ? { reason } : {}) });
  }
  // High uncertainty makes the validated idea technically novel: engineering signed it off.
  const checkout = find('One-page checkout');
  const at = new Date(Date.now() - 2 * 86_400_000).toISOString();
  em.kvs.seed(`feasibility:${checkout.id}`, {
    version: 1,
    novel: false,
    signOff: {
      by: DEMO_USERS.member,
      at,
      verdict: 'feasible',
      note: 'One page is fine: the payment form stays in the provider iframe',
    },
    updatedBy: DEMO_USERS.member,
    updatedAt: at,
  });
  const waiting = find('Wishlist sharing');
  const spike = find('Spike: benchmark the image CDN');
  const links = issueLinkSite(em);
  const blocks = [...links.types.values()].find((t) => t.name === 'Blocks');
  if (!blocks) throw new Error('demo: the site has no "Blocks" link type');
  // "<spike> blocks <story>": the spike is the outward issue.
  links.addLink(blocks.id, waiting.id, spike.id);
  return { waitingOnSpike: waiting.key, spike: spike.key };
}
