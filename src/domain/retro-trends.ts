import type { Config } from './config';
import { round1 } from './retro-replay';
import type { SprintReport, TrendSeries } from './retro-model';

/** The retro's trends across the sprints shown, and how each is said in words. */

export function trendSeries(sprints: readonly SprintReport[]): TrendSeries[] {
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
    series(
      'cycleTime',
      'Delivery cycle time (median)',
      sprints.map((s) => s.flow.cycleTimeDays.median),
      'days',
      true,
    ),
    series(
      'carryOver',
      'Delivery carry-over',
      sprints.map((s) => s.flow.carryOver.length),
      'items',
      true,
    ),
    series(
      'predictability',
      'Predictability',
      sprints.map((s) => s.flow.predictability),
      '%',
      false,
    ),
    series(
      'cadence',
      'Product discovery activities',
      sprints.map((s) => s.cadence?.count),
      'activities',
      false,
    ),
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
/** "3 days", "1 item", "86%". */
const amount = (n: number, unit: string) =>
  unit === '%' ? `${fmt(n)}%` : `${fmt(n)} ${unitFor(n, unit)}`;
const range = (min: number, max: number, unit: string) =>
  unit === '%' ? `${fmt(min)}-${fmt(max)}%` : `${fmt(min)}-${fmt(max)} ${unit}`;

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
  if (known.length === 1) return `${name} at ${amount(first, unit)} (one sprint measured).`;
  if (max - min <= band) {
    return min === max
      ? `${name} steady at ${amount(min, unit)}.`
      : `${name} steady at ${range(min, max, unit)}.`;
  }
  if (Math.abs(last - first) <= band) {
    const ranged = unit === '%' ? range(min, max, unit) : `${fmt(min)}-${fmt(max)}`;
    return `${name} back to ${amount(last, unit)} after ranging ${ranged}.`;
  }
  const up = last > first;
  const better = up !== lowerIsBetter;
  const to = unit === '%' ? `${fmt(last)}%` : `${fmt(last)} ${unit}`;
  return `${name} ${up ? 'up' : 'down'} from ${fmt(first)} to ${to} (${better ? 'better' : 'worse'}).`;
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
