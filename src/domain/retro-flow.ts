import type { Config } from './config';
import { cadenceOf, type Touchpoint } from './discovery-cadence';
import type { RetroIssue, RetroSprint, SprintReport, TrendSeries } from './retro-model';
import {
  categoryAt,
  completedSprint,
  doneAt,
  enteredSprint,
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
 * predictability (of the delivery work in the sprint at its start, how much it finished). Also
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
  const carryOver = delivery
    .filter(
      (i) =>
        enteredSprint(i, sprint) &&
        categoryAt(i, sprint.completeDate, categories) === 'indeterminate',
    )
    .map((i) => i.key);
  const committedItems = delivery.filter((i) => sprintsAt(i, sprint.startDate).includes(sprint.id));
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

/** Did delivery flow improve as risk fell? One sentence, from the trends of the sprints shown. */
export function flowVerdict(trends: readonly TrendSeries[]): string {
  const series = (m: TrendSeries['metric']) => trends.find((t) => t.metric === m)?.values ?? [];
  const change = (values: ReadonlyArray<number | undefined>) => {
    const known = values.filter((v): v is number => v !== undefined);
    const first = known[0];
    const last = known.at(-1);
    return known.length < 2 || first === undefined || last === undefined ? undefined : last - first;
  };
  const risk = change(series('uncertainWithoutDiscovery'));
  const cycle = change(series('cycleTime'));
  const predictable = change(series('predictability'));
  const carry = change(series('carryOver'));
  if (cycle === undefined && predictable === undefined && carry === undefined) {
    return 'Delivery flow: not enough sprints with finished delivery work to see a trend.';
  }
  const better = [
    cycle !== undefined && cycle < 0,
    predictable !== undefined && predictable > 0,
    carry !== undefined && carry < 0,
  ].filter(Boolean).length;
  const worse = [
    cycle !== undefined && cycle > 0,
    predictable !== undefined && predictable < 0,
    carry !== undefined && carry > 0,
  ].filter(Boolean).length;
  const flow = better > worse ? 'improved' : worse > better ? 'worsened' : 'held steady';
  const riskWords =
    risk === undefined
      ? 'technical risk could not be measured'
      : risk < 0
        ? 'technical risk fell'
        : risk > 0
          ? 'technical risk rose'
          : 'technical risk held steady';
  return `Delivery flow ${flow} (cycle time, carry-over and predictability) while ${riskWords}.`;
}
