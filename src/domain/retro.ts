import { differenceInCalendarDays, parseISO } from 'date-fns';
import type { Config } from './config';
import type { TriageLevel } from './entry-criteria';
import { checkScopedOutcome } from './readiness';
import type { EstimateUnit, StatusCategory } from './signals';
import type { ItemKind, ScopedOutcome, Track } from './track';

/**
 * The retro view: per closed sprint, what each track finished, what discovery decided and
 * whether the signals improved. Pure: the caller passes the issues with their history (from
 * Jira's changelog), the ideas' validation dates (from the stored evidence logs), the sprint
 * guard's move-backs (from the audit log) and recorded outcomes; nothing here reads a clock.
 *
 * History: an issue's value at time t is its current value with every later change undone
 * (each change's `from`). Without recorded changes a field has held its current value since
 * the issue was created.
 */

export type HistoryField = 'status' | 'sprint' | 'scopedOutcome';

export interface HistoryChange {
  field: HistoryField;
  /** ISO timestamp. */
  at: string;
  /** Status: status id; sprint: comma-separated sprint ids; scoped outcome: its JSON text. */
  from: string | null;
  to: string | null;
}

export interface RetroIssue {
  id: string;
  key: string;
  summary: string;
  kind: ItemKind;
  track: Track;
  created: string;
  estimate: number | undefined;
  statusId: string;
  sprintIds: readonly number[];
  scopedOutcome: ScopedOutcome | undefined;
  /** Jira's statuscategorychangedate: when the current status category began. */
  statusCategoryChanged: string | undefined;
  /** Oldest first; any order is accepted. */
  changes: readonly HistoryChange[];
  /** Other activity (evidence recorded), ISO timestamps: counts against idleness. */
  activity: readonly string[];
  /** Delivery items: ids of the discovery items they were promoted from (promote's link). */
  promotedFrom: readonly string[];
  /**
   * The Entry triage uncertainty: its current value (the field's history is not read, so an
   * item re-triaged since counts with its level of today). Undefined when not set or unknown.
   */
  uncertainty?: TriageLevel | undefined;
  /**
   * Is a validated idea or a finished spike or enabler linked to it (as the entry criteria's
   * `covers` decides), by its links and their state today.
   */
  discoveryCovered?: boolean | undefined;
}

export interface RetroIdea {
  id: string;
  key: string;
  summary: string;
  /** When the idea's evidence first met the validation rule (and it is validated now). */
  validatedAt: string | undefined;
  invalidatedAt: string | undefined;
  /** When its first promoted delivery item was created. */
  promotedAt: string | undefined;
  /** The evidence behind the decision, newest first (for the misses list). */
  evidence: readonly { date: string; type: string; summary: string }[];
}

export interface RetroSprint {
  id: number;
  name: string;
  startDate: string;
  completeDate: string;
}

export interface GuardMove {
  at: string;
  issueKey: string;
  sprintId: number | undefined;
}

export const OUTCOME_RESULTS = ['hit', 'partly', 'missed', 'too-early'] as const;
export type OutcomeResult = (typeof OUTCOME_RESULTS)[number];

export interface OutcomeRecord {
  issueId: string;
  result: OutcomeResult;
  note: string;
  recordedAt: string;
  recordedBy: string;
}

export interface RetroInput {
  /** Closed sprints, any order: the last `count` are reported, earlier ones give velocity. */
  sprints: readonly RetroSprint[];
  count: number;
  issues: readonly RetroIssue[];
  ideas: readonly RetroIdea[];
  guardMoves: readonly GuardMove[];
  outcomes: readonly OutcomeRecord[];
  /** Category of each status id (statuses no issue has now are guessed from their name). */
  statusCategories: ReadonlyMap<string, StatusCategory>;
  unit: EstimateUnit;
  config: Config;
}

