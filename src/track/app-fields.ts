import type { JiraGateway } from '../jira/jira-gateway';
import { saveJiraFieldIds, type JiraFieldIds } from '../storage/config-store';
import { isScopedOutcomeField } from './scoped-outcome-field';

export class AppFieldMissingError extends Error {
  constructor(readonly moduleKey: string) {
    super(
      `The app's "${moduleKey}" field is not on this Jira site. Reinstall or upgrade Dual Track so that Jira registers its fields.`,
    );
    this.name = 'AppFieldMissingError';
  }
}

/**
 * The site-specific id of the Scoped outcome field. Known ids come from storage (read together
 * with the configuration); otherwise Jira's field list is read once and the id remembered.
 */
export async function scopedOutcomeFieldId(
  known: JiraFieldIds,
  jira: JiraGateway,
): Promise<{ id: string; looked_up: boolean }> {
  if (known.scopedOutcome) return { id: known.scopedOutcome, looked_up: false };
  const fields = await jira.listFields();
  const field = fields.find((f) => isScopedOutcomeField(f.schema?.custom));
  if (!field) throw new AppFieldMissingError('scoped-outcome');
  await saveJiraFieldIds({ ...known, scopedOutcome: field.id });
  return { id: field.id, looked_up: true };
}
