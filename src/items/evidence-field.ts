import { setAppFieldValues } from '../jira/issues';
import type { JiraGateway } from '../jira/jira-gateway';
import type { EvidenceSummaryValue } from '../domain/evidence-log';

/**
 * Writes the "Discovery evidence" summary (a read-only object field) on one issue, as the app:
 * only the app that declares the field may write it. No changelog entry: the evidence log itself
 * is the history.
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
  await setAppFieldValues(jiraAsApp, fieldId, [{ issueIds: [Number(issueId)], value }]);
}
