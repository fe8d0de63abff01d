import { differenceInCalendarDays, parseISO } from 'date-fns';
import type { Config } from '../domain/config';
import { workOutcomeOf } from '../domain/readiness';
import { notReadyText } from '../domain/ready-work';
import {
  ENGINEERING_LANES,
  engineeringLane,
  isEngineeringDiscovery,
  type EngineeringLane,
} from '../domain/discovery-lanes';
import {
  computeSignals,
  discoveryStage,
  type ClosedSprintResult,
  type DiscoveryStage,
  type EstimateUnit,
  type FlaggedItem,
  type KanbanFlow,
  type ProjectItem,
  type Signals,
  type UnreadBacklog,
} from '../domain/signals';
import type { OverviewItem, ProjectOverview } from '../contract/project-overview';
import type { Touchpoint } from '../domain/discovery-cadence';
import { waiverOfItem } from '../domain/signals-discovery';
import type { Waiver } from '../domain/sprint-readiness';
import {
  LIST_LIMIT,
  readyWorkOfReads,
  unreadBacklogCount,
  unreadCount,
  type ProjectReads,
} from './project-reads';

/**
 * Builds the page's answer from what was read. Pure: the signals come from the domain, this
 * only sorts items into the page's columns, adds badges and trims every list to LIST_LIMIT so
 * that the answer stays small whatever the project's size (each column's count says how many
 * it holds; what is left out is counted in `totals.omitted`).
 */

export { LIST_LIMIT };

export interface OverviewInput {
  project: { id: string; key: string; name: string };
  now: Date;
  unit: EstimateUnit;
  board: { id: number; name: string } | null;
  /** A Kanban board's throughput and work in progress; absent: the board runs sprints. */
  kanban?: KanbanFlow;
  /** The projects the page's searches covered, when more than this one. */
  boardProjects?: readonly string[];
  activeSprint: { id: number; name: string; startDate?: string; endDate?: string } | null;
  /** Product discovery activities dated within the active sprint (undefined: not read). */
  touchpoints?: readonly Touchpoint[];
  closedSprints: readonly ClosedSprintResult[];
  reads: ProjectReads;
  config: Config;
  notes: readonly string[];
  /** The project's waivers (an active one shows its item as waived). */
  waivers?: readonly Waiver[];
  /** Names of the people who granted the active waivers, by account id, where Jira gave them. */
  waiverNames?: ReadonlyMap<string, string>;
  /** The JQL of each column, as the loader built it (see ProjectOverview.columnJql); none when absent. */
  columnJql?: ProjectOverview['columnJql'];
}

const NO_COLUMN_JQL: ProjectOverview['columnJql'] = {
  discovery: null,
  delivery: { activeSprint: null, ready: null, inProgress: null },
};

const STAGES: readonly DiscoveryStage[] = ['new', 'validating', 'validated', 'invalidated'];

