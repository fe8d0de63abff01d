import type { Config } from './config';
import { round1 } from './retro-replay';
import type { Judgement, SprintReport, TrendSeries, TrendTarget } from './retro-model';

/** The retro's trends across the sprints shown, and how each is said in words. */

/**
 * `riskMeasured` false (the Entry triage field was not read): the technical risk series is not
 * measured in any sprint, rather than zero in each.
 */
export function trendSeries(sprints: readonly SprintReport[], riskMeasured = true): TrendSeries[] {
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
    judgedSeries(
      series(
        'runway',
        'Runway',
        sprints.map((s) => s.runwayAtStart.sprints),
        'sprints',
        false,
      ),
      sprints.map((s) => ({ min: s.thresholds.runwayMin, max: s.thresholds.runwayMax })),
    ),
    technicalRisk(
      sprints.map((s) => (riskMeasured ? s.uncertainWithoutDiscovery.length : undefined)),
    ),
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
    judgedSeries(
      series(
        'cadence',
        'Product discovery activities',
        sprints.map((s) => s.cadence?.count),
        'activities',
        false,
      ),
      sprints.map((s) => ({ min: s.thresholds.touchpointsPerSprint })),
    ),
  ];
}

function series(
  metric: TrendSeries['metric'],
  label: string,
  values: Array<number | undefined>,
  unit: string,
  lowerIsBetter: boolean,
): TrendSeries {
  return { metric, label, values, summary: describeTrend(label, values, unit, lowerIsBetter) };
}

/** A value against its target: below the minimum, above the maximum, else within. */
export function judge(
  value: number | undefined,
  target: TrendTarget | undefined,
): Judgement | undefined {
  if (value === undefined || target === undefined) return undefined;
  if (value < target.min) return 'below';
  if (target.max !== undefined && value > target.max) return 'above';
  return 'within';
}

/**
 * A series with each sprint's target of then, each value judged against it, and one more
 * sentence: in how many measured sprints it met the target in force when the sprint ended.
 */
function judgedSeries(base: TrendSeries, targets: TrendTarget[]): TrendSeries {
  const judged = base.values.map((v, i) => judge(v, targets[i]));
  const count = (j: Judgement) => judged.filter((x) => x === j).length;
  const measured = judged.filter((j) => j !== undefined).length;
  if (measured === 0) return { ...base, targets, judged };
  const ranged = targets.some((t) => t.max !== undefined);
  const misses = [
    count('below') > 0 ? `below it in ${count('below')}` : '',
    count('above') > 0 ? `above it in ${count('above')}` : '',
  ].filter(Boolean);
  const met = ranged ? 'within' : 'met';
  const sentence =
    `Against the target in force when each sprint ended: ${met} in ${count('within')} of ` +
    `${measured} measured ${measured === 1 ? 'sprint' : 'sprints'}` +
    `${ranged && misses.length > 0 ? `, ${misses.join(', ')}` : ''}.`;
  return { ...base, targets, judged, summary: `${base.summary} ${sentence}` };
}

/**
 * High-uncertainty items entering sprints without discovery: the practice's "technical risk
 * decreases" signal, said so when the count falls.
 */
function technicalRisk(values: Array<number | undefined>): TrendSeries {
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
