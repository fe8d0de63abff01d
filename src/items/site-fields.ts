import type { FieldInfo, JiraGateway } from '../jira/jira-gateway';
import { saveJiraFieldIds, type JiraFieldIds } from '../storage/config-store';
import {
  EnforcementFieldsSchema,
  saveEnforcementFields,
  type EnforcementContext,
  type EnforcementFields,
} from '../storage/enforcement-store';
import { parseStored, readOne, StoredValueError } from '../storage/kvs-store';
import { APP_FIELDS, isAppField, type AppFieldName } from './app-fields';
import { ENFORCEMENT_KEYS } from '../storage/key-families';

/**
 * The site's field ids: Jira Software's Sprint field, the app's own fields and Jira's Flagged
 * field differ from site to site. Remembered ids are used as they are; a missing one costs one
 * read of Jira's field list, and what it names is remembered for everyone.
 */

/** The fields the project page and the retro read. */
const PAGE_FIELDS = ['sprint', 'scopedOutcome', 'discoveryEvidence', 'entryTriage'] as const;
type SiteField = 'sprint' | AppFieldName;

/** The id of the first custom field that passes `test` (by its `schema.custom` and name). */
function findField(
  fields: readonly FieldInfo[],
  test: (custom: string | undefined, name: string) => boolean,
): string | undefined {
  const id = fields.find((f) => test(f.schema?.custom, f.name))?.id;
  return id !== undefined && /^customfield_\d+$/.test(id) ? id : undefined;
}

/** `known` with each of `names` it lacks filled in from Jira's field list, where the list has it. */
function siteFieldIdsFrom(
  fields: readonly FieldInfo[],
  known: JiraFieldIds,
  names: readonly SiteField[],
): JiraFieldIds {
  const found: JiraFieldIds = { ...known };
  for (const name of names) {
    found[name] ??=
      name === 'sprint'
        ? findField(fields, (c) => c === SPRINT_FIELD_CUSTOM)
        : findField(fields, (c) => isAppField(c, APP_FIELDS[name]));
  }
  return found;
}

/** `schema.custom` of Jira Software's Sprint field. */
export const SPRINT_FIELD_CUSTOM = 'com.pyxis.greenhopper.jira:gh-sprint';
/** Jira's "Flagged" field is a multi-checkbox custom field with the option "Impediment". */
export const FLAGGED_FIELD_NAME = 'Flagged';
const MULTI_CHECKBOX_CUSTOM = 'com.atlassian.jira.plugin.system.customfieldtypes:multicheckboxes';

export class UnknownSprintFieldError extends Error {
  constructor() {
    super("This site has no Sprint field (Jira Software's gh-sprint custom field).");
    this.name = 'UnknownSprintFieldError';
  }
}

export interface EnforcementFieldIds {
  sprint: string;
  scopedOutcome: string | undefined;
  discoveryEvidence: string | undefined;
  track: string | undefined;
  /**
   * The Entry triage field, when its id is remembered (the project page, the issue panel and
   * triage edits remember it, and so does this lookup whenever it reads the field list); until
   * then the entry criteria see labels and components only.
   */
  entryTriage: string | undefined;
  /** Jira's Flagged field; null when the site has none (the label is used instead). */
  flagged: string | null;
}

/**
 * The site's field ids. Remembered ids are used as they are; when the Sprint or Scoped outcome
 * id is unknown, or the Flagged field was never looked for, Jira's field list is read once and
 * what it names is remembered.
 */
export async function enforcementFieldIds(
  context: Pick<EnforcementContext, 'fields' | 'enforcementFields'>,
  jira: JiraGateway,
): Promise<EnforcementFieldIds> {
  const known = context.fields;
  if (known.sprint && known.scopedOutcome && context.enforcementFields) {
    return {
      sprint: known.sprint,
      scopedOutcome: known.scopedOutcome,
      discoveryEvidence: known.discoveryEvidence,
      track: known.track,
      entryTriage: known.entryTriage,
      flagged: context.enforcementFields.flagged,
    };
  }
  const { fields: found, enforcementFields: flagged } = await lookUpSiteFieldIds(known, jira);
  if (!found.sprint) throw new UnknownSprintFieldError();
  return {
    sprint: found.sprint,
    scopedOutcome: found.scopedOutcome,
    discoveryEvidence: found.discoveryEvidence,
    track: found.track,
    entryTriage: found.entryTriage,
    flagged: flagged.flagged,
  };
}

