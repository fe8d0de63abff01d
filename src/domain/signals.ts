import { differenceInCalendarDays, parseISO } from 'date-fns';
import type { Config } from './config';
import type { LevelThreshold } from './entry-criteria';
import { spikeTimebox } from './item-checklist';
import { checkScopedOutcome, type OutcomeProblem, type ValidationState } from './readiness';
import type { ItemKind, ScopedOutcome, Track } from './track';

/**
 * The project page's signals, computed from plain data: whether discovery and delivery are in
 * balance. Pure: the caller passes the items, the sprints and `now`.
 */

export type StatusCategory = 'new' | 'indeterminate' | 'done';

export interface ProjectItem {
  key: string;
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
  activeSprint: { id: number; name: string } | undefined;
  hasBoard: boolean;
  unit: EstimateUnit;
  config: Config;
  now: Date;
  /** What was read of the delivery items meeting the discovery entry criteria. */
  entry?: EntryFlagRead;
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
}

export interface CapacitySignal {
  level: Level;
  /** Discovery's share of all of the active sprint's work (done or not), by estimate. */
  discoveryPercent: number | undefined;
  discovery: number;
  delivery: number;
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
  items: Array<ItemRef & { inSprint: boolean; missing: OutcomePart[] }>;
  /** How many there are (the list may be cut short to keep the answer small). */
  count: number;
  inSprintCount: number;
  reason: string;
}

type OutcomePart = OutcomeProblem['part'];

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
  /** Open delivery items meeting the criteria, flagged or covered (approximate when `atLeast`). */
  meetingCriteria: number;
  /** The configured criteria in words ("uncertainty high, risk high or label "architecture""). */
  criteria: string;
  reason: string;
}

export interface Signals {
  runway: RunwaySignal;
  capacity: CapacitySignal;
  openEnded: OpenEndedSignal;
  unscopedEnablers: UnscopedEnablersSignal;
  needsDiscovery: NeedsDiscoverySignal;
}

const isOpen = (i: ProjectItem) => i.statusCategory !== 'done';
/** An item's work: 1 issue, or its estimate (none, or a negative one, counts as 0). */
export const sizeOf = (i: ProjectItem, unit: EstimateUnit): number =>
  unit === 'issues' ? 1 : Math.max(0, i.estimate ?? 0);
const round1 = (n: number) => Math.round(n * 10) / 10;
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

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

/** Ready delivery work summed over every open item. */
export function readyWorkOf(items: readonly ProjectItem[], unit: EstimateUnit): ReadyWork {
  let work = 0;
  for (const item of items) if (isReadyDelivery(item)) work += sizeOf(item, unit);
  return { work, complete: true };
}

