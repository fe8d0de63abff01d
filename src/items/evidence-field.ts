import type { Config } from '../domain/config';
import { summaryValue } from '../domain/evidence-log';
import { explainJiraFailure, isJiraError } from '../jira/errors';
import { setAppFieldValues } from '../jira/issues';
import { jiraAsApp } from '../jira/jira-gateway';
import { errorText, logger } from '../runtime/log';
import {
  clearSummaryStale,
  markSummaryStale,
  type EvidenceLog,
  type StoredEvidence,
} from '../storage/evidence-store';
import { AppFieldMissingError, appFieldId } from './app-fields';
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

const logged = logger('evidence');

/** How the Discovery evidence field write went: written, or left stale (and why). */
export type SummaryFieldWrite =
  { status: 'written'; value: EvidenceSummaryValue } | { status: 'stale'; message: string };

/**
 * The repair path for a summary field left stale by a failed write: rewrites it from the log
 * (as the app) and clears the marker. Called where the marker is seen (the issue panel); the gates
 * never depend on it, since they read the log itself.
 */
export async function repairSummaryField(
  stored: StoredEvidence,
  rules: Config['validation'],
  knownFields: Parameters<typeof appFieldId>[1],
  now: Date,
): Promise<SummaryFieldWrite | undefined> {
  if (!stored.log || !stored.summaryStale) return undefined;
  return refreshSummaryField(stored.log, rules, knownFields, now, stored.summaryStale.version);
}

export async function refreshSummaryField(
  log: EvidenceLog,
  rules: Config['validation'],
  knownFields: Parameters<typeof appFieldId>[1],
  now: Date,
  staleVersion: number | undefined,
): Promise<SummaryFieldWrite> {
  const value = summaryValue(log, rules);
  try {
    const app = jiraAsApp();
    const field = await appFieldId('discoveryEvidence', knownFields, app);
    await writeEvidenceSummary(app, field.id, log.issueId, value);
  } catch (error) {
    const message = `The evidence was saved, but the Discovery evidence field could not be updated (${reasonFor(error)}); it will be rewritten with the next change.`;
    await markSummaryStale(log.issueId, log.version, now, message).catch((e: unknown) => {
      logged.error('could not record the stale summary', { error: errorText(e) });
    });
    return { status: 'stale', message };
  }
  if (staleVersion !== undefined && staleVersion <= log.version) {
    await clearSummaryStale(log.issueId).catch((e: unknown) => {
      logged.error('could not clear the stale-summary marker', { error: errorText(e) });
    });
  }
  return { status: 'written', value };
}

function reasonFor(error: unknown): string {
  if (isJiraError(error)) return explainJiraFailure(error);
  if (error instanceof AppFieldMissingError) return error.message;
  logged.error('summary field write failed', { error: errorText(error) });
  return 'an unexpected error; the details are in the app logs';
}
