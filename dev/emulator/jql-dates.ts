import { JqlError, type IdComparison } from './jql-parse';
import type { EmIssue } from './model';

/**
 * JQL's date fields the emulator answers: Created, Updated and Status Category Changed
 * (https://support.atlassian.com/jira-software-cloud/docs/jql-fields/). Each takes =, !=, >, >=,
 * <, <= with a date as "yyyy/MM/dd HH:mm", "yyyy-MM-dd HH:mm", "yyyy/MM/dd" or "yyyy-MM-dd"
 * (midnight when no time is given), or a quoted time relative to now: a signed number with "w"
 * (weeks), "d" (days), "h" (hours) or "m" (minutes, the default unit); an unquoted number is
 * milliseconds after the epoch. Jira reads written dates in the searching user's time zone; the
 * emulator reads them in UTC, so an app that must not depend on a time zone asks in milliseconds.
 */

export type DateField = 'created' | 'updated' | 'statusCategoryChangedDate';

export const DATE_FIELDS: Record<string, DateField> = {
  created: 'created',
  createddate: 'created',
  updated: 'updated',
  updateddate: 'updated',
  statuscategorychangeddate: 'statusCategoryChangedDate',
};

/** A moment: fixed (`at`, ms after the epoch) or relative to the search's now (`fromNow`). */
export type DateValue = { at: number } | { fromNow: number };

export interface DateClause {
  field: 'date';
  date: DateField;
  compare: IdComparison;
  value: DateValue;
}

const UNIT_MS: Record<string, number> = {
  w: 7 * 86_400_000,
  d: 86_400_000,
  h: 3_600_000,
  m: 60_000,
};

/** A date value as the query gave it: `quoted` for a string token, else a bare word. */
export function dateValue(field: DateField, text: string, quoted: boolean): DateValue {
  const invalid = () => new JqlError(`Date value '${text}' for field '${field}' is invalid.`);
  if (!quoted) {
    if (!/^-?\d+$/.test(text)) throw invalid();
    return { at: Number(text) };
  }
  const written = /^(\d{4})[-/](\d{2})[-/](\d{2})(?: (\d{2}):(\d{2}))?$/.exec(text);
  if (written) {
    const [, y, mo, d, h, mi] = written;
    const at = Date.parse(`${y}-${mo}-${d}T${h ?? '00'}:${mi ?? '00'}:00Z`);
    if (Number.isNaN(at)) throw invalid();
    return { at };
  }
  const relative = /^([-+]?)(\d+)([wdhm]?)$/.exec(text.trim());
  if (!relative) throw invalid();
  const [, sign, amount, unit] = relative;
  const ms = Number(amount) * (UNIT_MS[unit || 'm'] ?? 60_000);
  return { fromNow: sign === '-' ? -ms : ms };
}

/** The clause as a test of one issue, its relative dates read against `now`. */
export function dateTest(clause: DateClause, now: () => number): (issue: EmIssue) => boolean {
  const of = (i: EmIssue): string =>
    clause.date === 'created'
      ? i.created
      : clause.date === 'updated'
        ? i.updated
        : (i.statusCategoryChanged ?? i.created);
  const { value } = clause;
  return (issue) => {
    const at = 'at' in value ? value.at : now() + value.fromNow;
    return compares(Date.parse(of(issue)), clause.compare, at);
  };
}

/** `a <op> b` for one of JQL's comparison operators. */
export function compares<T extends number | string>(a: T, op: IdComparison, b: T): boolean {
  switch (op) {
    case '=':
      return a === b;
    case '!=':
      return a !== b;
    case '<':
      return a < b;
    case '<=':
      return a <= b;
    case '>':
      return a > b;
    case '>=':
      return a >= b;
  }
}
