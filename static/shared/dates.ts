/**
 * The one way every screen shows a date or a time: in the reader's locale (the browser's), with
 * the month named so "04/12" never reads two ways. A calendar date (`2026-12-04`) stays that day
 * in every time zone; a value that is not a date is shown as it came. A typed date is read as
 * YYYY-MM-DD or in the locale's numeric order (12/31/2026 in en-US, 31/12/2026 in en-GB).
 */

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** "4 Dec 2026" (en-GB), "Dec 4, 2026" (en-US): a calendar date or the day of a timestamp. */
export function formatDate(value: string, locale?: string): string {
  const day = DAY.exec(value);
  const date = day ? calendarDay(Number(day[1]), Number(day[2]), Number(day[3])) : new Date(value);
  if (Number.isNaN(date.getTime())) return value;
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium' }).format(date);
}

/** "4 Dec 2026, 09:30": a timestamp in the reader's time zone. */
export function formatDateTime(iso: string, locale?: string): string {
  const date = new Date(iso);
  if (DAY.test(iso) || Number.isNaN(date.getTime())) return formatDate(iso, locale);
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(date);
}

/** The reader's locale, as the browser reports it. */
export function readerLocale(): string {
  return new Intl.DateTimeFormat().resolvedOptions().locale;
}

const TYPED_ISO = /^\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*$/;
const TYPED_NUMERIC = /^\s*(\d{1,4})\D+(\d{1,2})\D+(\d{1,4})\D*$/;

/** The calendar day of year, month (1-12) and day, or an invalid Date when there is none. */
function calendarDay(year: number, month: number, date: number): Date {
  const at = new Date(year, month - 1, date);
  const real = at.getFullYear() === year && at.getMonth() === month - 1 && at.getDate() === date;
  return real ? at : new Date(NaN);
}

/** The locale's order of year, month and day in a numeric date ("12/31/2026": month first). */
function numericOrder(locale: string | undefined): Array<'year' | 'month' | 'day'> {
  return new Intl.DateTimeFormat(locale)
    .formatToParts(new Date(2026, 11, 31))
    .map((p) => p.type)
    .filter((t): t is 'year' | 'month' | 'day' => t === 'year' || t === 'month' || t === 'day');
}

/** A typed date: "2026-12-31", or the locale's numeric form; an invalid Date otherwise. */
export function parseTypedDate(text: string, locale?: string): Date {
  const iso = TYPED_ISO.exec(text);
  if (iso) return calendarDay(Number(iso[1]), Number(iso[2]), Number(iso[3]));
  const numeric = TYPED_NUMERIC.exec(text);
  const order = numericOrder(locale);
  if (!numeric || order.length !== 3) return new Date(NaN);
  const parts: Record<string, number> = {};
  order.forEach((type, i) => (parts[type] = Number(numeric[i + 1])));
  const year = parts['year'] ?? NaN;
  return calendarDay(year < 100 ? 2000 + year : year, parts['month'] ?? NaN, parts['day'] ?? NaN);
}

/** The ISO calendar date (YYYY-MM-DD) of a local Date. */
export function isoDay(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

const ISO_IN_TEXT =
  /\b(\d{4}-\d{2}-\d{2})(T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2}))?\b/g;

/**
 * A sentence the back end wrote (a headline, a reason, an audit detail, a message) with every ISO
 * date or timestamp in it shown as formatDate / formatDateTime would: stored and shared texts keep
 * ISO dates, which read one way in every locale, and each reader sees them in their own.
 */
export function localizeDates(text: string, locale?: string): string {
  return text.replace(ISO_IN_TEXT, (whole: string, _day: string, time: string | undefined) =>
    time ? formatDateTime(whole, locale) : formatDate(whole, locale),
  );
}
