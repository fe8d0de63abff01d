import {
  formatDate,
  localizeDates,
  formatDateTime,
  isoDay,
  parseTypedDate,
} from '../../static/shared/dates';

/** The screens' one date formatter: the reader's locale, a calendar date stays its day. */
describe('formatDate and formatDateTime', () => {
  it.each([
    ['2026-12-04', 'en-GB', '4 Dec 2026'],
    ['2026-12-04', 'en-US', 'Dec 4, 2026'],
    ['2026-01-31', 'de-DE', '31.01.2026'],
    ['not a date', 'en-GB', 'not a date'],
  ])('formatDate(%j) in %s reads %j', (value, locale, expected) => {
    expect(formatDate(value, locale)).toBe(expected);
  });

  it('keeps a calendar date on its day whatever the time zone', () => {
    // Parsed as local midnight, never as UTC midnight (which is the day before west of UTC).
    expect(formatDate('2026-03-01', 'en-GB')).toBe('1 Mar 2026');
  });

  it('shows a timestamp with its time, and a calendar date without one', () => {
    expect(formatDateTime('2026-12-04T09:30:00.000Z', 'en-GB')).toMatch(
      /^4 Dec 2026, \d{2}:\d{2}$/,
    );
    expect(formatDateTime('2026-12-04', 'en-GB')).toBe('4 Dec 2026');
  });
});

/** What a person may type into a date field: ISO, or the numeric date of their locale. */
describe('parseTypedDate', () => {
  it.each([
    ['2026-12-18', 'en-US', '2026-12-18'],
    ['2026-12-18', 'en-GB', '2026-12-18'],
    ['12/18/2026', 'en-US', '2026-12-18'],
    ['18/12/2026', 'en-GB', '2026-12-18'],
    ['18.12.2026', 'de-DE', '2026-12-18'],
    ['18/12/26', 'en-GB', '2026-12-18'],
  ])('reads %j in %s as %s', (text, locale, expected) => {
    expect(isoDay(parseTypedDate(text, locale))).toBe(expected);
  });

  it.each([
    ['2026-02-30', 'en-GB'],
    ['18/12/2026', 'en-US'],
    ['next week', 'en-GB'],
    ['', 'en-GB'],
  ])('refuses %j in %s', (text, locale) => {
    expect(Number.isNaN(parseTypedDate(text, locale).getTime())).toBe(true);
  });
});

/** Sentences the back end wrote keep ISO dates; each reader sees them in their own locale. */
describe('localizeDates', () => {
  it('shows every ISO date in a sentence in the reader locale', () => {
    const text =
      'Waived until 2026-12-11 by Dana: it may enter a sprint although 2026-12-04 passed.';
    expect(localizeDates(text, 'en-GB')).toBe(
      'Waived until 11 Dec 2026 by Dana: it may enter a sprint although 4 Dec 2026 passed.',
    );
    expect(localizeDates(text, 'en-US')).toBe(
      'Waived until Dec 11, 2026 by Dana: it may enter a sprint although Dec 4, 2026 passed.',
    );
  });

  it('shows a timestamp with its time and leaves keys, numbers and non-dates alone', () => {
    expect(localizeDates('Recorded 2026-12-04T09:30:00.000Z on DT-12', 'en-GB')).toMatch(
      /^Recorded 4 Dec 2026, \d{2}:\d{2} on DT-12$/,
    );
    const plain = 'DT-2026 is 12-11 sprints ahead; 2026-13-45 is not a date';
    expect(localizeDates(plain, 'en-GB')).toBe(plain);
  });

  it('never rolls an impossible calendar date over to another day', () => {
    expect(formatDate('2026-02-30', 'en-GB')).toBe('2026-02-30');
  });
});
