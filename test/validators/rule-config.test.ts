import { DEFAULT_CONFIG } from '../../src/domain/config';
import { parseRuleConfiguration } from '../../src/validators/validator-contract';
import {
  describeRule,
  kindOf,
  missingForExpression,
  parseRuleConfig,
  saveProblem,
  toSave as toSaveOrRefuse,
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

/** toSave where the test expects a configuration (undefined would mean: Jira saves nothing). */
const toSave = (...args: Parameters<typeof toSaveOrRefuse>): string => {
  const json = toSaveOrRefuse(...args);
  if (json === undefined) throw new Error('toSave refused to save');
  return json;
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
      // The spike rule's limit: the expression holds spikes to it.
      maxTimeboxDays: 10,
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

describe('toSave: the expression validator never saves a rule that refuses every transition', () => {
  const choice = { issueTypes: '', checks: [] };

  it('the settings could not be loaded and the rule was never saved: nothing to save (undefined)', () => {
    expect(toSaveOrRefuse('enabler-expression', choice, {}, undefined)).toBeUndefined();
    expect(saveProblem('enabler-expression', choice, {}, undefined, 'no resolver')).toBe(
      'This rule cannot be saved: the Dual Track settings could not be loaded (no resolver), and ' +
        'without issueTypes, fieldId, minOutcomeLength, placeholders, requireSuccessMeasure, ' +
        'requireBound its expression would refuse every transition.',
    );
  });

  it('typed issue types alone are not enough: still no field id or thresholds', () => {
    const typed = { issueTypes: 'Enabler', checks: [] };
    expect(toSaveOrRefuse('enabler-expression', typed, {}, undefined)).toBeUndefined();
    expect(saveProblem('enabler-expression', typed, {}, undefined, 'down')).toMatch(
      /without fieldId, minOutcomeLength/,
    );
  });

  it('the site has no Scoped outcome field: nothing to save, and the screen says why', () => {
    const noField: RuleDefaults = { ...defaults, scopedOutcomeFieldId: undefined };
    expect(toSaveOrRefuse('enabler-expression', choice, {}, noField)).toBeUndefined();
    expect(saveProblem('enabler-expression', choice, {}, noField)).toBe(
      'This rule cannot be saved: the Scoped outcome field was not found on this site, and ' +
        'without fieldId its expression would refuse every transition.',
    );
  });

  it('a rule saved earlier with everything keeps saving when the settings cannot be loaded', () => {
    const saved = parseRuleConfig(JSON.stringify(savedExpression));
    expect(saveProblem('enabler-expression', choice, saved, undefined, 'down')).toBeUndefined();
    expect(JSON.parse(toSave('enabler-expression', choice, saved, undefined))).toEqual(
      savedExpression,
    );
  });

  it('a saved rule missing one threshold is not saved again as it is', () => {
    const raw: Record<string, unknown> = { ...savedExpression };
    delete raw['requireBound'];
    const partial = parseRuleConfig(raw);
    expect(missingForExpression(partial)).toEqual(['requireBound']);
    expect(toSaveOrRefuse('enabler-expression', choice, partial, undefined)).toBeUndefined();
  });

  it('function validators always save (their checks read the settings at transition time)', () => {
    expect(toSaveOrRefuse('enabler-function', choice, {}, undefined)).toBe('{}');
    expect(saveProblem('discovery-function', choice, {}, undefined, 'down')).toBeUndefined();
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
