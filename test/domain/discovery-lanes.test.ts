import { DEFAULT_CONFIG } from '../../src/domain/config';
import {
  engineeringLane,
  isEngineeringDiscovery,
  type EngineeringLane,
} from '../../src/domain/discovery-lanes';
import type { ProjectItem } from '../../src/domain/signals';
import { makeSpike } from '../helpers/factories';

/** The engineering discovery lane of the discovery track (issue 17, item 4). */

const SCOPED = {
  outcome: 'Decide whether logical replication can feed the reporting database',
  successMeasure: 'Replication lag under 5 seconds at peak',
  timeboxDays: 2,
};

const item = (overrides: Partial<ProjectItem> = {}): ProjectItem =>
  makeSpike({ key: 'DT-1', scopedOutcome: SCOPED, ...overrides });

const rules = DEFAULT_CONFIG;

describe('engineering discovery lane', () => {
  it.each<[string, Partial<ProjectItem>, string[], EngineeringLane]>([
    ['a scoped spike not started', {}, [], 'scoped'],
    ['a scoped spike under way', { statusCategory: 'indeterminate' }, [], 'in-progress'],
    ['a spike without a scoped outcome', { scopedOutcome: undefined }, [], 'unscoped'],
    [
      'a spike with an outcome but no success measure',
      { scopedOutcome: { outcome: 'X', timeboxDays: 2 } },
      [],
      'unscoped',
    ],
    [
      'an enabler under way without a bound',
      {
        kind: 'enabler',
        statusCategory: 'indeterminate',
        scopedOutcome: { outcome: 'X', successMeasure: 'Y' },
      },
      [],
      'unscoped',
    ],
    ['a spike past its timebox', { statusCategory: 'indeterminate' }, ['DT-1'], 'over-timebox'],
    ['a finished spike, even one that ran over', { statusCategory: 'done' }, ['DT-1'], 'done'],
    [
      'a finished enabler without a scoped outcome',
      { kind: 'enabler', statusCategory: 'done', scopedOutcome: undefined },
      [],
      'done',
    ],
  ])('%s: %s', (_name, overrides, overrun, lane) => {
    expect(engineeringLane(item(overrides), rules, new Set(overrun))).toBe(lane);
  });

  it('holds spikes and enablers of the discovery track only', () => {
    expect(isEngineeringDiscovery(item())).toBe(true);
    expect(isEngineeringDiscovery(item({ kind: 'enabler' }))).toBe(true);
    expect(isEngineeringDiscovery(item({ kind: 'idea' }))).toBe(false);
    expect(isEngineeringDiscovery(item({ kind: 'delivery', track: 'delivery' }))).toBe(false);
    // A team-managed project may map a spike-like type to delivery: it is delivery work then.
    expect(isEngineeringDiscovery(item({ track: 'delivery' }))).toBe(false);
  });
});
