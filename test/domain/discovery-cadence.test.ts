import {
  cadenceOf,
  describeTouchpoints,
  touchpointsIn,
  type Touchpoint,
} from '../../src/domain/discovery-cadence';
import type { EvidenceType } from '../../src/domain/track';

/** Product discovery cadence (issue 17, item 2b): activities dated within a sprint vs a target. */

const SPRINT = {
  name: 'Sprint 7',
  startDate: '2026-11-16T09:00:00.000Z',
  endDate: '2026-11-30T09:00:00.000Z',
};
const at = (day: string) => new Date(`${day}T12:00:00.000Z`);
const touch = (date: string, type: EvidenceType = 'interview'): Touchpoint => ({
  issueKey: 'DT-1',
  date,
  type,
});

describe('product discovery cadence', () => {
  it('counts the activities from the first day of the sprint to today, not before or after', () => {
    const points = [
      touch('2026-11-15'),
      touch('2026-11-16'),
      touch('2026-11-20', 'usability-test'),
      touch('2026-11-23'),
    ];
    expect(touchpointsIn(points, SPRINT, at('2026-11-20')).map((t) => t.date)).toEqual([
      '2026-11-16',
      '2026-11-20',
    ]);
    // After the sprint, its last day bounds it.
    expect(
      touchpointsIn([touch('2026-11-30'), touch('2026-12-01')], SPRINT, at('2026-12-05')),
    ).toEqual([touch('2026-11-30')]);
  });

  it.each<[string, string[], string, number, 'ok' | 'warning', string]>([
    [
      'met early',
      ['2026-11-16', '2026-11-17', '2026-11-18'],
      '2026-11-18',
      3,
      'ok',
      'meeting the target of 3 per sprint',
    ],
    [
      'on pace mid-sprint',
      ['2026-11-17'],
      '2026-11-23',
      3,
      'ok',
      'by day 8 of 14: on pace for the target of 3 per sprint',
    ],
    [
      'behind mid-sprint',
      [],
      '2026-11-23',
      3,
      'warning',
      'by day 8 of 14, below the target of 3 per sprint (1 by now)',
    ],
    ['nothing needed on day one', [], '2026-11-16', 3, 'ok', 'by day 1 of 14: on pace'],
    [
      'a finished sprint below target',
      ['2026-11-20', '2026-11-25'],
      '2026-12-02',
      3,
      'warning',
      'by the whole sprint, below the target of 3 per sprint:',
    ],
    ['no target set', [], '2026-11-25', 0, 'ok', 'no per-sprint target is set'],
  ])('%s', (_name, dates, today, target, level, reason) => {
    const signal = cadenceOf(
      dates.map((d) => touch(d)),
      SPRINT,
      target,
      at(today),
    );
    expect(signal.level).toBe(level);
    expect(signal.count).toBe(dates.length);
    expect(signal.reason).toContain(reason);
  });

  it('names the kinds of activity', () => {
    const signal = cadenceOf(
      [touch('2026-11-17'), touch('2026-11-18'), touch('2026-11-18', 'prototype-review')],
      SPRINT,
      3,
      at('2026-11-19'),
    );
    expect(signal.byType).toMatchObject({ interview: 2, 'prototype-review': 1 });
    expect(describeTouchpoints(signal.byType)).toBe('2 interviews, 1 prototype review');
    expect(signal.reason).toBe(
      '3 product discovery activities dated in Sprint 7 (2 interviews, 1 prototype review), meeting the target of 3 per sprint.',
    );
  });
});
