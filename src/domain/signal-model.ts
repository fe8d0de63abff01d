import type { CadenceSignal, Touchpoint } from './discovery-cadence';
import type { Config } from './config';
import { type OutcomeProblem, type ValidationState } from './readiness';
import type { ItemKind, ScopedOutcome, Track } from './track';
import { noneExcluded, type ExcludedWork, type NotReady } from './ready-work';
import type { Waiver } from './sprint-readiness';
import type { KanbanFlow } from './signals-kanban';

/** What the project page's signals are computed from and what they say (see signals.ts). */

export type StatusCategory = 'new' | 'indeterminate' | 'done';

export interface ProjectItem {
  key: string;
  /** Jira's issue id, where read (the evidence log of an idea is stored by it). */
  id?: string;
  summary: string;
  issueType: string;
  kind: ItemKind;
  track: Track;
  status: string;
  statusCategory: StatusCategory;
  /** Story points (or the board's estimation field); undefined when not estimated. */
  estimate: number | undefined;
  scopedOutcome: ScopedOutcome | undefined;
  /** Discovery ideas: the validation state from their evidence. */
  validation: ValidationState | undefined;
  evidenceCount: number;
  /** The open sprint the item is in, if any. */
  sprint: { id: number; state: 'active' | 'future' } | undefined;
  created: string;
  updated: string;
  /** When the status category last changed (Jira's statuscategorychangedate). */
  statusCategoryChanged: string | undefined;
  /**
   * Not-started delivery items outside the sprint: why the item is not ready to plan (read with
   * its links and entry facts; see ready-work.ts). Absent: ready, or not judged.
   */
  notReady?: NotReady;
  /** Discovery items: the date of the latest evidence entry (YYYY-MM-DD), if any. */
  latestEvidence?: string;
  /** How many delivery items are linked to it (read with its links; absent: not read). */
  deliveryLinks?: number;
}

export interface ClosedSprintResult {
  id: number;
  name: string;
  completeDate: string;
  /** Estimate (or item count) of the work completed in the sprint. */
  completed: number;
}

export type EstimateUnit = 'points' | 'issues';

/**
 * Ready delivery work as read: the sum over every ready item (`complete`), or over the first
 * ones in rank order, read only until the sum passes `readyWorkSuffices` (then runway is a
 * lower bound and its verdict is already decided).
 */
export interface ReadyWork {
  work: number;
  complete: boolean;
  /** Ready-looking items (not started, outside the sprint) left out, by reason. */
  excluded: ExcludedWork;
}

export interface SignalInput {
  /**
   * Open items, every one of the project's or at least every open discovery item when `ready`
   * gives the ready delivery work, and every item of the active sprint, done ones included:
   * capacity counts all of the sprint's work, the other signals look at open items only.
   */
  items: readonly ProjectItem[];
  /** Ready delivery work; summed from `items` when absent. */
  ready?: ReadyWork;
  /** Most recent first; only the last three count toward velocity. */
  closedSprints: readonly ClosedSprintResult[];
  /** The sprint in progress; its dates (ISO, as Jira gives them) where Jira has them. */
  activeSprint:
    | { id: number; name: string; startDate?: string | undefined; endDate?: string | undefined }
    | undefined;
  /**
   * Product discovery activities recorded on the project's ideas (their evidence entries by
   * date), at least every one dated within the active sprint; undefined when not read.
   */
  touchpoints?: readonly Touchpoint[];
  hasBoard: boolean;
  /** A Kanban board's throughput and work in progress (signals-kanban.ts); absent: sprints. */
  kanban?: KanbanFlow;
  unit: EstimateUnit;
  config: Config;
  now: Date;
  /** What was read of the delivery items meeting the discovery entry criteria. */
  entry?: EntryFlagRead;
  /** The project's waivers; an active one counts its item as waived, not failing. */
  waivers?: readonly Waiver[];
  /** Display names by account id (who granted the waivers), where Jira gave them. */
  names?: ReadonlyMap<string, string>;
  /** Unscoped spikes and enablers counted instead of read (not in `items`): UnreadBacklog. */
  unread?: UnreadBacklog;
}

/**
 * Spikes and enablers a load counted instead of reading (src/project-page/backlog-read.ts): not
 * started, in no open sprint, no waiver, and a part of their scoped outcome empty, so each is
 * unscoped whatever else it holds. By kind, and how many of them are idle.
 */
export interface UnreadBacklog {
  enabler: number;
  spike: number;
  idle: number;
}

/**
 * Ideas of the connected JPD spaces a load counted instead of reading
 * (src/project-page/ideas-count.ts): all in the validating column; how many, and how many of
 * them are idle.
 */
export interface UnreadIdeas {
  validating: number;
  idle: number;
}

/**
 * An item a signal would count as failing but an active waiver lets through: who granted it
 * (their name where Jira gave it), why, and its last day. An expired waiver is not one.
 */
