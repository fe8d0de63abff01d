import {
  ConfigOverrideSchema,
  ConfigSchema,
  DEFAULT_CONFIG,
  describeConfigIssues,
  effectiveConfig,
  mergedConfigIssues,
  resolveEffectiveConfig,
} from '../../src/domain/config';

describe('configuration schema', () => {
  it('defaults follow the practice', () => {
    expect(DEFAULT_CONFIG.runway).toEqual({
      targetMinSprints: 1,
      targetMaxSprints: 2,
      pauseAtSprints: 3,
      promoteWithinDays: 42,
      evidenceFreshDays: 28,
    });
    expect(DEFAULT_CONFIG.validation).toEqual({ minInterviews: 3, minUsabilityTests: 1 });
    expect(DEFAULT_CONFIG.spike.defaultTimeboxDays).toBe(3);
    expect(DEFAULT_CONFIG.capacity.discoveryTargetPercent).toBe(20);
    expect(DEFAULT_CONFIG.scopedOutcome.minOutcomeLength).toBe(20);
    expect(DEFAULT_CONFIG.scopedOutcome.placeholders).toEqual(
      expect.arrayContaining(['tbd', 'investigate', 'research', 'n/a']),
    );
    expect(DEFAULT_CONFIG.gate.issueTypes).toEqual(['Enabler', 'Spike']);
  });

  it.each([
    [{ validation: { minInterviews: 21 } }, 'validation.minInterviews'],
    [{ validation: { minInterviews: -1 } }, 'validation.minInterviews'],
    [{ validation: { minUsabilityTests: 2.5 } }, 'validation.minUsabilityTests'],
    [{ capacity: { discoveryTargetPercent: 101 } }, 'capacity.discoveryTargetPercent'],
    [{ spike: { defaultTimeboxDays: 0 } }, 'spike.defaultTimeboxDays'],
    [{ runway: { targetMaxSprints: 3, pauseAtSprints: 3 } }, 'runway.pauseAtSprints'],
    [{ runway: { targetMinSprints: 2, targetMaxSprints: 1 } }, 'runway.targetMinSprints'],
    [{ gate: { issueTypes: [] } }, 'gate.issueTypes'],
    [{ surprise: true }, 'configuration'],
    [{ validation: { minInterviews: '3' } }, 'validation.minInterviews'],
  ])('rejects %j naming %s', (input, where) => {
    const result = ConfigSchema.safeParse(input);
    expect(result.success).toBe(false);
    if (!result.success) {
      expect(describeConfigIssues(result.error).join('\n')).toContain(where);
    }
  });

  it('accepts the whole allowed range of evidence counts (0-20)', () => {
    expect(
      ConfigSchema.parse({ validation: { minInterviews: 0, minUsabilityTests: 20 } }).validation,
    ).toEqual({
      minInterviews: 0,
      minUsabilityTests: 20,
    });
  });

  it.each([
    [{ spike: { defaultTimeboxDays: 4, maxTimeboxDays: 3 } }, 'spike.defaultTimeboxDays'],
    [{ spike: { maxTimeboxDays: 11 } }, 'spike.maxTimeboxDays'],
    [{ runway: { targetMinSprints: 3, targetMaxSprints: 2 } }, 'runway.targetMinSprints'],
    [{ runway: { targetMaxSprints: 3.5, pauseAtSprints: 3 } }, 'runway.pauseAtSprints'],
  ])('enforces the cross-field and timebox rules: %j names %s', (input, where) => {
    const result = ConfigSchema.safeParse(input);
    expect(result.success).toBe(false);
    if (!result.success) expect(result.error.issues.map((i) => i.path.join('.'))).toContain(where);
  });

  it('accepts a timebox of 1 to 10 days and a default equal to the longest', () => {
    expect(
      ConfigSchema.parse({ spike: { defaultTimeboxDays: 1, maxTimeboxDays: 1 } }).spike,
    ).toEqual({ defaultTimeboxDays: 1, maxTimeboxDays: 1 });
    expect(
      ConfigSchema.parse({ spike: { defaultTimeboxDays: 10, maxTimeboxDays: 10 } }).spike,
    ).toEqual({ defaultTimeboxDays: 10, maxTimeboxDays: 10 });
  });

  it.each([
    [{ validation: { minInterviews: 25 } }, 'must be a whole number from 0 to 20'],
    [{ validation: { minInterviews: 2.5 } }, 'must be a whole number from 0 to 20'],
    [{ validation: { minInterviews: '3' } }, 'must be a whole number from 0 to 20'],
    [{ runway: { pauseAtSprints: 13 } }, 'must be a number from 1 to 12'],
    [{ staleness: { discoveryIdleDays: 0 } }, 'must be a whole number from 1 to 365'],
    [{ tracks: { discoveryTypeNames: [] } }, 'must name at least one issue type'],
  ])('says the allowed range in its message: %j', (input, message) => {
    const result = ConfigSchema.safeParse(input);
    expect(result.success).toBe(false);
    if (!result.success) expect(result.error.issues.map((i) => i.message)).toEqual([message]);
  });

  it('merges a project override over the global values, section by section', () => {
    const global = ConfigSchema.parse({ validation: { minInterviews: 4 } });
    const merged = effectiveConfig(
      global,
      ConfigOverrideSchema.parse({ validation: { minUsabilityTests: 2 } }),
    );
    expect(merged.validation).toEqual({ minInterviews: 4, minUsabilityTests: 2 });
    expect(merged.runway).toEqual(global.runway);
  });

  it('checks cross-field rules on the merged result: a breaking override follows the global values', () => {
    const override = ConfigOverrideSchema.parse({
      runway: { pauseAtSprints: 2 },
      validation: { minInterviews: 5 },
    });
    expect(mergedConfigIssues(DEFAULT_CONFIG, override).map((i) => i.message)).toEqual([
      'The pause threshold must be above the upper runway target.',
    ]);
    const effective = resolveEffectiveConfig(DEFAULT_CONFIG, override);
    expect(effective.config.runway).toEqual(DEFAULT_CONFIG.runway);
    expect(effective.config.validation.minInterviews).toBe(5);
    expect(effective.notInEffect).toEqual([
      {
        paths: ['runway.pauseAtSprints'],
        compared: ['runway.targetMaxSprints', 'runway.pauseAtSprints'],
        rule: 'The pause threshold must be above the upper runway target.',
      },
    ]);
    expect(effectiveConfig(DEFAULT_CONFIG, override)).toEqual(effective.config);
  });

  it('falls back rule by rule until the merged result is valid', () => {
    // Upper target 4 breaks the pause threshold 3; once it follows the global 2, the lower
    // target 2.5 breaks "lower ≤ upper" and follows the global 1 as well.
    const override = ConfigOverrideSchema.parse({
      runway: { targetMinSprints: 2.5, targetMaxSprints: 4 },
      spike: { maxTimeboxDays: 2 },
    });
    const effective = resolveEffectiveConfig(DEFAULT_CONFIG, override);
    expect(effective.config.runway).toEqual(DEFAULT_CONFIG.runway);
    expect(effective.config.spike).toEqual(DEFAULT_CONFIG.spike);
    expect(effective.notInEffect).toEqual([
      {
        paths: ['runway.targetMaxSprints'],
        compared: ['runway.targetMaxSprints', 'runway.pauseAtSprints'],
        rule: 'The pause threshold must be above the upper runway target.',
      },
      {
        paths: ['spike.maxTimeboxDays'],
        compared: ['spike.defaultTimeboxDays', 'spike.maxTimeboxDays'],
        rule: 'The default spike timebox must not exceed the longest allowed timebox.',
      },
      {
        paths: ['runway.targetMinSprints'],
        compared: ['runway.targetMinSprints', 'runway.targetMaxSprints'],
        rule: 'The lower runway target must not be above the upper runway target.',
      },
    ]);
  });
});
