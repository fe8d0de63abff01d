import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { EmRequest, EmResponse, JiraEmulator, RouteGroup } from '../jira-emulator';
import { FORGE_FIELD_PREFIX, type EmField, type EmIssue } from '../model';
import { labelsOf } from './enforcement';
import { componentsIn, componentsOf, type EmComponent } from './issue-components';
import { searchIndex, type IndexedView } from '../search-lag';

/**
 * POST /rest/api/3/search/jql (searchAndReconsileIssuesUsingJqlPost) and
 * POST /rest/api/3/search/approximate-count (countIssues) over a small, strict JQL subset.
 * Anything outside the subset is answered 400 the way Jira answers bad JQL, and is also recorded
 * as an emulator violation so that a test using it fails loudly instead of passing on a guess.
 *
 * Supported:  project = K | project in (K, ...)
 *             statusCategory = V | != V | in (V, ...) | not in (V, ...)
 *             issuetype = T | != T | in (T, ...) | not in (T, ...)   (names or ids; unknown → 400)
 *             sprint = N | != N | in (N, ...) | not in (N, ...) | is EMPTY | is not EMPTY
 *             sprint in openSprints() | closedSprints() | futureSprints(); any other function
 *                 Jira documents is a violation (not emulated), an unknown one a 400
 *             key = K | key in (K, ...)
 *             labels = L | labels in (L, ...)                (case-insensitive, as Jira matches labels)
 *             component = C | component in (C, ...)          (names of the projects' components;
 *                                                             a name no visible project has → 400)
 *             "Field name".Alias = V | != V | in (V, ...) | not in (V, ...)
 *                 a property of one of the app's object fields, by the `searchAlias` the manifest
 *                 gives it (Forge: "you can search that field property using X.Y = value"); only
 *                 `string` properties (JQL type string, exact comparison) are emulated
 *             AND, OR, NOT and parentheses; strings in "…" or '…' with backslash escapes
 *             ORDER BY Rank | created | key [ASC|DESC], ...
 * As in Jira, `!=` and `not in` never match an empty field (an issue in no sprint is not
 * matched by `sprint not in (7)`; write `sprint is EMPTY OR sprint not in (7)`).
 *
 * Paging follows the enhanced search: `nextPageToken` in, `nextPageToken`/`isLast` out.
 * `maxResults` outside 1-5000 is a 400 as in Jira; within it the emulator returns at most
 * SEARCH_PAGE_WITH_FIELDS when fields beyond id/key are requested (the contract: "may return
 * fewer items per page where a large number of fields are requested").
 *
 * Search and the count see issues as the lagging index has them (../search-lag.ts);
 * `reconcileIssues` (≤ 50 ids) reads those issues in their latest state. Refusals and their
 * sources: docs/emulator-refusals.md.
 */

/** Largest page the contract documents (`maxResults`: "It returns max 5000 issues"). */
export const SEARCH_PAGE_MAX = 5000;
/** Page size the emulator grants when fields beyond id/key are requested (Jira returns fewer). */
export const SEARCH_PAGE_WITH_FIELDS = 100;
const DEFAULT_MAX_RESULTS = 50;

type Clause =
  | { field: 'project'; values: string[] }
  | { field: 'statusCategory'; negate: boolean; values: string[] }
  | { field: 'issuetype'; negate: boolean; values: string[] }
  | { field: 'sprint'; negate: boolean; values: number[] }
  | { field: 'sprint'; negate: boolean; states: Array<'active' | 'future' | 'closed'> }
  | { field: 'sprint'; empty: boolean }
  | { field: 'key'; values: string[] }
  | { field: 'labels'; values: string[] }
  | { field: 'component'; values: string[] }
  | { field: 'property'; fieldName: string; alias: string; negate: boolean; values: string[] };

type Node =
  | { kind: 'clause'; clause: Clause }
  | { kind: 'and' | 'or'; parts: Node[] }
  | { kind: 'not'; part: Node };

type OrderField = 'rank' | 'created' | 'key';
interface Query {
  where: Node | undefined;
  order: Array<{ field: OrderField; desc: boolean }>;
}

export class JqlError extends Error {
  constructor(
    message: string,
    /** Valid JQL the emulator does not implement (a test gap, not an app error). */
    readonly unsupported = false,
  ) {
    super(message);
    this.name = 'JqlError';
  }
}

type Token = { kind: 'word' | 'string' | 'op' | 'punct'; text: string };

