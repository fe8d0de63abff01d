import { DEFAULT_CONFIG, type Config } from '../../src/domain/config';
import { withoutInherited } from '../../src/domain/config-inherit';
import { settingField } from '../../src/contract/settings-fields';
import {
  checkOverride,
  checkSettings,
  draftOf,
  errorsByField,
  isInheritedValue,
} from '../../static/shared/settings-draft';

/**
 * The settings forms' checks as a person types: the server's schema rules, a cross-field rule's
 * problem at every setting it compares, and a project value equal to the inherited one staying
 * inherited (never saved as an override).
 */

const global: Config = {
  ...DEFAULT_CONFIG,
  runway: { ...DEFAULT_CONFIG.runway, targetMinSprints: 1, targetMaxSprints: 2, pauseAtSprints: 3 },
  spike: { defaultTimeboxDays: 3, maxTimeboxDays: 5 },
};
const adminDraft = (changes: Record<string, string | boolean>) => ({
  ...draftOf(DEFAULT_CONFIG),
  ...changes,
});

describe('the admin form (global settings)', () => {
  it.each([
    ['validation.minInterviews', '25', /^Must be a whole number from 0 to 20\.$/],
    ['validation.minInterviews', '2.5', /whole number from 0 to 20/],
    ['validation.minInterviews', '', /whole number from 0 to 20/],
    ['runway.targetMaxSprints', 'x', /^Must be a number from 0 to 10\.$/],
    ['gate.issueTypes', ' , ', /at least one issue type/],
  ])('refuses %s = %j with the schema’s message at that setting only', (path, value, message) => {
    const checked = checkSettings(adminDraft({ [path]: value }));
    if (checked.ok) throw new Error('expected a refusal');
    expect(checked.errors[path]).toMatch(message);
    expect(Object.keys(checked.errors)).toEqual([path]);
  });

  it.each([
    [
      'runway min above max',
      {
        'runway.targetMinSprints': '3',
        'runway.targetMaxSprints': '2',
        'runway.pauseAtSprints': '4',
      },
      ['runway.targetMinSprints', 'runway.targetMaxSprints'],
      /lower runway target must not be above the upper/,
    ],
    [
      'pause not above the upper target',
      { 'runway.targetMaxSprints': '3', 'runway.pauseAtSprints': '3' },
      ['runway.targetMaxSprints', 'runway.pauseAtSprints'],
      /pause threshold must be above the upper runway target/,
    ],
    [
      'default spike timebox above the longest',
      { 'spike.defaultTimeboxDays': '5', 'spike.maxTimeboxDays': '4' },
      ['spike.defaultTimeboxDays', 'spike.maxTimeboxDays'],
      /default spike timebox must not exceed the longest/,
    ],
  ])('shows a cross-field rule (%s) at both settings', (_name, changes, paths, message) => {
    const checked = checkSettings(adminDraft(changes));
    if (checked.ok) throw new Error('expected a refusal');
    expect(Object.keys(checked.errors).sort()).toEqual([...paths].sort());
    for (const path of paths) expect(checked.errors[path]).toMatch(message);
  });

  it('takes a valid draft as the configuration the server would store', () => {
    const checked = checkSettings(adminDraft({ 'validation.minInterviews': '5' }));
    expect(checked).toEqual({
      ok: true,
      value: { ...DEFAULT_CONFIG, validation: { ...DEFAULT_CONFIG.validation, minInterviews: 5 } },
    });
  });

  it('maps a resolver’s refusal (payload paths) the same way, cross-field rules at both', () => {
    expect(
      errorsByField(
        [
          { path: 'settings.spike.defaultTimeboxDays', message: 'too long' },
          { path: 'settings.gate.issueTypes.0', message: 'empty' },
          { path: 'settings', message: 'broken' },
        ],
        'settings',
      ),
    ).toEqual({
      'spike.defaultTimeboxDays': 'Too long.',
      'spike.maxTimeboxDays': 'Too long.',
      'gate.issueTypes': 'Empty.',
      '': 'Broken.',
    });
  });
});

describe('a project’s form (overrides over the inherited settings)', () => {
  it('leaves out a value typed equal to the inherited one: it is no override', () => {
    const checked = checkOverride(
      {
        'validation.minInterviews': '3',
        'spike.maxTimeboxDays': '5',
        'runway.pauseAtSprints': '4',
      },
      global,
    );
    expect(checked).toEqual({ ok: true, value: { runway: { pauseAtSprints: 4 } } });
  });

  it('compares lists and numbers as values, not as typed text', () => {
    const types = settingField('gate.issueTypes');
    const min = settingField('runway.targetMinSprints');
    if (!types || !min) throw new Error('unknown settings');
    expect(isInheritedValue(types, ' Enabler ,Spike', global)).toBe(true);
    expect(isInheritedValue(types, 'Spike, Enabler', global)).toBe(false);
    expect(isInheritedValue(min, '1.0', global)).toBe(true);
    expect(isInheritedValue(min, '1.5', global)).toBe(false);
  });

  it('checks a cross-field rule against the inherited values, shown at both settings', () => {
    const checked = checkOverride({ 'spike.defaultTimeboxDays': '6' }, global);
    if (checked.ok) throw new Error('expected a refusal');
    expect(Object.keys(checked.errors).sort()).toEqual([
      'spike.defaultTimeboxDays',
      'spike.maxTimeboxDays',
    ]);
  });

  it('refuses a value out of range with the schema’s message', () => {
    const checked = checkOverride({ 'capacity.discoveryTargetPercent': '120' }, global);
    expect(checked).toEqual({
      ok: false,
      errors: { 'capacity.discoveryTargetPercent': 'Must be a number from 0 to 100.' },
    });
  });
});

describe('withoutInherited (the rule the server applies on save)', () => {
  it('drops values equal to the inherited ones, sections left empty included', () => {
    expect(
      withoutInherited(global, {
        spike: { maxTimeboxDays: 5 },
        gate: { issueTypes: ['Enabler', 'Spike'] },
        validation: { minInterviews: 4, minUsabilityTests: 1 },
      }),
    ).toEqual({ validation: { minInterviews: 4 } });
  });
});
