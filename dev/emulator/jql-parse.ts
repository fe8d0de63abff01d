import { DATE_FIELDS, dateValue, type DateClause } from './jql-dates';

/** The emulator's JQL: the subset of Jira's query language the app sends, parsed to a tree. */

export type Clause =
  | { field: 'project'; values: string[] }
  | { field: 'statusCategory'; negate: boolean; values: string[] }
  /** The status, by name (any case) or id. */
  | { field: 'status'; negate: boolean; values: string[] }
  | { field: 'issuetype'; negate: boolean; values: string[] }
  | { field: 'sprint'; negate: boolean; values: number[] }
  | { field: 'sprint'; negate: boolean; states: Array<'active' | 'future' | 'closed'> }
  | { field: 'sprint'; empty: boolean }
  /** The security level: only `level IS [NOT] EMPTY` is emulated. */
  | { field: 'level'; empty: boolean }
  | { field: 'key'; values: string[] }
  /**
   * The issue id (`id`, an alias of Issue key, which supports =, !=, >, >=, <, <=, IN, NOT IN;
   * https://support.atlassian.com/jira-software-cloud/docs/jql-fields/#Issue-key), compared as
   * the number it is: `compare` for one value, `in` (negated for NOT IN) for a list.
   */
  | { field: 'id'; compare: IdComparison; value: number }
  | { field: 'id'; negate: boolean; values: number[] }
  /** Created, Updated or Status Category Changed against a date (jql-dates.ts). */
  | DateClause
  | { field: 'labels'; values: string[] }
  | { field: 'component'; values: string[] }
  | { field: 'property'; fieldName: string; alias: string; negate: boolean; values: string[] }
  /** An app field's property with IS [NOT] EMPTY, or compared with <, <=, > or >= (jql-match.ts). */
  | { field: 'propertyEmpty'; fieldName: string; alias: string; empty: boolean }
  | {
      field: 'propertyCompare';
      fieldName: string;
      alias: string;
      compare: IdComparison;
      value: string;
    }
  /**
   * A custom field by its id (`cf[10016]`): only `IS [NOT] EMPTY` is emulated ("cf[id]" names a
   * custom field in JQL; EMPTY: "no value";
   * https://support.atlassian.com/jira-software-cloud/docs/jql-fields/#Custom-field,
   * https://support.atlassian.com/jira-software-cloud/docs/jql-operators/#IS-NOT).
   */
  | { field: 'custom'; customId: string; empty: boolean };

export type Node =
  | { kind: 'clause'; clause: Clause }
  | { kind: 'and' | 'or'; parts: Node[] }
  | { kind: 'not'; part: Node };

export type IdComparison = '=' | '!=' | '<' | '<=' | '>' | '>=';

