/**
 * The one way every screen shows a date or a time: in the reader's locale (the browser's), with
 * the month named so "04/12" never reads two ways. A calendar date (`2026-12-04`) stays that day
 * in every time zone; a value that is not a date is shown as it came.
 */

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** "4 Dec 2026" (en-GB), "Dec 4, 2026" (en-US): a calendar date or the day of a timestamp. */
export function formatDate(value: string, locale?: string): string {
  const day = DAY.exec(value);
  const date = day ? new Date(Number(day[1]), Number(day[2]) - 1, Number(day[3])) : new Date(value);
  if (Number.isNaN(date.getTime())) return value;
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium' }).format(date);
}

/** "4 Dec 2026, 09:30": a timestamp in the reader's time zone. */
export function formatDateTime(iso: string, locale?: string): string {
  const date = new Date(iso);
  if (DAY.test(iso) || Number.isNaN(date.getTime())) return formatDate(iso, locale);
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(date);
}
