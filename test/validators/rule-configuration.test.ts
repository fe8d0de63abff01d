import { parseRuleConfiguration } from '../../src/validators/validator-contract';

/**
 * What a validator makes of the configuration Jira passes with the rule: nothing saved is the
 * app settings; Jira's `{ value: "<json>" }` wrapper, a JSON string or an object all read the
 * same; anything else is refused, naming the first field that is wrong.
 */
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
    expect(parseRuleConfiguration({ minOutcomeLength: 0 })).toEqual({
      ok: false,
      message: expect.stringMatching(/^configuration minOutcomeLength: .+/),
    });
    expect(parseRuleConfiguration({ fieldId: 'summary' })).toEqual({
      ok: false,
      message: expect.stringMatching(/^configuration fieldId: /),
    });
  });

  it('refuses a configuration that is not an object', () => {
    expect(parseRuleConfiguration(42)).toEqual({
      ok: false,
      message: expect.stringMatching(/^configuration \(root\): .+/),
    });
  });
});