export function buildOverview(input: OverviewInput): ProjectOverview {
  const { reads } = input;
  const signals = computeSignals({
    // Every item capacity, open-ended discovery and unscoped enablers look at: the discovery
    // track and the rest of the active sprint, done work included (capacity counts all of the
    // sprint's work; the other signals look at open items only).
    items: [...reads.discovery, ...reads.activeSprint],
    ready: readyWorkOfReads(reads, input.unit),
    closedSprints: input.closedSprints,
    activeSprint: input.activeSprint ?? undefined,
    hasBoard: input.board !== null,
    ...(input.kanban ? { kanban: input.kanban } : {}),
    unit: input.unit,
    config: input.config,
    now: input.now,
    entry: reads.needsDiscovery,
    waivers: input.waivers ?? [],
    ...(input.waiverNames ? { names: input.waiverNames } : {}),
    ...(input.touchpoints ? { touchpoints: input.touchpoints } : {}),
    ...(reads.unreadBacklog || reads.unreadIdeas ? { unread: unreadOf(reads) } : {}),
  });
  const overrun = new Map(signals.openEnded.overrunSpikes.map((s) => [s.key, s]));
  // A waived item keeps its entry badge beside its "Waived until" one.
  const flagged = new Map(
    [...signals.needsDiscovery.items, ...signals.needsDiscovery.waived].map((f) => [f.key, f]),
  );
  const list: Lister = (items, place) =>
    items
      .slice(0, LIST_LIMIT)
      .map((item) => toOverviewItem(item, place(item), input, overrun, flagged));
  const overTimebox = new Set(overrun.keys());
  const laneOf = (item: ProjectItem) => engineeringLane(item, input.config, overTimebox);

  const { discovery, engineering, delivery, columnCounts, openInSprint } = columnsOf(
    reads,
    list,
    laneOf,
  );
  let omitted = omittedFromColumns({ discovery, engineering, delivery }, columnCounts);
  const trimmed = trimSignals(signals);
  // The backlog counted, not read: in the signals' counts, in none of their lists (the spaces'
  // quiet ideas counted are in no signal: the validating column's count has them).
  omitted += trimmed.omitted + unreadOf(reads).idle + unreadBacklogCount(reads);
  const notes = [...input.notes];
  if (omitted > 0) {
    notes.push(
      `This project is large: each list shows its first ${LIST_LIMIT} items; ${omitted} more are counted in the totals but not listed.`,
    );
  }
  const deliveryTotal =
    openInSprint + columnCounts.delivery.ready + columnCounts.delivery.inProgress;
  return {
    project: input.project,
    generatedAt: input.now.toISOString(),
    unit: input.unit,
    board: input.board,
    ...(input.kanban ? { boardFlow: 'kanban' as const } : {}),
    ...(input.boardProjects ? { boardProjects: [...input.boardProjects] } : {}),
    activeSprint: input.activeSprint
      ? { id: input.activeSprint.id, name: input.activeSprint.name }
      : null,
    signals: trimmed.signals,
    discovery,
    engineering,
    delivery,
    columnCounts,
    columnJql: input.columnJql ?? NO_COLUMN_JQL,
    listLimit: LIST_LIMIT,
    totals: {
      openItems: reads.discovery.length + unreadCount(reads) + deliveryTotal,
      discovery: reads.discovery.length + unreadCount(reads),
      delivery: deliveryTotal,
      omitted,
    },
    notes,
  };
}

/** Where an item is shown on the discovery track: ideas by stage, spikes and enablers by lane. */
interface Place {
  stage: DiscoveryStage | null;
  lane: EngineeringLane | null;
}
const DELIVERY: Place = { stage: null, lane: null };

type Lister = (
  items: readonly ProjectItem[],
  place: (item: ProjectItem) => Place,
) => OverviewItem[];

function groupBy<K extends string>(
  keys: readonly K[],
  items: readonly ProjectItem[],
  keyOf: (item: ProjectItem) => K,
): Record<K, ProjectItem[]> {
  const groups = Object.fromEntries(keys.map((k) => [k, [] as ProjectItem[]])) as Record<
    K,
    ProjectItem[]
  >;
  for (const item of items) groups[keyOf(item)].push(item);
  return groups;
}

function mapValues<K extends string, A, B>(record: Record<K, A>, f: (a: A, k: K) => B) {
  return Object.fromEntries(
    Object.entries(record).map(([k, v]) => [k, f(v as A, k as K)]),
  ) as Record<K, B>;
}

/**
 * The page's columns: ideas by stage, engineering discovery by lane (open ones, and those the
 * active sprint finished), delivery by where the work stands; and their counts.
 */
function columnsOf(
  reads: ProjectReads,
  list: Lister,
  laneOf: (item: ProjectItem) => EngineeringLane,
) {
  const ideas = reads.discovery.filter((i) => !isEngineeringDiscovery(i));
  const finishedInSprint = reads.activeSprint.filter(
    (i) => isEngineeringDiscovery(i) && i.statusCategory === 'done',
  );
  const engineeringItems = [
    ...reads.discovery.filter((i) => isEngineeringDiscovery(i)),
    ...finishedInSprint,
  ];
  const byStage = groupBy(STAGES, ideas, discoveryStage);
  const byLane = groupBy(ENGINEERING_LANES, engineeringItems, laneOf);
  const discovery = mapValues(byStage, (items, stage) =>
    list(items, () => ({ stage, lane: null })),
  );
  const engineering = mapValues(byLane, (items, lane) =>
    list(items, () => ({ stage: null, lane })),
  );
  // The sprint column shows the sprint's delivery work, done items too (as Jira's board does).
  const sprintDelivery = reads.activeSprint.filter((i) => i.track === 'delivery');
  const openInSprint = sprintDelivery.filter((i) => i.statusCategory !== 'done').length;
  const delivery = {
    activeSprint: list(sprintDelivery, () => DELIVERY),
    ready: list(reads.ready.items, () => DELIVERY),
    inProgress: list(reads.inProgress.items, () => DELIVERY),
  };
  const columnCounts = {
    // The spaces' quiet ideas counted, not read, are all validating (ideas-count.ts).
    discovery: mapValues(
      byStage,
      (items, stage) =>
        items.length + (stage === 'validating' ? (reads.unreadIdeas?.validating ?? 0) : 0),
    ),
    // The backlog's spikes and enablers counted, not read, are all unscoped (backlog-read.ts).
    engineering: mapValues(
      byLane,
      (items, lane) => items.length + (lane === 'unscoped' ? unreadBacklogCount(reads) : 0),
    ),
    delivery: {
      activeSprint: sprintDelivery.length,
      // A count may lag the lists it is taken with: never below what is listed.
      ready: Math.max(reads.ready.count, delivery.ready.length),
      inProgress: Math.max(reads.inProgress.count, delivery.inProgress.length),
    },
  };
  return { discovery, engineering, delivery, columnCounts, openInSprint };
}

