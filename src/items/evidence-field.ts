import { route } from '@forge/api';
import { z } from 'zod';
import type { JiraGateway } from '../jira/jira-gateway';
import type { EvidenceSummaryValue } from '../domain/evidence-log';

/**
 * Writes the "Discovery evidence" summary (manifest module `discovery-evidence`, a read-only
 * object field) on one issue. Jira lets only the app that declares a read-only field write its
 * values, through PUT /rest/api/3/app/field/{fieldIdOrKey}/value, so this must go as the app:
 * a call as the user is refused with 403.
 *
 * `generateChangelog=false`: the evidence log itself is the history; a changelog item per
 * evidence change would only repeat it as JSON. (Newer API docs also describe
 * `generateAppEvents`; the contract this app is checked against does not list it, so it is
 * not sent.)
 */
export async function writeEvidenceSummary(
  jiraAsApp: JiraGateway,
  fieldId: string,
  issueId: string,
  value: EvidenceSummaryValue,
): Promise<void> {
  if (jiraAsApp.actor.kind !== 'app') {
    throw new Error('The Discovery evidence field can only be written as the app.');
  }
  await jiraAsApp.request(
    z.unknown(),
    route`/rest/api/3/app/field/${fieldId}/value?generateChangelog=false`,
    { method: 'PUT', body: { updates: [{ issueIds: [Number(issueId)], value }] } },
  );
}