export function runwaySignal(input: SignalInput): RunwaySignal {
  const { runway } = input.config;
  const target = {
    min: runway.targetMinSprints,
    max: runway.targetMaxSprints,
    pauseAt: runway.pauseAtSprints,
  };
  const ready = input.ready ?? readyWorkOf(input.items, input.unit);
  const readyWork = ready.work;
  const recent = input.closedSprints.slice(0, VELOCITY_SPRINTS);
  const base = {
    readyWork,
    unit: input.unit,
    target,
    velocitySprints: recent.length,
    atLeast: !ready.complete,
  };
  if (!input.hasBoard) {
    return {
      ...base,
      level: 'unknown',
      sprints: undefined,
      velocity: undefined,
      verdict: 'unknown',
      reason:
        'No Scrum board shows this project, so there is no velocity to measure runway against.',
    };
  }
  if (recent.length === 0) {
    return {
      ...base,
      level: 'unknown',
      sprints: undefined,
      velocity: undefined,
      verdict: 'unknown',
      reason: 'No closed sprints yet: runway needs the velocity of at least one finished sprint.',
    };
  }
  const velocity = averageVelocity(recent) ?? 0;
  const unitWord = input.unit === 'points' ? 'points' : 'issues';
  if (velocity === 0) {
    return {
      ...base,
      level: 'unknown',
      sprints: undefined,
      velocity: 0,
      verdict: 'unknown',
      reason: `The last ${plural(recent.length, 'closed sprint')} completed no ${unitWord}, so runway cannot be measured.`,
    };
  }
  const sprints = round1(readyWork / velocity);
  // A partial sum is a lower bound, read only until it passed the pause threshold.
  const atLeast = !ready.complete;
  const least = atLeast ? 'at least ' : '';
  const basis = `${atLeast ? 'At least ' : ''}${round1(readyWork)} ${unitWord} of ready delivery work ÷ ${round1(velocity)} ${unitWord} per sprint (average of the last ${plural(recent.length, 'closed sprint')})${atLeast ? '; the rest of the ready backlog was not added up, as it cannot change the verdict' : ''}`;
  if (sprints < target.min) {
    return {
      ...base,
      level: 'critical',
      sprints,
      velocity,
      verdict: 'build-trap',
      reason: `Build trap risk: ${sprints} sprints of validated work is below the ${target.min}-sprint target; delivery is outrunning discovery. ${basis}.`,
    };
  }
  if (sprints >= target.pauseAt) {
    return {
      ...base,
      level: 'warning',
      sprints,
      velocity,
      verdict: 'paralysis',
      reason: `Pause discovery: ${least}${sprints} sprints of validated work is at or above the ${target.pauseAt}-sprint pause threshold; discovery is running too far ahead. ${basis}.`,
    };
  }
  if (sprints > target.max) {
    return {
      ...base,
      level: 'ok',
      sprints,
      velocity,
      verdict: 'ahead',
      reason: `Discovery is ahead of the ${target.min}-${target.max} sprint target but below the pause threshold of ${target.pauseAt}. ${basis}.`,
    };
  }
  return {
    ...base,
    level: 'ok',
    sprints,
    velocity,
    verdict: 'healthy',
    reason: `Within the ${target.min}-${target.max} sprint target. ${basis}.`,
  };
}

export function capacitySignal(input: SignalInput): CapacitySignal {
  const targetPercent = input.config.capacity.discoveryTargetPercent;
  const warnBelowPercent = Math.max(0, targetPercent - CAPACITY_TOLERANCE_POINTS);
  const base = { unit: input.unit, targetPercent, warnBelowPercent };
  if (!input.activeSprint) {
    return {
      ...base,
      level: 'unknown',
      discoveryPercent: undefined,
      discovery: 0,
      delivery: 0,
      reason: 'No active sprint: the capacity split is measured on the sprint in progress.',
    };
  }
  // All of the sprint's work, finished or not: the split is of what the sprint was planned with.
  const inSprint = input.items.filter((i) => i.sprint?.state === 'active');
  const discovery = inSprint
    .filter((i) => i.track === 'discovery')
    .reduce((s, i) => s + sizeOf(i, input.unit), 0);
  const delivery = inSprint
    .filter((i) => i.track === 'delivery')
    .reduce((s, i) => s + sizeOf(i, input.unit), 0);
  const total = discovery + delivery;
  if (total === 0) {
    return {
      ...base,
      level: 'unknown',
      discoveryPercent: undefined,
      discovery,
      delivery,
      reason:
        input.unit === 'points'
          ? `Nothing in ${input.activeSprint.name} is estimated, so the split cannot be measured.`
          : `${input.activeSprint.name} is empty.`,
    };
  }
  const discoveryPercent = Math.round((discovery / total) * 100);
  const unitWord = input.unit === 'points' ? 'points' : 'issues';
  const detail = `${round1(discovery)} of ${round1(total)} ${unitWord} in ${input.activeSprint.name} are discovery`;
  const level: Level = discoveryPercent < warnBelowPercent ? 'warning' : 'ok';
  return {
    ...base,
    level,
    discoveryPercent,
    discovery,
    delivery,
    reason:
      level === 'warning'
        ? `Discovery gets ${discoveryPercent}% of the sprint, below the protected ${targetPercent}% (a warning under ${warnBelowPercent}%): ${detail}.`
        : discoveryPercent < targetPercent
          ? `Discovery gets ${discoveryPercent}% of the sprint, under the ${targetPercent}% target but within ${CAPACITY_TOLERANCE_POINTS} points of it: ${detail}.`
          : `Discovery gets ${discoveryPercent}% of the sprint against a ${targetPercent}% target: ${detail}.`,
  };
}

