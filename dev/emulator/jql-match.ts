import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { EmRequest, JiraEmulator } from './jira-emulator';
import { FORGE_FIELD_PREFIX, type EmField, type EmIssue } from './model';
import { labelsOf } from './routes/enforcement';
import { componentsIn, componentsOf, type EmComponent } from './routes/issue-components';

import { compares, dateTest } from './jql-dates';
import { type Clause, type Node, type OrderField, type Query, JqlError } from './jql-parse';

/** The emulator's JQL: which issues a parsed query matches, and in which order. */

export const CATEGORY_BY_NAME: Record<string, 'new' | 'indeterminate' | 'done'> = {
  'to do': 'new',
  new: 'new',
  '2': 'new',
  'in progress': 'indeterminate',
  indeterminate: 'indeterminate',
  '4': 'indeterminate',
  done: 'done',
  '3': 'done',
};

/** Status category key of an issue, read through the emulator's issue bean once per status. */
export function categoryReader(em: JiraEmulator): (issue: EmIssue) => string | undefined {
  const byStatus = new Map<string, string | undefined>();
  return (issue) => {
    if (!byStatus.has(issue.statusId)) {
      const fields = em.issueBean(issue, ['status'])['fields'] as {
        status?: { statusCategory?: { key?: string } };
      };
      byStatus.set(issue.statusId, fields.status?.statusCategory?.key);
    }
    return byStatus.get(issue.statusId);
  };
}

export type Test = (issue: EmIssue) => boolean;

/** A clause as a test of one issue; values that do not exist are refused as Jira refuses them. */
/** Labels and components as search sees them (the pre-write view while a write lags). */
export interface IndexedFacts {
  labels(issue: EmIssue): string[];
  components(issue: EmIssue): EmComponent[];
}

