import { DEFAULT_CONFIG } from '../../src/domain/config';
import {
  checkScopedOutcome,
  checkValidated,
  describeOutcomeProblem,
  describeShortfall,
  isPlaceholder,
} from '../../src/domain/readiness';
import { emptyEvidence, type ScopedOutcome } from '../../src/domain/track';

const rules = DEFAULT_CONFIG.scopedOutcome;
const makeOutcome = (overrides: Partial<ScopedOutcome> = {}): ScopedOutcome => ({
  outcome: 'Choose the message broker for order events, with a load-test report',
  successMeasure: '10k events/s with p99 below 200 ms',
  timeboxDays: 3,
  ...overrides,
});

describe('scoped outcome rule', () => {
  it('passes a complete outcome', () => {
    expect(checkScopedOutcome(makeOutcome(), rules)).toEqual({ ready: true, problems: [] });
  });

  it('accepts a target date instead of a timebox', () => {
    const check = checkScopedOutcome(
      makeOutcome({ timeboxDays: undefined, targetDate: '2026-12-15' }),
      rules,
    );
    expect(check.ready).toBe(true);
  });

  it('names every missing part when there is no outcome at all', () => {
    const check = checkScopedOutcome(undefined, rules);
    expect(check.ready).toBe(false);
    expect(check.problems.map((p) => `${p.part}:${p.problem}`)).toEqual([
      'outcome:absent',
      'successMeasure:absent',
      'bound:absent',
    ]);
  });

  it.each([
    ['TBD'],
    ['tbd.'],
    ['N/A'],
    ['Investigate'],
    ['Research needed'],
    ['investigate options for it later'],
    ['???'],
    ['TODO: research'],
  ])('treats %j as a placeholder outcome', (text) => {
    const check = checkScopedOutcome(makeOutcome({ outcome: text }), rules);
    expect(check.problems).toEqual([{ part: 'outcome', problem: 'placeholder', text }]);
  });

  it.each([
    ['Investigate why checkout latency doubled and fix the top cause'],
    ['Research report comparing three OCR vendors on our invoice corpus'],
  ])('accepts %j: a placeholder word with real scope around it', (text) => {
    expect(isPlaceholder(text, rules.placeholders)).toBe(false);
  });

  it('reports a short outcome with its length and the minimum', () => {
    const check = checkScopedOutcome(makeOutcome({ outcome: 'Faster search' }), rules);
    expect(check.problems).toEqual([
      { part: 'outcome', problem: 'too-short', length: 13, minLength: 20 },
    ]);
    expect(describeOutcomeProblem(check.problems[0]!)).toBe(
      'make the outcome statement specific: at least 20 characters (it has 13)',
    );
  });

  it('reports a placeholder success measure', () => {
    const check = checkScopedOutcome(makeOutcome({ successMeasure: 'tbd' }), rules);
    expect(check.problems).toEqual([
      { part: 'successMeasure', problem: 'placeholder', text: 'tbd' },
    ]);
  });

  it.each([
    [{ timeboxDays: 0 }, 'invalid-timebox'],
    [{ timeboxDays: 1.5 }, 'invalid-timebox'],
    [{ timeboxDays: undefined, targetDate: '2026-02-30' }, 'invalid-date'],
    [{ timeboxDays: undefined, targetDate: 'next week' }, 'invalid-date'],
    [{ timeboxDays: undefined }, 'absent'],
  ])('reports a bad bound %j as %s', (overrides, problem) => {
    const check = checkScopedOutcome(makeOutcome(overrides), rules);
    expect(check.problems).toEqual([expect.objectContaining({ part: 'bound', problem })]);
  });

  it('honours switched-off requirements', () => {
    const relaxed = { ...rules, requireSuccessMeasure: false, requireBound: false };
    const check = checkScopedOutcome(
      makeOutcome({ successMeasure: undefined, timeboxDays: undefined }),
      relaxed,
    );
    expect(check.ready).toBe(true);
  });

  it('explains each problem as an instruction', () => {
    const text = checkScopedOutcome(undefined, rules).problems.map(describeOutcomeProblem);
    expect(text).toEqual([
      'add an outcome statement (what this work will produce)',
      'add a success measure (how we will know the outcome was reached)',
      'add a bound: a timebox in days or a target date',
    ]);
  });
});

describe('validated rule', () => {
  const v = DEFAULT_CONFIG.validation;
  it('is validated with 3 interviews and 1 usability test', () => {
    const evidence = { ...emptyEvidence(), interview: 3, 'usability-test': 1 };
    expect(checkValidated(evidence, v)).toEqual({ state: 'validated', shortfalls: [] });
  });

  it('says how much evidence is missing', () => {
    const evidence = { ...emptyEvidence(), interview: 2 };
    const check = checkValidated(evidence, v);
    expect(check.state).toBe('unvalidated');
    expect(check.shortfalls.map(describeShortfall)).toEqual([
      '2 of 3 interviews',
      '0 of 1 usability test',
    ]);
  });

  it('follows configured thresholds', () => {
    const evidence = { ...emptyEvidence(), interview: 3, 'usability-test': 1 };
    expect(checkValidated(evidence, { minInterviews: 5, minUsabilityTests: 1 }).state).toBe(
      'unvalidated',
    );
    expect(checkValidated(emptyEvidence(), { minInterviews: 0, minUsabilityTests: 0 }).state).toBe(
      'validated',
    );
  });

  it('an invalidated decision wins over the counts', () => {
    const evidence = { ...emptyEvidence(), interview: 9, 'usability-test': 9 };
    expect(checkValidated(evidence, v, true).state).toBe('invalidated');
  });
});

describe('evidence progress in words', () => {
  it.each([
    [{ type: 'interview' as const, have: 2, need: 3 }, '2 of 3 interviews'],
    [{ type: 'interview' as const, have: 3, need: 3 }, '3 of 3 interviews'],
    [{ type: 'interview' as const, have: 4, need: 2 }, '4 interviews (2 needed)'],
    [{ type: 'usability-test' as const, have: 1, need: 0 }, '1 usability test (0 needed)'],
  ])('%o: %s', (shortfall, text) => {
    expect(describeShortfall(shortfall)).toBe(text);
  });
});
