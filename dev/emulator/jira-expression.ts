/**
 * A Jira expression interpreter for the subset the manifest's validator expression uses, so tests
 * can check what a saved rule configuration does to an issue. Anything outside the subset throws
 * JiraExpressionError naming the construct: it never guesses. Semantics follow
 * https://developer.atlassian.com/cloud/jira/platform/jira-expressions/ (member access, lambdas,
 * operators) and .../jira-expressions-type-reference (String, List, Number methods); reading a
 * property of null is an evaluation error, and a validator whose expression fails is false
 * (https://developer.atlassian.com/platform/forge/manifest-reference/modules/jira-workflow-validator/).
 */

import { ALL_STATUSES, type JiraEmulator } from './jira-emulator';

export class JiraExpressionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JiraExpressionError';
  }
}

type Token =
  | { kind: 'num'; value: number; at: number }
  | { kind: 'str'; value: string; at: number }
  | { kind: 'id'; value: string; at: number }
  | { kind: 'op'; value: string; at: number }
  | { kind: 'end'; at: number };

const OPERATORS = [
  '=>',
  '==',
  '!=',
  '<=',
  '>=',
  '&&',
  '||',
  '!',
  '<',
  '>',
  '.',
  '(',
  ')',
  '[',
  ']',
  ',',
];

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const c = source[i] ?? '';
    if (/\s/.test(c)) {
      i += 1;
      continue;
    }
    if (/[0-9]/.test(c)) {
      const m = /^[0-9]+(\.[0-9]+)?/.exec(source.slice(i));
      const text = m?.[0] ?? c;
      tokens.push({ kind: 'num', value: Number(text), at: i });
      i += text.length;
      continue;
    }
    if (/[A-Za-z_$]/.test(c)) {
      const text = /^[A-Za-z_$][A-Za-z0-9_$]*/.exec(source.slice(i))?.[0] ?? c;
      tokens.push({ kind: 'id', value: text, at: i });
      i += text.length;
      continue;
    }
    if (c === '"' || c === "'") {
      let j = i + 1;
      let value = '';
      while (j < source.length && source[j] !== c) {
        if (source[j] === '\\') {
          const next = source[j + 1];
          if (next !== c && next !== '\\') {
            throw new JiraExpressionError(`unsupported escape \\${next ?? ''} at ${j}`);
          }
          value += next;
          j += 2;
        } else {
          value += source[j];
          j += 1;
        }
      }
      if (j >= source.length) throw new JiraExpressionError(`unterminated string at ${i}`);
      tokens.push({ kind: 'str', value, at: i });
      i = j + 1;
      continue;
    }
    const op = OPERATORS.find((o) => source.startsWith(o, i));
    if (!op) throw new JiraExpressionError(`unsupported character "${c}" at ${i}`);
    tokens.push({ kind: 'op', value: op, at: i });
    i += op.length;
  }
  tokens.push({ kind: 'end', at: source.length });
  return tokens;
}

export type Node =
  | { type: 'literal'; value: string | number | boolean | null }
  | { type: 'variable'; name: string }
  | { type: 'member'; object: Node; property: string }
  | { type: 'index'; object: Node; index: Node }
  | { type: 'call'; object: Node; method: string; args: Node[] }
  | { type: 'lambda'; param: string; body: Node }
  | { type: 'not'; operand: Node }
  | { type: 'binary'; op: string; left: Node; right: Node };

/** Binding power of each binary operator, lowest first (the JavaScript order). */
const PRECEDENCE: Readonly<Record<string, number>> = {
  '||': 1,
  '&&': 2,
  '==': 3,
  '!=': 3,
  '<': 4,
  '<=': 4,
  '>': 4,
  '>=': 4,
};

/** The methods the subset knows; any other method call is refused when parsed. */
const METHODS = new Set(['map', 'includes', 'toLowerCase', 'trim']);

