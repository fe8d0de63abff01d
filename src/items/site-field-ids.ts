import { lookUpSiteFieldIds } from './item-facts';
import type { JiraGateway } from '../jira/jira-gateway';
import type { JiraFieldIds } from '../storage/config-store';
import {
  ENFORCEMENT_KEYS,
  EnforcementFieldsSchema,
  type EnforcementFields,
} from '../storage/enforcement-store';
import { parseStored, readOne, StoredValueError } from '../storage/kvs-store';

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
