import type { JiraGateway } from '../jira/jira-gateway';
import { saveJiraFieldIds, type JiraFieldIds } from '../storage/config-store';

export class AppFieldMissingError extends Error {
  constructor(readonly moduleKey: string) {
    super(
      `The app's "${moduleKey}" field is not on this Jira site. Reinstall or upgrade Dual Track so that Jira registers its fields.`,
    );
    this.name = 'AppFieldMissingError';
  }
}

/**
 * The app's own custom fields (manifest `jira:customField` modules), by the name their id is
 * remembered under in storage. Jira gives each a site-specific id (customfield_NNNNN).
 */
export const APP_FIELDS = {
  /** Must equal SCOPED_OUTCOME_MODULE_KEY (scoped-outcome-field.ts imports from this file). */
  scopedOutcome: 'scoped-outcome',
  discoveryEvidence: 'discovery-evidence',
  track: 'track',
  entryTriage: 'entry-triage',
} as const satisfies Record<Exclude<keyof JiraFieldIds, 'sprint'>, string>;

export type AppFieldName = keyof typeof APP_FIELDS;

/**
 * Is this field (by its `schema.custom` in GET /rest/api/3/field) the Forge field declared by
 * the given module key? Forge fields carry the extension id, which ends with
 * `/static/<module-key>`.
 */
export function isAppField(schemaCustom: string | undefined, moduleKey: string): boolean {
  return (
    typeof schemaCustom === 'string' &&
    schemaCustom.startsWith('ari:cloud:ecosystem::extension/') &&
    schemaCustom.endsWith(`/static/${moduleKey}`)
  );
}

/**
 * The site-specific id of one of the app's fields. Known ids come from storage (read together
 * with the configuration); otherwise Jira's field list is read once and the id remembered.
 */
export async function appFieldId(
  name: AppFieldName,
  known: JiraFieldIds,
  jira: JiraGateway,
): Promise<{ id: string; looked_up: boolean }> {
  const remembered = known[name];
  if (remembered) return { id: remembered, looked_up: false };
  const moduleKey = APP_FIELDS[name];
  const fields = await jira.listFields();
  const field = fields.find((f) => isAppField(f.schema?.custom, moduleKey));
  if (!field) throw new AppFieldMissingError(moduleKey);
  await saveJiraFieldIds({ ...known, [name]: field.id });
  return { id: field.id, looked_up: true };
}

/**
 * The site-specific ids of several app fields at once: remembered ids as they are, the others
 * from one read of Jira's field list, remembered together (so two lookups never overwrite each
 * other's answer). A field the site does not have is undefined, not an error.
 */
export async function appFieldIds<N extends AppFieldName>(
  names: readonly N[],
  known: JiraFieldIds,
  jira: JiraGateway,
): Promise<{ ids: Record<N, string | undefined>; looked_up: boolean }> {
  const ids = {} as Record<N, string | undefined>;
  for (const name of names) ids[name] = known[name];
  const missing = names.filter((name) => !known[name]);
  if (missing.length === 0) return { ids, looked_up: false };
  const fields = await jira.listFields();
  let found = false;
  for (const name of missing) {
    const field = fields.find((f) => isAppField(f.schema?.custom, APP_FIELDS[name]));
    ids[name] = field?.id;
    if (field) found = true;
  }
  if (found) await saveJiraFieldIds({ ...known, ...ids });
  return { ids, looked_up: true };
}

/** The site-specific id of the Scoped outcome field. */
export function scopedOutcomeFieldId(
  known: JiraFieldIds,
  jira: JiraGateway,
): Promise<{ id: string; looked_up: boolean }> {
  return appFieldId('scopedOutcome', known, jira);
}
