import fc from 'fast-check';
import { startOfDay, subDays } from 'date-fns';
import { DEFAULT_CONFIG } from '../../src/domain/config';
import {
  averageVelocity,
  capacitySignal,
  computeSignals,
  discoveryStage,
  isReadyDelivery,
  openEndedSignal,
  readyWorkOf,
  readyWorkSuffices,
  runwaySignal,
  sizeOf,
  unscopedEnablersSignal,
  type ProjectItem,
  type SignalInput,
} from '../../src/domain/signals';
import { noneExcluded } from '../../src/domain/ready-work';
import { makeProjectItem } from '../helpers/factories';

const now = new Date('2026-11-20T12:00:00.000Z');
const makeItem = makeProjectItem;
const sprints = (...completed: number[]) =>
  completed.map((c, i) => ({
    id: 100 - i,
    name: `S${i}`,
    completeDate: '2026-11-01',
    completed: c,
  }));
const makeInput = (overrides: Partial<SignalInput> = {}): SignalInput => ({
  items: [],
  closedSprints: sprints(20, 20, 20),
  activeSprint: { id: 101, name: 'Sprint 7' },
  hasBoard: true,
  unit: 'points',
  config: DEFAULT_CONFIG,
  now,
  ...overrides,
});
const ready = (points: number) => makeItem({ estimate: points });

describe('runway', () => {
  it.each([
    [[10], 0.5, 'build-trap', 'critical'],
    [[20], 1, 'healthy', 'ok'],
    [[20, 20], 2, 'healthy', 'ok'],
    [[20, 20, 10], 2.5, 'ahead', 'ok'],
    [[30, 30], 3, 'paralysis', 'warning'],
  ] as const)(
    'ready work %j at velocity 20 → %s sprints (%s)',
    (work, expected, verdict, level) => {
      const signal = runwaySignal(makeInput({ items: work.map(ready) }));
      expect(signal.sprints).toBe(expected);
      expect(signal.verdict).toBe(verdict);
      expect(signal.level).toBe(level);
    },
  );

  it('averages the last three closed sprints only', () => {
    const signal = runwaySignal(
      makeInput({ items: [ready(30)], closedSprints: sprints(10, 20, 30, 1000) }),
    );
    expect(signal.velocity).toBe(20);
    expect(signal.sprints).toBe(1.5);
    expect(signal.reason).toContain('average of the last 3 closed sprints');
  });

  it('counts only delivery work not started and not in the active sprint', () => {
    const items = [
      ready(8),
      makeItem({ estimate: 13, sprint: { id: 101, state: 'active' } }),
      makeItem({ estimate: 13, statusCategory: 'indeterminate' }),
      makeItem({ estimate: 13, statusCategory: 'done' }),
      makeItem({ estimate: 13, track: 'discovery', kind: 'idea' }),
      makeItem({ estimate: 5, sprint: { id: 102, state: 'future' } }),
    ];
    expect(runwaySignal(makeInput({ items })).readyWork).toBe(13);
  });

  it('counts issues when the board has no estimation field', () => {
    const signal = runwaySignal(
      makeInput({
        unit: 'issues',
        items: [ready(0), ready(0), ready(0)],
        closedSprints: sprints(3),
      }),
    );
    expect(signal.sprints).toBe(1);
    expect(signal.reason).toContain('3 issues of ready delivery work');
  });

  it('explains itself without a board, without closed sprints, and with zero velocity', () => {
    expect(runwaySignal(makeInput({ hasBoard: false })).reason).toContain('No Scrum board');
    expect(runwaySignal(makeInput({ closedSprints: [] })).reason).toContain(
      'No closed sprints yet',
    );
    expect(runwaySignal(makeInput({ closedSprints: sprints(0, 0) })).reason).toContain(
      'completed no points',
    );
    expect(runwaySignal(makeInput({ closedSprints: [] })).sprints).toBeUndefined();
  });

  it('follows the configured thresholds', () => {
    const config = {
      ...DEFAULT_CONFIG,
      runway: {
        ...DEFAULT_CONFIG.runway,
        targetMinSprints: 2,
        targetMaxSprints: 3,
        pauseAtSprints: 5,
      },
    };
    expect(runwaySignal(makeInput({ config, items: [ready(30)] })).verdict).toBe('build-trap');
  });
});

