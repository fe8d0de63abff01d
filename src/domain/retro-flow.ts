import type { Config } from './config';
import { cadenceOf, type Touchpoint } from './discovery-cadence';
import type { RetroIssue, RetroSprint, SprintReport, TrendSeries } from './retro-model';
import {
  categoryAt,
  completedSprint,
  doneAt,
  percentOf,
  round1,
  size,
  sprintsAt,
  startedAt,
  time,
} from './retro-replay';
import type { EstimateUnit, StatusCategory } from './signals';

/**
 * Delivery flow per closed sprint, the practice's signal of success for engineering discovery
 * ("delivery flow improves", "enablers delivered predictably"): cycle time of the delivery items
 * finished in the sprint, carry-over (started and not finished when it closed) and
 * predictability (of the delivery work in the sprint at its start, how much it finished), and
 * whether flow improved as risk fell (first half of the sprints against the second). Also
 * the settings in force when a sprint ended, so each sprint is judged by the thresholds of then.
 */

const DAY_MS = 86_400_000;

/** The value at a percentile of sorted numbers, nearest rank. */
export function percentile(sorted: readonly number[], p: number): number | undefined {
  if (sorted.length === 0) return undefined;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(sorted.length, rank) - 1];
}

export function sprintFlow(
  issues: readonly RetroIssue[],
  sprint: RetroSprint,
  all: readonly RetroSprint[],
  categories: ReadonlyMap<string, StatusCategory>,
  unit: EstimateUnit,
): SprintReport['flow'] {
  const delivery = issues.filter((i) => i.track === 'delivery');
  const finished = delivery.filter((i) => completedSprint(i, all, categories)?.id === sprint.id);
  const days = finished
    .map((i) => {
      const start = startedAt(i, categories);
      const done = doneAt(i, categories);
      return start && done ? round1(Math.max(0, time(done) - time(start)) / DAY_MS) : undefined;
    })
    .filter((d): d is number => d !== undefined)
    .sort((a, b) => a - b);
  const carryOver = delivery.filter((i) => carriedOver(i, sprint, categories)).map((i) => i.key);
  const committedItems = delivery.filter((i) => committedAtStart(i, sprint, categories));
  const committed = committedItems.reduce((s, i) => s + size(i, unit), 0);
  const completed = committedItems
    .filter((i) => completedSprint(i, all, categories)?.id === sprint.id)
    .reduce((s, i) => s + size(i, unit), 0);
  return {
    cycleTimeDays: {
      median: percentile(days, 50),
      p85: percentile(days, 85),
      measured: days.length,
    },
    carryOver,
    committed,
    completedOfCommitted: completed,
    predictability: percentOf(completed, committed),
  };
}

/**
 * Carried over: in the sprint when it closed (an item taken out of the sprint while it ran is
 * not), started by then (in progress, or started and moved back to a to-do status) and not done.
 */
export function carriedOver(
  issue: RetroIssue,
  sprint: RetroSprint,
  categories: ReadonlyMap<string, StatusCategory>,
): boolean {
  const end = sprint.completeDate;
  // A period carries over what is in progress when it ends.
  if (sprint.period) return categoryAt(issue, end, categories) === 'indeterminate';
  if (!sprintsAt(issue, end).includes(sprint.id)) return false;
  const category = categoryAt(issue, end, categories);
  if (category === 'indeterminate') return true;
  const started = startedAt(issue, categories);
  return category === 'new' && started !== undefined && time(started) <= time(end);
}

/** Committed at the start: in the sprint; for a period, in progress when it began. */
function committedAtStart(
  issue: RetroIssue,
  sprint: RetroSprint,
  categories: ReadonlyMap<string, StatusCategory>,
): boolean {
  if (sprint.period) return categoryAt(issue, sprint.startDate, categories) === 'indeterminate';
  return sprintsAt(issue, sprint.startDate).includes(sprint.id);
}

/** One era of settings: the configuration in force from `from` (ISO) on. */
export interface SettingsEra {
  from: string;
  config: Config;
}

/** The settings in force at `at`: the latest era begun by then (the earliest known before). */
export function configAt(eras: readonly SettingsEra[], at: string, current: Config): Config {
  const sorted = [...eras].sort((a, b) => time(a.from) - time(b.from));
  const inForce = sorted.filter((e) => time(e.from) <= time(at)).at(-1);
  return (inForce ?? sorted[0])?.config ?? current;
}

