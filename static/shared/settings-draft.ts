import type { SettingValue } from '@domain/config-changes';
import {
  ConfigOverrideSchema,
  ConfigSchema,
  mergedConfigIssues,
  settingsComparedAt,
  type Config,
  type ConfigOverride,
} from '@domain/config';
import { withoutInherited } from '@domain/config-inherit';
import { SETTING_FIELDS, settingAt, type SettingField } from '@contract/settings-fields';

/**
 * The settings form's working copy: one entry per setting path, as the input holds it (text for
 * numbers, lists and choices; a boolean for checkboxes). The admin page's draft holds every
 * setting; a project's draft holds only what the project overrides. Checked as it is typed with
 * the same schemas as the resolvers (the resolvers check again); a cross-field rule's problem
 * shows at every setting it compares.
 */

export type DraftValue = string | boolean;
export type Draft = Readonly<Record<string, DraftValue>>;
/** Problems by setting path (`validation.minInterviews`); `''` for the form as a whole. */
export type FieldErrors = Readonly<Record<string, string>>;

export function toDraftValue(field: SettingField, value: SettingValue | undefined): DraftValue {
  switch (field.kind) {
    case 'boolean':
      return value === true;
    case 'list':
      return Array.isArray(value) ? value.join(', ') : '';
    case 'integer':
    case 'number':
      return typeof value === 'number' ? String(value) : '';
    case 'choice':
      return typeof value === 'string' ? value : '';
  }
}

function fromDraftValue(field: SettingField, value: DraftValue): unknown {
  switch (field.kind) {
    case 'boolean':
      return value === true;
    case 'list':
      return String(value)
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s.length > 0);
    case 'integer':
    case 'number': {
      const text = String(value).trim();
      // Not a number: the schema refuses it with the field's range in the message.
      return text === '' ? Number.NaN : Number(text);
    }
    case 'choice':
      return value;
  }
}

/** Every catalogued setting of a configuration (or only those an override sets). */
export function draftOf(settings: unknown): Draft {
  const draft: Record<string, DraftValue> = {};
  for (const field of SETTING_FIELDS) {
    const value = settingAt(settings, field.path);
    if (value !== undefined) draft[field.path] = toDraftValue(field, value);
  }
  return draft;
}

function nest(draft: Draft): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  for (const field of SETTING_FIELDS) {
    const value = draft[field.path];
    if (value === undefined) continue;
    const [section = '', key = ''] = field.path.split('.');
    out[section] = { ...out[section], [key]: fromDraftValue(field, value) };
  }
  return out;
}

/** A message as the form shows it: a sentence. */
export function sentence(message: string): string {
  const text = message.charAt(0).toUpperCase() + message.slice(1);
  return /[.!?]$/.test(text) ? text : `${text}.`;
}

/**
 * Problems by setting: `runway.pauseAtSprints` (a list entry's problem goes to its list; a
 * cross-field rule's problem to every setting it compares). `root` strips the payload's prefix
 * from a resolver's `details.fields` paths.
 */
export function errorsByField(
  issues: ReadonlyArray<{ path: string | ReadonlyArray<PropertyKey>; message: string }>,
  root?: string,
): FieldErrors {
  const out: Record<string, string> = {};
  for (const issue of issues) {
    let parts = (typeof issue.path === 'string' ? issue.path.split('.') : issue.path).map(String);
    if (root && parts[0] === root) parts = parts.slice(1);
    const path = parts.slice(0, 2).join('.');
    const known = SETTING_FIELDS.some((f) => f.path === path);
    for (const key of known ? settingsComparedAt(path) : ['']) {
      out[key] ??= sentence(issue.message);
    }
  }
  return out;
}

export type Checked<T> = { ok: true; value: T } | { ok: false; errors: FieldErrors };

/** The admin page's draft as global settings. */
export function checkSettings(draft: Draft): Checked<Config> {
  const parsed = ConfigSchema.safeParse(nest(draft));
  return parsed.success
    ? { ok: true, value: parsed.data }
    : { ok: false, errors: errorsByField(parsed.error.issues) };
}

/**
 * A project's draft as an override, checked merged over the global settings it inherits; a value
 * equal to the inherited one is left out (it is no override).
 */
export function checkOverride(draft: Draft, inherited: Config): Checked<ConfigOverride> {
  const parsed = ConfigOverrideSchema.safeParse(nest(draft));
  if (!parsed.success) return { ok: false, errors: errorsByField(parsed.error.issues) };
  const issues = mergedConfigIssues(inherited, parsed.data);
  if (issues.length > 0) return { ok: false, errors: errorsByField(issues) };
  return { ok: true, value: withoutInherited(inherited, parsed.data) };
}

/** Whether a project's draft value is the inherited one (saving it keeps the setting inherited). */
export function isInheritedValue(
  field: SettingField,
  value: DraftValue,
  inherited: Config,
): boolean {
  const own = fromDraftValue(field, value);
  return JSON.stringify(own) === JSON.stringify(settingAt(inherited, field.path));
}

/** Paths whose value differs between two drafts (set in one only counts as different). */
export function differingPaths(a: Draft, b: Draft): string[] {
  return SETTING_FIELDS.map((f) => f.path).filter((path) => a[path] !== b[path]);
}

/**
 * After a conflict: my edits (what differs between the version I started from and my draft),
 * applied over the current version.
 */
export function reapply(base: Draft, mine: Draft, current: Draft): Draft {
  const out: Record<string, DraftValue> = { ...current };
  for (const path of differingPaths(base, mine)) {
    const value = mine[path];
    if (value === undefined) delete out[path];
    else out[path] = value;
  }
  return out;
}
