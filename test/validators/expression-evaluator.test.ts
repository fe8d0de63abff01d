import {
  bin,
  call,
  evaluateExpression,
  ExpressionError,
  get,
  lit,
  renderExpression,
  v,
  validatorPasses,
  type Expr,
} from '../../src/validators/outcome-expression';

/**
 * The evaluator the tests use in place of Jira for the enabler gate's expression: the subset of
 * Jira expressions it is written in, with Jira's strictness (a member of null, a non-boolean
 * condition, an ordering of non-numbers are errors, and an error refuses the transition), and
 * the printing that goes into the manifest.
 */
const env = {
  issue: { summary: '  Pick A Cache ', labels: ['a', 'b'], points: 3, nothing: null },
  types: ['Enabler', 'Spike'],
  empty: null,
};
const evaluate = (e: Expr) => evaluateExpression(e, env);
const fails = (e: Expr, message: string) => {
  let thrown: unknown;
  try {
    evaluate(e);
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(ExpressionError);
  expect(thrown).toMatchObject({ name: 'ExpressionError', message });
};

describe('members', () => {
  it("reads an object's member, and an absent one as null", () => {
    expect(evaluate(get(v('issue'), 'points'))).toBe(3);
    expect(evaluate(get(v('issue'), 'absent'))).toBeNull();
  });

  it('gives the length of text and lists, and no other member of them', () => {
    expect(evaluate(get(get(v('issue'), 'summary'), 'length'))).toBe(15);
    expect(evaluate(get(get(v('issue'), 'labels'), 'length'))).toBe(2);
    expect(evaluate(get(get(v('issue'), 'labels'), 'first'))).toBeNull();
    fails(get(get(v('issue'), 'summary'), 'trim'), '"trim" is not a member of string');
  });

  it('refuses a member of null or of a number', () => {
    fails(get(v('empty'), 'x'), 'cannot read "x" of null');
    fails(get(get(v('issue'), 'nothing'), 'x'), 'cannot read "x" of null');
    fails(get(get(v('issue'), 'points'), 'x'), '"x" is not a member of number');
  });

  it('reads a computed member named by text only', () => {
    expect(evaluate({ k: 'index', obj: v('issue'), key: lit('points') })).toBe(3);
    fails({ k: 'index', obj: v('issue'), key: lit(1) }, 'a computed member must be a string');
  });

  it('knows only the variables it is given', () => {
    expect(evaluate(v('empty'))).toBeNull();
    fails(v('project'), 'unknown variable project');
  });
});

describe('calls', () => {
  it('trims and lowercases text', () => {
    expect(evaluate(call(get(v('issue'), 'summary'), 'trim'))).toBe('Pick A Cache');
    expect(evaluate(call(get(v('issue'), 'summary'), 'toLowerCase'))).toBe('  pick a cache ');
  });

  it('tells whether a list includes a value, and maps a list with an arrow function', () => {
    expect(evaluate(call(v('types'), 'includes', lit('Spike')))).toBe(true);
    expect(evaluate(call(v('types'), 'includes', lit('spike')))).toBe(false);
    const lower = call(v('types'), 'map', {
      k: 'lambda',
      param: 't',
      body: call(v('t'), 'toLowerCase'),
    });
    expect(evaluate(lower)).toEqual(['enabler', 'spike']);
  });

  it('refuses calls on the wrong kind of value', () => {
    fails(call(v('empty'), 'trim'), 'cannot call trim on null');
    fails(call(get(v('issue'), 'points'), 'toLowerCase'), 'toLowerCase needs a string');
    fails(call(get(v('issue'), 'summary'), 'includes', lit('a')), 'includes needs a list');
    fails(call(v('types'), 'includes'), 'includes needs an argument');
    fails(call(v('types'), 'map', lit('t')), 'map needs an arrow function');
    fails(
      { k: 'lambda', param: 't', body: v('t') },
      'an arrow function is only allowed as an argument',
    );
  });
});

describe('operators', () => {
  it('compares any values for equality, strictly', () => {
    expect(evaluate(bin('==', get(v('issue'), 'points'), lit(3)))).toBe(true);
    expect(evaluate(bin('==', get(v('issue'), 'points'), lit('3')))).toBe(false);
    expect(evaluate(bin('!=', v('empty'), lit(null)))).toBe(false);
    expect(evaluate(bin('!=', get(v('issue'), 'points'), lit(null)))).toBe(true);
  });

  it('orders numbers only, the bounds included', () => {
    expect(evaluate(bin('>=', lit(3), lit(3)))).toBe(true);
    expect(evaluate(bin('>=', lit(2), lit(3)))).toBe(false);
    expect(evaluate(bin('<=', lit(3), lit(3)))).toBe(true);
    expect(evaluate(bin('<=', lit(4), lit(3)))).toBe(false);
    fails(bin('>=', lit('3'), lit(3)), '>= compares numbers only');
    fails(bin('<=', lit(3), lit(null)), '<= compares numbers only');
  });

  it('takes only booleans as conditions', () => {
    expect(evaluate(bin('&&', lit(true), lit(false)))).toBe(false);
    expect(evaluate(bin('||', lit(false), lit(true)))).toBe(true);
    expect(evaluate({ k: 'not', e: lit(false) })).toBe(true);
    fails(bin('&&', lit(1), lit(true)), 'a condition is not a boolean');
    fails({ k: 'not', e: lit('yes') }, 'a condition is not a boolean');
  });
});

describe("Jira's answer", () => {
  it('lets the transition through only on true; an error in the expression refuses it', () => {
    expect(validatorPasses(lit(true), env)).toBe(true);
    expect(validatorPasses(lit(1), env)).toBe(false);
    expect(validatorPasses(get(v('empty'), 'x'), env)).toBe(false);
  });

  it('does not hide a failure of its own as a refusal', () => {
    const broken = new Proxy(
      {},
      {
        has: () => {
          throw new TypeError('broken environment');
        },
      },
    );
    expect(() => validatorPasses(v('issue'), broken)).toThrow(TypeError);
  });

  it('prints literals, calls and operators as Jira reads them', () => {
    expect(renderExpression(lit(null))).toBe('null');
    expect(renderExpression(lit('a "b"'))).toBe('"a \\"b\\""');
    expect(renderExpression(bin('>=', get(v('issue'), 'points'), lit(1)))).toBe(
      '(issue.points >= 1)',
    );
    const includes = call(v('types'), 'includes', lit('x'), lit('y'));
    expect(renderExpression(includes)).toBe('types.includes("x", "y")');
    expect(renderExpression({ k: 'not', e: { k: 'index', obj: v('issue'), key: lit('id') } })).toBe(
      '!issue["id"]',
    );
  });
});