/** The sprint's thresholds and its product discovery cadence, as they stood at its end. */
export function sprintThresholds(
  sprint: RetroSprint,
  config: Config,
  touchpoints: readonly Touchpoint[] | undefined,
): Pick<SprintReport, 'thresholds' | 'cadence'> {
  const target = config.capacity.touchpointsPerSprint;
  const cadence = touchpoints
    ? cadenceOf(
        touchpoints,
        { name: sprint.name, startDate: sprint.startDate, endDate: sprint.completeDate },
        target,
        new Date(sprint.completeDate),
      )
    : undefined;
  return {
    thresholds: {
      targetPercent: config.capacity.discoveryTargetPercent,
      runwayMin: config.runway.targetMinSprints,
      runwayMax: config.runway.targetMaxSprints,
      touchpointsPerSprint: target,
    },
    cadence: cadence ? { count: cadence.count, target, met: cadence.count >= target } : undefined,
  };
}

/**
 * The mean of the measured values in the first half of the sprints and in the second half (the
 * middle sprint of an odd count is in neither); undefined unless both halves have a value.
 */
export function halves(
  values: ReadonlyArray<number | undefined>,
): { before: number; after: number } | undefined {
  const mean = (part: ReadonlyArray<number | undefined>) => {
    const known = part.filter((v): v is number => v !== undefined);
    return known.length === 0 ? undefined : round1(known.reduce((a, b) => a + b, 0) / known.length);
  };
  const before = mean(values.slice(0, Math.floor(values.length / 2)));
  const after = mean(values.slice(Math.ceil(values.length / 2)));
  return before === undefined || after === undefined ? undefined : { before, after };
}

const FLOW_MEASURES = [
  { metric: 'cycleTime', name: 'median cycle time', unit: ' days', lowerIsBetter: true },
  { metric: 'carryOver', name: 'carry-over', unit: ' items', lowerIsBetter: true },
  { metric: 'predictability', name: 'predictability', unit: '%', lowerIsBetter: false },
] as const;

/**
 * Did delivery flow improve as technical risk fell? One plain sentence comparing the first half
 * of the sprints shown with the second half (means of cycle time, carry-over, predictability).
 */
export function flowVerdict(trends: readonly TrendSeries[]): string {
  const series = (m: TrendSeries['metric']) => trends.find((t) => t.metric === m)?.values ?? [];
  const shown = Math.max(0, ...trends.map((t) => t.values.length));
  if (shown < 2) return 'Delivery flow: not enough sprints to see a trend (at least 2 are needed).';
  const measured = FLOW_MEASURES.flatMap((m) => {
    const h = halves(series(m.metric));
    return h ? [{ ...m, ...h }] : [];
  });
  if (measured.length === 0) {
    return 'Delivery flow: not enough sprints with finished delivery work to compare the first half with the second.';
  }
  const sign = (m: (typeof measured)[number]) =>
    Math.sign(m.after - m.before) * (m.lowerIsBetter ? -1 : 1);
  const better = measured.filter((m) => sign(m) > 0).length;
  const worse = measured.filter((m) => sign(m) < 0).length;
  const flow =
    better > 0 && worse === 0
      ? 'improved'
      : worse > 0 && better === 0
        ? 'worsened'
        : better === 0
          ? 'held steady'
          : 'was mixed';
  const risk = halves(series('uncertainWithoutDiscovery'));
  const riskWords =
    risk === undefined
      ? 'technical risk was not measured'
      : risk.after < risk.before
        ? 'technical risk fell'
        : risk.after > risk.before
          ? 'technical risk rose'
          : 'technical risk held steady';
  const k = Math.floor(shown / 2);
  const span =
    k === 1 ? 'first sprint against the last' : `first ${k} sprints against the last ${k}`;
  const details = measured
    .map((m) => `${m.name} from ${m.before}${m.unit === '%' ? '%' : ''} to ${m.after}${m.unit}`)
    .join(', ');
  return `Delivery flow ${flow} while ${riskWords} (${span}: ${details}).`;
}