function tokenize(jql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < jql.length) {
    const c = jql.charAt(i);
    if (/\s/.test(c)) {
      i++;
    } else if (c === '"' || c === "'") {
      let text = '';
      let end = i + 1;
      for (; end < jql.length && jql.charAt(end) !== c; end++) {
        if (jql.charAt(end) === '\\') end++;
        text += jql.charAt(end);
      }
      if (end >= jql.length) {
        throw new JqlError(`Error in the JQL Query: unterminated string at ${i}.`);
      }
      tokens.push({ kind: 'string', text });
      i = end + 1;
    } else if (c === '(' || c === ')' || c === ',') {
      tokens.push({ kind: 'punct', text: c });
      i++;
    } else if (c === '!' && jql.charAt(i + 1) === '=') {
      tokens.push({ kind: 'op', text: '!=' });
      i += 2;
    } else if (c === '=') {
      tokens.push({ kind: 'op', text: '=' });
      i++;
    } else if (/[~<>!]/.test(c)) {
      throw new JqlError(`The JQL operator "${c}" is not emulated.`, true);
    } else {
      const m = /^[A-Za-z0-9_.\-[\]]+/.exec(jql.slice(i));
      if (!m)
        throw new JqlError(`Error in the JQL Query: the character '${c}' is a reserved character.`);
      tokens.push({ kind: 'word', text: m[0] });
      i += m[0].length;
    }
  }
  return tokens;
}

const FIELD_NAMES: Record<string, Clause['field']> = {
  project: 'project',
  statuscategory: 'statusCategory',
  issuetype: 'issuetype',
  type: 'issuetype',
  sprint: 'sprint',
  key: 'key',
  issuekey: 'key',
  labels: 'labels',
  component: 'component',
};

/**
 * Jira Software's sprint functions: openSprints() (sprints not completed: active and future),
 * closedSprints(), futureSprints() (https://support.atlassian.com/jira-software-cloud/docs/jql-functions/).
 */
const SPRINT_FUNCTIONS: Record<string, Array<'active' | 'future' | 'closed'>> = {
  opensprints: ['active', 'future'],
  closedsprints: ['closed'],
  futuresprints: ['future'],
};

/**
 * Other functions Jira's JQL documents (same page): valid JQL the emulator does not evaluate.
 * A name outside this list is refused as Jira refuses an unknown function.
 */
const JQL_FUNCTIONS = new Set([
  ...Object.keys(SPRINT_FUNCTIONS),
  'approved',
  'approver',
  'breached',
  'cascadeoption',
  'choiceoption',
  'completed',
  'componentsleadbyuser',
  'currentlogin',
  'currentuser',
  'earliestunreleasedversion',
  'elapsed',
  'endofday',
  'endofmonth',
  'endofweek',
  'endofyear',
  'everbreached',
  'issuehistory',
  'issuepickerhistory',
  'issuesigned',
  'lastlogin',
  'latestreleasedversion',
  'linkedissues',
  'membersof',
  'mydecisions',
  'myapproval',
  'mypending',
  'now',
  'paused',
  'pending',
  'pendingby',
  'projectsleadbyuser',
  'projectswhereuserhasrole',
  'projectswhereuserhaspermission',
  'releasedversions',
  'remaining',
  'running',
  'standardissuetypes',
  'startofday',
  'startofmonth',
  'startofweek',
  'startofyear',
  'subtaskissuetypes',
  'unreleasedversions',
  'updatedby',
  'votedissues',
  'watchedissues',
  'withinCalendarHours'.toLowerCase(),
]);

function unknownFunction(name: string): JqlError {
  return new JqlError(`Unable to find JQL function '${name}()'.`);
}

/** Fields that take `!=` and `not in` here. */
const NEGATABLE = new Set<Clause['field']>(['statusCategory', 'issuetype', 'sprint', 'property']);

