/**
 * What changed between two versions of the settings: one entry per setting (`section.key`) whose
 * value differs. Works on full configurations and on project overrides alike; a setting an
 * override does not hold is `null` (inherited).
 */

export type SettingValue = number | boolean | string | string[];

export interface SettingChange {
  /** `section.key`, e.g. `validation.minInterviews`. */
  path: string;
  from: SettingValue | null;
  to: SettingValue | null;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function asSettingValue(v: unknown): SettingValue | null {
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'string') return v;
  if (Array.isArray(v) && v.every((e): e is string => typeof e === 'string')) return [...v];
  return null;
}

function leaves(settings: unknown): Map<string, SettingValue | null> {
  const out = new Map<string, SettingValue | null>();
  if (!isRecord(settings)) return out;
  for (const [section, fields] of Object.entries(settings)) {
    if (!isRecord(fields)) continue;
    for (const [key, value] of Object.entries(fields)) {
      if (value !== undefined) out.set(`${section}.${key}`, asSettingValue(value));
    }
  }
  return out;
}

const same = (a: SettingValue | null, b: SettingValue | null) =>
  JSON.stringify(a) === JSON.stringify(b);

/** The settings whose value differs, in the order they appear in `after` (then removed ones). */
export function settingsChanges(before: unknown, after: unknown): SettingChange[] {
  const old = leaves(before);
  const now = leaves(after);
  const changes: SettingChange[] = [];
  for (const [path, to] of now) {
    const from = old.get(path) ?? null;
    if (!same(from, to)) changes.push({ path, from, to });
  }
  for (const [path, from] of old) {
    if (!now.has(path) && from !== null) changes.push({ path, from, to: null });
  }
  return changes;
}