describe('capacity split: engineering discovery share of the sprint', () => {
  const SCOPED = {
    outcome: 'Decide whether logical replication can feed reporting',
    successMeasure: 'Replication lag under 5 seconds at peak',
    timeboxDays: 2,
  };
  const inSprint = (
    track: 'discovery' | 'delivery',
    estimate: number | undefined,
    overrides: Partial<ProjectItem> = {},
  ) =>
    makeItem({
      track,
      kind: track === 'discovery' ? 'spike' : 'delivery',
      estimate,
      scopedOutcome: track === 'discovery' ? SCOPED : undefined,
      sprint: { id: 101, state: 'active' },
      ...overrides,
    });

  it('measures spikes and scoped enablers by estimate against the target', () => {
    const signal = capacitySignal(
      makeInput({
        items: [
          inSprint('discovery', 1),
          inSprint('discovery', 1, { kind: 'enabler' }),
          inSprint('delivery', 8),
        ],
      }),
    );
    expect(signal.discoveryPercent).toBe(20);
    expect(signal.level).toBe('ok');
    expect(signal.leftOut).toEqual([]);
    expect(signal.reason).toContain('2 of 10 points in Sprint 7 are spikes and scoped enablers.');
  });

  it('leaves out ideas and unscoped work, which the sprint guard takes out of sprints, and names them', () => {
    const idea = inSprint('discovery', 5, { kind: 'idea', summary: 'An idea' });
    const unscoped = inSprint('discovery', 3, { kind: 'enabler', scopedOutcome: undefined });
    const signal = capacitySignal(
      makeInput({ items: [idea, unscoped, inSprint('discovery', 2), inSprint('delivery', 8)] }),
    );
    expect(signal).toMatchObject({ discovery: 2, delivery: 8, discoveryPercent: 20 });
    expect(signal.leftOut).toEqual([
      { key: idea.key, summary: 'An idea', why: 'idea' },
      { key: unscoped.key, summary: unscoped.summary, why: 'unscoped' },
    ]);
    expect(signal.reason).toContain(
      '; not counted: 1 unscoped spike or enabler and 1 idea in the sprint, which the sprint guard takes out.',
    );
  });

  it('warns when engineering discovery is starved', () => {
    const signal = capacitySignal(
      makeInput({ items: [inSprint('discovery', 1), inSprint('delivery', 19)] }),
    );
    expect(signal.discoveryPercent).toBe(5);
    expect(signal.level).toBe('warning');
  });

  it('explains a missing active sprint and an unestimated sprint', () => {
    expect(capacitySignal(makeInput({ activeSprint: undefined })).reason).toContain(
      'No active sprint',
    );
    const unestimated = capacitySignal(makeInput({ items: [inSprint('delivery', undefined)] }));
    expect(unestimated.discoveryPercent).toBeUndefined();
    expect(unestimated.reason).toContain('Nothing in Sprint 7 is estimated');
  });
});