/** What the signals count but the load did not read: the backlog's, and the spaces' ideas idle. */
function unreadOf(reads: ProjectReads): UnreadBacklog {
  const backlog = reads.unreadBacklog ?? { enabler: 0, spike: 0, idle: 0 };
  return { ...backlog, idle: backlog.idle + (reads.unreadIdeas?.idle ?? 0) };
}

/** How many items the columns count but do not list. */
function omittedFromColumns(
  lists: Pick<ProjectOverview, 'discovery' | 'engineering' | 'delivery'>,
  counts: ProjectOverview['columnCounts'],
): number {
  let omitted = 0;
  for (const s of STAGES) omitted += counts.discovery[s] - lists.discovery[s].length;
  for (const l of ENGINEERING_LANES) omitted += counts.engineering[l] - lists.engineering[l].length;
  for (const c of ['activeSprint', 'ready', 'inProgress'] as const) {
    omitted += counts.delivery[c] - lists.delivery[c].length;
  }
  return omitted;
}

function toOverviewItem(
  item: ProjectItem,
  place: Place,
  input: OverviewInput,
  overrun: ReadonlyMap<string, { daysUsed: number; timeboxDays: number }>,
  flagged: ReadonlyMap<string, FlaggedItem>,
): OverviewItem {
  const spike = overrun.get(item.key);
  const flag = flagged.get(item.key);
  const needsOutcome = item.kind === 'enabler' || item.kind === 'spike';
  return {
    key: item.key,
    summary: item.summary,
    issueType: item.issueType,
    kind: item.kind,
    track: item.track,
    status: item.status,
    statusCategory: item.statusCategory,
    estimate: item.estimate ?? null,
    stage: place.stage,
    lane: place.lane,
    inActiveSprint: item.sprint?.state === 'active',
    badges: {
      evidence: input.reads.evidenceText.get(item.key) ?? null,
      noScopedOutcome: needsOutcome && !workOutcomeOf(item, input.config).ready,
      spikeOverrun: spike ? { daysUsed: spike.daysUsed, timeboxDays: spike.timeboxDays } : null,
      ageDays: Math.max(0, differenceInCalendarDays(input.now, parseISO(item.created))),
      entry: flag ? { state: flag.state, text: entryBadgeText(flag) } : null,
      notReady: item.notReady
        ? { reason: item.notReady.reason, text: notReadyText(item.notReady) }
        : null,
      waivedUntil: waiverOfItem(input, item)?.expiresOn ?? null,
    },
  };
}

/** "Explore first: uncertainty high" or "Waiting on DT-12". */
export function entryBadgeText(flag: FlaggedItem): string {
  return flag.state === 'waiting'
    ? `Waiting on ${flag.waitingOn.join(', ')}`
    : `Explore first: ${flag.reasons.join(', ')}`;
}

/**
 * The signals' own item lists, cut to LIST_LIMIT (their counts and reasons stay complete). Every
 * array a signal holds at its top level is one of its item lists, so a new signal needs nothing
 * here.
 */
function trimSignals(signals: Signals): { signals: Signals; omitted: number } {
  let omitted = 0;
  const trimmed = Object.fromEntries(
    Object.entries(signals).map(([name, signal]: [string, object]) => [
      name,
      Object.fromEntries(
        Object.entries(signal).map(([field, value]: [string, unknown]) => {
          if (!Array.isArray(value)) return [field, value];
          omitted += Math.max(0, value.length - LIST_LIMIT);
          return [field, value.slice(0, LIST_LIMIT)];
        }),
      ),
    ]),
  ) as unknown as Signals;
  return { signals: trimmed, omitted };
}
