/**
 * The Jira expression subset interpreter (dev/emulator/jira-expression.ts) on its own: each
 * construct the manifest's validator expression uses, the refusals for everything else, and the
 * manifest's own expression against hand-built issues and configurations.
 */
import fs from 'fs';
import path from 'path';
import { parse } from 'yaml';
import {
  evaluateJiraExpression,
  JiraExpressionError,
  parseJiraExpression,
  validatorAllows,
} from '../../dev/emulator/jira-expression';

const evaluate = (source: string, context: Record<string, unknown> = {}) =>
  evaluateJiraExpression(source, context);

describe('Jira expression subset: constructs', () => {
  it.each<[string, Record<string, unknown>, unknown]>([
    ['1 == 1', {}, true],
    ['"a" != \'a\'', {}, false],
    ['null == null', {}, true],
    ['x != null', { x: 0 }, true],
    ['x == null', { x: null }, true],
    ['a.b.c', { a: { b: { c: 'deep' } } }, 'deep'],
    ['a.missing == null', { a: {} }, true],
    ['a[k]', { a: { customfield_1: 7 }, k: 'customfield_1' }, 7],
    ['a["customfield_1"].x', { a: { customfield_1: { x: 'y' } } }, 'y'],
    ['list[1]', { list: ['a', 'b'] }, 'b'],
    ['!true', {}, false],
    ['!(1 > 2)', {}, true],
    ['true && false', {}, false],
    ['false || true', {}, true],
    ['1 < 2 && 2 <= 2 && 3 > 2 && 3 >= 4', {}, false],
    ['"  Hi ".trim().toLowerCase()', {}, 'hi'],
    ['" ab ".trim().length', {}, 2],
    ['list.length', { list: [1, 2, 3] }, 3],
    ['list.map(t => t.toLowerCase())', { list: ['A', 'b'] }, ['a', 'b']],
    ['list.map(t => t.toLowerCase()).includes("a")', { list: ['A'] }, true],
    ['list.includes(2)', { list: [1, 3] }, false],
    ['"enabler".includes("able")', {}, true],
    ['1.5 >= 1', {}, true],
    ['"it\\"s"', {}, 'it"s'],
    // && binds tighter than ||; comparisons tighter than both.
    ['true || false && false', {}, true],
    ['1 == 1 && 2 == 3 || 4 == 4', {}, true],
  ])('%s', (source, context, expected) => {
    expect(evaluate(source, context)).toEqual(expected);
  });

  it('short-circuits: the right side of && and || is not evaluated when the left decides', () => {
    expect(evaluate('x != null && x.y == 1', { x: null })).toBe(false);
    expect(evaluate('x == null || x.y == 1', { x: null })).toBe(true);
  });
});

describe('Jira expression subset: refusals name the construct', () => {
  it.each<[string, RegExp]>([
    ['a ? 1 : 2', /unsupported character "\?"/],
    ['1 + 2', /unsupported character "\+"/],
    ['list.filter(t => t)', /unsupported method "filter\(\)"/],
    ['list.join(",")', /unsupported method "join\(\)"/],
    ['typeof issue', /unsupported construct "typeof"/],
    ['new Issue(1)', /unsupported construct "new"/],
    ['f(1)', /calling a value/],
    ['{ a: 1 }', /unsupported character "\{"/],
    ['`x`', /unsupported character "`"/],
    ['a b', /unsupported construct "b"/],
    ['(1 == 1', /expected "\)"/],
    ['"open', /unterminated string/],
  ])('%s', (source, message) => {
    expect(() => parseJiraExpression(source)).toThrow(JiraExpressionError);
    expect(() => parseJiraExpression(source)).toThrow(message);
  });

  it.each<[string, Record<string, unknown>, RegExp]>([
    ['x.y', { x: null }, /cannot read "y" of null/],
    ['x.trim()', { x: null }, /cannot call "trim\(\)" on null/],
    ['x.trim()', { x: 3 }, /Number has no method "trim\(\)"/],
    ['x > 1', { x: '2' }, /compares Numbers, got String and Number/],
    ['!x', { x: 'yes' }, /"!" needs a Boolean, got String/],
    ['x && true', { x: null }, /"&&" needs a Boolean, got null/],
    ['unknown == 1', {}, /unknown variable "unknown"/],
    ['s.length.length', { s: 'ab' }, /Number has no property "length"/],
  ])('evaluating %s', (source, context, message) => {
    expect(() => evaluate(source, context)).toThrow(message);
  });

  it('a validator whose expression fails to evaluate refuses the transition', () => {
    expect(validatorAllows('x.y == 1', { x: null })).toEqual({
      allowed: false,
      error: 'cannot read "y" of null',
    });
    expect(validatorAllows('"a string"', {})).toEqual({ allowed: false });
    expect(validatorAllows('1 == 1', {})).toEqual({ allowed: true });
  });
});