describe('open-ended discovery', () => {
  it('lists spikes past their timebox by the spike rule: own days up to the limit, else the default', () => {
    const started = {
      kind: 'spike',
      track: 'discovery',
      statusCategory: 'indeterminate',
      statusCategoryChanged: '2026-11-15T09:00:00.000Z',
    } as const;
    const noTimebox = makeItem(started);
    // A 10-day spike breaks the rule (limit 3): its clock runs against the limit, not its 10 days.
    const tenDays = makeItem({ ...started, scopedOutcome: { timeboxDays: 10 } });
    // A target date is not converted into days: a date-only spike runs against the default.
    const dateOnly = makeItem({ ...started, scopedOutcome: { targetDate: '2026-12-31' } });
    const withinOwnBox = makeItem({ ...started, scopedOutcome: { timeboxDays: 6 } });
    const items = [noTimebox, tenDays, dateOnly, withinOwnBox];
    const signal = openEndedSignal(makeInput({ items }));
    expect(signal.overrunSpikes).toEqual(
      [noTimebox, tenDays, dateOnly, withinOwnBox].map((i) => ({
        key: i.key,
        summary: 'An item',
        daysUsed: 5,
        timeboxDays: 3,
      })),
    );
    expect(signal.reason).toContain('4 spikes past the timebox');
    // With a longer limit, a spike's own timebox within it is what the clock runs against.
    const config = { ...DEFAULT_CONFIG, spike: { defaultTimeboxDays: 3, maxTimeboxDays: 10 } };
    const longer = openEndedSignal(makeInput({ items, config }));
    expect(longer.overrunSpikes.map((s) => [s.key, s.timeboxDays])).toEqual([
      [noTimebox.key, 3],
      [dateOnly.key, 3],
    ]);
  });

  it('lists discovery items idle for the configured days', () => {
    const idle = makeItem({
      kind: 'idea',
      track: 'discovery',
      updated: '2026-10-30T09:00:00.000Z',
    });
    const signal = openEndedSignal(
      makeInput({ items: [idle, makeItem({ kind: 'idea', track: 'discovery' })] }),
    );
    expect(signal.idleItems.map((i) => i.key)).toEqual([idle.key]);
    expect(signal.idleItems[0]?.idleDays).toBe(21);
  });

  it('counts calendar days: the last moment of the 14th day back is idle, the next is not', () => {
    const dayStart = startOfDay(subDays(now, 13)).getTime();
    const at = (ms: number) =>
      makeItem({ kind: 'idea', track: 'discovery', updated: new Date(ms).toISOString() });
    const idle = at(dayStart - 1);
    const fresh = at(dayStart);
    const signal = openEndedSignal(makeInput({ items: [fresh, idle] }));
    expect(signal.idleItems).toEqual([{ key: idle.key, summary: 'An item', idleDays: 14 }]);
  });

  it('lists the least recently touched first, then in rank order', () => {
    const at = (updated: string) => makeItem({ kind: 'idea', track: 'discovery', updated });
    // The same calendar day (23 days idle), touched at different hours: the earlier first.
    const lateSameDay = at('2026-10-28T18:00:00.000Z');
    const older = at('2026-10-20T09:00:00.000Z');
    const earlySameDay = at('2026-10-28T07:00:00.000Z');
    const tieA = at('2026-10-25T10:00:00.000Z');
    const tieB = at('2026-10-25T10:00:00.000Z');
    const signal = openEndedSignal(
      makeInput({ items: [lateSameDay, tieB, older, earlySameDay, tieA] }),
    );
    expect(signal.idleItems.map((i) => i.key)).toEqual(
      [older, tieB, tieA, earlySameDay, lateSameDay].map((i) => i.key),
    );
    expect(signal.idleItems.map((i) => i.idleDays)).toEqual([31, 26, 26, 23, 23]);
  });

  it('adds the idle items a load counted instead of reading to the count and the reason', () => {
    const idle = makeItem({ kind: 'idea', track: 'discovery', updated: '2026-10-30T09:00:00Z' });
    const signal = openEndedSignal(
      makeInput({ items: [idle], unread: { enabler: 700, spike: 300, idle: 120 } }),
    );
    expect(signal.idleItems.map((i) => i.key)).toEqual([idle.key]);
    expect(signal.idleCount).toBe(121);
    expect(signal.level).toBe('warning');
    expect(signal.reason).toContain('121 discovery items untouched for 14+ days');
  });

  it('is quiet when all discovery moves', () => {
    expect(openEndedSignal(makeInput()).level).toBe('ok');
  });
});