export function openEndedSignal(input: SignalInput): OpenEndedSignal {
  const { now, config } = input;
  const idleDaysThreshold = config.staleness.discoveryIdleDays;
  const discovery = input.items.filter((i) => i.track === 'discovery' && isOpen(i));
  const overrunSpikes: OpenEndedSignal['overrunSpikes'] = [];
  for (const item of discovery) {
    if (item.kind !== 'spike' || item.statusCategory !== 'indeterminate') continue;
    const timebox = spikeTimebox({
      statusCategory: item.statusCategory,
      statusCategoryChanged: item.statusCategoryChanged,
      scopedOutcome: item.scopedOutcome,
      rules: config.spike,
      now,
    });
    if (timebox.overrun) {
      overrunSpikes.push({
        key: item.key,
        summary: item.summary,
        daysUsed: timebox.daysUsed,
        timeboxDays: timebox.daysAllowed,
      });
    }
  }
  const idleItems: OpenEndedSignal['idleItems'] = [];
  for (const item of discovery) {
    const idleDays = differenceInCalendarDays(now, parseISO(item.updated));
    if (idleDays >= idleDaysThreshold) {
      idleItems.push({ key: item.key, summary: item.summary, idleDays });
    }
  }
  overrunSpikes.sort((a, b) => b.daysUsed - a.daysUsed);
  idleItems.sort((a, b) => b.idleDays - a.idleDays);
  const count = overrunSpikes.length + idleItems.length;
  const parts: string[] = [];
  if (overrunSpikes.length > 0)
    parts.push(`${plural(overrunSpikes.length, 'spike')} past the timebox`);
  if (idleItems.length > 0)
    parts.push(
      `${plural(idleItems.length, 'discovery item')} untouched for ${idleDaysThreshold}+ days`,
    );
  return {
    level: count === 0 ? 'ok' : 'warning',
    overrunSpikes,
    idleItems,
    overrunCount: overrunSpikes.length,
    idleCount: idleItems.length,
    idleDaysThreshold,
    reason:
      count === 0
        ? `No spike is past its timebox and no discovery item has been idle for ${idleDaysThreshold} days.`
        : `Open-ended discovery: ${parts.join('; ')}.`,
  };
}

export function unscopedEnablersSignal(input: SignalInput): UnscopedEnablersSignal {
  const rules = input.config.scopedOutcome;
  const items: UnscopedEnablersSignal['items'] = [];
  for (const item of input.items) {
    if (item.kind !== 'enabler' || !isOpen(item)) continue;
    const check = checkScopedOutcome(item.scopedOutcome, rules);
    if (check.ready) continue;
    items.push({
      key: item.key,
      summary: item.summary,
      inSprint: item.sprint !== undefined,
      missing: [...new Set(check.problems.map((p) => p.part))],
    });
  }
  items.sort((a, b) => Number(b.inSprint) - Number(a.inSprint));
  const inSprintCount = items.filter((i) => i.inSprint).length;
  return {
    level: inSprintCount > 0 ? 'critical' : items.length > 0 ? 'warning' : 'ok',
    items,
    count: items.length,
    inSprintCount,
    reason:
      items.length === 0
        ? 'Every open enabler has a scoped outcome.'
        : inSprintCount > 0
          ? `${plural(inSprintCount, 'enabler')} without a scoped outcome ${inSprintCount === 1 ? 'is' : 'are'} in a sprint; ${items.length - inSprintCount} more in the backlog.`
          : `${plural(items.length, 'enabler')} in the backlog ${items.length === 1 ? 'has' : 'have'} no complete scoped outcome.`,
  };
}

const levelWords = (threshold: LevelThreshold): string =>
  threshold === 'medium' ? 'medium or high' : threshold;

