import { validationFlip } from '../../src/domain/validation-flip';
import { noveltyOf, maySignOff, needsGroupCheck } from '../../src/domain/feasibility';

/** The sentence a confirmation shows when a change flips an idea's validation state. */
const rules = { minInterviews: 2, minUsabilityTests: 1 };
const yes = (type: 'interview' | 'usability-test') => ({ type, positive: true });
const no = (type: 'interview' | 'usability-test') => ({ type, positive: false });

describe('validationFlip', () => {
  it.each([
    {
      name: 'removing a counting interview',
      before: [yes('interview'), yes('interview'), yes('usability-test')],
      after: [yes('interview'), yes('usability-test')],
      text: 'The idea will change from validated to not validated yet.',
    },
    {
      name: 'adding the last usability test',
      before: [yes('interview'), yes('interview')],
      after: [yes('interview'), yes('interview'), yes('usability-test')],
      text: 'The idea will change from not validated yet to validated.',
    },
    {
      name: 'marking an interview as not confirming',
      before: [yes('interview'), yes('interview'), yes('usability-test')],
      after: [yes('interview'), no('interview'), yes('usability-test')],
      text: 'The idea will change from validated to not validated yet.',
    },
    {
      name: 'removing an entry that does not count',
      before: [yes('interview'), no('interview')],
      after: [yes('interview')],
      text: undefined,
    },
  ])('$name', ({ before, after, text }) => {
    expect(validationFlip(before, after, rules, false)?.text).toBe(text);
  });

  it('never flips an idea decided invalidated', () => {
    expect(validationFlip([yes('interview')], [], rules, true)).toBeUndefined();
  });
});

describe('noveltyOf and maySignOff', () => {
  const feasibility = {
    novelUncertaintyAtLeast: 'high' as const,
    leadAccountIds: [] as string[],
    leadGroupIds: [] as string[],
  };
  it.each([
    [false, 'high', true, 'it has high Entry triage uncertainty'],
    [false, 'medium', false, null],
    [true, 'low', true, 'it is flagged technically novel'],
    [false, undefined, false, null],
  ] as const)('flagged %s, uncertainty %s: novel %s', (flagged, u, novel, because) => {
    const triage = u ? { uncertainty: u } : undefined;
    expect(noveltyOf(flagged, triage, feasibility)).toEqual({ novel, flagged, because });
  });

  it('lets anyone sign off with no lead named, else only the leads', () => {
    expect(maySignOff('a', feasibility)).toEqual({ allowed: true });
    const led = { ...feasibility, leadAccountIds: ['lead'] };
    expect(maySignOff('lead', led)).toEqual({ allowed: true });
    expect(maySignOff('a', led)).toMatchObject({ allowed: false });
  });

  it('lets a member of a named lead group sign off, and nobody else', () => {
    const grouped = { ...feasibility, leadGroupIds: ['g-leads'] };
    expect(needsGroupCheck('a', grouped)).toBe(true);
    expect(maySignOff('a', grouped, new Set(['g-leads']))).toEqual({ allowed: true });
    expect(maySignOff('a', grouped, new Set(['g-other']))).toMatchObject({
      allowed: false,
      why: expect.stringContaining('(one group named in the project settings') as unknown,
    });
    const both = { ...grouped, leadAccountIds: ['lead'] };
    expect(needsGroupCheck('lead', both)).toBe(false);
    expect(maySignOff('lead', both)).toEqual({ allowed: true });
    expect(maySignOff('a', both)).toMatchObject({
      why: expect.stringContaining('(one person and one group named') as unknown,
    });
  });
});