export function parseJiraExpression(source: string): Node {
  const tokens = tokenize(source);
  let pos = 0;
  const peek = (): Token => tokens[pos] ?? { kind: 'end', at: source.length };
  const next = (): Token => {
    const t = peek();
    pos += 1;
    return t;
  };
  const isOp = (value: string) => {
    const t = peek();
    return t.kind === 'op' && t.value === value;
  };
  const expect = (value: string) => {
    const t = next();
    if (t.kind !== 'op' || t.value !== value) {
      throw new JiraExpressionError(`expected "${value}" at ${t.at}`);
    }
  };
  const describe = (t: Token) => (t.kind === 'end' ? 'end of expression' : `"${t.value}"`);

  function primary(): Node {
    const t = next();
    if (t.kind === 'num' || t.kind === 'str') return { type: 'literal', value: t.value };
    if (t.kind === 'id') {
      if (t.value === 'null') return { type: 'literal', value: null };
      if (t.value === 'true' || t.value === 'false') {
        return { type: 'literal', value: t.value === 'true' };
      }
      if (['typeof', 'new', 'let', 'in'].includes(t.value)) {
        throw new JiraExpressionError(`unsupported construct "${t.value}" at ${t.at}`);
      }
      if (isOp('=>')) {
        next();
        return { type: 'lambda', param: t.value, body: expression(0) };
      }
      return { type: 'variable', name: t.value };
    }
    if (t.kind === 'op' && t.value === '(') {
      const inner = expression(0);
      expect(')');
      return inner;
    }
    if (t.kind === 'op' && t.value === '!') return { type: 'not', operand: postfix(primary()) };
    throw new JiraExpressionError(`unsupported construct ${describe(t)} at ${t.at}`);
  }

  function postfix(start: Node): Node {
    let node = start;
    for (;;) {
      if (isOp('.')) {
        next();
        const name = next();
        if (name.kind !== 'id') throw new JiraExpressionError(`expected a name at ${name.at}`);
        if (isOp('(')) {
          if (!METHODS.has(name.value)) {
            throw new JiraExpressionError(`unsupported method "${name.value}()" at ${name.at}`);
          }
          next();
          const args: Node[] = [];
          while (!isOp(')')) {
            args.push(expression(0));
            if (!isOp(')')) expect(',');
          }
          expect(')');
          node = { type: 'call', object: node, method: name.value, args };
        } else {
          node = { type: 'member', object: node, property: name.value };
        }
      } else if (isOp('[')) {
        next();
        const index = expression(0);
        expect(']');
        node = { type: 'index', object: node, index };
      } else if (isOp('(')) {
        throw new JiraExpressionError(`unsupported construct: calling a value at ${peek().at}`);
      } else {
        return node;
      }
    }
  }

  function expression(minPrecedence: number): Node {
    let left = postfix(primary());
    for (;;) {
      const t = peek();
      if (t.kind !== 'op') {
        if (t.kind === 'end') return left;
        throw new JiraExpressionError(`unsupported construct ${describe(t)} at ${t.at}`);
      }
      const precedence = PRECEDENCE[t.value];
      if (precedence === undefined || precedence <= minPrecedence) return left;
      next();
      const right = expression(precedence);
      left = { type: 'binary', op: t.value, left, right };
    }
  }

  const root = expression(0);
  const rest = peek();
  if (rest.kind !== 'end') {
    throw new JiraExpressionError(`unsupported construct ${describe(rest)} at ${rest.at}`);
  }
  return root;
}

type Value = string | number | boolean | null | Value[] | { [key: string]: Value } | Lambda;
interface Lambda {
  lambda: (arg: Value) => Value;
}

function typeName(v: Value): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'List';
  if (typeof v === 'string') return 'String';
  if (typeof v === 'number') return 'Number';
  if (typeof v === 'boolean') return 'Boolean';
  return 'Map';
}

function isLambda(v: Value): v is Lambda {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && typeof v.lambda === 'function';
}

function equal(a: Value, b: Value): boolean {
  if (a === null || b === null) return a === b;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((x, i) => equal(x, b[i] ?? null));
  }
  if (typeof a === 'object' || typeof b === 'object') {
    return JSON.stringify(a) === JSON.stringify(b);
  }
  return a === b;
}

function bool(v: Value, what: string): boolean {
  if (typeof v !== 'boolean') {
    throw new JiraExpressionError(`${what} needs a Boolean, got ${typeName(v)}`);
  }
  return v;
}

function evaluate(node: Node, scope: Readonly<Record<string, Value>>): Value {
  switch (node.type) {
    case 'literal':
      return node.value;
    case 'variable':
      if (!Object.hasOwn(scope, node.name)) {
        throw new JiraExpressionError(`unknown variable "${node.name}"`);
      }
      return scope[node.name] ?? null;
    case 'lambda':
      return {
        lambda: (arg) => evaluate(node.body, { ...scope, [node.param]: arg }),
      };
    case 'not':
      return !bool(evaluate(node.operand, scope), '"!"');
    case 'member':
      return member(evaluate(node.object, scope), node.property);
    case 'index': {
      const index = evaluate(node.index, scope);
      const object = evaluate(node.object, scope);
      if (typeof index === 'string') return member(object, index);
      if (typeof index === 'number' && Array.isArray(object)) return object[index] ?? null;
      throw new JiraExpressionError(`cannot index ${typeName(object)} by ${typeName(index)}`);
    }
    case 'call':
      return call(
        evaluate(node.object, scope),
        node.method,
        node.args.map((a) => evaluate(a, scope)),
      );
    case 'binary':
      return binary(node, scope);
  }
}

