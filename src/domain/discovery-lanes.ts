import type { Config } from './config';
import { workOutcomeOf } from './readiness';
import type { ProjectItem } from './signal-model';

/**
 * The discovery track's two lanes: ideas by validation stage (signals.ts, discoveryStage), and
 * engineering discovery (spikes and enablers) by readiness, because the practice treats them
 * differently: an idea needs evidence, a spike or enabler a scoped outcome and a timebox.
 */

export const ENGINEERING_LANES = [
  'unscoped',
  'scoped',
  'in-progress',
  'over-timebox',
  'done',
] as const;
export type EngineeringLane = (typeof ENGINEERING_LANES)[number];

/** Spikes and enablers on the discovery track: engineering discovery. */
export function isEngineeringDiscovery(item: Pick<ProjectItem, 'kind' | 'track'>): boolean {
  return item.track === 'discovery' && (item.kind === 'spike' || item.kind === 'enabler');
}

/**
 * Where a spike or enabler stands: done; else past its timebox (`overTimebox`, the spikes the
 * open-ended signal found over theirs); else without a complete scoped outcome; else in
 * progress or scoped and waiting to start.
 */
export function engineeringLane(
  item: ProjectItem,
  rules: Pick<Config, 'scopedOutcome' | 'spike'>,
  overTimebox: ReadonlySet<string>,
): EngineeringLane {
  if (item.statusCategory === 'done') return 'done';
  if (overTimebox.has(item.key)) return 'over-timebox';
  if (!workOutcomeOf(item, rules).ready) return 'unscoped';
  return item.statusCategory === 'indeterminate' ? 'in-progress' : 'scoped';
}