export interface SprintReport {
  sprint: RetroSprint;
  completed: {
    discovery: number;
    delivery: number;
    total: number;
    /** Undefined when nothing was completed. */
    discoveryPercent: number | undefined;
  };
  ideas: { validated: string[]; invalidated: string[]; promoted: string[] };
  /** Delivery items promoted from an idea that were completed in the sprint. */
  promotedDelivered: string[];
  enablers: { delivered: string[]; withinBound: string[] };
  spikes: { finished: string[]; withinTimebox: string[] };
  movedBack: string[];
  /**
   * Delivery items with uncertainty high that entered the sprint (were in it at its start or
   * were added while it ran) without covering discovery linked: "technical risk decreases" when
   * this falls sprint by sprint.
   */
  uncertainWithoutDiscovery: string[];
  runwayAtStart: {
    sprints: number | undefined;
    readyWork: number;
    velocity: number | undefined;
    velocitySprints: number;
  };
  /** The project page's signals as they stood when the sprint closed. */
  atEnd: { overrunSpikes: number; idleDiscovery: number; unscopedEnablers: number };
  /**
   * Recorded outcomes of the items delivered in this sprint that came from a validated idea.
   * `hitRate` is this sprint's hits of those judged (hit, partly, missed; too early is not
   * judged); `hitRateToDate` counts every shown sprint up to this one, so the last sprint's value
   * is the report's hit rate.
   */
  outcomes: Record<OutcomeResult | 'unrecorded', number> & {
    judged: number;
    hitRate: number | undefined;
    hitRateToDate: number | undefined;
  };
}

export interface OutcomeCandidate {
  issueId: string;
  key: string;
  summary: string;
  sprintId: number;
  ideas: Array<{ key: string; summary: string }>;
  outcome: OutcomeRecord | undefined;
}

export interface OutcomeMiss extends OutcomeCandidate {
  evidence: Array<{ ideaKey: string; date: string; type: string; summary: string }>;
}

export interface TrendSeries {
  metric:
    'openEnded' | 'unscopedEnablers' | 'overrunSpikes' | 'runway' | 'uncertainWithoutDiscovery';
  label: string;
  /** Oldest sprint first; undefined where it could not be measured. */
  values: Array<number | undefined>;
  summary: string;
}

export interface RetroReport {
  unit: EstimateUnit;
  targetPercent: number;
  /** Oldest first. */
  sprints: SprintReport[];
  trends: TrendSeries[];
  /** One sentence per trend, plain words. */
  summary: string[];
  candidates: OutcomeCandidate[];
  misses: OutcomeMiss[];
  hitRate: { hits: number; rated: number; rate: number | undefined };
}

const time = (iso: string) => Date.parse(iso);
const round1 = (n: number) => Math.round(n * 10) / 10;
const percentOf = (part: number, whole: number) =>
  whole === 0 ? undefined : Math.round((part / whole) * 100);

/** The value a field had at `at`: the current value with every later change undone. */
export function valueAt(
  current: string | null,
  changes: readonly HistoryChange[],
  field: HistoryField,
  at: string,
): string | null {
  const t = time(at);
  let value = current;
  const later = changes
    .filter((c) => c.field === field && time(c.at) > t)
    .sort((a, b) => time(b.at) - time(a.at));
  for (const c of later) value = c.from;
  return value;
}

export function sprintIdsOf(text: string | null): number[] {
  if (!text) return [];
  return text
    .split(',')
    .map((s) => Number(s.trim()))
    .filter((n) => Number.isInteger(n) && n > 0);
}

export function categoryAt(
  issue: RetroIssue,
  at: string,
  categories: ReadonlyMap<string, StatusCategory>,
): StatusCategory | undefined {
  if (time(at) < time(issue.created)) return undefined;
  const status = valueAt(issue.statusId, issue.changes, 'status', at);
  return status === null ? undefined : (categories.get(status) ?? 'indeterminate');
}

export function sprintsAt(issue: RetroIssue, at: string): number[] {
  if (time(at) < time(issue.created)) return [];
  return sprintIdsOf(valueAt(issue.sprintIds.join(','), issue.changes, 'sprint', at));
}

function parseOutcome(text: string | null): ScopedOutcome | undefined {
  if (!text) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null ? value : undefined;
  } catch {
    return undefined;
  }
}

export function outcomeAt(issue: RetroIssue, at: string): ScopedOutcome | undefined {
  const current = issue.scopedOutcome ? JSON.stringify(issue.scopedOutcome) : null;
  return parseOutcome(valueAt(current, issue.changes, 'scopedOutcome', at));
}

/**
 * Did the item enter the sprint: in it at the sprint's start, or added to it (a Sprint change
 * naming it) while it ran? An item created into a running sprint counts too.
 */
