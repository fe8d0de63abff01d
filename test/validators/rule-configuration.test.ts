import { parseRuleConfiguration } from '../../src/validators/validator-contract';

/**
 * What a validator makes of the configuration Jira passes with the rule: nothing saved is the
 * app settings; Jira's `{ value: "<json>" }` wrapper, a JSON string or an object all read the
 * same; anything else is refused, naming the first field that is wrong.
 */
/** The refusal's message (and that it is a refusal). */
function refusal(raw: unknown): string {
  const parsed = parseRuleConfiguration(raw);
  expect(parsed.ok).toBe(false);
  return parsed.ok ? '' : parsed.message;
}

describe('a rule configuration', () => {
  it.each([undefined, null, ''])('saved as %p means the app settings', (raw) => {
    expect(parseRuleConfiguration(raw)).toEqual({ ok: true, value: {} });
  });

  it("reads Jira's value wrapper, a JSON string and a plain object alike", () => {
    const rule = { issueTypes: ['Enabler'], minOutcomeLength: 20 };
    const expected = { ok: true, value: rule };
    expect(parseRuleConfiguration({ value: JSON.stringify(rule) })).toEqual(expected);
    expect(parseRuleConfiguration(JSON.stringify(rule))).toEqual(expected);
    expect(parseRuleConfiguration(rule)).toEqual(expected);
  });

  it('does not unwrap an object that has more than a value', () => {
    expect(parseRuleConfiguration({ value: '{}', requireBound: true })).toEqual({
      ok: false,
      message: 'configuration (root): Unrecognized key: "value"',
    });
  });

  it('refuses a saved string that is not JSON', () => {
    expect(parseRuleConfiguration({ value: 'issueTypes=Enabler' })).toEqual({
      ok: false,
      message: 'its saved configuration is not valid JSON',
    });
  });

  it('names the first field that is wrong', () => {
    expect(refusal({ minOutcomeLength: 0 })).toMatch(/^configuration minOutcomeLength: .+/);
    expect(refusal({ fieldId: 'summary' })).toMatch(/^configuration fieldId: /);
    expect(refusal({ issueTypes: ['Enabler', ''] })).toMatch(/^configuration issueTypes\.1: /);
  });

  it('refuses a configuration that is not an object', () => {
    expect(refusal(42)).toMatch(/^configuration \(root\): .+/);
  });
});