export function clauseTest(
  em: JiraEmulator,
  req: EmRequest,
  clause: Clause,
  categoryOf: (issue: EmIssue) => string | undefined,
  facts: IndexedFacts,
): Test {
  switch (clause.field) {
    case 'project': {
      const ids = new Set(
        clause.values.map((v) => {
          const p = [...em.projects.values()].find((x) => x.key === v || x.id === v);
          if (!p || !em.can(req, p.id, 'BROWSE_PROJECTS')) {
            throw new JqlError(`The value '${v}' does not exist for the field 'project'.`);
          }
          return p.id;
        }),
      );
      return (i) => ids.has(i.projectId);
    }
    case 'statusCategory': {
      const categories = new Set(
        clause.values.map((v) => {
          const category = CATEGORY_BY_NAME[v.toLowerCase()];
          if (!category) {
            throw new JqlError(`The value '${v}' does not exist for the field 'statusCategory'.`);
          }
          return category;
        }),
      );
      return (i) => categories.has(categoryOf(i) as 'new') !== clause.negate;
    }
    case 'status': {
      // A status Jira does not have is refused by name or id, as Jira does.
      const ids = new Set(
        clause.values.map((v) => {
          const status = em.statusNamed(v);
          if (!status)
            throw new JqlError(`The value '${v}' does not exist for the field 'status'.`);
          return status.id;
        }),
      );
      return (i) => ids.has(i.statusId) !== clause.negate;
    }
    case 'issuetype': {
      const typeIds = new Set(
        clause.values.map((v) => {
          const type = [...em.issueTypes.values()].find(
            (t) => t.id === v || t.name.toLowerCase() === v.toLowerCase(),
          );
          if (!type) throw new JqlError(`The value '${v}' does not exist for the field 'type'.`);
          return type.id;
        }),
      );
      return (i) => typeIds.has(i.issueTypeId) !== clause.negate;
    }
    case 'sprint': {
      const field = em.sprintField.id;
      const sprintIds = (i: EmIssue): number[] => {
        const value = i.custom.get(field);
        return Array.isArray(value) ? value.map((s: { id?: unknown }) => Number(s.id)) : [];
      };
      if ('empty' in clause) return (i) => (sprintIds(i).length === 0) === clause.empty;
      const wanted = new Set(
        'states' in clause
          ? [...em.sprints.values()]
              .filter((sp) => clause.states.includes(sp.state))
              .map((sp) => sp.id)
          : clause.values,
      );
      return (i) => {
        const ids = sprintIds(i);
        // As in Jira, a negated clause never matches an issue in no sprint.
        if (ids.length === 0) return false;
        return ids.some((id) => wanted.has(id)) !== clause.negate;
      };
    }
    case 'date':
      return dateTest(clause, () => Date.now());
    case 'level':
      // JQL's Security level field (`level`, with IS EMPTY / IS NOT EMPTY;
      // https://support.atlassian.com/jira-software-cloud/docs/jql-fields/): an issue at a level
      // the caller is not a member of appears in no search or statistic, so the search leaves it
      // out already (canSeeIssue) and this tests only whether a level is set.
      return (i) => (i.securityLevelId === undefined) === clause.empty;
    case 'key': {
      // Jira refuses a key that names no issue the caller can see (see docs/emulator-refusals.md).
      const wanted = new Set(
        clause.values.map((v) => {
          const issue = em.findIssue(v.toUpperCase()) ?? em.findIssue(v);
          if (!issue || !em.canSeeIssue(req, issue)) {
            throw new JqlError(`An issue with key '${v}' does not exist for field 'key'.`);
          }
          return issue.id;
        }),
      );
      return (i) => wanted.has(i.id);
    }
    case 'id': {
      if ('values' in clause) {
        const wanted = new Set(clause.values);
        return (i) => wanted.has(Number(i.id)) !== clause.negate;
      }
      const { compare, value } = clause;
      return (i) => compares(Number(i.id), compare, value);
    }
    case 'labels': {
      const wanted = new Set(clause.values.map((v) => v.toLowerCase()));
      return (i) => facts.labels(i).some((l) => wanted.has(l.toLowerCase()));
    }
    case 'component': {
      const visible = new Set(
        [...em.projects.values()]
          .filter((p) => em.can(req, p.id, 'BROWSE_PROJECTS'))
          .map((p) => p.id),
      );
      const known = componentsIn(em, visible);
      const wanted = new Set(
        clause.values.map((v) => {
          const matching = known.filter((c) => c.name.toLowerCase() === v.toLowerCase());
          if (matching.length === 0) {
            throw new JqlError(`The value '${v}' does not exist for the field 'component'.`);
          }
          return v.toLowerCase();
        }),
      );
      return (i) => facts.components(i).some((c) => wanted.has(c.name.toLowerCase()));
    }
    case 'custom': {
      // Jira refuses a custom field id that does not exist ("Field 'cf[…]' does not exist").
      const id = `customfield_${clause.customId}`;
      if (!em.fields.has(id)) {
        throw new JqlError(
          `Field 'cf[${clause.customId}]' does not exist or you do not have permission to view it.`,
        );
      }
      return (i) => {
        const value = i.custom.get(id);
        const empty =
          value === undefined ||
          value === null ||
          value === '' ||
          (Array.isArray(value) && value.length === 0);
        return empty === clause.empty;
      };
    }
    case 'property': {
      const { field, property } = appFieldProperty(em, clause.fieldName, clause.alias);
      const wanted = new Set(clause.values);
      return (i) => {
        const part = propertyOf(i, field, property);
        // As in Jira, a negated clause never matches an empty value.
        if (typeof part !== 'string' || part === '') return false;
        return wanted.has(part) !== clause.negate;
      };
    }
    case 'propertyEmpty': {
      const { field, property } = appFieldProperty(em, clause.fieldName, clause.alias, 'empty');
      return (i) => {
        const part = propertyOf(i, field, property);
        return (part === undefined || part === null || part === '') === clause.empty;
      };
    }
    case 'propertyCompare':
      return propertyCompareTest(em, clause);
  }
}

const propertyOf = (issue: EmIssue, field: EmField, property: string): unknown => {
  const value = issue.custom.get(field.id);
  return typeof value === 'object' && value !== null
    ? (value as Record<string, unknown>)[property]
    : undefined;
};

/**
 * An integer, number or date property compared with <, <=, > or >= (the operators of Jira's
 * number and date fields); an empty value never matches. A date is written "yyyy-MM-dd" or
 * "yyyy/MM/dd"; relative dates on a property are valid JQL the emulator does not implement.
 */
