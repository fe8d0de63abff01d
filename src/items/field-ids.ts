import type { JiraGateway } from '../jira/jira-gateway';
import { saveJiraFieldIds, type JiraFieldIds } from '../storage/config-store';
import { APP_FIELDS, isAppField } from './app-fields';

/** `schema.custom` of Jira Software's Sprint field. */
export const SPRINT_FIELD_CUSTOM = 'com.pyxis.greenhopper.jira:gh-sprint';

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
  const fields = await jira.listFields();
  const customId = (id: string) => (/^customfield_\d+$/.test(id) ? id : undefined);
  const find = (test: (custom: string | undefined) => boolean) => {
    const field = fields.find((f) => test(f.schema?.custom));
    return field ? customId(field.id) : undefined;
  };
  const found: JiraFieldIds = {
    ...known,
    sprint: known.sprint ?? find((c) => c === SPRINT_FIELD_CUSTOM),
    scopedOutcome: known.scopedOutcome ?? find((c) => isAppField(c, APP_FIELDS.scopedOutcome)),
    discoveryEvidence:
      known.discoveryEvidence ?? find((c) => isAppField(c, APP_FIELDS.discoveryEvidence)),
    entryTriage: known.entryTriage ?? find((c) => isAppField(c, APP_FIELDS.entryTriage)),
  };
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