export function enteredSprint(issue: RetroIssue, sprint: RetroSprint): boolean {
  if (sprintsAt(issue, sprint.startDate).includes(sprint.id)) return true;
  const start = time(sprint.startDate);
  const end = time(sprint.completeDate);
  const added = issue.changes.some(
    (c) =>
      c.field === 'sprint' &&
      time(c.at) >= start &&
      time(c.at) <= end &&
      sprintIdsOf(c.to).includes(sprint.id) &&
      !sprintIdsOf(c.from).includes(sprint.id),
  );
  if (added) return true;
  const created = time(issue.created);
  return created >= start && created <= end && sprintsAt(issue, issue.created).includes(sprint.id);
}

/** High-uncertainty delivery items that entered the sprint without covering discovery. */
export function uncertainWithoutDiscovery(
  issues: readonly RetroIssue[],
  sprint: RetroSprint,
): string[] {
  return issues
    .filter(
      (i) =>
        i.track === 'delivery' &&
        i.uncertainty === 'high' &&
        i.discoveryCovered !== true &&
        enteredSprint(i, sprint),
    )
    .map((i) => i.key);
}

/** Moments the status category changed into `to`, oldest first. */
function transitionsInto(
  issue: RetroIssue,
  to: StatusCategory,
  categories: ReadonlyMap<string, StatusCategory>,
): string[] {
  const cat = (id: string | null) =>
    id === null ? undefined : (categories.get(id) ?? 'indeterminate');
  const moves = issue.changes
    .filter((c) => c.field === 'status' && cat(c.to) === to && cat(c.from) !== to)
    .map((c) => c.at)
    .sort((a, b) => time(a) - time(b));
  if (moves.length > 0) return moves;
  // No recorded status change: the current category began at statuscategorychangedate.
  const current = categories.get(issue.statusId) ?? 'indeterminate';
  if (current !== to || issue.changes.some((c) => c.field === 'status')) return [];
  return [issue.statusCategoryChanged ?? issue.created];
}

/** When the item was last finished (entered a done status); undefined when never. */
export function doneAt(
  issue: RetroIssue,
  categories: ReadonlyMap<string, StatusCategory>,
): string | undefined {
  return transitionsInto(issue, 'done', categories).at(-1);
}

/** When work on the item first started (entered an in-progress status). */
export function startedAt(
  issue: RetroIssue,
  categories: ReadonlyMap<string, StatusCategory>,
): string | undefined {
  return transitionsInto(issue, 'indeterminate', categories)[0];
}

/**
 * The sprint an item was completed in: it entered a done status between the sprint's start and
 * completion while it was in that sprint (an item carried over counts where it was finished).
 */
export function completedSprint(
  issue: RetroIssue,
  sprints: readonly RetroSprint[],
  categories: ReadonlyMap<string, StatusCategory>,
): RetroSprint | undefined {
  const done = doneAt(issue, categories);
  if (!done) return undefined;
  const t = time(done);
  const member = new Set(sprintsAt(issue, done));
  return sprints
    .filter((s) => member.has(s.id) && t >= time(s.startDate) && t <= time(s.completeDate))
    .sort((a, b) => time(b.completeDate) - time(a.completeDate))[0];
}

const size = (issue: RetroIssue, unit: EstimateUnit) =>
  unit === 'issues' ? 1 : (issue.estimate ?? 0);

const within = (at: string | undefined, s: RetroSprint) =>
  at !== undefined && time(at) >= time(s.startDate) && time(at) <= time(s.completeDate);

/** Did a finished enabler keep its bound (target date, or timebox from when work started)? */
export function withinBound(
  issue: RetroIssue,
  categories: ReadonlyMap<string, StatusCategory>,
): boolean {
  const done = doneAt(issue, categories);
  if (!done) return false;
  const outcome = outcomeAt(issue, done) ?? issue.scopedOutcome;
  if (outcome?.targetDate) return done.slice(0, 10) <= outcome.targetDate;
  if (typeof outcome?.timeboxDays === 'number') {
    const started = startedAt(issue, categories) ?? issue.created;
    return differenceInCalendarDays(parseISO(done), parseISO(started)) <= outcome.timeboxDays;
  }
  return false;
}

/** Did a finished spike stay within its timebox (its own, else the default)? */
export function withinTimebox(
  issue: RetroIssue,
  categories: ReadonlyMap<string, StatusCategory>,
  rules: Config['spike'],
): boolean {
  const done = doneAt(issue, categories);
  if (!done) return false;
  const allowed = outcomeAt(issue, done)?.timeboxDays ?? rules.defaultTimeboxDays;
  const started = startedAt(issue, categories) ?? issue.created;
  return differenceInCalendarDays(parseISO(done), parseISO(started)) <= allowed;
}

