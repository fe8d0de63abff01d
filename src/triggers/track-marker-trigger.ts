import type { InvocationError } from '@forge/events';
import { logger } from '../runtime/log';
import { invocationErrorOf, isInvocationError } from './retry';
import { z } from 'zod';
import { isJiraError } from '../jira/errors';
import { ISSUE_ID, jiraAsApp, type RetryPolicy } from '../jira/jira-gateway';
import { StoredValueError } from '../storage/kvs-store';
import { readTrackMarkerContext } from '../storage/track-mapping-store';
import { AppFieldMissingError } from '../items/app-fields';
import { markIssue, trackFieldId } from '../items/track-marker';

const logged = logger('track-marker');

/**
 * Trigger on `avi:jira:created:issue` and `avi:jira:updated:issue` (manifest `track-marker`):
 * sets the Track field of a new issue, and again when its issue type changes. The manifest's
 * filter (`ignoreSelf`, and an expression that lets only creations and issue type changes
 * through) keeps other events away; the same checks are repeated here because a filter that
 * fails to evaluate still delivers the event.
 * More: docs/internals.md#triggers-track-marker-trigger-ts.
 */

const CREATED = 'avi:jira:created:issue';
const UPDATED = 'avi:jira:updated:issue';
/** Forge accepts retryAfter up to 900 s. */
const MAX_RETRY_AFTER = 900;
/** Wait before retrying after a Jira 5xx or network failure. */
const SERVER_ERROR_RETRY_AFTER = 60;

const IdSchema = z
  .union([z.string(), z.number()])
  .transform(String)
  .pipe(z.string().regex(ISSUE_ID));

/** The documented payload (Forge events reference, Jira issue events), only what we use. */
export const TrackEventSchema = z
  .object({
    eventType: z.string().optional(),
    issue: z
      .object({
        id: IdSchema,
        key: z.string(),
        fields: z
          .object({
            project: z.object({ id: IdSchema, key: z.string().min(1) }).passthrough(),
          })
          .passthrough(),
      })
      .passthrough(),
    changelog: z
      .object({
        items: z
          .array(
            z.object({ field: z.string().nullish(), fieldId: z.string().nullish() }).passthrough(),
          )
          .optional(),
      })
      .passthrough()
      .nullish(),
  })
  .passthrough();
export type TrackEvent = z.infer<typeof TrackEventSchema>;

/** Does this event concern the issue's track: a creation or an issue type change? */
export function isTrackRelevant(event: TrackEvent): boolean {
  if (event.eventType === CREATED) return true;
  const items = event.changelog?.items ?? [];
  const typeChanged = items.some((i) => i.fieldId === 'issuetype' || i.field === 'issuetype');
  return typeChanged && (event.eventType === undefined || event.eventType === UPDATED);
}

export type TrackMarkerResult =
  { status: 'ignored'; reason: string } | { status: 'written' | 'unchanged'; track: string };

/** The trigger's work; exported for the entry below (and readable in tests). */
export async function handleTrackEvent(
  raw: unknown,
  retry?: RetryPolicy,
): Promise<TrackMarkerResult | InvocationError> {
  const parsed = TrackEventSchema.safeParse(raw);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    logged.warn(
      `ignored an event that is not an issue event (${first ? `${first.path.join('.')}: ${first.message}` : 'invalid'})`,
    );
    return { status: 'ignored', reason: 'malformed-event' };
  }
  const event = parsed.data;
  if (!isTrackRelevant(event)) return { status: 'ignored', reason: 'not-a-type-change' };
  const { issue } = event;
  const project = issue.fields.project;
  try {
    const { mapping, fields } = await readTrackMarkerContext(project.key);
    if (!mapping || mapping.projectId !== project.id) {
      return { status: 'ignored', reason: 'not-dual-track' };
    }
    const jira = jiraAsApp(retry);
    const fieldId = await trackFieldId(fields, jira);
    const outcome = await markIssue(jira, mapping, fieldId, issue.id);
    if (outcome.status === 'no-issue-type') return { status: 'ignored', reason: 'no-issue-type' };
    return outcome;
  } catch (error) {
    return failureOf(error, issue.key);
  }
}

function failureOf(error: unknown, issueKey: string): TrackMarkerResult | InvocationError {
  if (isJiraError(error)) {
    if (error.kind === 'rate-limited') {
      const after = Math.min(MAX_RETRY_AFTER, Math.max(1, error.retryAfterSeconds ?? 1));
      logged.warn(`${issueKey}: Jira is throttling; retry in ${after} s`);
      return invocationErrorOf({
        kind: 'retry-later',
        retryAfter: after,
        reason: 'upstream-rate-limited',
      });
    }
    if (error.kind === 'server-error' || error.kind === 'network') {
      logged.warn(`${issueKey}: ${error.message}; retry in ${SERVER_ERROR_RETRY_AFTER} s`);
      return invocationErrorOf({
        kind: 'retry-later',
        retryAfter: SERVER_ERROR_RETRY_AFTER,
        reason: 'retry-request',
      });
    }
    // Deleted issue, no access, a refused request: retrying cannot help.
    logged.warn(`${issueKey}: not marked: ${error.message}`);
    return { status: 'ignored', reason: error.kind };
  }
  if (error instanceof AppFieldMissingError || error instanceof StoredValueError) {
    logged.error(`${issueKey}: not marked: ${error.message}`);
    return { status: 'ignored', reason: error.name };
  }
  throw error;
}

/** The Forge trigger handler (`index.trackMarker`). */
export async function trackMarker(event: unknown): Promise<InvocationError | undefined> {
  const result = await handleTrackEvent(event);
  return isInvocationError(result) ? result : undefined;
}
