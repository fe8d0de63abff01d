import {
  type CapacitySignal,
  type Level,
  type RunwaySignal,
  type SignalInput,
  CAPACITY_TOLERANCE_POINTS,
  plural,
  readyWorkOf,
  round1,
} from './signal-model';
import { describeExcluded } from './ready-work';
import { isEngineeringDiscovery } from './discovery-lanes';
import { workOutcomeOf } from './readiness';
import { waiverFactsOf } from './signals-discovery';
import { waivedOutOfExcluded } from './signals-flow';

/**
 * The flow signals of a project on a Kanban board, which has no sprints: runway in weeks of
 * throughput (delivery work finished per week, averaged over `kanban.throughputWeeks`) and the
 * engineering discovery share of work in progress, counted in items as WIP is.
 */

/** A sprint's worth of runway on a Kanban board: the targets in sprints are read as two weeks each. */
export const WEEKS_PER_SPRINT = 2;

export interface KanbanFlow {
  /** Delivery work finished in each of the last weeks (points, or items), the newest first. */
  weeks: readonly number[];
  /** Delivery items in progress. */
  deliveryInProgress: number;
}

export function kanbanRunway(input: SignalInput, flow: KanbanFlow): RunwaySignal {
  const { runway } = input.config;
  const target = {
    min: runway.targetMinSprints * WEEKS_PER_SPRINT,
    max: runway.targetMaxSprints * WEEKS_PER_SPRINT,
    pauseAt: runway.pauseAtSprints * WEEKS_PER_SPRINT,
  };
  const ready = input.ready ?? readyWorkOf(input.items, input.unit);
  // An actively waived item is named apart, as on a Scrum board: let in, still not ready work.
  const { excluded, waived } = waivedOutOfExcluded(input, ready.excluded);
  const unitWord = input.unit === 'points' ? 'points' : 'issues';
  const finished = flow.weeks.reduce((s, w) => s + w, 0);
  const throughput = flow.weeks.length === 0 ? undefined : finished / flow.weeks.length;
  const base = {
    per: 'week' as const,
    readyWork: ready.work,
    unit: input.unit,
    target,
    velocitySprints: flow.weeks.length,
    atLeast: !ready.complete,
    excluded,
    waived,
  };
  if (throughput === undefined || throughput === 0) {
    return {
      ...base,
      level: 'unknown',
      sprints: undefined,
      velocity: throughput,
      verdict: 'unknown',
      reason: `No delivery ${unitWord} were finished in the last ${plural(flow.weeks.length, 'week')}, so runway in weeks of throughput cannot be measured.`,
    };
  }
  const weeks = round1(ready.work / throughput);
  const left = describeExcluded(excluded);
  const waivedText =
    waived.length > 0
      ? `; waived, so let in but not counted until validated: ${waived.map((w) => w.key).join(', ')}`
      : '';
  const basis = `${base.atLeast ? 'At least ' : ''}${round1(ready.work)} ${unitWord} of ready delivery work ÷ ${round1(throughput)} ${unitWord} of delivery finished per week (average of the last ${plural(flow.weeks.length, 'week')})${left ? `; left out as not ready: ${left}` : ''}${waivedText}; targets in sprints count ${WEEKS_PER_SPRINT} weeks each on a Kanban board`;
  const verdict: Pick<RunwaySignal, 'level' | 'verdict' | 'reason'> =
    weeks < target.min
      ? {
          level: 'critical',
          verdict: 'build-trap',
          reason: `Build trap risk: ${weeks} weeks of ready delivery work is below the ${target.min}-week target; delivery is outrunning discovery. ${basis}.`,
        }
      : weeks >= target.pauseAt
        ? {
            level: 'warning',
            verdict: 'paralysis',
            reason: `Pause discovery: ${base.atLeast ? 'at least ' : ''}${weeks} weeks of ready delivery work is at or above the ${target.pauseAt}-week pause threshold. ${basis}.`,
          }
        : {
            level: 'ok',
            verdict: weeks > target.max ? 'ahead' : 'healthy',
            reason: `${weeks > target.max ? `Discovery is ahead of the ${target.min}-${target.max} week target but below the pause threshold of ${target.pauseAt}` : `Within the ${target.min}-${target.max} week target`}. ${basis}.`,
          };
  return { ...base, sprints: weeks, velocity: throughput, ...verdict };
}

/**
 * Engineering discovery's share of work in progress: spikes and scoped enablers in progress
 * against delivery items in progress, by count. Ideas and unscoped spikes or enablers in
 * progress are named apart, as the sprint split names them; an unscoped one with an active
 * waiver is work the gate let in: counted, and named apart as waived.
 */
export function kanbanCapacity(input: SignalInput, flow: KanbanFlow): CapacitySignal {
  const targetPercent = input.config.capacity.discoveryTargetPercent;
  const warnBelowPercent = Math.max(0, targetPercent - CAPACITY_TOLERANCE_POINTS);
  const leftOut: CapacitySignal['leftOut'] = [];
  const waived: CapacitySignal['waived'] = [];
  let discovery = 0;
  for (const item of input.items) {
    if (item.track !== 'discovery' || item.statusCategory !== 'indeterminate') continue;
    const why = !isEngineeringDiscovery(item)
      ? 'idea'
      : workOutcomeOf(item, input.config).ready
        ? undefined
        : 'unscoped';
    const waiver = why === 'unscoped' ? waiverFactsOf(input, item) : undefined;
    if (waiver) waived.push({ key: item.key, summary: item.summary, ...waiver });
    if (why && !waiver) leftOut.push({ key: item.key, summary: item.summary, why });
    else discovery += 1;
  }
  const delivery = flow.deliveryInProgress;
  const base = { of: 'wip' as const, unit: 'issues' as const, targetPercent, warnBelowPercent };
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
      reason: 'Nothing is in progress, so the split of work in progress cannot be measured.',
    };
  }
  const discoveryPercent = Math.round((discovery / total) * 100);
  const level: Level = discoveryPercent < warnBelowPercent ? 'warning' : 'ok';
  const withWaived =
    waived.length > 0
      ? ` (with ${plural(waived.length, 'waived unscoped spike or enabler', 'waived unscoped spikes or enablers')})`
      : '';
  const detail = `${plural(discovery, 'spike or scoped enabler', 'spikes and scoped enablers')}${withWaived} and ${plural(delivery, 'delivery item')} in progress${leftOut.length > 0 ? `; not counted: ${plural(leftOut.length, 'idea or unscoped spike or enabler', 'ideas or unscoped spikes or enablers')} in progress` : ''}`;
  return {
    ...base,
    leftOut,
    waived,
    level,
    discoveryPercent,
    discovery,
    delivery,
    reason: `Engineering discovery is ${discoveryPercent}% of work in progress against a ${targetPercent}% target${level === 'warning' ? ` (a warning under ${warnBelowPercent}%)` : ''}: ${detail}.`,
  };
}