/** The signals that can be rebuilt for a past moment: overrun spikes, idle discovery, unscoped enablers. */
export function signalsAt(
  issues: readonly RetroIssue[],
  at: string,
  categories: ReadonlyMap<string, StatusCategory>,
  config: Config,
): SprintReport['atEnd'] {
  let overrunSpikes = 0;
  let idleDiscovery = 0;
  let unscopedEnablers = 0;
  const t = time(at);
  for (const issue of issues) {
    if (issue.track !== 'discovery') continue;
    const category = categoryAt(issue, at, categories);
    if (category === undefined || category === 'done') continue;
    if (issue.kind === 'spike' && category === 'indeterminate') {
      const starts = transitionsInto(issue, 'indeterminate', categories).filter(
        (s) => time(s) <= t,
      );
      const started = starts.at(-1);
      const allowed = outcomeAt(issue, at)?.timeboxDays ?? config.spike.defaultTimeboxDays;
      if (started && differenceInCalendarDays(parseISO(at), parseISO(started)) > allowed) {
        overrunSpikes += 1;
      }
    }
    const last = [issue.created, ...issue.changes.map((c) => c.at), ...issue.activity]
      .filter((a) => time(a) <= t)
      .reduce((max, a) => Math.max(max, time(a)), 0);
    if (
      differenceInCalendarDays(new Date(t), new Date(last)) >= config.staleness.discoveryIdleDays
    ) {
      idleDiscovery += 1;
    }
    if (
      issue.kind === 'enabler' &&
      !checkScopedOutcome(outcomeAt(issue, at), config.scopedOutcome).ready
    ) {
      unscopedEnablers += 1;
    }
  }
  return { overrunSpikes, idleDiscovery, unscopedEnablers };
}

/** Ready delivery work when the sprint started: not started, not in that sprint. */
export function readyWorkAt(
  issues: readonly RetroIssue[],
  sprint: RetroSprint,
  categories: ReadonlyMap<string, StatusCategory>,
  unit: EstimateUnit,
): number {
  let total = 0;
  for (const issue of issues) {
    if (issue.track !== 'delivery') continue;
    if (categoryAt(issue, sprint.startDate, categories) !== 'new') continue;
    if (sprintsAt(issue, sprint.startDate).includes(sprint.id)) continue;
    total += size(issue, unit);
  }
  return total;
}

const byCompletion = (a: RetroSprint, b: RetroSprint) =>
  time(a.completeDate) - time(b.completeDate);