export interface WaiverFacts {
  grantedBy: string;
  grantedByName: string | null;
  reason: string;
  expiresOn: string;
}

/** A delivery item that meets the discovery entry criteria without finished discovery. */
export interface FlaggedItem extends ItemRef {
  /** `needs-discovery`: nothing linked answers the question; `waiting`: linked discovery under way. */
  state: 'needs-discovery' | 'waiting';
  /** Why it meets the criteria, e.g. "uncertainty high", 'label "architecture"'. */
  reasons: string[];
  /** The discovery items it waits on (state `waiting`). */
  waitingOn: string[];
  /** In the active sprint. */
  inSprint: boolean;
  /** Work on it has started (status in progress). */
  started: boolean;
}

/**
 * The read behind the "needs discovery first" signal: open delivery items meeting the criteria
 * in rank order, their verdicts, and how many meet the criteria.
 */
export type EntryFlagRead =
  /** No criterion is configured: nothing was read. */
  | { kind: 'off' }
  /** Jira refused the search (the reason says why, for a person). */
  | { kind: 'failed'; reason: string }
  | {
      kind: 'read';
      /** Flagged items in rank order: every one (`complete`), or the first ones. */
      flagged: FlaggedItem[];
      complete: boolean;
      /** Open delivery items meeting the criteria (flagged or covered); approximate when not complete. */
      meetingCriteria: number;
      /** Whether the triage levels were searched (false without the Entry triage field). */
      triage: boolean;
    };

export type Level = 'ok' | 'warning' | 'critical' | 'unknown';

export interface RunwaySignal {
  level: Level;
  /** What runway is counted in: weeks of throughput on a Kanban board; absent: sprints. */
  per?: 'week';
  /** Sprints of ready delivery work; undefined when it cannot be computed. */
  sprints: number | undefined;
  /**
   * True when not all ready work was added up: `sprints` and `readyWork` are then lower bounds,
   * already past the pause threshold (see readyWorkSuffices), so the verdict is exact.
   */
  atLeast: boolean;
  readyWork: number;
  velocity: number | undefined;
  velocitySprints: number;
  unit: EstimateUnit;
  target: { min: number; max: number; pauseAt: number };
  verdict: 'build-trap' | 'healthy' | 'ahead' | 'paralysis' | 'unknown';
  reason: string;
  /** Not-started delivery items left out of the ready work, by reason (at least, when `atLeast`). */
  excluded: ExcludedWork;
  /**
   * Listed items an active waiver lets into a sprint: named apart, not in `excluded`, and still
   * not ready work (a waiver lets an item in; it does not validate it).
   */
  waived: Array<ItemRef & WaiverFacts>;
}

export interface CapacitySignal {
  level: Level;
  /** Measured on work in progress (a Kanban board, by count); absent: the active sprint. */
  of?: 'wip';
  /**
   * Engineering discovery's share of the active sprint's work (done or not), by estimate:
   * spikes and enablers with a complete scoped outcome, against delivery work.
   */
  discoveryPercent: number | undefined;
  discovery: number;
  delivery: number;
  /**
   * Discovery items in the sprint the share leaves out: ideas and unscoped spikes or enablers,
   * which the sprint guard takes out of sprints.
   */
  leftOut: Array<ItemRef & { why: 'idea' | 'unscoped' }>;
  /** Unscoped spikes or enablers an active waiver lets into the sprint: counted in the share. */
  waived: Array<ItemRef & WaiverFacts>;
  unit: EstimateUnit;
  targetPercent: number;
  /** Below this share the split is a warning: the target less CAPACITY_TOLERANCE_POINTS. */
  warnBelowPercent: number;
  reason: string;
}

/**
 * Percentage points a sprint's discovery share may fall short of the target before it warns:
 * one story more or less in a sprint should not flip the signal.
 */
export const CAPACITY_TOLERANCE_POINTS = 5;

export interface ItemRef {
  key: string;
  summary: string;
}

export interface OpenEndedSignal {
  level: Level;
  overrunSpikes: Array<ItemRef & { daysUsed: number; timeboxDays: number }>;
  idleItems: Array<ItemRef & { idleDays: number }>;
  /** How many of each there are (the lists may be cut short to keep the answer small). */
  overrunCount: number;
  idleCount: number;
  idleDaysThreshold: number;
  reason: string;
}

export interface UnscopedEnablersSignal {
  level: Level;
  /** Enablers and spikes (the name is the signal's id, kept from when it held enablers only). */
  items: Array<ItemRef & { kind: 'enabler' | 'spike'; inSprint: boolean; missing: OutcomePart[] }>;
  /** How many there are (the list may be cut short to keep the answer small). */
  count: number;
  inSprintCount: number;
  /** Unscoped items an active waiver lets into a sprint: not counted above. */
  waived: Array<ItemRef & WaiverFacts & { kind: 'enabler' | 'spike' }>;
  reason: string;
}

export type OutcomePart = OutcomeProblem['part'];