/** The entry criteria in words, joined with "or"; '' when none is configured. */
export function describeEntryCriteria(
  entry: Config['entry'],
  options: { triage: boolean } = { triage: true },
): string {
  const parts: string[] = [];
  if (options.triage && entry.uncertaintyAtLeast !== 'off') {
    parts.push(`uncertainty ${levelWords(entry.uncertaintyAtLeast)}`);
  }
  if (options.triage && entry.riskAtLeast !== 'off') {
    parts.push(`risk ${levelWords(entry.riskAtLeast)}`);
  }
  for (const label of entry.labels) parts.push(`label "${label}"`);
  for (const component of entry.components) parts.push(`component "${component}"`);
  if (parts.length <= 1) return parts.join('');
  return `${parts.slice(0, -1).join(', ')} or ${parts[parts.length - 1] ?? ''}`;
}

export function needsDiscoverySignal(input: SignalInput): NeedsDiscoverySignal {
  const entry = input.entry;
  const none = {
    items: [],
    count: 0,
    atLeast: false,
    inSprintCount: 0,
    meetingCriteria: 0,
  };
  if (entry?.kind === 'failed') {
    return { ...none, level: 'unknown', measured: false, criteria: '', reason: entry.reason };
  }
  if (!entry || entry.kind === 'off') {
    return {
      ...none,
      level: 'unknown',
      measured: false,
      criteria: '',
      reason: entry
        ? 'No discovery entry criteria are set: both thresholds are off and no label or component is named.'
        : 'The discovery entry criteria were not checked.',
    };
  }
  const criteria = describeEntryCriteria(input.config.entry, { triage: entry.triage });
  const items = [...entry.flagged].sort((a, b) => Number(b.inSprint) - Number(a.inSprint));
  const inSprintCount = items.filter((i) => i.inSprint).length;
  const waiting = items.filter((i) => i.state === 'waiting').length;
  const atLeast = !entry.complete;
  const count = items.length;
  const base = {
    measured: true,
    items,
    count,
    atLeast,
    inSprintCount,
    meetingCriteria: Math.max(entry.meetingCriteria, count),
    criteria,
  };
  if (count === 0) {
    return {
      ...base,
      level: 'ok',
      reason:
        entry.meetingCriteria === 0
          ? 'No open delivery item meets the discovery entry criteria.'
          : `Each of the ${plural(entry.meetingCriteria, 'open delivery item')} meeting the discovery entry criteria has a validated idea or a finished spike linked.`,
    };
  }
  const least = atLeast ? 'At least ' : '';
  const parts: string[] = [];
  if (count - waiting > 0) parts.push(`${count - waiting} with no discovery linked`);
  if (waiting > 0) parts.push(`${waiting} waiting on discovery under way`);
  const sprint =
    inSprintCount === 0
      ? ''
      : ` ${inSprintCount} of them ${inSprintCount === 1 ? 'is' : 'are'} in the active sprint.`;
  return {
    ...base,
    level: inSprintCount > 0 ? 'critical' : 'warning',
    reason: `${least}${plural(count, 'delivery item')} ${count === 1 ? 'meets' : 'meet'} the discovery entry criteria without a validated idea or finished spike: ${parts.join(', ')}.${sprint}`,
  };
}

export function computeSignals(input: SignalInput): Signals {
  return {
    runway: runwaySignal(input),
    capacity: capacitySignal(input),
    openEnded: openEndedSignal(input),
    unscopedEnablers: unscopedEnablersSignal(input),
    needsDiscovery: needsDiscoverySignal(input),
  };
}

/** Where a discovery idea stands, for the page's stage columns. */
export type DiscoveryStage = 'new' | 'validating' | 'validated' | 'invalidated';

export function discoveryStage(item: ProjectItem): DiscoveryStage {
  if (item.validation === 'invalidated') return 'invalidated';
  if (item.validation === 'validated') return 'validated';
  if (item.evidenceCount > 0 || item.statusCategory !== 'new') return 'validating';
  return 'new';
}