export function computeRetro(input: RetroInput): RetroReport {
  const { statusCategories: cats, config, unit } = input;
  const all = [...input.sprints].sort(byCompletion);
  const shown = all.slice(Math.max(0, all.length - input.count));
  const completedBy = new Map<number, RetroIssue[]>();
  const sprintOf = new Map<string, RetroSprint>();
  for (const issue of input.issues) {
    const sprint = completedSprint(issue, all, cats);
    if (!sprint) continue;
    sprintOf.set(issue.id, sprint);
    completedBy.set(sprint.id, [...(completedBy.get(sprint.id) ?? []), issue]);
  }
  const work = (s: RetroSprint) =>
    (completedBy.get(s.id) ?? []).reduce((sum, i) => sum + size(i, unit), 0);
  const ideasById = new Map(input.ideas.map((i) => [i.id, i]));
  const validatedIdeas = new Set(
    input.ideas.filter((i) => i.validatedAt && !i.invalidatedAt).map((i) => i.id),
  );
  const outcomeOf = new Map(input.outcomes.map((o) => [o.issueId, o]));

  const candidates: OutcomeCandidate[] = [];
  for (const issue of input.issues) {
    const sprint = sprintOf.get(issue.id);
    const from = issue.promotedFrom.filter((id) => validatedIdeas.has(id));
    if (!sprint || issue.track !== 'delivery' || from.length === 0) continue;
    candidates.push({
      issueId: issue.id,
      key: issue.key,
      summary: issue.summary,
      sprintId: sprint.id,
      ideas: from.map((id) => ({
        key: ideasById.get(id)?.key ?? id,
        summary: ideasById.get(id)?.summary ?? '',
      })),
      outcome: outcomeOf.get(issue.id),
    });
  }

  const sprints: SprintReport[] = shown.map((sprint) => {
    const done = completedBy.get(sprint.id) ?? [];
    const discovery = done
      .filter((i) => i.track === 'discovery')
      .reduce((s, i) => s + size(i, unit), 0);
    const delivery = done
      .filter((i) => i.track === 'delivery')
      .reduce((s, i) => s + size(i, unit), 0);
    const total = discovery + delivery;
    const before = all.filter((s) => time(s.completeDate) <= time(sprint.startDate)).slice(-3);
    const velocity =
      before.length === 0 ? undefined : before.reduce((s, b) => s + work(b), 0) / before.length;
    const readyWork = readyWorkAt(input.issues, sprint, cats, unit);
    const enablers = done.filter((i) => i.kind === 'enabler');
    const spikes = done.filter((i) => i.kind === 'spike');
    const rated = candidates.filter((c) => c.sprintId === sprint.id);
    const count = (r: OutcomeResult) => rated.filter((c) => c.outcome?.result === r).length;
    const hits = count('hit');
    const judged = hits + count('partly') + count('missed');
    return {
      sprint,
      completed: {
        discovery,
        delivery,
        total,
        discoveryPercent: total === 0 ? undefined : Math.round((discovery / total) * 100),
      },
      ideas: {
        validated: input.ideas.filter((i) => within(i.validatedAt, sprint)).map((i) => i.key),
        invalidated: input.ideas.filter((i) => within(i.invalidatedAt, sprint)).map((i) => i.key),
        promoted: input.ideas.filter((i) => within(i.promotedAt, sprint)).map((i) => i.key),
      },
      promotedDelivered: done
        .filter((i) => i.track === 'delivery' && i.promotedFrom.length > 0)
        .map((i) => i.key),
      enablers: {
        delivered: enablers.map((i) => i.key),
        withinBound: enablers.filter((i) => withinBound(i, cats)).map((i) => i.key),
      },
      spikes: {
        finished: spikes.map((i) => i.key),
        withinTimebox: spikes.filter((i) => withinTimebox(i, cats, config.spike)).map((i) => i.key),
      },
      movedBack: [
        ...new Set(
          input.guardMoves
            .filter((m) =>
              m.sprintId !== undefined && all.some((s) => s.id === m.sprintId)
                ? m.sprintId === sprint.id
                : within(m.at, sprint),
            )
            .map((m) => m.issueKey),
        ),
      ],
      uncertainWithoutDiscovery: uncertainWithoutDiscovery(input.issues, sprint),
      runwayAtStart: {
        sprints:
          velocity === undefined || velocity === 0 ? undefined : round1(readyWork / velocity),
        readyWork,
        velocity: velocity === undefined ? undefined : round1(velocity),
        velocitySprints: before.length,
      },
      atEnd: signalsAt(input.issues, sprint.completeDate, cats, config),
      outcomes: {
        hit: hits,
        partly: count('partly'),
        missed: count('missed'),
        'too-early': count('too-early'),
        unrecorded: rated.filter((c) => !c.outcome).length,
        judged,
        hitRate: percentOf(hits, judged),
        hitRateToDate: undefined,
      },
    };
  });
  let hitsToDate = 0;
  let judgedToDate = 0;
  for (const s of sprints) {
    hitsToDate += s.outcomes.hit;
    judgedToDate += s.outcomes.judged;
    s.outcomes.hitRateToDate = percentOf(hitsToDate, judgedToDate);
  }

  const shownIds = new Set(shown.map((s) => s.id));
  const inView = candidates.filter((c) => shownIds.has(c.sprintId));
  const misses: OutcomeMiss[] = inView
    .filter((c) => c.outcome?.result === 'missed')
    .map((c) => {
      const issue = input.issues.find((i) => i.id === c.issueId);
      const evidence = (issue?.promotedFrom ?? []).flatMap((id) => {
        const idea = ideasById.get(id);
        return idea ? idea.evidence.map((e) => ({ ideaKey: idea.key, ...e })) : [];
      });
      return { ...c, evidence };
    });
  const hits = inView.filter((c) => c.outcome?.result === 'hit').length;
  const rated = inView.filter((c) => c.outcome && c.outcome.result !== 'too-early').length;
  const trends = trendSeries(sprints);
  return {
    unit,
    targetPercent: config.capacity.discoveryTargetPercent,
    sprints,
    trends,
    summary: trends.map((t) => t.summary),
    candidates: inView,
    misses,
    hitRate: { hits, rated, rate: percentOf(hits, rated) },
  };
}