export interface NeedsDiscoverySignal {
  level: Level;
  /** False when no criterion is configured (or nothing was read). */
  measured: boolean;
  /** Flagged items, most urgent first (in the active sprint, then rank order); may be cut short. */
  items: FlaggedItem[];
  /** Flagged items: exact, or at least this many when `atLeast`. */
  count: number;
  atLeast: boolean;
  inSprintCount: number;
  /** Flagged items an active waiver lets through: not in `items`, `count` or `inSprintCount`. */
  waived: Array<FlaggedItem & WaiverFacts>;
  /** Open delivery items meeting the criteria, flagged or covered (approximate when `atLeast`). */
  meetingCriteria: number;
  /** The configured criteria in words ("uncertainty high, risk high or label "architecture""). */
  criteria: string;
  reason: string;
}

/** The build trap (delivery outruns discovery), named with what points to it. */
export interface BuildTrapSignal {
  level: Level;
  /** Runway in sprints (undefined: not measured) against the lower target. */
  runwaySprints: number | undefined;
  floor: number;
  belowFloor: boolean;
  /** Delivery items started (in progress or in the sprint) with the entry criteria unmet. */
  started: Array<ItemRef & { detail: string }>;
  startedCount: number;
  /** Such items an active waiver lets through: not counted in `startedCount`. */
  waived: Array<ItemRef & WaiverFacts>;
  reason: string;
}

/** Analysis paralysis (discovery runs far ahead; nothing ships), named with what points to it. */
export interface ParalysisSignal {
  level: Level;
  runwaySprints: number | undefined;
  pauseAt: number;
  atPause: boolean;
  /** Validated ideas with no delivery item linked for longer than `promoteWithinDays`. */
  unpromoted: Array<ItemRef & { days: number }>;
  unpromotedCount: number;
  promoteWithinDays: number;
  /** Ideas still in validation whose latest evidence is older than `evidenceFreshDays`. */
  staleEvidence: Array<ItemRef & { days: number }>;
  staleCount: number;
  evidenceFreshDays: number;
  reason: string;
}

export interface Signals {
  runway: RunwaySignal;
  buildTrap: BuildTrapSignal;
  paralysis: ParalysisSignal;
  capacity: CapacitySignal;
  openEnded: OpenEndedSignal;
  unscopedEnablers: UnscopedEnablersSignal;
  needsDiscovery: NeedsDiscoverySignal;
  cadence: CadenceSignal;
}

export const isOpen = (i: ProjectItem) => i.statusCategory !== 'done';
/** An item's work: 1 issue, or its estimate (none, or a negative one, counts as 0). */
export const sizeOf = (i: ProjectItem, unit: EstimateUnit): number =>
  unit === 'issues' ? 1 : Math.max(0, i.estimate ?? 0);
export const round1 = (n: number) => Math.round(n * 10) / 10;
export const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** Delivery work that is ready to be planned: open, not in the active sprint, not started. */
export function isReadyDelivery(item: ProjectItem): boolean {
  return (
    item.track === 'delivery' && item.statusCategory === 'new' && item.sprint?.state !== 'active'
  );
}

/** Closed sprints that count toward velocity (the most recent first). */
export const VELOCITY_SPRINTS = 3;

/** Average work completed in the last VELOCITY_SPRINTS closed sprints; undefined without any. */
export function averageVelocity(closedSprints: readonly ClosedSprintResult[]): number | undefined {
  const recent = closedSprints.slice(0, VELOCITY_SPRINTS);
  if (recent.length === 0) return undefined;
  return recent.reduce((sum, s) => sum + s.completed, 0) / recent.length;
}

/**
 * Whether ready work already adds up to more than pauseAtSprints + 1 sprints at this velocity.
 * Past that point more ready work cannot change runway's verdict (analysis paralysis): a reader
 * going through the ready backlog in rank order may stop there and report "at least".
 */
export function readyWorkSuffices(
  work: number,
  velocity: number | undefined,
  runway: Config['runway'],
): boolean {
  return velocity !== undefined && velocity > 0 && work > (runway.pauseAtSprints + 1) * velocity;
}

/** Items a signal lists at most (the page's list limit); the rest are counted. */
export const SIGNAL_LIST_MAX = 50;

/** Truly ready delivery work summed over `items`, and what was left out and why. */
export function readyWorkOf(
  items: readonly ProjectItem[],
  unit: EstimateUnit,
  complete = true,
): ReadyWork {
  let work = 0;
  const excluded = noneExcluded();
  for (const item of items) {
    if (!isReadyDelivery(item)) continue;
    if (!item.notReady) {
      work += sizeOf(item, unit);
      continue;
    }
    excluded.counts[item.notReady.reason] += 1;
    if (excluded.items.length < SIGNAL_LIST_MAX) {
      excluded.items.push({ key: item.key, summary: item.summary, ...item.notReady });
    }
  }
  return { work, complete, excluded };
}