export type OrderField = 'rank' | 'created' | 'updated' | 'key';
export interface Query {
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

export type Token = { kind: 'word' | 'string' | 'op' | 'punct'; text: string };

export function tokenize(jql: string): Token[] {
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
    } else if ((c === '>' || c === '<') && jql.charAt(i + 1) === '=') {
      tokens.push({ kind: 'op', text: `${c}=` });
      i += 2;
    } else if (c === '>' || c === '<') {
      tokens.push({ kind: 'op', text: c });
      i++;
    } else if (/[~!]/.test(c)) {
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

export const FIELD_NAMES: Record<string, Clause['field']> = {
  project: 'project',
  statuscategory: 'statusCategory',
  status: 'status',
  issuetype: 'issuetype',
  type: 'issuetype',
  sprint: 'sprint',
  key: 'key',
  issuekey: 'key',
  labels: 'labels',
  component: 'component',
  level: 'level',
};

/**
 * Jira Software's sprint functions: openSprints() (sprints not completed: active and future),
 * closedSprints(), futureSprints() (https://support.atlassian.com/jira-software-cloud/docs/jql-functions/).
 */
export const SPRINT_FUNCTIONS: Record<string, Array<'active' | 'future' | 'closed'>> = {
  opensprints: ['active', 'future'],
  closedsprints: ['closed'],
  futuresprints: ['future'],
};

/**
 * Other functions Jira's JQL documents (same page): valid JQL the emulator does not evaluate.
 * A name outside this list is refused as Jira refuses an unknown function.
 */
export const JQL_FUNCTIONS = new Set([
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

export function unknownFunction(name: string): JqlError {
  return new JqlError(`Unable to find JQL function '${name}()'.`);
}

/** Fields that take `!=` and `not in` here. */
const ID_COMPARISONS = new Map<string, IdComparison>(
  (['=', '!=', '<', '<=', '>', '>='] as const).map((op) => [op, op]),
);

export const NEGATABLE = new Set<Clause['field']>([
  'statusCategory',
  'status',
  'issuetype',
  'sprint',
  'property',
]);

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

  const customEmpty = (customId: string): Node => {
    const not = isWord(peek(), 'is') && isWord(tokens[pos + 1], 'not');
    const op = next();
    if (not) pos++;
    const what = next();
    if (!isWord(op, 'is') || !(isWord(what, 'empty') || isWord(what, 'null'))) {
      throw new JqlError(`Only IS [NOT] EMPTY is emulated for cf[${customId}].`, true);
    }
    return { kind: 'clause', clause: { field: 'custom', customId, empty: !not } };
  };

  const idNumber = (text: string): number => {
    if (!/^\d+$/.test(text)) throw new JqlError(`The issue id '${text}' is not a number.`);
    return Number(text);
  };
  const idClause = (): Node => {
    const op = next();
    const notIn = isWord(op, 'not');
    if (notIn && !isWord(next(), 'in')) {
      throw new JqlError("Error in the JQL Query: expected 'in' after NOT.");
    }
    if (notIn || isWord(op, 'in')) {
      const values = list().map(idNumber);
      return { kind: 'clause', clause: { field: 'id', negate: notIn, values } };
    }
    const compare = op.kind === 'op' ? (ID_COMPARISONS.get(op.text) ?? undefined) : undefined;
    if (!compare) throw new JqlError(`The JQL operator "${op.text}" is not emulated for id.`, true);
    return { kind: 'clause', clause: { field: 'id', compare, value: idNumber(value()) } };
  };

  const dateClause = (date: DateClause['date']): Node => {
    const op = next();
    const compare = op.kind === 'op' ? ID_COMPARISONS.get(op.text) : undefined;
    if (!compare)
      throw new JqlError(`The JQL operator "${op.text}" is not emulated for ${date}.`, true);
    const t = next();
    if (t.kind !== 'word' && t.kind !== 'string') {
      throw new JqlError(`Error in the JQL Query: expected a value but got '${t.text}'.`);
    }
    const value = dateValue(date, t.text, t.kind === 'string');
    return { kind: 'clause', clause: { field: 'date', date, compare, value } };
  };

  /** `Field.Alias IS [NOT] EMPTY` or `Field.Alias < value` (and <=, >, >=). */
  const propertyClause = (prop: { fieldName: string; alias: string }, op: Token): Node => {
    if (op.kind === 'op') {
      const compare = ID_COMPARISONS.get(op.text);
      if (!compare) throw new JqlError(`Error in the JQL Query: unexpected '${op.text}'.`);
      return {
        kind: 'clause',
        clause: { field: 'propertyCompare', ...prop, compare, value: value() },
      };
    }
    const not = isWord(peek(), 'not');
    if (not) pos++;
    const what = next();
    if (!(isWord(what, 'empty') || isWord(what, 'null'))) {
      throw new JqlError(`Error in the JQL Query: expected EMPTY after IS, got '${what.text}'.`);
    }
    return { kind: 'clause', clause: { field: 'propertyEmpty', ...prop, empty: !not } };
  };

  const clause = (): Node => {
    const fieldToken = next();
    const customId = /^cf\[(\d+)\]$/i.exec(fieldToken.text)?.[1];
    if (customId !== undefined) return customEmpty(customId);
    if (fieldToken.kind === 'word' && fieldToken.text.toLowerCase() === 'id') return idClause();
    const date =
      fieldToken.kind === 'word' ? DATE_FIELDS[fieldToken.text.toLowerCase()] : undefined;
    if (date) return dateClause(date);
    const prop = property(fieldToken);
    const field: Clause['field'] | undefined = prop
      ? 'property'
      : FIELD_NAMES[fieldToken.text.toLowerCase()];
    if (!field) throw new JqlError(`The JQL field "${fieldToken.text}" is not emulated.`, true);
    const op = next();
    if (prop && (isWord(op, 'is') || (op.kind === 'op' && /^[<>]/.test(op.text)))) {
      return propertyClause(prop, op);
    }
    if (isWord(op, 'is')) {
      const not = isWord(peek(), 'not');
      if (not) pos++;
      const what = next();
      const emptyField = field === 'sprint' || field === 'level' ? field : undefined;
      if (!emptyField || !(isWord(what, 'empty') || isWord(what, 'null'))) {
        throw new JqlError(`The JQL operator "IS" is not emulated for ${field}.`, true);
      }
      const clause: Clause =
        emptyField === 'level' ? { field: 'level', empty: !not } : { field: 'sprint', empty: !not };
      return { kind: 'clause', clause };
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
      case 'status':
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
      case 'id':
        throw new JqlError('Error in the JQL Query: the issue id is parsed by idClause.');
      case 'date':
      case 'propertyEmpty':
      case 'propertyCompare':
        throw new JqlError(`Error in the JQL Query: ${field} is parsed apart.`);
      case 'level':
        throw new JqlError('Security level values are not emulated, only IS [NOT] EMPTY.', true);
      case 'custom':
        throw new JqlError('Custom field values are not emulated, only IS [NOT] EMPTY.', true);
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
      if (f !== 'rank' && f !== 'created' && f !== 'updated' && f !== 'key') {
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
