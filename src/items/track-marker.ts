import { z } from 'zod';
import { isJiraError } from '../jira/errors';
import { setAppFieldValues } from '../jira/issues';
import { searchPage, type SearchPage } from '../jira/search';
import type { JiraGateway } from '../jira/jira-gateway';
import type { Track } from '../domain/track';
import type { JiraFieldIds } from '../storage/config-store';
import type { TrackMapping } from '../storage/track-mapping-store';
import { appFieldId } from './app-fields';

/**
 * The Track marker: keeps the app's read-only "Track" field (manifest module `track`, values
 * `discovery` / `delivery`) equal to what the project's type → track mapping says for each
 * issue, so that `Track = Discovery` works in JQL on company- and team-managed projects alike.
 * More: docs/internals.md#items-track-marker-ts.
 */

/**
 * Issue ids per update request. The contract and the REST docs name no limit for
 * `updates[].issueIds`; 1000 matches Jira's other bulk issue limits (bulk edit, changelog
 * bulkfetch) and keeps a request body small.
 */
export const TRACK_WRITE_BATCH = 1000;

/**
 * Issues one setup run reads at most. Reading and writing 5000 issues takes about 55 Jira
 * calls, which fits a 25 s resolver invocation; a bigger project is finished by running setup
 * again, which continues where the last run stopped.
 */
export const MARK_SCAN_LIMIT = 5000;

/** Page size asked of the search; Jira may return fewer when fields are requested. */
const SEARCH_PAGE = 1000;

/** The track of an issue type: as mapped; types the mapping does not name are delivery. */
export function trackOfType(mapping: TrackMapping, issueTypeId: string): Track {
  return mapping.types.find((t) => t.issueTypeId === issueTypeId)?.track ?? 'delivery';
}

/** The Track field's id on this site (looked up once, then remembered). */
export async function trackFieldId(known: JiraFieldIds, jiraAsApp: JiraGateway): Promise<string> {
  return (await appFieldId('track', known, jiraAsApp)).id;
}

function requireApp(jira: JiraGateway): void {
  if (jira.actor.kind !== 'app') {
    throw new Error('The Track field can only be written as the app.');
  }
}

/** Sets one Track value on issues, in requests of at most TRACK_WRITE_BATCH ids. */
export async function writeTrack(
  jiraAsApp: JiraGateway,
  fieldId: string,
  issueIds: readonly string[],
  value: Track,
): Promise<number> {
  requireApp(jiraAsApp);
  let requests = 0;
  for (let i = 0; i < issueIds.length; i += TRACK_WRITE_BATCH) {
    const batch = issueIds.slice(i, i + TRACK_WRITE_BATCH).map(Number);
    await setAppFieldValues(jiraAsApp, fieldId, [{ issueIds: batch, value }]);
    requests += 1;
  }
  return requests;
}

const IssueTypeRefSchema = z.object({ id: z.string() }).passthrough();

/** A Track value as Jira returns it; anything else counts as "not set". */
function trackValue(raw: unknown): Track | undefined {
  return raw === 'discovery' || raw === 'delivery' ? raw : undefined;
}

/** The JQL that lists a project's issues in a stable order for marking. */
export function markingJql(projectKey: string): string {
  return `project = "${projectKey}" ORDER BY key ASC`;
}

export interface MarkProjectInput {
  jiraAsApp: JiraGateway;
  mapping: TrackMapping;
  fieldId: string;
  /** Continue a search an earlier run did not finish. */
  resumeFrom?: { jql: string; nextPageToken: string } | undefined;
  /** Issues to read at most in this run; MARK_SCAN_LIMIT by default. */
  scanLimit?: number;
}

export interface MarkProjectResult {
  jql: string;
  /** Issues read by this run. */
  read: number;
  /** Issues whose Track this run set, by value. */
  written: Record<Track, number>;
  /** Update requests sent. */
  requests: number;
  /** Where to continue when the run stopped at its limit; undefined when every issue was read. */
  nextPageToken: string | undefined;
  /** The run continued from an earlier run's checkpoint. */
  resumed: boolean;
}

