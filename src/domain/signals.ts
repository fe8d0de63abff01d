import type { ProjectItem, SignalInput, Signals } from './signal-model';
import { needsDiscoverySignal, openEndedSignal, unscopedEnablersSignal } from './signals-discovery';
import { cadenceSignal, capacitySignal, runwaySignal } from './signals-flow';
import { buildTrapSignal, paralysisSignal } from './signals-failure';
import { kanbanCapacity, kanbanRunway } from './signals-kanban';

/**
 * The project page's signals, computed from plain data: whether discovery and delivery are in
 * balance. Pure: the caller passes the items, the sprints and `now`. A signal is one function
 * (signals-flow.ts, signals-discovery.ts) and one entry in `Signals` and `computeSignals`.
 */

export * from './signal-model';
export * from './signals-discovery';
export * from './signals-flow';
export * from './signals-failure';
export * from './signals-kanban';

export function computeSignals(input: SignalInput): Signals {
  const { kanban } = input;
  const runway = kanban ? kanbanRunway(input, kanban) : runwaySignal(input);
  return {
    runway,
    buildTrap: buildTrapSignal(input, runway),
    paralysis: paralysisSignal(input, runway),
    capacity: kanban ? kanbanCapacity(input, kanban) : capacitySignal(input),
    openEnded: openEndedSignal(input),
    unscopedEnablers: unscopedEnablersSignal(input),
    needsDiscovery: needsDiscoverySignal(input),
    cadence: cadenceSignal(input),
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
