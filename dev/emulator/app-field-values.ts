import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { JiraEmulator } from './jira-emulator';
import { FORGE_FIELD_PREFIX, type EmField } from './model';

/**
 * What Jira checks when PUT /rest/api/3/issue/{key} (editIssue) or POST /rest/api/3/issue
 * (createIssue) sets a custom field, as far as the emulator models it:
 * - a field must be on the screen: every custom field is, except those a test took off
 *   every screen of the site with `takeOffScreens` (Jira: "Field 'x' cannot be set. It is not on
 *   the appropriate screen, or unknown."), or, for edits, off one project's edit screen
 *   (dev/emulator/edit-screens.ts); editIssue's `overrideScreenSecurity` skips this check;
 * - an app field declared `readOnly` in manifest.yml cannot be set by users at all (Forge: "They
 *   aren't editable by users, neither through the UI nor the Edit issue REST API");
 * - an app `object` field's value must match the `schema` the manifest declares: an object whose
 *   properties have the declared `type` (string, integer, number, boolean; others unchecked),
 *   `enum` and `maxLength`, and no other properties when `additionalProperties` is false.
 * `null` clears a field and is always accepted.
 */

interface PropertySchema {
  type?: unknown;
  enum?: unknown;
  maxLength?: unknown;
}

interface ManifestField {
  key?: unknown;
  type?: unknown;
  readOnly?: unknown;
  schema?: { properties?: Record<string, PropertySchema>; additionalProperties?: unknown };
}

let modules: ManifestField[] | undefined;

function appFieldModules(): ManifestField[] {
  if (!modules) {
    const manifest = parseYaml(
      readFileSync(join(__dirname, '..', '..', 'manifest.yml'), 'utf8'),
    ) as { modules?: { 'jira:customField'?: ManifestField[] } };
    modules = manifest.modules?.['jira:customField'] ?? [];
  }
  return modules;
}

const offScreen = new WeakMap<JiraEmulator, Set<string>>();

/** Takes a field off every screen of the site: setting it answers 400 as Jira does. */
export function takeOffScreens(em: JiraEmulator, fieldId: string): void {
  const set = offScreen.get(em) ?? new Set<string>();
  set.add(fieldId);
  offScreen.set(em, set);
}

export function notOnScreen(fieldId: string): string {
  return `Field '${fieldId}' cannot be set. It is not on the appropriate screen, or unknown.`;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function typeProblem(name: string, value: unknown, type: unknown): string | undefined {
  switch (type) {
    case 'string':
      return typeof value === 'string' ? undefined : `${name} must be a string`;
    case 'integer':
      return Number.isInteger(value) ? undefined : `${name} must be an integer`;
    case 'number':
      return typeof value === 'number' ? undefined : `${name} must be a number`;
    case 'boolean':
      return typeof value === 'boolean' ? undefined : `${name} must be a boolean`;
    default:
      return undefined;
  }
}

function schemaProblem(module: ManifestField, value: unknown): string | undefined {
  if (module.type !== 'object' || !module.schema) return undefined;
  if (!isRecord(value)) return 'the value must be an object';
  const properties = module.schema.properties ?? {};
  for (const [name, part] of Object.entries(value)) {
    const declared = properties[name];
    if (!declared) {
      if (module.schema.additionalProperties === false) return `${name} is not a known property`;
      continue;
    }
    if (part === null || part === undefined) continue;
    const problem = typeProblem(name, part, declared.type);
    if (problem) return problem;
    if (Array.isArray(declared.enum) && !declared.enum.includes(part)) {
      return `${name} must be one of ${declared.enum.map(String).join(', ')}`;
    }
    if (
      typeof declared.maxLength === 'number' &&
      typeof part === 'string' &&
      part.length > declared.maxLength
    ) {
      return `${name} must be at most ${declared.maxLength} characters`;
    }
  }
  return undefined;
}

/**
 * Why Jira would refuse to set this custom field to this value through editIssue/createIssue,
 * or undefined when it accepts it.
 */
export function customFieldProblem(
  em: JiraEmulator,
  field: EmField,
  value: unknown,
  options: { overrideScreens?: boolean } = {},
): string | undefined {
  if (!options.overrideScreens && offScreen.get(em)?.has(field.id)) return notOnScreen(field.id);
  const custom = field.schema.custom ?? '';
  if (!custom.startsWith(FORGE_FIELD_PREFIX)) return undefined;
  const moduleKey = custom.slice(FORGE_FIELD_PREFIX.length);
  const module = appFieldModules().find((m) => m.key === moduleKey);
  if (!module) return notOnScreen(field.id);
  if (module.readOnly === true) return notOnScreen(field.id);
  if (value === null) return undefined;
  const problem = schemaProblem(module, value);
  return problem ? `The value does not match the field's schema: ${problem}.` : undefined;
}

/**
 * Whether a stored value of one of the app's fields matches the `schema` its manifest declares
 * (for answers; unlike customFieldProblem, read-only fields and screens do not matter).
 */
export function appFieldValueProblem(field: EmField, value: unknown): string | undefined {
  const custom = field.schema.custom ?? '';
  const module = appFieldModules().find((m) => m.key === custom.slice(FORGE_FIELD_PREFIX.length));
  if (!module) return `no jira:customField module declares ${custom}`;
  if (value === null) return undefined;
  const type = typeof module.type === 'string' ? module.type : 'object';
  if (type === 'object') return schemaProblem(module, value);
  const ok =
    type === 'number'
      ? typeof value === 'number'
      : ['string', 'date', 'datetime'].includes(type)
        ? typeof value === 'string'
        : true;
  return ok ? undefined : `a ${type} field holds ${JSON.stringify(value)}`;
}