export function parseJql(jql: string): Query {
  const tokens = tokenize(jql);
  let pos = 0;
  const peek = () => tokens[pos];
  const next = (): Token => {
    const t = tokens[pos++];
    if (!t) throw new JqlError('Error in the JQL Query: the query ended unexpectedly.');
    return t;
  };
  const isWord = (t: Token | undefined, w: string) =>
    t !== undefined && t.kind === 'word' && t.text.toLowerCase() === w;
  const value = (): string => {
    const t = next();
    if (t.kind !== 'word' && t.kind !== 'string') {
      throw new JqlError(`Error in the JQL Query: expected a value but got '${t.text}'.`);
    }
    return t.text;
  };
  /** `name()` after IN: a JQL function (only argument-less ones are emulated). */
  const functionCall = (): string | undefined => {
    const name = peek();
    const open = tokens[pos + 1];
    if (name?.kind !== 'word' || open?.text !== '(') return undefined;
    pos += 2;
    const close = next();
    if (close.text !== ')') {
      const known = JQL_FUNCTIONS.has(name.text.toLowerCase());
      if (!known) throw unknownFunction(name.text);
      throw new JqlError(`Arguments of the JQL function ${name.text}() are not emulated.`, true);
    }
    return name.text;
  };
  const list = (): string[] => {
    const open = next();
    if (open.text !== '(') throw new JqlError(`Error in the JQL Query: expected '(' after IN.`);
    const values = [value()];
    while (peek()?.text === ',') {
      pos++;
      values.push(value());
    }
    if (next().text !== ')') throw new JqlError(`Error in the JQL Query: expected ')'.`);
    return values;
  };

  /** `"Field name".Alias` (or `Name.Alias`): a field property, else undefined. */
  const property = (fieldToken: Token): { fieldName: string; alias: string } | undefined => {
    const after = peek();
    if (fieldToken.kind === 'string' && after?.kind === 'word' && after.text.startsWith('.')) {
      pos++;
      return { fieldName: fieldToken.text, alias: after.text.slice(1) };
    }
    const dot = fieldToken.kind === 'word' ? fieldToken.text.indexOf('.') : -1;
    if (dot > 0) {
      return { fieldName: fieldToken.text.slice(0, dot), alias: fieldToken.text.slice(dot + 1) };
    }
    return undefined;
  };

  const clause = (): Node => {
    const fieldToken = next();
    const prop = property(fieldToken);
    const field: Clause['field'] | undefined = prop
      ? 'property'
      : FIELD_NAMES[fieldToken.text.toLowerCase()];
    if (!field) throw new JqlError(`The JQL field "${fieldToken.text}" is not emulated.`, true);
    const op = next();
    if (isWord(op, 'is')) {
      const not = isWord(peek(), 'not');
      if (not) pos++;
      const what = next();
      if (field !== 'sprint' || !(isWord(what, 'empty') || isWord(what, 'null'))) {
        throw new JqlError(`The JQL operator "IS" is not emulated for ${field}.`, true);
      }
      return { kind: 'clause', clause: { field, empty: !not } };
    }
    const notIn = isWord(op, 'not');
    if (notIn && !isWord(next(), 'in')) {
      throw new JqlError("Error in the JQL Query: expected 'in' after NOT.");
    }
    const isIn = isWord(op, 'in') || notIn;
    const isEq = op.kind === 'op' && op.text === '=';
    const isNe = op.kind === 'op' && op.text === '!=';
    const negate = isNe || notIn;
    if (!isIn && !isEq && !isNe) {
      throw new JqlError(`The JQL operator "${op.text}" is not emulated for ${field}.`, true);
    }
    if (negate && !NEGATABLE.has(field)) {
      throw new JqlError(`The JQL operator "${op.text}" is not emulated for ${field}.`, true);
    }
    const fn = isIn ? functionCall() : undefined;
    if (fn !== undefined) {
      const states = SPRINT_FUNCTIONS[fn.toLowerCase()];
      if (field === 'sprint' && states) {
        return { kind: 'clause', clause: { field, negate, states } };
      }
      if (!JQL_FUNCTIONS.has(fn.toLowerCase())) throw unknownFunction(fn);
      throw new JqlError(`The JQL function ${fn}() is not emulated for ${field}.`, true);
    }
    const values = isIn ? list() : [value()];
    switch (field) {
      case 'statusCategory':
      case 'issuetype':
        return { kind: 'clause', clause: { field, negate, values } };
      case 'sprint': {
        const ids = values.map(Number);
        if (ids.some((n) => !Number.isInteger(n))) {
          throw new JqlError('Sprint values other than sprint ids are not emulated.', true);
        }
        return { kind: 'clause', clause: { field, negate, values: ids } };
      }
      case 'property':
        if (!prop) throw new JqlError('Error in the JQL Query: expected a field property.');
        return { kind: 'clause', clause: { field, ...prop, negate, values } };
      case 'project':
      case 'key':
      case 'labels':
      case 'component':
        return { kind: 'clause', clause: { field, values } };
    }
  };
  const atEnd = () => pos >= tokens.length || isWord(peek(), 'order');
  const unary = (): Node => {
    if (isWord(peek(), 'not')) {
      pos++;
      return { kind: 'not', part: unary() };
    }
    if (peek()?.text === '(') {
      pos++;
      const inner = or();
      if (next().text !== ')') throw new JqlError(`Error in the JQL Query: expected ')'.`);
      return inner;
    }
    return clause();
  };
  const joined = (kind: 'and' | 'or', part: () => Node): Node => {
    const parts = [part()];
    while (isWord(peek(), kind)) {
      pos++;
      parts.push(part());
    }
    return parts.length === 1 ? (parts[0] as Node) : { kind, parts };
  };
  const and = (): Node => joined('and', unary);
  const or = (): Node => joined('or', and);

  const where = atEnd() ? undefined : or();
  const order: Query['order'] = [];
  if (isWord(peek(), 'order')) {
    pos++;
    if (!isWord(next(), 'by')) throw new JqlError("Error in the JQL Query: expected 'by'.");
    for (;;) {
      const f = next().text.toLowerCase();
      if (f !== 'rank' && f !== 'created' && f !== 'key') {
        throw new JqlError(`ORDER BY ${f} is not emulated.`, true);
      }
      let desc = false;
      if (isWord(peek(), 'asc')) pos++;
      else if (isWord(peek(), 'desc')) {
        desc = true;
        pos++;
      }
      order.push({ field: f, desc });
      if (peek()?.text !== ',') break;
      pos++;
    }
    if (order.length > 7) throw new JqlError('The orderBy clause can contain at most 7 fields.');
  }
  if (pos < tokens.length) {
    throw new JqlError(`Error in the JQL Query: unexpected '${tokens[pos]?.text ?? ''}'.`);
  }
  return { where, order };
}