describe('enablers without a scoped outcome', () => {
  it('is critical when one is in a sprint, listing what is missing', () => {
    const inSprint = makeItem({
      kind: 'enabler',
      track: 'discovery',
      issueType: 'Enabler',
      sprint: { id: 101, state: 'active' },
    });
    const backlog = makeItem({
      kind: 'enabler',
      track: 'discovery',
      issueType: 'Enabler',
      scopedOutcome: { outcome: 'TBD' },
    });
    const scoped = makeItem({
      kind: 'enabler',
      track: 'discovery',
      scopedOutcome: {
        outcome: 'Replace the legacy auth module with OIDC',
        successMeasure: 'zero legacy logins',
        timeboxDays: 5,
      },
    });
    const signal = unscopedEnablersSignal(makeInput({ items: [backlog, inSprint, scoped] }));
    expect(signal.level).toBe('critical');
    expect(signal.items.map((i) => i.key)).toEqual([inSprint.key, backlog.key]);
    expect(signal.items[0]?.missing).toEqual(['outcome', 'successMeasure', 'bound']);
    expect(signal.reason).toBe(
      '1 enabler without a scoped outcome is in a sprint; 1 more in the backlog.',
    );
    const counted = unscopedEnablersSignal(
      makeInput({ items: [backlog, inSprint, scoped], unread: { enabler: 40, spike: 9, idle: 3 } }),
    );
    expect(counted.count).toBe(51);
    expect(counted.items.map((i) => i.key)).toEqual([inSprint.key, backlog.key]);
    expect(counted.reason).toBe(
      '1 enabler without a scoped outcome is in a sprint; 50 more in the backlog.',
    );
  });

  it('counts the backlog items a load counted instead of reading, by kind', () => {
    const backlog = makeItem({ kind: 'spike', track: 'discovery', issueType: 'Spike' });
    const signal = unscopedEnablersSignal(
      makeInput({ items: [backlog], unread: { enabler: 12, spike: 2, idle: 0 } }),
    );
    expect(signal.level).toBe('warning');
    expect(signal.count).toBe(15);
    expect(signal.reason).toBe(
      '12 enablers and 3 spikes in the backlog have no complete scoped outcome.',
    );
    const onlyCounted = unscopedEnablersSignal(
      makeInput({ items: [], unread: { enabler: 1, spike: 0, idle: 0 } }),
    );
    expect(onlyCounted.level).toBe('warning');
    expect(onlyCounted.reason).toBe('1 enabler in the backlog has no complete scoped outcome.');
  });
});

describe('stage and the whole set', () => {
  it('places discovery items by stage', () => {
    expect(discoveryStage(makeItem({ track: 'discovery', kind: 'idea' }))).toBe('new');
    expect(discoveryStage(makeItem({ track: 'discovery', kind: 'idea', evidenceCount: 1 }))).toBe(
      'validating',
    );
    expect(
      discoveryStage(makeItem({ track: 'discovery', kind: 'idea', validation: 'validated' })),
    ).toBe('validated');
    expect(
      discoveryStage(makeItem({ track: 'discovery', kind: 'idea', validation: 'invalidated' })),
    ).toBe('invalidated');
  });

  it('an empty project explains every signal instead of showing zeros', () => {
    const signals = computeSignals(
      makeInput({ hasBoard: false, closedSprints: [], activeSprint: undefined }),
    );
    expect(signals.runway.level).toBe('unknown');
    expect(signals.capacity.level).toBe('unknown');
    expect(signals.openEnded.level).toBe('ok');
    expect(signals.unscopedEnablers.reason).toBe(
      'Every open enabler and spike has a scoped outcome.',
    );
  });
});

