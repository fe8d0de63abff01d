/**
 * The settings each cross-field rule compares, by the path its problem is reported at (see the
 * `superRefine` of `ConfigSchema`). A problem at a path not listed here involves its whole section.
 */
export const RULE_SETTINGS: Readonly<Record<string, readonly string[]>> = {
  'runway.targetMinSprints': ['runway.targetMinSprints', 'runway.targetMaxSprints'],
  'runway.pauseAtSprints': ['runway.targetMaxSprints', 'runway.pauseAtSprints'],
  'spike.defaultTimeboxDays': ['spike.defaultTimeboxDays', 'spike.maxTimeboxDays'],
};

/** The settings the rule reported at `path` compares (just `path` for a single-setting rule). */
export function settingsComparedAt(path: string): readonly string[] {
  return RULE_SETTINGS[path] ?? [path];
}
