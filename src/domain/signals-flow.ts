import {
  type SignalInput,
  type Level,
  type RunwaySignal,
  type CapacitySignal,
  type ProjectItem,
  CAPACITY_TOLERANCE_POINTS,
  sizeOf,
  round1,
  plural,
  VELOCITY_SPRINTS,
  averageVelocity,
  readyWorkOf,
} from './signal-model';
import { describeExcluded, type ExcludedWork } from './ready-work';
import { isEngineeringDiscovery } from './discovery-lanes';
import { workOutcomeOf } from './readiness';
import { cadenceOf, cadenceUnmeasured, type CadenceSignal } from './discovery-cadence';
import { waiverFactsOf } from './signals-discovery';

/**
 * Flow signals: runway of ready delivery work, the engineering discovery share of the sprint and
 * the product discovery cadence.
 */

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
  const { excluded, waived } = waivedOutOfExcluded(input, ready.excluded);
  const base = {
    readyWork,
    unit: input.unit,
    target,
    velocitySprints: recent.length,
    atLeast: !ready.complete,
    excluded,
    waived,
  };
  const unitWord = input.unit === 'points' ? 'points' : 'issues';
  const velocity = recent.length === 0 ? undefined : (averageVelocity(recent) ?? 0);
  const unmeasured = !input.hasBoard
    ? 'No Scrum board shows this project, so there is no velocity to measure runway against.'
    : velocity === undefined
      ? 'No closed sprints yet: runway needs the velocity of at least one finished sprint.'
      : velocity === 0
        ? `The last ${plural(recent.length, 'closed sprint')} completed no ${unitWord}, so runway cannot be measured.`
        : undefined;
  if (unmeasured !== undefined || velocity === undefined) {
    return {
      ...base,
      level: 'unknown',
      sprints: undefined,
      velocity: input.hasBoard ? velocity : undefined,
      verdict: 'unknown',
      reason: unmeasured ?? '',
    };
  }
  const sprints = round1(readyWork / velocity);
  // A partial sum is a lower bound, read only until it passed the pause threshold.
  const atLeast = !ready.complete;
  const left = describeExcluded(excluded);
  const basis = `${atLeast ? 'At least ' : ''}${round1(readyWork)} ${unitWord} of ready delivery work ÷ ${round1(velocity)} ${unitWord} of delivery per sprint (average of the last ${plural(recent.length, 'closed sprint')})${left ? `; left out as not ready: ${left}` : ''}${waived.length > 0 ? `; waived, so let into a sprint but not counted until validated: ${waived.map((w) => w.key).join(', ')}` : ''}${atLeast ? '; the rest of the ready backlog was not added up, as it cannot change the verdict' : ''}`;
  return { ...base, sprints, velocity, ...runwayVerdict(sprints, target, atLeast, basis) };
}

/**
 * The listed not-ready items an active waiver covers, taken out of the not-ready list and its
 * counts: they are waived, not failing, though still not ready work.
 */
export function waivedOutOfExcluded(
  input: SignalInput,
  all: ExcludedWork,
): { excluded: ExcludedWork; waived: RunwaySignal['waived'] } {
  const counts = { ...all.counts };
  const items: ExcludedWork['items'] = [];
  const waived: RunwaySignal['waived'] = [];
  for (const item of all.items) {
    const facts = waiverFactsOf(input, item);
    if (facts === undefined) {
      items.push(item);
      continue;
    }
    counts[item.reason] = Math.max(0, counts[item.reason] - 1);
    waived.push({ key: item.key, summary: item.summary, ...facts });
  }
  return { excluded: { counts, items }, waived };
}

/** The verdict on a measured runway against the target and the pause threshold. */
function runwayVerdict(
  sprints: number,
  target: { min: number; max: number; pauseAt: number },
  atLeast: boolean,
  basis: string,
): Pick<RunwaySignal, 'level' | 'verdict' | 'reason'> {
  if (sprints < target.min) {
    return {
      level: 'critical',
      verdict: 'build-trap',
      reason: `Build trap risk: ${sprints} sprints of ready delivery work is below the ${target.min}-sprint target; delivery is outrunning discovery. ${basis}.`,
    };
  }
  if (sprints >= target.pauseAt) {
    return {
      level: 'warning',
      verdict: 'paralysis',
      reason: `Pause discovery: ${atLeast ? 'at least ' : ''}${sprints} sprints of ready delivery work is at or above the ${target.pauseAt}-sprint pause threshold; discovery is running too far ahead. ${basis}.`,
    };
  }
  if (sprints > target.max) {
    return {
      level: 'ok',
      verdict: 'ahead',
      reason: `Discovery is ahead of the ${target.min}-${target.max} sprint target but below the pause threshold of ${target.pauseAt}. ${basis}.`,
    };
  }
  return {
    level: 'ok',
    verdict: 'healthy',
    reason: `Within the ${target.min}-${target.max} sprint target. ${basis}.`,
  };
}