describe('signals from bounded reads (the project page does not read every open item)', () => {
  const anyItem = fc
    .record({
      kind: fc.constantFrom('idea', 'spike', 'enabler', 'delivery', 'delivery', 'delivery'),
      // Open items: the page never reads done ones.
      statusCategory: fc.constantFrom('new', 'new', 'indeterminate'),
      estimate: fc.option(fc.integer({ min: -2, max: 13 }), { nil: undefined }),
      sprint: fc.constantFrom(
        undefined,
        undefined,
        { id: 101, state: 'active' as const },
        { id: 102, state: 'future' as const },
      ),
      updatedDaysAgo: fc.integer({ min: 0, max: 40 }),
    })
    .map(({ kind, updatedDaysAgo, ...rest }) =>
      makeItem({
        ...rest,
        kind,
        track: kind === 'delivery' ? 'delivery' : 'discovery',
        updated: new Date(now.getTime() - updatedDaysAgo * 86_400_000).toISOString(),
      }),
    );
  const anyRunway = fc
    .record({
      min: fc.integer({ min: 0, max: 4 }),
      span: fc.integer({ min: 0, max: 3 }),
      gap: fc.integer({ min: 1, max: 4 }),
    })
    .map(({ min, span, gap }) => ({
      ...DEFAULT_CONFIG.runway,
      targetMinSprints: min,
      targetMaxSprints: min + span,
      pauseAtSprints: min + span + gap,
    }));

  it('reading ready work in rank order only until past pause + 1 sprints gives every verdict of the full computation', () => {
    fc.assert(
      fc.property(
        fc.array(anyItem, { maxLength: 200 }),
        fc.array(fc.integer({ min: 0, max: 60 }), { maxLength: 4 }),
        anyRunway,
        fc.constantFrom('points' as const, 'issues' as const),
        (items, completed, runway, unit) => {
          const config = { ...DEFAULT_CONFIG, runway };
          const input = makeInput({ items, closedSprints: sprints(...completed), unit, config });
          const full = computeSignals(input);

          // What the page reads: the discovery track, the active sprint, and ready work in rank
          // order until it suffices.
          const velocity = averageVelocity(input.closedSprints);
          const readyItems = items.filter(isReadyDelivery);
          let ready = readyWorkOf(readyItems, unit);
          for (const i of readyItems.keys()) {
            const part = readyWorkOf(readyItems.slice(0, i + 1), unit, false);
            if (i < readyItems.length - 1 && readyWorkSuffices(part.work, velocity, runway)) {
              ready = part;
              break;
            }
          }
          const read = items.filter((i) => i.track === 'discovery' || i.sprint?.state === 'active');
          const bounded = computeSignals({ ...input, items: read, ready });

          expect(bounded.capacity).toEqual(full.capacity);
          expect(bounded.openEnded).toEqual(full.openEnded);
          expect(bounded.unscopedEnablers).toEqual(full.unscopedEnablers);
          expect([bounded.runway.verdict, bounded.runway.level]).toEqual([
            full.runway.verdict,
            full.runway.level,
          ]);
          if (bounded.runway.atLeast) {
            expect(bounded.runway.verdict).toBe('paralysis');
            expect(bounded.runway.sprints).toBeGreaterThanOrEqual(runway.pauseAtSprints + 1);
            expect(bounded.runway.sprints).toBeLessThanOrEqual(full.runway.sprints ?? -1);
            expect(bounded.runway.readyWork).toBeLessThanOrEqual(full.runway.readyWork);
          } else {
            expect(bounded.runway).toEqual(full.runway);
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('a partial sum says "at least" in its number and its reason', () => {
    const signal = runwaySignal(
      makeInput({ ready: { work: 95, complete: false, excluded: noneExcluded() } }),
    );
    expect(signal).toMatchObject({
      atLeast: true,
      sprints: 4.8,
      readyWork: 95,
      verdict: 'paralysis',
      level: 'warning',
    });
    expect(signal.reason).toBe(
      'Pause discovery: at least 4.8 sprints of ready delivery work is at or above the 3-sprint pause threshold; discovery is running too far ahead. At least 95 points of ready delivery work ÷ 20 points of delivery per sprint (average of the last 3 closed sprints); the rest of the ready backlog was not added up, as it cannot change the verdict.',
    );
  });

  it('ready work suffices only past pause + 1 sprints, and never without a velocity', () => {
    const runway = DEFAULT_CONFIG.runway; // pause at 3
    expect(readyWorkSuffices(80, 20, runway)).toBe(false);
    expect(readyWorkSuffices(80.5, 20, runway)).toBe(true);
    expect(readyWorkSuffices(1000, 0, runway)).toBe(false);
    expect(readyWorkSuffices(1000, undefined, runway)).toBe(false);
  });

  it('a negative estimate counts as 0, so a running sum never shrinks', () => {
    expect(sizeOf(makeItem({ estimate: -3 }), 'points')).toBe(0);
    expect(runwaySignal(makeInput({ items: [ready(-5), ready(10)] })).readyWork).toBe(10);
  });

  it('the signal lists come with their counts', () => {
    const idle = makeItem({ track: 'discovery', kind: 'idea', updated: '2026-10-01T09:00:00Z' });
    const enabler = makeItem({ track: 'discovery', kind: 'enabler' });
    const signals = computeSignals(makeInput({ items: [idle, enabler] }));
    expect(signals.openEnded).toMatchObject({ idleCount: 1, overrunCount: 0 });
    expect(signals.unscopedEnablers.count).toBe(1);
  });
});

describe('the two failure modes, named', () => {
  const idea = (overrides: Partial<ProjectItem>) =>
    makeItem({ kind: 'idea', track: 'discovery', issueType: 'Discovery', ...overrides });
  const flagged = (key: string, over: { started?: boolean; inSprint?: boolean }) => ({
    key,
    summary: key,
    state: 'waiting' as const,
    reasons: ['uncertainty high'],
    waitingOn: ['DT-9'],
    inSprint: over.inSprint ?? false,
    started: over.started ?? false,
  });
  const entry = (flags: ReturnType<typeof flagged>[]) => ({
    kind: 'read' as const,
    flagged: flags,
    complete: true,
    meetingCriteria: flags.length,
    triage: true,
  });

  it.each([
    ['healthy runway, nothing started early', [20], [], 'ok'],
    ['runway below the floor', [10], [], 'critical'],
    ['an item started while waiting on discovery', [20], [{ started: true }], 'warning'],
    ['an item in the sprint while waiting on discovery', [20], [{ inSprint: true }], 'warning'],
    ['a waiting item not started does not count', [20], [{}], 'ok'],
    ['both', [10], [{ started: true }], 'critical'],
  ] as const)('build trap: %s → %s', (_name, work, flags, level) => {
    const input = makeInput({
      items: work.map(ready),
      entry: entry(flags.map((f, i) => flagged(`DT-${900 + i}`, f))),
    });
    expect(computeSignals(input).buildTrap.level).toBe(level);
  });

  it.each([
    [
      'validated 43 days ago, nothing linked',
      { validation: 'validated', deliveryLinks: 0, latestEvidence: '2026-10-08' },
      1,
      0,
    ],
    [
      'validated 42 days ago: still within',
      { validation: 'validated', deliveryLinks: 0, latestEvidence: '2026-10-09' },
      0,
      0,
    ],
    [
      'validated long ago, a delivery item linked',
      { validation: 'validated', deliveryLinks: 1, latestEvidence: '2026-01-01' },
      0,
      0,
    ],
    [
      'validated long ago, links not read',
      { validation: 'validated', latestEvidence: '2026-01-01' },
      0,
      0,
    ],
    [
      'in validation, evidence 29 days old',
      { validation: 'unvalidated', latestEvidence: '2026-10-22' },
      0,
      1,
    ],
    [
      'in validation, evidence 28 days old',
      { validation: 'unvalidated', latestEvidence: '2026-10-23' },
      0,
      0,
    ],
    ['invalidated long ago', { validation: 'invalidated', latestEvidence: '2026-01-01' }, 0, 0],
  ] as const)('paralysis: %s', (_name, over, unpromoted, stale) => {
    const input = makeInput({ items: [ready(20), idea(over)] });
    const { paralysis } = computeSignals(input);
    expect([paralysis.unpromotedCount, paralysis.staleCount]).toEqual([unpromoted, stale]);
    expect(paralysis.level).toBe(unpromoted + stale > 0 ? 'warning' : 'ok');
  });

  it('paralysis: runway at the pause threshold alone is a risk', () => {
    const { paralysis } = computeSignals(makeInput({ items: [ready(60)] }));
    expect(paralysis).toMatchObject({ level: 'warning', atPause: true, runwaySprints: 3 });
  });
});