function trendSeries(sprints: readonly SprintReport[]): TrendSeries[] {
  const series = (
    metric: TrendSeries['metric'],
    label: string,
    values: Array<number | undefined>,
    unit: string,
    lowerIsBetter: boolean,
  ): TrendSeries => ({
    metric,
    label,
    values,
    summary: describeTrend(label, values, unit, lowerIsBetter),
  });
  return [
    series(
      'openEnded',
      'Open-ended discovery',
      sprints.map((s) => s.atEnd.overrunSpikes + s.atEnd.idleDiscovery),
      'items',
      true,
    ),
    series(
      'unscopedEnablers',
      'Enablers without outcome',
      sprints.map((s) => s.atEnd.unscopedEnablers),
      'enablers',
      true,
    ),
    series(
      'overrunSpikes',
      'Overrun spikes',
      sprints.map((s) => s.atEnd.overrunSpikes),
      'spikes',
      true,
    ),
    series(
      'runway',
      'Runway',
      sprints.map((s) => s.runwayAtStart.sprints),
      'sprints',
      false,
    ),
    technicalRisk(sprints.map((s) => s.uncertainWithoutDiscovery.length)),
  ];
}

/**
 * High-uncertainty items entering sprints without discovery: the practice's "technical risk
 * decreases" signal, said so when the count falls.
 */
function technicalRisk(values: number[]): TrendSeries {
  const label = 'High-uncertainty items entering without discovery';
  const base = describeTrend(label, values, 'items', true);
  const first = values[0];
  const last = values.at(-1);
  const falls = values.length > 1 && first !== undefined && last !== undefined && last < first;
  return {
    metric: 'uncertainWithoutDiscovery',
    label,
    values,
    summary: falls ? `${base} Technical risk decreases.` : base,
  };
}

const fmt = (n: number) => String(round1(n));
const unitFor = (n: number, unit: string) =>
  n === 1 && unit.endsWith('s') ? unit.slice(0, -1) : unit;

/**
 * One plain sentence for a series: steady when the values stay within a narrow band (shown as
 * a range), else up or down from the first measured value to the last.
 */
export function describeTrend(
  label: string,
  values: ReadonlyArray<number | undefined>,
  unit: string,
  lowerIsBetter: boolean,
): string {
  const known = values.filter((v): v is number => v !== undefined);
  const first = known[0];
  const last = known.at(-1);
  if (first === undefined || last === undefined)
    return `${label}: not measurable in these sprints.`;
  const min = Math.min(...known);
  const max = Math.max(...known);
  const band = unit === 'sprints' ? 0.5 : 0;
  const name = label.charAt(0).toUpperCase() + label.slice(1).toLowerCase();
  if (known.length === 1)
    return `${name} at ${fmt(first)} ${unitFor(first, unit)} (one sprint measured).`;
  if (max - min <= band) {
    return min === max
      ? `${name} steady at ${fmt(min)} ${unitFor(min, unit)}.`
      : `${name} steady at ${fmt(min)}-${fmt(max)} ${unit}.`;
  }
  if (Math.abs(last - first) <= band) {
    return `${name} back to ${fmt(last)} ${unitFor(last, unit)} after ranging ${fmt(min)}-${fmt(max)}.`;
  }
  const up = last > first;
  const better = up !== lowerIsBetter;
  return `${name} ${up ? 'up' : 'down'} from ${fmt(first)} to ${fmt(last)} ${unit} (${better ? 'better' : 'worse'}).`;
}

/**
 * When an idea's evidence first met the validation rule: the counting entries in date order
 * (then by when they were recorded); undefined while the rule is not met.
 */
export function validatedOn(
  entries: ReadonlyArray<{ type: string; positive: boolean; date: string; recordedAt: string }>,
  rules: Config['validation'],
): string | undefined {
  const counting = entries
    .filter((e) => e.positive && (e.type === 'interview' || e.type === 'usability-test'))
    .sort((a, b) => a.date.localeCompare(b.date) || a.recordedAt.localeCompare(b.recordedAt));
  let interviews = 0;
  let tests = 0;
  if (rules.minInterviews === 0 && rules.minUsabilityTests === 0) return entries[0]?.date;
  for (const e of counting) {
    if (e.type === 'interview') interviews += 1;
    else tests += 1;
    if (interviews >= rules.minInterviews && tests >= rules.minUsabilityTests) return e.date;
  }
  return undefined;
}