function member(object: Value, property: string): Value {
  if (object === null) throw new JiraExpressionError(`cannot read "${property}" of null`);
  if (property === 'length' && (typeof object === 'string' || Array.isArray(object))) {
    return object.length;
  }
  if (typeof object !== 'object' || Array.isArray(object) || isLambda(object)) {
    throw new JiraExpressionError(`${typeName(object)} has no property "${property}"`);
  }
  return Object.hasOwn(object, property) ? (object[property] ?? null) : null;
}

function call(object: Value, method: string, args: Value[]): Value {
  if (object === null) throw new JiraExpressionError(`cannot call "${method}()" on null`);
  const arity = (n: number) => {
    if (args.length !== n) {
      throw new JiraExpressionError(`"${method}()" takes ${n} argument(s), got ${args.length}`);
    }
  };
  if (typeof object === 'string') {
    if (method === 'toLowerCase' || method === 'trim') {
      arity(0);
      return method === 'trim' ? object.trim() : object.toLowerCase();
    }
    if (method === 'includes') {
      arity(1);
      const needle = args[0] ?? null;
      if (typeof needle !== 'string') {
        throw new JiraExpressionError(`String.includes() needs a String, got ${typeName(needle)}`);
      }
      return object.includes(needle);
    }
  }
  if (Array.isArray(object)) {
    if (method === 'includes') {
      arity(1);
      return object.some((x) => equal(x, args[0] ?? null));
    }
    if (method === 'map') {
      arity(1);
      const fn = args[0] ?? null;
      if (!isLambda(fn)) throw new JiraExpressionError('List.map() needs an arrow function');
      return object.map((x) => fn.lambda(x));
    }
  }
  throw new JiraExpressionError(`${typeName(object)} has no method "${method}()"`);
}

function binary(node: Extract<Node, { type: 'binary' }>, scope: Readonly<Record<string, Value>>) {
  const left = evaluate(node.left, scope);
  if (node.op === '&&') {
    return bool(left, '"&&"') ? bool(evaluate(node.right, scope), '"&&"') : false;
  }
  if (node.op === '||') {
    return bool(left, '"||"') ? true : bool(evaluate(node.right, scope), '"||"');
  }
  const right = evaluate(node.right, scope);
  if (node.op === '==') return equal(left, right);
  if (node.op === '!=') return !equal(left, right);
  if (typeof left !== 'number' || typeof right !== 'number') {
    throw new JiraExpressionError(
      `"${node.op}" compares Numbers, got ${typeName(left)} and ${typeName(right)}`,
    );
  }
  if (node.op === '<') return left < right;
  if (node.op === '<=') return left <= right;
  if (node.op === '>') return left > right;
  return left >= right;
}

/**
 * The `issue` context variable for an emulated issue: the Issue properties the subset reads
 * (id, key, summary, issueType, status) and each custom field by its id, as computed member
 * access `issue[fieldId]` reads it.
 */
export function issueForExpression(em: JiraEmulator, key: string): Record<string, unknown> {
  const issue = em.findIssue(key);
  if (!issue) throw new JiraExpressionError(`no issue ${key} in the emulator`);
  const type = em.issueTypes.get(issue.issueTypeId);
  const status = ALL_STATUSES.find((s) => s.id === issue.statusId);
  return {
    ...Object.fromEntries(issue.custom),
    id: Number(issue.id),
    key: issue.key,
    summary: issue.summary,
    issueType: { id: issue.issueTypeId, name: type?.name ?? null },
    status: { id: issue.statusId, name: status?.name ?? null },
  };
}

/** Evaluates `source` with the given context variables (JSON values). */
export function evaluateJiraExpression(
  source: string,
  context: Readonly<Record<string, unknown>>,
): unknown {
  const scope = JSON.parse(JSON.stringify(context)) as Record<string, Value>;
  return evaluate(parseJiraExpression(source), scope);
}

/**
 * What Jira decides for a validator expression: true only when it evaluates to true; an error or
 * any other value refuses the transition.
 */
export function validatorAllows(
  source: string,
  context: Readonly<Record<string, unknown>>,
): { allowed: boolean; error?: string } {
  try {
    return { allowed: evaluateJiraExpression(source, context) === true };
  } catch (error) {
    if (error instanceof JiraExpressionError) return { allowed: false, error: error.message };
    throw error;
  }
}