/**
 * Engineering discovery's share of the active sprint: spikes and enablers with a complete scoped
 * outcome (what the sprint guard lets in), by estimate, against delivery work. Ideas and unscoped
 * spikes or enablers in the sprint are left out and named: the guard takes them out.
 */
export function capacitySignal(input: SignalInput): CapacitySignal {
  const targetPercent = input.config.capacity.discoveryTargetPercent;
  const warnBelowPercent = Math.max(0, targetPercent - CAPACITY_TOLERANCE_POINTS);
  const base = { unit: input.unit, targetPercent, warnBelowPercent, leftOut: [], waived: [] };
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
  const { discovery, leftOut, waived } = sprintDiscovery(input, inSprint);
  const delivery = inSprint
    .filter((i) => i.track === 'delivery')
    .reduce((s, i) => s + sizeOf(i, input.unit), 0);
  const total = discovery + delivery;
  if (total === 0) {
    return {
      ...base,
      leftOut,
      waived,
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
  const unscoped = leftOut.filter((i) => i.why === 'unscoped').length;
  const ideas = leftOut.length - unscoped;
  const skippedParts = [
    unscoped > 0
      ? `${plural(unscoped, 'unscoped spike or enabler', 'unscoped spikes or enablers')}`
      : '',
    ideas > 0 ? plural(ideas, 'idea') : '',
  ].filter(Boolean);
  const skipped =
    skippedParts.length > 0
      ? `; not counted: ${skippedParts.join(' and ')} in the sprint, which the sprint guard takes out`
      : '';
  const withWaived =
    waived.length > 0
      ? ` (with ${plural(waived.length, 'waived unscoped spike or enabler', 'waived unscoped spikes or enablers')})`
      : '';
  const detail = `${round1(discovery)} of ${round1(total)} ${unitWord} in ${input.activeSprint.name} are spikes and scoped enablers${withWaived}${skipped}`;
  const level: Level = discoveryPercent < warnBelowPercent ? 'warning' : 'ok';
  return {
    ...base,
    leftOut,
    waived,
    level,
    discoveryPercent,
    discovery,
    delivery,
    reason:
      level === 'warning'
        ? `Engineering discovery gets ${discoveryPercent}% of the sprint, below the protected ${targetPercent}% (a warning under ${warnBelowPercent}%): ${detail}.`
        : discoveryPercent < targetPercent
          ? `Engineering discovery gets ${discoveryPercent}% of the sprint, under the ${targetPercent}% target but within ${CAPACITY_TOLERANCE_POINTS} points of it: ${detail}.`
          : `Engineering discovery gets ${discoveryPercent}% of the sprint against a ${targetPercent}% target: ${detail}.`,
  };
}

/**
 * The sprint's engineering discovery work, and the discovery items the share leaves out (ideas,
 * unscoped spikes or enablers). An unscoped one with an active waiver is sprint work the guard
 * lets in: counted, and named apart.
 */
function sprintDiscovery(input: SignalInput, inSprint: readonly ProjectItem[]) {
  const leftOut: CapacitySignal['leftOut'] = [];
  const waived: CapacitySignal['waived'] = [];
  let discovery = 0;
  for (const item of inSprint.filter((i) => i.track === 'discovery')) {
    const why = !isEngineeringDiscovery(item)
      ? 'idea'
      : workOutcomeOf(item, input.config).ready
        ? undefined
        : 'unscoped';
    const waiver = why === 'unscoped' ? waiverFactsOf(input, item) : undefined;
    if (waiver) waived.push({ key: item.key, summary: item.summary, ...waiver });
    if (why && !waiver) leftOut.push({ key: item.key, summary: item.summary, why });
    else discovery += sizeOf(item, input.unit);
  }
  return { discovery, leftOut, waived };
}

/** Product discovery activities dated within the active sprint, against the per-sprint target. */
export function cadenceSignal(input: SignalInput): CadenceSignal {
  const target = input.config.capacity.touchpointsPerSprint;
  const sprint = input.activeSprint;
  if (!sprint) {
    return cadenceUnmeasured(
      target,
      'No active sprint: the discovery cadence is measured on the sprint in progress.',
    );
  }
  if (!sprint.startDate || !sprint.endDate) {
    return cadenceUnmeasured(
      target,
      `${sprint.name} has no start or end date in Jira, so its discovery activities cannot be counted.`,
    );
  }
  if (!input.touchpoints) {
    return cadenceUnmeasured(target, 'The evidence of the project’s ideas was not read.');
  }
  const window = { name: sprint.name, startDate: sprint.startDate, endDate: sprint.endDate };
  return cadenceOf(input.touchpoints, window, target, input.now);
}