/**
 * Reads the project's issues (issue type and Track only) and sets Track where it is missing or
 * wrong, grouped by value. Stops after `scanLimit` issues and says where to continue. Issues that
 * already show the right track are not written, so a second run writes nothing.
 */
export async function markProjectIssues(input: MarkProjectInput): Promise<MarkProjectResult> {
  const { jiraAsApp, mapping, fieldId } = input;
  requireApp(jiraAsApp);
  const jql = markingJql(mapping.projectKey);
  const limit = input.scanLimit ?? MARK_SCAN_LIMIT;
  const pending: Record<Track, string[]> = { discovery: [], delivery: [] };
  const written: Record<Track, number> = { discovery: 0, delivery: 0 };
  let requests = 0;
  const flush = async (value: Track, all: boolean) => {
    const ids = pending[value];
    const full = all ? ids.length : ids.length - (ids.length % TRACK_WRITE_BATCH);
    if (full === 0) return;
    requests += await writeTrack(jiraAsApp, fieldId, ids.slice(0, full), value);
    written[value] += full;
    pending[value] = ids.slice(full);
  };

  let token = input.resumeFrom?.jql === jql ? input.resumeFrom.nextPageToken : undefined;
  let resumed = token !== undefined;
  let read = 0;
  for (;;) {
    let page: SearchPage;
    try {
      page = await searchPage(jiraAsApp, {
        jql,
        fields: ['issuetype', fieldId],
        maxResults: SEARCH_PAGE,
        ...(token === undefined ? {} : { nextPageToken: token }),
      });
    } catch (error) {
      // A page token from an earlier run may have expired: start again from the first page.
      if (resumed && read === 0 && isJiraError(error) && error.kind === 'bad-request') {
        token = undefined;
        resumed = false;
        continue;
      }
      throw error;
    }
    for (const issue of page.issues ?? []) {
      read += 1;
      const type = IssueTypeRefSchema.safeParse(issue.fields?.['issuetype']);
      if (!type.success) continue;
      const wanted = trackOfType(mapping, type.data.id);
      if (trackValue(issue.fields?.[fieldId]) !== wanted) pending[wanted].push(issue.id);
    }
    await flush('discovery', false);
    await flush('delivery', false);
    const next = page.nextPageToken ?? undefined;
    const last = page.isLast === true || next === undefined || (page.issues ?? []).length === 0;
    token = last ? undefined : next;
    if (token === undefined || read >= limit) break;
  }
  await flush('discovery', true);
  await flush('delivery', true);
  return { jql, read, written, requests, nextPageToken: token, resumed };
}

const IssueTrackSchema = z
  .object({
    id: z.string(),
    fields: z.object({ issuetype: IssueTypeRefSchema.nullish() }).catchall(z.unknown()),
  })
  .passthrough();

export type MarkIssueOutcome =
  | { status: 'written'; track: Track }
  | { status: 'unchanged'; track: Track }
  | { status: 'no-issue-type' };

/**
 * Makes one issue's Track match its current issue type. Reads the issue (type and Track) first:
 * events come late and may repeat or arrive out of order, so the issue as Jira has it now, not
 * the event, decides; and an issue that already shows its track is not written again.
 */
export async function markIssue(
  jiraAsApp: JiraGateway,
  mapping: TrackMapping,
  fieldId: string,
  issueId: string,
): Promise<MarkIssueOutcome> {
  requireApp(jiraAsApp);
  const issue = IssueTrackSchema.parse(await jiraAsApp.getIssue(issueId, ['issuetype', fieldId]));
  const type = issue.fields.issuetype;
  if (!type) return { status: 'no-issue-type' };
  const track = trackOfType(mapping, type.id);
  if (trackValue(issue.fields[fieldId]) === track) return { status: 'unchanged', track };
  await writeTrack(jiraAsApp, fieldId, [issue.id], track);
  return { status: 'written', track };
}