describe("the manifest's enabler-gate-expression", () => {
  const manifest = parse(
    fs.readFileSync(path.join(__dirname, '..', '..', 'manifest.yml'), 'utf8'),
  ) as { modules: { 'jira:workflowValidator': Array<{ key: string; expression?: string }> } };
  const expression = manifest.modules['jira:workflowValidator'].find(
    (m) => m.key === 'enabler-gate-expression',
  )?.expression;
  if (!expression) throw new Error('manifest.yml has no enabler-gate-expression expression');

  const config = {
    issueTypes: ['Enabler', 'Spike'],
    fieldId: 'customfield_10050',
    minOutcomeLength: 10,
    placeholders: ['tbd', 'n/a'],
    requireSuccessMeasure: true,
    requireBound: true,
  };
  const complete = {
    outcome: 'Payments run on the new gateway',
    successMeasure: 'Error rate under 0.1%',
    timeboxDays: 10,
  };
  const issue = (type: string, scoped?: Record<string, unknown> | null) => ({
    issueType: { name: type },
    ...(scoped === undefined ? {} : { customfield_10050: scoped }),
  });

  it.each<[string, Record<string, unknown>, Record<string, unknown> | null, boolean]>([
    ['an enabler with a complete scoped outcome', issue('Enabler', complete), config, true],
    [
      'an enabler with a target date instead of a timebox',
      issue('enabler', {
        outcome: complete.outcome,
        successMeasure: 'x',
        targetDate: '2026-12-24',
      }),
      config,
      true,
    ],
    ['an enabler without a scoped outcome', issue('Enabler'), config, false],
    [
      'an enabler whose outcome is a placeholder',
      issue('Enabler', { ...complete, outcome: '  TBD   ' }),
      { ...config, minOutcomeLength: 1 },
      false,
    ],
    [
      'an enabler with a short outcome',
      issue('Enabler', { ...complete, outcome: 'Short' }),
      config,
      false,
    ],
    [
      'a spike with no bound',
      issue('Spike', { outcome: complete.outcome, successMeasure: 'x' }),
      config,
      false,
    ],
    [
      // The spike rule (domain/spike-timebox.ts): a spike is always bounded by its timebox.
      'a spike with no timebox, even when bounds are not required',
      issue('Spike', { outcome: complete.outcome, successMeasure: 'x' }),
      { ...config, requireBound: false },
      false,
    ],
    [
      'an enabler with no bound when bounds are not required',
      issue('Enabler', { outcome: complete.outcome, successMeasure: 'x' }),
      { ...config, requireBound: false },
      true,
    ],
    [
      'a spike with a 3-day timebox, within the limit the rule carries',
      issue('Spike', { ...complete, timeboxDays: 3 }),
      { ...config, maxTimeboxDays: 3 },
      true,
    ],
    [
      'a spike with a 5-day timebox, past the limit',
      issue('Spike', { ...complete, timeboxDays: 5 }),
      { ...config, maxTimeboxDays: 3 },
      false,
    ],
    [
      'a spike under a rule saved before the limit was carried (save the rule again)',
      issue('Spike', { ...complete, timeboxDays: 3 }),
      config,
      false,
    ],
    ['a story (not a gated type)', issue('Story'), config, true],
    [
      'any issue when the rule was saved without a field id',
      issue('Story'),
      { ...config, fieldId: null },
      false,
    ],
    ['any issue when the rule has no configuration', issue('Story'), null, false],
  ])('%s', (_, issueValue, cfg, allowed) => {
    expect(validatorAllows(expression, { issue: issueValue, config: cfg }).allowed).toBe(allowed);
  });

  it('a configuration without issue types fails to evaluate, so it refuses every issue', () => {
    const rest: Record<string, unknown> = { ...config };
    delete rest['issueTypes'];
    expect(validatorAllows(expression, { issue: issue('Story'), config: rest })).toEqual({
      allowed: false,
      error: 'cannot call "map()" on null',
    });
  });
});
