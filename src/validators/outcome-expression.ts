import { MAX_TIMEBOX_DAYS, SPIKE_MIN_TIMEBOX_DAYS } from '../domain/spike-timebox';

/**
 * The enabler gate as a Jira expression (manifest `enabler-gate-expression`), for sites that
 * want no function invocation per transition. An expression cannot call the app, so the rule
 * configuration carries the Scoped outcome field id, the gated issue types and the thresholds.
 * More: docs/internals.md#validators-outcome-expression-ts.
 */

export type Expr =
  | { k: 'lit'; v: string | number | boolean | null }
  | { k: 'var'; name: string }
  | { k: 'get'; obj: Expr; prop: string }
  | { k: 'index'; obj: Expr; key: Expr }
  | { k: 'call'; obj: Expr; method: 'trim' | 'toLowerCase' | 'includes' | 'map'; args: Expr[] }
  | { k: 'lambda'; param: string; body: Expr }
  | { k: 'bin'; op: '&&' | '||' | '==' | '!=' | '>=' | '<='; l: Expr; r: Expr }
  | { k: 'not'; e: Expr };

// Builders of the subset (also what the evaluator's tests write expressions with).
export const v = (name: string): Expr => ({ k: 'var', name });
export const lit = (value: string | number | boolean | null): Expr => ({ k: 'lit', v: value });
export const get = (obj: Expr, prop: string): Expr => ({ k: 'get', obj, prop });
export const call = (
  obj: Expr,
  method: Extract<Expr, { k: 'call' }>['method'],
  ...args: Expr[]
): Expr => ({
  k: 'call',
  obj,
  method,
  args,
});
export const bin = (op: Extract<Expr, { k: 'bin' }>['op'], l: Expr, r: Expr): Expr => ({
  k: 'bin',
  op,
  l,
  r,
});
const and = (...es: Expr[]): Expr => es.reduce((a, b) => bin('&&', a, b));
const or = (...es: Expr[]): Expr => es.reduce((a, b) => bin('||', a, b));
const not = (e: Expr): Expr => ({ k: 'not', e });
const notNull = (e: Expr): Expr => bin('!=', e, lit(null));

const config = v('config');
const value = { k: 'index', obj: v('issue'), key: get(config, 'fieldId') } as const satisfies Expr;
const part = (name: string) => get(value, name);
const normalised = (e: Expr) => call(call(e, 'trim'), 'toLowerCase');
const filledText = (e: Expr) => and(notNull(e), bin('>=', get(call(e, 'trim'), 'length'), lit(1)));
const notPlaceholder = (e: Expr) =>
  not(call(get(config, 'placeholders'), 'includes', normalised(e)));

const issueTypeName = call(get(get(v('issue'), 'issueType'), 'name'), 'toLowerCase');

/** The spike timebox rule (domain/spike-timebox.ts): whole days up to the configured maximum. */
const spikeTimebox = or(
  bin('!=', issueTypeName, lit('spike')),
  and(
    notNull(get(config, 'maxTimeboxDays')),
    notNull(part('timeboxDays')),
    bin('>=', part('timeboxDays'), lit(SPIKE_MIN_TIMEBOX_DAYS)),
    bin('<=', part('timeboxDays'), get(config, 'maxTimeboxDays')),
  ),
);

/** The whole rule: true lets the transition through. */
export const ENABLER_GATE_EXPRESSION: Expr = and(
  notNull(config),
  notNull(get(config, 'fieldId')),
  or(
    not(
      call(
        call(get(config, 'issueTypes'), 'map', {
          k: 'lambda',
          param: 't',
          body: call(v('t'), 'toLowerCase'),
        }),
        'includes',
        issueTypeName,
      ),
    ),
    and(
      notNull(value),
      notNull(part('outcome')),
      bin('>=', get(call(part('outcome'), 'trim'), 'length'), get(config, 'minOutcomeLength')),
      notPlaceholder(part('outcome')),
      or(
        not(get(config, 'requireSuccessMeasure')),
        and(filledText(part('successMeasure')), notPlaceholder(part('successMeasure'))),
      ),
      or(
        not(get(config, 'requireBound')),
        and(
          notNull(part('timeboxDays')),
          bin('>=', part('timeboxDays'), lit(1)),
          bin('<=', part('timeboxDays'), lit(MAX_TIMEBOX_DAYS)),
        ),
        and(
          notNull(part('targetDate')),
          bin('==', get(call(part('targetDate'), 'trim'), 'length'), lit(10)),
        ),
      ),
      spikeTimebox,
    ),
  ),
);