function propertyCompareTest(
  em: JiraEmulator,
  clause: Extract<Clause, { field: 'propertyCompare' }>,
): Test {
  const { field, property, type } = appFieldProperty(em, clause.fieldName, clause.alias, 'compare');
  const invalid = () =>
    new JqlError(
      `The value '${clause.value}' is invalid for the field '${clause.fieldName}.${clause.alias}'.`,
    );
  let wanted: number | string;
  if (type === 'date') {
    if (/^[-+]?\d+[wdhm]?$/.test(clause.value)) {
      throw new JqlError('Relative dates on a field property are not emulated.', true);
    }
    if (!/^\d{4}[-/]\d{2}[-/]\d{2}$/.test(clause.value)) throw invalid();
    wanted = clause.value.replace(/\//g, '-');
  } else {
    wanted = Number(clause.value);
    if (clause.value.trim() === '' || Number.isNaN(wanted)) throw invalid();
  }
  return (i) => {
    const part = propertyOf(i, field, property);
    if (part === undefined || part === null || part === '') return false;
    const have =
      type === 'date' ? (typeof part === 'string' ? part.slice(0, 10) : '') : Number(part);
    return compares(have, clause.compare, wanted);
  };
}

export interface ManifestField {
  key?: unknown;
  schema?: {
    properties?: Record<string, { type?: unknown; searchAlias?: unknown; searchType?: unknown }>;
  };
}

let manifestFields: ManifestField[] | undefined;

/** The manifest's `jira:customField` modules (read once). */
export function appFieldModules(): ManifestField[] {
  if (!manifestFields) {
    const manifest = parseYaml(
      readFileSync(join(__dirname, '..', '..', 'manifest.yml'), 'utf8'),
    ) as { modules?: { 'jira:customField'?: ManifestField[] } };
    manifestFields = manifest.modules?.['jira:customField'] ?? [];
  }
  return manifestFields;
}

/**
 * The app field named `fieldName` and the schema property its manifest declares with
 * `searchAlias: alias`. Jira refuses a field or property that does not exist; a property whose
 * JQL type is not `string` is valid JQL the emulator does not implement.
 */
export function appFieldProperty(
  em: JiraEmulator,
  fieldName: string,
  alias: string,
  use: 'equal' | 'empty' | 'compare' = 'equal',
): { field: EmField; property: string; type: string } {
  const missing = () =>
    new JqlError(
      `Field '${fieldName}.${alias}' does not exist or you do not have permission to view it.`,
    );
  const field = [...em.fields.values()].find(
    (f) =>
      f.custom &&
      f.name.toLowerCase() === fieldName.toLowerCase() &&
      f.schema.custom?.startsWith(FORGE_FIELD_PREFIX),
  );
  if (!field) {
    if ([...em.fields.values()].some((f) => f.name.toLowerCase() === fieldName.toLowerCase())) {
      throw new JqlError(`Properties of the field "${fieldName}" are not emulated.`, true);
    }
    throw missing();
  }
  const moduleKey = field.schema.custom?.slice(FORGE_FIELD_PREFIX.length);
  const module = appFieldModules().find((m) => m.key === moduleKey);
  const entry = Object.entries(module?.schema?.properties ?? {}).find(
    ([, p]) =>
      typeof p.searchAlias === 'string' && p.searchAlias.toLowerCase() === alias.toLowerCase(),
  );
  if (!entry) throw missing();
  const [property, declared] = entry;
  if (declared.searchType === 'text' && use !== 'empty') {
    // A `text` property is searched with `~` only (as Jira's text fields are); the emulated
    // operators (=, !=, in, not in, comparisons) are refused as Jira refuses them.
    throw new JqlError(
      `The operator '${use === 'equal' ? '=' : '<'}' is not supported by the '${fieldName}.${alias}' field: it is searched with '~'.`,
    );
  }
  const type = String(declared.type);
  const comparable = type === 'integer' || type === 'number' || type === 'date';
  if (use === 'compare' && type === 'string') {
    throw new JqlError(
      `The operator is not supported by the '${fieldName}.${alias}' field: a string is matched exactly.`,
    );
  }
  const emulated =
    declared.searchType === undefined &&
    (use === 'equal'
      ? type === 'string'
      : use === 'compare'
        ? comparable
        : comparable || type === 'string');
  if (!emulated) {
    throw new JqlError(
      `Searching the ${String(declared.searchType ?? declared.type)} property ${fieldName}.${alias} that way is not emulated.`,
      true,
    );
  }
  return { field, property, type };
}

/** Whether every issue the node matches is restricted by a project or key clause. */
export function bounded(node: Node): boolean {
  switch (node.kind) {
    case 'clause':
      return node.clause.field === 'project' || node.clause.field === 'key';
    case 'and':
      return node.parts.some(bounded);
    case 'or':
      return node.parts.every(bounded);
    case 'not':
      return false;
  }
}

/**
 * Whether a clause's field holds no value for an issue, where the clause does not ask for
 * emptiness: then the clause is neither true nor false (see `matcher`). Undefined for a clause on
 * a field that always holds a value, or one that asks IS [NOT] EMPTY.
 */
function emptyFieldOf(
  em: JiraEmulator,
  clause: Clause,
  facts: IndexedFacts,
): ((issue: EmIssue) => boolean) | undefined {
  const none = (v: unknown) => v === undefined || v === null || v === '';
  switch (clause.field) {
    case 'sprint': {
      if ('empty' in clause) return undefined;
      const id = em.sprintField.id;
      return (i) => {
        const value = i.custom.get(id);
        return !Array.isArray(value) || value.length === 0;
      };
    }
    case 'labels':
      return (i) => facts.labels(i).length === 0;
    case 'component':
      return (i) => facts.components(i).length === 0;
    case 'property':
    case 'propertyCompare': {
      // Only to find the property: the clause's own test checks the operator.
      const { field, property } = appFieldProperty(em, clause.fieldName, clause.alias, 'empty');
      return (i) => none(propertyOf(i, field, property));
    }
    default:
      return undefined;
  }
}

/** A test that may also answer "unknown" (undefined): a clause on a field with no value. */
type Tri = (issue: EmIssue) => boolean | undefined;

/** AND (`decisive` false) or OR (true) in three-valued logic: the decisive answer wins. */
const decidedBy =
  (decisive: boolean, parts: readonly Tri[]): Tri =>
  (issue) => {
    let unknown = false;
    for (const part of parts) {
      const r = part(issue);
      if (r === decisive) return decisive;
      if (r === undefined) unknown = true;
    }
    return unknown ? undefined : !decisive;
  };

/**
 * The search's test of one issue. As Jira documents, `field != value` is `NOT field = value` and
 * never matches a field with no value; so a clause on a field with no value (a sprint, labels,
 * components, an app field's property; IS [NOT] EMPTY aside) is neither true nor false, AND and
 * OR combine it as unknown, NOT keeps it unknown, and only a true answer matches. How NOT treats
 * a compound clause over empty fields is not documented: this is the stricter reading, under
 * which a negated condition must name its empty values (docs/emulator.md).
 */
export function matcher(
  em: JiraEmulator,
  req: EmRequest,
  query: Query,
  facts: IndexedFacts = liveFacts(em),
): Test {
  const categoryOf = categoryReader(em);
  const compile = (node: Node): Tri => {
    switch (node.kind) {
      case 'clause': {
        const test = clauseTest(em, req, node.clause, categoryOf, facts);
        const empty = emptyFieldOf(em, node.clause, facts);
        return empty ? (i) => (empty(i) ? undefined : test(i)) : test;
      }
      case 'and':
        // False decides an AND, true an OR; an unknown part leaves the rest unknown.
        return decidedBy(false, node.parts.map(compile));
      case 'or':
        return decidedBy(true, node.parts.map(compile));
      case 'not': {
        const part = compile(node.part);
        return (i) => {
          const r = part(i);
          return r === undefined ? undefined : !r;
        };
      }
    }
  };
  if (!query.where || !bounded(query.where)) {
    throw new JqlError(
      'Unbounded JQL queries are not allowed here. Please add a search restriction to your query.',
    );
  }
  const test = compile(query.where);
  return (issue) => em.canSeeIssue(req, issue) && test(issue) === true;
}

export function comparator(order: Query['order']): (a: EmIssue, b: EmIssue) => number {
  const keyNumber = (i: EmIssue) => Number(i.key.slice(i.key.lastIndexOf('-') + 1));
  const by = (field: OrderField, i: EmIssue): number | string => {
    if (field === 'rank') return i.rank ?? Number(i.id);
    if (field === 'created') return i.created;
    if (field === 'updated') return Date.parse(i.updated);
    return keyNumber(i);
  };
  const steps = order.length > 0 ? order : [{ field: 'key' as const, desc: true }];
  return (a, b) => {
    for (const step of steps) {
      const x = by(step.field, a);
      const y = by(step.field, b);
      if (x !== y) return (x < y ? -1 : 1) * (step.desc ? -1 : 1);
    }
    return Number(a.id) - Number(b.id);
  };
}

export function liveFacts(em: JiraEmulator): IndexedFacts {
  return {
    labels: (i) => labelsOf(em, i.id),
    components: (i) => componentsOf(em, i.id),
  };
}