const CATEGORY_BY_NAME: Record<string, 'new' | 'indeterminate' | 'done'> = {
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
function categoryReader(em: JiraEmulator): (issue: EmIssue) => string | undefined {
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

type Test = (issue: EmIssue) => boolean;

/** A clause as a test of one issue; values that do not exist are refused as Jira refuses them. */
/** Labels and components as search sees them (the pre-write view while a write lags). */
interface IndexedFacts {
  labels(issue: EmIssue): string[];
  components(issue: EmIssue): EmComponent[];
}

function clauseTest(
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
    case 'key': {
      // Jira refuses a key that names no issue the caller can see (see docs/emulator-refusals.md).
      const wanted = new Set(
        clause.values.map((v) => {
          const issue = em.findIssue(v.toUpperCase()) ?? em.findIssue(v);
          if (!issue || !em.can(req, issue.projectId, 'BROWSE_PROJECTS')) {
            throw new JqlError(`An issue with key '${v}' does not exist for field 'key'.`);
          }
          return issue.id;
        }),
      );
      return (i) => wanted.has(i.id);
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
    case 'property': {
      const { field, property } = appFieldProperty(em, clause.fieldName, clause.alias);
      const wanted = new Set(clause.values);
      return (i) => {
        const value = i.custom.get(field.id);
        const part =
          typeof value === 'object' && value !== null
            ? (value as Record<string, unknown>)[property]
            : undefined;
        // As in Jira, a negated clause never matches an empty value.
        if (typeof part !== 'string' || part === '') return false;
        return wanted.has(part) !== clause.negate;
      };
    }
  }
}

interface ManifestField {
  key?: unknown;
  schema?: {
    properties?: Record<string, { type?: unknown; searchAlias?: unknown; searchType?: unknown }>;
  };
}

let manifestFields: ManifestField[] | undefined;

/** The manifest's `jira:customField` modules (read once). */
function appFieldModules(): ManifestField[] {
  if (!manifestFields) {
    const manifest = parseYaml(
      readFileSync(join(__dirname, '..', '..', '..', 'manifest.yml'), 'utf8'),
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
function appFieldProperty(
  em: JiraEmulator,
  fieldName: string,
  alias: string,
): { field: EmField; property: string } {
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
  if (declared.searchType === 'text') {
    // A `text` property is searched with `~` only (as Jira's text fields are); the emulated
    // operators (=, !=, in, not in) are refused as Jira refuses them.
    throw new JqlError(
      `The operator '=' is not supported by the '${fieldName}.${alias}' field: it is searched with '~'.`,
    );
  }
  if (declared.type !== 'string' || declared.searchType !== undefined) {
    throw new JqlError(
      `Searching the ${String(declared.searchType ?? declared.type)} property ${fieldName}.${alias} is not emulated.`,
      true,
    );
  }
  return { field, property };
}

/** Whether every issue the node matches is restricted by a project or key clause. */
function bounded(node: Node): boolean {
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

function matcher(
  em: JiraEmulator,
  req: EmRequest,
  query: Query,
  facts: IndexedFacts = liveFacts(em),
): Test {
  const categoryOf = categoryReader(em);
  const compile = (node: Node): Test => {
    switch (node.kind) {
      case 'clause':
        return clauseTest(em, req, node.clause, categoryOf, facts);
      case 'and': {
        const parts = node.parts.map(compile);
        return (i) => parts.every((t) => t(i));
      }
      case 'or': {
        const parts = node.parts.map(compile);
        return (i) => parts.some((t) => t(i));
      }
      case 'not': {
        const part = compile(node.part);
        return (i) => !part(i);
      }
    }
  };
  if (!query.where || !bounded(query.where)) {
    throw new JqlError(
      'Unbounded JQL queries are not allowed here. Please add a search restriction to your query.',
    );
  }
  const test = compile(query.where);
  return (issue) => em.can(req, issue.projectId, 'BROWSE_PROJECTS') && test(issue);
}

function comparator(order: Query['order']): (a: EmIssue, b: EmIssue) => number {
  const keyNumber = (i: EmIssue) => Number(i.key.slice(i.key.lastIndexOf('-') + 1));
  const by = (field: OrderField, i: EmIssue): number | string => {
    if (field === 'rank') return i.rank ?? Number(i.id);
    if (field === 'created') return i.created;
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

function badJql(em: JiraEmulator, error: JqlError, jql: string): EmResponse {
  if (error.unsupported) em.violations.push(`search/jql: ${error.message} (JQL: ${jql})`);
  return { status: 400, body: { errorMessages: [error.message], errors: {} } };
}

export interface PageToken {
  jql: string;
  offset: number;
}

export const encodeToken = (t: PageToken) => Buffer.from(JSON.stringify(t)).toString('base64url');

export function decodeToken(token: string): PageToken | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (
      typeof value === 'object' &&
      value !== null &&
      typeof (value as PageToken).jql === 'string' &&
      Number.isInteger((value as PageToken).offset)
    ) {
      return value as PageToken;
    }
  } catch {
    // not a token of ours
  }
  return undefined;
}

function requestedFields(raw: unknown): string[] {
  if (!Array.isArray(raw)) return [];
  return raw
    .filter((f): f is string => typeof f === 'string')
    .flatMap((f) => f.split(','))
    .map((f) => f.trim())
    .filter((f) => f.length > 0);
}

function liveFacts(em: JiraEmulator): IndexedFacts {
  return {
    labels: (i) => labelsOf(em, i.id),
    components: (i) => componentsOf(em, i.id),
  };
}

/** Most ids `reconcileIssues` takes ("Accepts max 50 ids", SearchAndReconcileRequestBean). */
export const RECONCILE_MAX = 50;

/**
 * The issues as search sees them: each in its indexed state (search-lag.ts), except those named
 * in `reconcileIssues`, which are read in their latest state ("Strong consistency issue ids to be
 * reconciled with search results", https://developer.atlassian.com/cloud/jira/platform/search-and-reconcile/).
 */
function searchedIssues(
  em: JiraEmulator,
  reconcile: ReadonlySet<string>,
): { issues: EmIssue[]; views: Map<string, IndexedView>; facts: IndexedFacts } {
  const index = searchIndex(em);
  const views = new Map<string, IndexedView>();
  const issues: EmIssue[] = [];
  for (const issue of em.issues.values()) {
    const view = reconcile.has(issue.id) ? 'current' : index.viewOf(issue);
    if (view === undefined) continue;
    if (view === 'current') {
      issues.push(issue);
    } else {
      views.set(issue.id, view);
      issues.push(view.issue);
    }
  }
  const live = liveFacts(em);
  return {
    issues,
    views,
    facts: {
      labels: (i) => views.get(i.id)?.labels ?? live.labels(i),
      components: (i) => views.get(i.id)?.components ?? live.components(i),
    },
  };
}

function refused(message: string): EmResponse {
  return { status: 400, body: { errorMessages: [message], errors: {} } };
}

export function searchJql(em: JiraEmulator, req: EmRequest): EmResponse {
  try {
    return searchPage(em, req);
  } finally {
    searchIndex(em).searched();
  }
}

function searchPage(em: JiraEmulator, req: EmRequest): EmResponse {
  const body = (req.body ?? {}) as {
    jql?: string;
    fields?: unknown;
    maxResults?: number;
    nextPageToken?: string;
    reconcileIssues?: number[];
  };
  const jql = body.jql ?? '';
  // Jira answers 400 "The max results parameter has to be between 1 and 5,000." (contract: "It
  // returns max 5000 issues"); within that range it may return fewer (see SEARCH_PAGE_WITH_FIELDS).
  const maxResults = body.maxResults ?? DEFAULT_MAX_RESULTS;
  if (maxResults < 1 || maxResults > SEARCH_PAGE_MAX) {
    return refused('The max results parameter has to be between 1 and 5,000.');
  }
  const reconcileIds = body.reconcileIssues ?? [];
  if (reconcileIds.length > RECONCILE_MAX) {
    return refused(`reconcileIssues accepts at most ${RECONCILE_MAX} issue ids.`);
  }
  const reconcile = new Set(reconcileIds.map(String));
  const { issues: population, views, facts } = searchedIssues(em, reconcile);
  let query: Query;
  let matches: (issue: EmIssue) => boolean;
  try {
    query = parseJql(jql);
    matches = matcher(em, req, query, facts);
  } catch (error) {
    if (error instanceof JqlError) return badJql(em, error, jql);
    throw error;
  }
  let offset = 0;
  if (body.nextPageToken !== undefined) {
    const token = decodeToken(body.nextPageToken);
    if (!token || token.jql !== jql) {
      return refused('The nextPageToken is invalid or expired.');
    }
    offset = token.offset;
  }
  const fields = requestedFields(body.fields);
  const idsOnly = fields.every((f) => f === 'id' || f === 'key');
  const cap = idsOnly ? SEARCH_PAGE_MAX : SEARCH_PAGE_WITH_FIELDS;
  const pageSize = Math.min(maxResults, cap);

  const found = population.filter(matches).sort(comparator(query.order));
  const page = found.slice(offset, offset + pageSize);
  const isLast = offset + page.length >= found.length;
  const wantsCategoryDate = fields.includes('statuscategorychangedate') || fields.includes('*all');
  const issues = page.map((issue) => {
    if (fields.length === 0 || (fields.length === 1 && fields[0] === 'id')) return { id: issue.id };
    const bean = em.issueBean(issue, fields);
    const beanFields = bean['fields'] as Record<string, unknown>;
    const view = views.get(issue.id);
    if (view) {
      if ('labels' in beanFields) beanFields['labels'] = [...view.labels];
      if ('issuelinks' in beanFields) beanFields['issuelinks'] = structuredClone(view.issuelinks);
      if ('components' in beanFields) {
        beanFields['components'] = view.components.map((c) => ({
          self: `${em.baseUrl}/rest/api/3/component/${c.id}`,
          id: c.id,
          name: c.name,
        }));
      }
    }
    if (wantsCategoryDate) {
      beanFields['statuscategorychangedate'] = (
        issue.statusCategoryChanged ?? issue.created
      ).replace('Z', '+0000');
    }
    return bean;
  });
  return {
    status: 200,
    body: {
      issues,
      isLast,
      ...(isLast ? {} : { nextPageToken: encodeToken({ jql, offset: offset + page.length }) }),
    },
  };
}

/**
 * POST /rest/api/3/search/approximate-count: how many issues the JQL matches for the caller, as
 * the index sees them ("Recent updates might not be immediately visible"; it takes no
 * reconcileIssues).
 */
export function countJql(em: JiraEmulator, req: EmRequest): EmResponse {
  const jql = ((req.body ?? {}) as { jql?: string }).jql ?? '';
  try {
    const { issues, facts } = searchedIssues(em, new Set());
    const matches = matcher(em, req, parseJql(jql), facts);
    return { status: 200, body: { count: issues.filter(matches).length } };
  } catch (error) {
    if (error instanceof JqlError) return badJql(em, error, jql);
    throw error;
  } finally {
    searchIndex(em).searched();
  }
}

export const searchRoutes: RouteGroup = (em) => ({
  searchAndReconsileIssuesUsingJqlPost: (req) => searchJql(em, req),
  countIssues: (req) => countJql(em, req),
});