// ---------------------------------------------------------------------------------------------
// Printing

export function renderExpression(e: Expr): string {
  switch (e.k) {
    case 'lit':
      return e.v === null ? 'null' : JSON.stringify(e.v);
    case 'var':
      return e.name;
    case 'get':
      return `${renderExpression(e.obj)}.${e.prop}`;
    case 'index':
      return `${renderExpression(e.obj)}[${renderExpression(e.key)}]`;
    case 'call':
      return `${renderExpression(e.obj)}.${e.method}(${e.args.map(renderExpression).join(', ')})`;
    case 'lambda':
      return `${e.param} => ${renderExpression(e.body)}`;
    case 'bin':
      return `(${renderExpression(e.l)} ${e.op} ${renderExpression(e.r)})`;
    case 'not':
      return `!${renderExpression(e.e)}`;
  }
}

// ---------------------------------------------------------------------------------------------
// Evaluating, with Jira expression semantics for this subset

export class ExpressionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExpressionError';
  }
}

type Env = Readonly<Record<string, unknown>>;

function member(obj: unknown, prop: string): unknown {
  if (obj === null || obj === undefined) {
    throw new ExpressionError(`cannot read "${prop}" of null`);
  }
  if (typeof obj === 'string' && prop === 'length') return obj.length;
  if (Array.isArray(obj) && prop === 'length') return obj.length;
  if (typeof obj === 'object') {
    const found = (obj as Record<string, unknown>)[prop];
    return found === undefined ? null : found;
  }
  throw new ExpressionError(`"${prop}" is not a member of ${typeof obj}`);
}

function truthy(value: unknown): boolean {
  if (typeof value !== 'boolean') throw new ExpressionError('a condition is not a boolean');
  return value;
}

export function evaluateExpression(e: Expr, env: Env): unknown {
  switch (e.k) {
    case 'lit':
      return e.v;
    case 'var':
      if (!(e.name in env)) throw new ExpressionError(`unknown variable ${e.name}`);
      return env[e.name] ?? null;
    case 'get':
      return member(evaluateExpression(e.obj, env), e.prop);
    case 'index': {
      const key = evaluateExpression(e.key, env);
      if (typeof key !== 'string') throw new ExpressionError('a computed member must be a string');
      return member(evaluateExpression(e.obj, env), key);
    }
    case 'call': {
      const target = evaluateExpression(e.obj, env);
      if (target === null || target === undefined) {
        throw new ExpressionError(`cannot call ${e.method} on null`);
      }
      if (e.method === 'trim' || e.method === 'toLowerCase') {
        if (typeof target !== 'string') throw new ExpressionError(`${e.method} needs a string`);
        return e.method === 'trim' ? target.trim() : target.toLowerCase();
      }
      if (!Array.isArray(target)) throw new ExpressionError(`${e.method} needs a list`);
      const arg = e.args[0];
      if (!arg) throw new ExpressionError(`${e.method} needs an argument`);
      if (e.method === 'includes') {
        const wanted = evaluateExpression(arg, env);
        return target.some((x) => x === wanted);
      }
      if (arg.k !== 'lambda') throw new ExpressionError('map needs an arrow function');
      return target.map((x: unknown) => evaluateExpression(arg.body, { ...env, [arg.param]: x }));
    }
    case 'lambda':
      throw new ExpressionError('an arrow function is only allowed as an argument');
    case 'bin': {
      if (e.op === '&&') {
        return truthy(evaluateExpression(e.l, env)) ? truthy(evaluateExpression(e.r, env)) : false;
      }
      if (e.op === '||') {
        return truthy(evaluateExpression(e.l, env)) ? true : truthy(evaluateExpression(e.r, env));
      }
      const l = evaluateExpression(e.l, env);
      const r = evaluateExpression(e.r, env);
      if (e.op === '==') return l === r;
      if (e.op === '!=') return l !== r;
      if (typeof l !== 'number' || typeof r !== 'number') {
        throw new ExpressionError(`${e.op} compares numbers only`);
      }
      return e.op === '>=' ? l >= r : l <= r;
    }
    case 'not':
      return !truthy(evaluateExpression(e.e, env));
  }
}

/** What Jira makes of the result: only `true` passes; an error or anything else refuses. */
export function validatorPasses(e: Expr, env: Env): boolean {
  try {
    return evaluateExpression(e, env) === true;
  } catch (error) {
    if (error instanceof ExpressionError) return false;
    throw error;
  }
}
