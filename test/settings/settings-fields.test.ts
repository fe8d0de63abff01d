import { ConfigSchema, DEFAULT_CONFIG } from '../../src/domain/config';
import { settingsChanges } from '../../src/domain/config-changes';
import {
  SECTION_TITLES,
  SETTING_FIELDS,
  SETTING_SECTIONS,
  allowedText,
  formatSetting,
  settingAt,
  settingField,
} from '../../src/contract/settings-fields';

/**
 * The settings screens list every setting of the configuration schema, with the ranges the
 * schema enforces (so the helper text next to a field tells the truth).
 */

function withValue(path: string, value: unknown): unknown {
  const [section = '', key = ''] = path.split('.');
  return { [section]: { ...(DEFAULT_CONFIG as Record<string, object>)[section], [key]: value } };
}

/** Does the schema accept the value for the field itself (cross-field rules aside)? */
function accepts(path: string, value: unknown): boolean {
  const result = ConfigSchema.safeParse(withValue(path, value));
  return !(result.error?.issues ?? []).some(
    (i) => i.path.join('.') === path && i.code !== 'custom',
  );
}

describe('settings catalog', () => {
  it('lists every setting of the configuration schema once', () => {
    const schemaPaths = Object.entries(DEFAULT_CONFIG).flatMap(([section, fields]) =>
      Object.keys(fields).map((key) => `${section}.${key}`),
    );
    expect(SETTING_FIELDS.map((f) => f.path).sort()).toEqual(schemaPaths.sort());
  });

  it.each(SETTING_FIELDS.filter((f) => f.kind === 'integer' || f.kind === 'number'))(
    '$path: the range shown is the range the schema enforces',
    (field) => {
      if (field.kind !== 'integer' && field.kind !== 'number') return;
      expect(accepts(field.path, field.min)).toBe(true);
      expect(accepts(field.path, field.max)).toBe(true);
      expect(accepts(field.path, field.min - 1)).toBe(false);
      expect(accepts(field.path, field.max + 1)).toBe(false);
      expect(accepts(field.path, field.min + 0.5)).toBe(field.kind === 'number');
    },
  );

  it('formats values as a person reads them', () => {
    expect(formatSetting(settingField('runway.pauseAtSprints'), 3)).toBe('3 sprints');
    expect(formatSetting(settingField('capacity.discoveryTargetPercent'), 25)).toBe('25%');
    expect(formatSetting(settingField('scopedOutcome.requireBound'), false)).toBe('No');
    expect(formatSetting(settingField('gate.issueTypes'), ['Enabler', 'Spike'])).toBe(
      'Enabler, Spike',
    );
    expect(formatSetting(settingField('guard.policy'), 'flag-only')).toMatch(/flag/);
    expect(formatSetting(settingField('validation.minInterviews'), null)).toBe('not set');
    expect(settingAt(DEFAULT_CONFIG, 'validation.minInterviews')).toBe(3);
    expect(settingAt({}, 'validation.minInterviews')).toBeUndefined();
  });

  it('diffs two versions setting by setting', () => {
    expect(
      settingsChanges(
        { validation: { minInterviews: 3 }, gate: { issueTypes: ['Enabler'] } },
        {
          validation: { minInterviews: 4 },
          gate: { issueTypes: ['Enabler'] },
          guard: { policy: 'flag-only' },
        },
      ),
    ).toEqual([
      { path: 'validation.minInterviews', from: 3, to: 4 },
      { path: 'guard.policy', from: null, to: 'flag-only' },
    ]);
    expect(settingsChanges(DEFAULT_CONFIG, DEFAULT_CONFIG)).toEqual([]);
  });

  it.each(SETTING_FIELDS.filter((f) => f.kind === 'choice'))(
    '$path: offers exactly the values the schema accepts',
    (field) => {
      if (field.kind !== 'choice') return;
      for (const option of field.options) expect(accepts(field.path, option.value)).toBe(true);
      expect(accepts(field.path, 'something-else')).toBe(false);
    },
  );

  it.each(SETTING_FIELDS.filter((f) => f.kind === 'list'))(
    '$path: the least number of entries shown is the one the schema enforces',
    (field) => {
      if (field.kind !== 'list') return;
      expect(
        accepts(
          field.path,
          Array.from({ length: field.minItems }, (_, i) => `x${i}`),
        ),
      ).toBe(true);
      if (field.minItems > 0) expect(accepts(field.path, [])).toBe(false);
    },
  );
});

describe('discovery entry criteria settings', () => {
  it('form their own section, with every setting of the schema section', () => {
    expect(SECTION_TITLES.entry).toBe('Discovery entry criteria');
    expect(SETTING_SECTIONS).toContain('entry');
    expect(
      SETTING_FIELDS.filter((f) => f.path.startsWith('entry.'))
        .map((f) => [f.path, f.kind])
        .sort(),
    ).toEqual(
      [
        ['entry.components', 'list'],
        ['entry.guardMovesBack', 'boolean'],
        ['entry.labels', 'list'],
        ['entry.refuseInValidators', 'boolean'],
        ['entry.riskAtLeast', 'choice'],
        ['entry.uncertaintyAtLeast', 'choice'],
      ].sort(),
    );
  });

  it('read as a person reads them; labels and components may be empty', () => {
    expect(formatSetting(settingField('entry.uncertaintyAtLeast'), 'medium')).toBe(
      'Medium or high',
    );
    expect(formatSetting(settingField('entry.riskAtLeast'), 'off')).toMatch(/^Never/);
    expect(formatSetting(settingField('entry.labels'), ['architecture'])).toBe('architecture');
    expect(formatSetting(settingField('entry.components'), [])).toBe('(none)');
    expect(formatSetting(settingField('entry.refuseInValidators'), true)).toBe('Yes');
    const components = settingField('entry.components');
    expect(components && allowedText(components)).toBe('Separate with commas; may be empty.');
  });

  it('diff like every other section, in a full configuration and in an override', () => {
    const after = {
      ...DEFAULT_CONFIG,
      entry: { ...DEFAULT_CONFIG.entry, riskAtLeast: 'medium', labels: ['architecture', 'infra'] },
    };
    expect(settingsChanges(DEFAULT_CONFIG, after)).toEqual([
      { path: 'entry.riskAtLeast', from: 'high', to: 'medium' },
      { path: 'entry.labels', from: ['architecture'], to: ['architecture', 'infra'] },
    ]);
    expect(settingsChanges({}, { entry: { guardMovesBack: true } })).toEqual([
      { path: 'entry.guardMovesBack', from: null, to: true },
    ]);
  });
});
