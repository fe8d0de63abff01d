/**
 * Issue keys in what the app answers: the strings of a JSON-like value (an answer to the UI), and
 * the keys written in a text. Used to tell which projects' issues an answer names before it is
 * shared with another viewer.
 */

/** Every string in the value, at any depth; properties named in `skip` are left out. */
export function stringsIn(value: unknown, skip: ReadonlySet<string> = new Set()): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap((v) => stringsIn(v, skip));
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([k, v]) => (skip.has(k) ? [] : stringsIn(v, skip)));
}

/** The issue keys written anywhere in a text ("waiting on DT-61" names DT-61). */
export const issueKeysInText = (text: string): string[] =>
  [...text.matchAll(/\b[A-Z][A-Z0-9_]*-[1-9][0-9]*\b/g)].map((m) => m[0]);
