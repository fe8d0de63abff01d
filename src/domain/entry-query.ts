import type { Config } from './config';
import { TRIAGE_LEVELS, type LevelThreshold, type TriageLevel } from './entry-criteria';

/**
 * The discovery entry criteria as one JQL condition, so that a search returns only the items
 * that meet them. The Entry triage field is an object field; Forge makes each schema property
 * with a `searchAlias` searchable as `X.Y = value` for a field named X ("Object type JQL search"
 * in the jira:customField module reference), with the JQL type `string` (exact comparison) for a
 * `string` property. Labels and components are Jira's own fields.
 */

/** The Entry triage field's name and the search aliases of its levels, as in manifest.yml. */
export const ENTRY_TRIAGE_JQL = {
  fieldName: 'Entry triage',
  uncertainty: 'uncertainty',
  risk: 'risk',
} as const;

/** A JQL string literal: double quotes, with backslash and double quote escaped. */
export function jqlString(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** The levels at or above a threshold (none for `off`). */
export function levelsAtLeast(threshold: LevelThreshold): TriageLevel[] {
  if (threshold === 'off') return [];
  return TRIAGE_LEVELS.slice(TRIAGE_LEVELS.indexOf(threshold));
}

/** Whether any criterion is configured (a threshold not `off`, a label or a component). */
export function hasEntryCriteria(entry: Config['entry']): boolean {
  return (
    entry.uncertaintyAtLeast !== 'off' ||
    entry.riskAtLeast !== 'off' ||
    entry.labels.length > 0 ||
    entry.components.length > 0
  );
}

/**
 * `(… OR …)`: an item meets the criteria by its triage levels (only with `triage`, when the
 * Entry triage field exists on the site), a label or a component. Undefined when nothing is left
 * to search for.
 */
export function entryCriteriaJql(
  entry: Config['entry'],
  options: { triage: boolean; components?: readonly string[] },
): string | undefined {
  const list = (values: readonly string[]) => values.map(jqlString).join(', ');
  const field = jqlString(ENTRY_TRIAGE_JQL.fieldName);
  const clauses: string[] = [];
  if (options.triage) {
    const uncertainty = levelsAtLeast(entry.uncertaintyAtLeast);
    const risk = levelsAtLeast(entry.riskAtLeast);
    if (uncertainty.length > 0) {
      clauses.push(`${field}.${ENTRY_TRIAGE_JQL.uncertainty} in (${list(uncertainty)})`);
    }
    if (risk.length > 0) clauses.push(`${field}.${ENTRY_TRIAGE_JQL.risk} in (${list(risk)})`);
  }
  if (entry.labels.length > 0) clauses.push(`labels in (${list(entry.labels)})`);
  const components = options.components ?? entry.components;
  if (components.length > 0) clauses.push(`component in (${list(components)})`);
  return clauses.length > 0 ? `(${clauses.join(' OR ')})` : undefined;
}