/**
 * Reads Jira's field list once and remembers what it names: the Sprint field, the app's fields
 * (ids already remembered are kept) and Jira's Flagged field (null when the site has none).
 * Setup calls this too, so that a set-up project's first guarded event reads no field list.
 */
export async function lookUpSiteFieldIds(
  known: JiraFieldIds,
  jira: JiraGateway,
): Promise<{ fields: JiraFieldIds; enforcementFields: EnforcementFields }> {
  const fields = await jira.listFields();
  const found = siteFieldIdsFrom(fields, known, [...PAGE_FIELDS, 'track']);
  const flagged: EnforcementFields = {
    flagged:
      findField(fields, (c, name) => name === FLAGGED_FIELD_NAME && c === MULTI_CHECKBOX_CUSTOM) ??
      null,
  };
  const remembered: JiraFieldIds = Object.fromEntries(
    Object.entries(found).filter(([, v]) => v !== undefined),
  );
  await saveJiraFieldIds(remembered);
  await saveEnforcementFields(flagged);
  return { fields: remembered, enforcementFields: flagged };
}

export interface PageFieldIds {
  sprint: string | undefined;
  scopedOutcome: string | undefined;
  discoveryEvidence: string | undefined;
  /** The Entry triage field (the discovery entry criteria's uncertainty and risk). */
  entryTriage: string | undefined;
  /** Whether Jira's field list was read for this answer (one call). */
  lookedUp: boolean;
}

/**
 * The site-specific ids of the fields the page reads: the Sprint field and the app's fields.
 * Ids remembered in storage are used as they are; when any is missing, Jira's field list is read
 * once and whatever it names is remembered for the next load.
 */
export async function pageFieldIds(known: JiraFieldIds, jira: JiraGateway): Promise<PageFieldIds> {
  if (known.sprint && known.scopedOutcome && known.discoveryEvidence && known.entryTriage) {
    return {
      sprint: known.sprint,
      scopedOutcome: known.scopedOutcome,
      discoveryEvidence: known.discoveryEvidence,
      entryTriage: known.entryTriage,
      lookedUp: false,
    };
  }
  const found = siteFieldIdsFrom(await jira.listFields(), known, PAGE_FIELDS);
  const changed = (Object.keys(found) as Array<keyof JiraFieldIds>).some(
    (k) => found[k] !== known[k],
  );
  if (changed) {
    await saveJiraFieldIds(
      Object.fromEntries(Object.entries(found).filter(([, v]) => v !== undefined)),
    );
  }
  return {
    sprint: found.sprint,
    scopedOutcome: found.scopedOutcome,
    discoveryEvidence: found.discoveryEvidence,
    entryTriage: found.entryTriage,
    lookedUp: true,
  };
}

/**
 * Setup already talks to Jira, so it remembers the site's field ids for everyone else: the
 * Sprint field, the app's fields and Jira's Flagged field. A set-up project's first guarded
 * event, validator decision or page load then reads no field list.
 *
 * One read of Jira's field list (as the app, like the lookup of the Track field it replaces),
 * only while the Track or Sprint id is unknown or the Flagged field was never looked for; a
 * later run reads nothing from Jira for this.
 */
export async function rememberSiteFieldIds(
  known: JiraFieldIds,
  jiraAsApp: JiraGateway,
): Promise<JiraFieldIds> {
  if (known.track && known.sprint && (await flaggedLookedFor())) return known;
  return (await lookUpSiteFieldIds(known, jiraAsApp)).fields;
}

/** Whether the Flagged field was looked for (an unreadable record is looked up again). */
async function flaggedLookedFor(): Promise<boolean> {
  let stored: EnforcementFields | undefined;
  try {
    const key = ENFORCEMENT_KEYS.fields;
    stored = parseStored(key, EnforcementFieldsSchema, await readOne(key));
  } catch (error) {
    if (!(error instanceof StoredValueError)) throw error;
    return false;
  }
  return stored !== undefined;
}
