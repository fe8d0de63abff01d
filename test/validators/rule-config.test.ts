import { DEFAULT_CONFIG } from '../../src/domain/config';
import { parseRuleConfiguration } from '../../src/validators/validator-contract';
import {
  describeRule,
  kindOf,
  parseRuleConfig,
  toSave,
  type RuleDefaults,
} from '../../static/validator-config/src/rule-config';

/**
 * The validator configuration screen's conversions (static/validator-config/src/rule-config.ts):
 * what it reads from a saved rule and the JSON it hands Jira through `workflowRules.onConfigure`,
 * checked against the schema the validators read it with.
 */

const defaults: RuleDefaults = {
  scopedOutcomeFieldId: 'customfield_10100',
  gateIssueTypes: ['Enabler', 'Spike'],
  scopedOutcome: {
    minOutcomeLength: 25,
    placeholders: [' TBD ', 'Look into it'],
    requireSuccessMeasure: true,
    requireBound: false,
  },
  maxTimeboxDays: 10,
};

/** A saved expression rule, as the screen wrote it earlier. */
const savedExpression = {
  issueTypes: ['Enabler'],
  fieldId: 'customfield_10077',
  minOutcomeLength: 20,
  placeholders: ['tbd'],
  requireSuccessMeasure: true,
  requireBound: true,
};

const parsedBack = (json: string) => {
  const parsed = parseRuleConfiguration(json);
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.value;
};

describe('parseRuleConfig', () => {
  it.each([
    ['a JSON string', JSON.stringify(savedExpression)],
    ['an object', savedExpression],
    ['a JSON string wrapped as { value }', { value: JSON.stringify(savedExpression) }],
  ])('reads %s, keeping the expression rule’s field id and thresholds', (_label, raw) => {
    expect(parseRuleConfig(raw)).toEqual(savedExpression);
  });

  it('keeps the issue types and known checks, drops what is of the wrong type', () => {
    expect(
      parseRuleConfig({
        issueTypes: [' Enabler ', 7, ''],
        checks: ['scoped-outcome', 'made-up'],
        fieldId: 'summary',
        minOutcomeLength: 'long',
        requireBound: 'yes',
        maxTimeboxDays: 400,
      }),
    ).toEqual({ issueTypes: ['Enabler'], checks: ['scoped-outcome'] });
  });

  it.each([['not json {'], [null], [42], [['Enabler']], ['']])(
    'reads %p as no configuration',
    (raw) => {
      expect(parseRuleConfig(raw)).toEqual({});
    },
  );
});

describe('toSave: function validators', () => {
  it('saves the typed issue types and the ticked checks, nothing else', () => {
    const json = toSave(
      'enabler-function',
      { issueTypes: 'Enabler, Spike ,', checks: ['spike-timebox', 'scoped-outcome'] },
      savedExpression,
      defaults,
    );
    expect(JSON.parse(json)).toEqual({
      issueTypes: ['Enabler', 'Spike'],
      checks: ['scoped-outcome', 'spike-timebox'],
    });
    expect(parsedBack(json)).toEqual(JSON.parse(json));
  });

  it('empty issue types mean the Dual Track settings (no issueTypes saved)', () => {
    const json = toSave(
      'discovery-function',
      { issueTypes: ' ', checks: ['discovery-validated'] },
      {},
      undefined,
    );
    expect(JSON.parse(json)).toEqual({ checks: ['discovery-validated'] });
  });

  it('a check the validator cannot apply is not saved', () => {
    const json = toSave(
      'discovery-function',
      { issueTypes: '', checks: ['scoped-outcome', 'discovery-validated'] },
      {},
      undefined,
    );
    expect(JSON.parse(json)).toEqual({ checks: ['discovery-validated'] });
  });
});

describe('toSave: the expression validator', () => {
  it('carries the field id and the current thresholds (placeholders trimmed, lower case)', () => {
    const json = toSave(
      'enabler-expression',
      { issueTypes: '', checks: ['scoped-outcome'] },
      {},
      defaults,
    );
    expect(JSON.parse(json)).toEqual({
      issueTypes: ['Enabler', 'Spike'],
      fieldId: 'customfield_10100',
      minOutcomeLength: 25,
      placeholders: ['tbd', 'look into it'],
      requireSuccessMeasure: true,
      requireBound: false,
    });
    expect(parsedBack(json)).toEqual(JSON.parse(json));
  });

  it('saved before the settings have loaded: keeps the field id and thresholds it was saved with', () => {
    const json = toSave(
      'enabler-expression',
      { issueTypes: 'Enabler', checks: ['scoped-outcome'] },
      parseRuleConfig(JSON.stringify(savedExpression)),
      undefined,
    );
    expect(JSON.parse(json)).toEqual(savedExpression);
    expect(parsedBack(json).fieldId).toBe('customfield_10077');
  });

  it('typed issue types win over the settings’ gate types; checks are never saved', () => {
    const json = toSave(
      'enabler-expression',
      { issueTypes: 'Spike', checks: ['scoped-outcome'] },
      savedExpression,
      defaults,
    );
    expect(JSON.parse(json)).toMatchObject({ issueTypes: ['Spike'], fieldId: 'customfield_10100' });
    expect(JSON.parse(json)).not.toHaveProperty('checks');
  });

  it('with the default settings, the saved rule passes the validators’ schema', () => {
    const json = toSave(
      'enabler-expression',
      { issueTypes: '', checks: [] },
      {},
      {
        scopedOutcomeFieldId: 'customfield_10100',
        gateIssueTypes: DEFAULT_CONFIG.gate.issueTypes,
        scopedOutcome: DEFAULT_CONFIG.scopedOutcome,
        maxTimeboxDays: DEFAULT_CONFIG.spike.maxTimeboxDays,
      },
    );
    expect(parsedBack(json)).toMatchObject({
      fieldId: 'customfield_10100',
      issueTypes: DEFAULT_CONFIG.gate.issueTypes,
    });
  });
});

describe('kindOf and describeRule', () => {
  it.each([
    ['enabler-gate-validator', 'enabler-function'],
    ['enabler-gate-expression', 'enabler-expression'],
    ['discovery-gate-validator', 'discovery-function'],
    [undefined, 'enabler-function'],
  ])('module %p is the %s rule', (moduleKey, kind) => {
    expect(kindOf(moduleKey)).toBe(kind);
  });

  it('the view names the checks and the issue types', () => {
    expect(
      describeRule({ issueTypes: ['Spike'], checks: ['spike-timebox'] }, 'enabler-function'),
    ).toBe('Checks: spike timebox is set. Applies to: Spike.');
    expect(describeRule({}, 'discovery-function')).toBe(
      'Checks: discovery item is validated. Applies to: the types in the Dual Track settings.',
    );
  });
});
