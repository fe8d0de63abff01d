/**
 * A tiny evaluator for the subset of Jira expressions that manifest.yml's trigger filters use:
 * member access, `null`/`true`/`false`, string and number literals, `==`, `!=`, `!`, `&&`, `||`,
 * parentheses, and the list methods `some`, `every` and `includes` with arrow functions
 * (`items.some(item => item.field == "Sprint")`). Reading a member of null is an error, as in
 * Jira; anything outside the subset throws, so a filter the bench cannot read fails loudly.
 */

type Token =
  | { kind: 'ident'; text: string }
  | { kind: 'string'; value: string }
  | { kind: 'number'; value: number }
  | { kind: 'op'; text: string };

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const c = source.charAt(i);
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const two = source.slice(i, i + 2);
    if (['==', '!=', '&&', '||', '=>'].includes(two)) {
      tokens.push({ kind: 'op', text: two });
      i += 2;
    } else if ('().,!'.includes(c)) {
      tokens.push({ kind: 'op', text: c });
      i++;
    } else if (c === '"' || c === "'") {
      let value = '';
      let j = i + 1;
      while (j < source.length && source.charAt(j) !== c) {
        if (source.charAt(j) === '\\') j++;
        value += source.charAt(j);
        j++;
      }
      if (j >= source.length) throw new Error(`unterminated string at ${i}`);
      tokens.push({ kind: 'string', value });
      i = j + 1;
    } else {
      const word = /^[A-Za-z_][A-Za-z0-9_]*|^\d+(\.\d+)?/.exec(source.slice(i));
      if (!word) throw new Error(`unexpected "${c}" at ${i}`);
      const text = word[0];
      tokens.push(
        /^\d/.test(text) ? { kind: 'number', value: Number(text) } : { kind: 'ident', text },
      );
      i += text.length;
    }
  }
  return tokens;
}

type Scope = Readonly<Record<string, unknown>>;
type Node = (scope: Scope) => unknown;

const METHODS = ['some', 'every', 'includes'] as const;

function member(target: unknown, name: string): unknown {
  if (target === null || target === undefined) {
    throw new Error(`cannot read "${name}" of null`);
  }
  if (typeof target !== 'object') return undefined;
  const value = (target as Record<string, unknown>)[name];
  return value === undefined ? null : value;
}

/** Compiles an expression; the result evaluates it against named values (e.g. `{ event }`). */
export function compileFilter(source: string): (scope: Scope) => boolean {
  const tokens = tokenize(source);
  let pos = 0;
  const peek = (): Token | undefined => tokens[pos];
  const isOp = (text: string): boolean => {
    const t = peek();
    return t !== undefined && t.kind === 'op' && t.text === text;
  };
  const expectOp = (text: string): void => {
    if (!isOp(text)) throw new Error(`expected "${text}" at token ${pos}`);
    pos++;
  };

  const arrow = (): ((item: unknown, scope: Scope) => unknown) => {
    const param = tokens[pos];
    if (param?.kind !== 'ident') throw new Error('expected an arrow function');
    pos++;
    expectOp('=>');
    const body = or();
    return (item, scope) => body({ ...scope, [param.text]: item });
  };

  const primary = (): Node => {
    const t = tokens[pos++];
    if (!t) throw new Error('the expression ended early');
    if (t.kind === 'string' || t.kind === 'number') return () => t.value;
    if (t.kind === 'op' && t.text === '(') {
      const inner = or();
      expectOp(')');
      return inner;
    }
    if (t.kind === 'ident') {
      if (t.text === 'null') return () => null;
      if (t.text === 'true') return () => true;
      if (t.text === 'false') return () => false;
      return (scope) => {
        if (!(t.text in scope)) throw new Error(`unknown name "${t.text}"`);
        return scope[t.text] ?? null;
      };
    }
    throw new Error(`unexpected "${t.text}"`);
  };

  const postfix = (): Node => {
    let node = primary();
    while (isOp('.')) {
      pos++;
      const name = tokens[pos++];
      if (name?.kind !== 'ident') throw new Error('expected a member name after "."');
      const target = node;
      if (isOp('(')) {
        pos++;
        const method = METHODS.find((m) => m === name.text);
        if (!method) throw new Error(`method "${name.text}" is not in the subset`);
        if (method === 'includes') {
          const arg = or();
          expectOp(')');
          node = (scope) => {
            const list = target(scope);
            if (!Array.isArray(list)) throw new Error('includes() of a non-list');
            const wanted = arg(scope);
            return list.includes(wanted);
          };
        } else {
          const fn = arrow();
          expectOp(')');
          node = (scope) => {
            const list = target(scope);
            if (!Array.isArray(list)) throw new Error(`${method}() of a non-list`);
            const test = (item: unknown) => fn(item, scope) === true;
            return method === 'some' ? list.some(test) : list.every(test);
          };
        }
      } else {
        node = (scope) => member(target(scope), name.text);
      }
    }
    return node;
  };

  const unary = (): Node => {
    if (isOp('!')) {
      pos++;
      const inner = unary();
      return (scope) => inner(scope) !== true;
    }
    return postfix();
  };

  const comparison = (): Node => {
    const left = unary();
    if (isOp('==') || isOp('!=')) {
      const negate = isOp('!=');
      pos++;
      const right = unary();
      return (scope) => (left(scope) === right(scope)) !== negate;
    }
    return left;
  };

  const and = (): Node => {
    let node = comparison();
    while (isOp('&&')) {
      pos++;
      const left = node;
      const right = comparison();
      node = (scope) => left(scope) === true && right(scope) === true;
    }
    return node;
  };

  function or(): Node {
    let node = and();
    while (isOp('||')) {
      pos++;
      const left = node;
      const right = and();
      node = (scope) => left(scope) === true || right(scope) === true;
    }
    return node;
  }

  const root = or();
  if (pos < tokens.length) throw new Error(`unexpected token ${pos} after the expression`);
  return (scope) => root(scope) === true;
}

/**
 * Whether Forge would invoke the function for this event: the filter's expression is true, or
 * it fails to evaluate and `onError` receives the event anyway (RECEIVE_AND_LOG).
 */
export function filterInvokes(
  filter: { expression: string; onError?: string },
  event: unknown,
): boolean {
  try {
    return compileFilter(filter.expression)({ event });
  } catch {
    return filter.onError !== 'IGNORE_AND_LOG';
  }
}
