import { z } from 'zod';
import { doc, paragraph, strong, text } from '../domain/adf';
import { describeReasons, mayName, nameKeys, readersOf } from '../domain/entry-criteria';
import { isJiraError } from '../jira/errors';
import { addComment, BULK_FETCH_MAX, bulkFetchIssues, hasSecurityLevel } from '../jira/issues';
import { jiraAsApp, type JiraGateway, type RetryPolicy } from '../jira/jira-gateway';
import { appFieldIds } from '../items/app-fields';
import { entryIssueFields, entryVerdictsOf, type EntryReading } from '../items/entry-reader';
import { kindOf, trackResolver } from '../items/project-items';
import { logger } from '../runtime/log';
import { appendAudit, readAuditHead } from '../storage/audit-store';
import { claimEvent, finishEvent, suspendEvent } from '../storage/enforcement-store';
import { readSpikeNotes, type SpikeNote } from '../storage/issue-notes-store';
import { readProjectContext, type ProjectContext } from '../storage/project-context';
import { claimTelling, moveTelling, releaseTelling } from '../storage/spike-decision-store';
import { dropOrRetry, type RetryRequest } from './failures';
import { dedupeKeyOf, IssueEventSchema, UPDATED, type IssueEvent } from './sprint-guard-event';

/**
 * Decisions flow to waiting work: when a spike is closed (a status change event, read fresh), the
 * app posts its "what we learned / decision" note once as a comment on each delivery item that
 * waited on it, and audits it. Written as the app, so only on items in the spike's project and
 * without an issue security level, and never for a spike with one. Idempotent per (spike, item)
 * pair (spike-decision-store.ts) and per event (the guard's event claims).
 */

const logged = logger('spike-decision');

const RefSchema = z.object({ id: z.string(), key: z.string() }).passthrough();
const SpikeSchema = z
  .object({
    id: z.string(),
    key: z.string(),
    fields: z
      .object({
        summary: z.string().optional(),
        issuetype: z.object({ id: z.string(), name: z.string() }).passthrough(),
        status: z
          .object({ statusCategory: z.object({ key: z.string() }).passthrough() })
          .passthrough(),
        project: z.object({ id: z.string(), key: z.string() }).passthrough(),
        security: z.unknown().optional(),
        issuelinks: z
          .array(
            z
              .object({ inwardIssue: RefSchema.optional(), outwardIssue: RefSchema.optional() })
              .passthrough(),
          )
          .nullish(),
      })
      .passthrough(),
  })
  .passthrough();
type Spike = z.infer<typeof SpikeSchema>;

export type SpikeDecisionResult =
  | { status: 'ignored'; reason: string }
  /** `told`: items commented on now; `skipped`: items it may not name or told before. */
  | { status: 'shared'; spikeKey: string; told: string[]; skipped: string[] };

/** Could this event have closed an issue: an update whose changelog has a status item? */
export function isStatusChange(event: IssueEvent): boolean {
  if (event.eventType !== undefined && event.eventType !== UPDATED) return false;
  return (event.changelog?.items ?? []).some((i) => i.fieldId === 'status' || i.field === 'status');
}

export interface SpikeDecisionOptions {
  now?: Date;
  retry?: RetryPolicy;
}

export async function handleSpikeClosed(
  raw: unknown,
  options: SpikeDecisionOptions = {},
): Promise<SpikeDecisionResult | RetryRequest> {
  const now = options.now ?? new Date();
  const parsed = IssueEventSchema.safeParse(raw);
  if (!parsed.success) return { status: 'ignored', reason: 'malformed-event' };
  const event = parsed.data;
  if (!isStatusChange(event)) return { status: 'ignored', reason: 'not-a-status-change' };
  const { issue } = event;
  let context: ProjectContext;
  let claimed;
  try {
    context = await readProjectContext(issue.fields.project.key);
    if (context.mapping?.projectId !== issue.fields.project.id) {
      return { status: 'ignored', reason: 'not-dual-track' };
    }
    claimed = await claimEvent(`spike-decision:${dedupeKeyOf(event)}`, now);
  } catch (error) {
    return dropOrRetry(error, (message) => logged.warn(`${issue.key}: ${message}`));
  }
  if (claimed.status === 'duplicate') return { status: 'ignored', reason: 'duplicate' };
  try {
    const result = await shareDecision(event, context, jiraAsApp(options.retry), now);
    await finishEvent(
      claimed.handle,
      now,
      [],
      result.status === 'ignored' ? result.reason : 'shared',
    );
    return result;
  } catch (error) {
    // Released, so that Forge's retry starts over; the pairs already told stay told.
    await suspendEvent(claimed.handle, now, [], undefined).catch(() => undefined);
    return dropOrRetry(error, (message) => logged.warn(`${issue.key}: ${message}`));
  }
}

/** Reads the spike fresh; when it is a closed spike with a decision, tells the waiting items. */
async function shareDecision(
  event: IssueEvent,
  context: ProjectContext,
  jira: JiraGateway,
  now: Date,
): Promise<SpikeDecisionResult> {
  const fields = ['summary', 'issuetype', 'status', 'project', 'security', 'issuelinks'];
  let spike: Spike;
  try {
    spike = SpikeSchema.parse(await jira.getIssue(event.issue.id, fields));
  } catch (error) {
    if (isJiraError(error) && error.kind === 'not-found') {
      return { status: 'ignored', reason: 'issue-gone' };
    }
    throw error;
  }
  const f = spike.fields;
  const tracks = trackResolver(context.mapping, context.config.tracks.discoveryTypeNames);
  const track = tracks.trackOf(f.issuetype.id, f.issuetype.name);
  if (f.project.id !== context.mapping?.projectId) {
    return { status: 'ignored', reason: 'moved-to-another-project' };
  }
  if (kindOf(f.issuetype.name, track) !== 'spike')
    return { status: 'ignored', reason: 'not-a-spike' };
  if (f.status.statusCategory.key !== 'done') return { status: 'ignored', reason: 'not-closed' };
  if (hasSecurityLevel(f)) {
    // Its decision would reach people who may not see it: nothing is written as the app.
    logged.warn(`${spike.key}: has an issue security level; its decision is not shared`);
    return { status: 'ignored', reason: 'restricted-spike' };
  }
  const note = (await readSpikeNotes([spike.id])).get(spike.id);
  if (!note) return { status: 'ignored', reason: 'no-decision' };
  const { targets, skipped } = await waitingItems(spike, context, jira);
  const told: string[] = [];
  for (const target of targets) {
    if (await tellOne({ spike, note, target, actor: event.atlassianId, now, jira })) {
      told.push(target.key);
    } else skipped.push(target.key);
  }
  return { status: 'shared', spikeKey: spike.key, told, skipped };
}

interface Target {
  id: string;
  key: string;
  reading: EntryReading;
}

/**
 * The delivery items linked to the spike that meet the discovery entry criteria (so waited on
 * it), split into those it may name the spike to (its project, no issue security level) and
 * the others.
 */
async function waitingItems(
  spike: Spike,
  context: ProjectContext,
  jira: JiraGateway,
): Promise<{ targets: Target[]; skipped: string[] }> {
  const linked = [
    ...new Set(
      (spike.fields.issuelinks ?? [])
        .map((l) => (l.inwardIssue ?? l.outwardIssue)?.key)
        .filter((k): k is string => k !== undefined),
    ),
  ].slice(0, BULK_FETCH_MAX);
  if (linked.length === 0) return { targets: [], skipped: [] };
  const { ids } = await appFieldIds(['entryTriage', 'discoveryEvidence'], context.fields, jira);
  const entryIds = { entryTriage: ids.entryTriage, discoveryEvidence: ids.discoveryEvidence };
  const issues = await bulkFetchIssues(jira, linked, [
    ...entryIssueFields(entryIds),
    'project',
    'security',
  ]);
  const tracks = trackResolver(context.mapping, context.config.tracks.discoveryTypeNames);
  const { readings } = await entryVerdictsOf({
    issues,
    ids: entryIds,
    tracks,
    config: context.config,
    jira,
  });
  const targets: Target[] = [];
  const skipped: string[] = [];
  issues.forEach((raw, i) => {
    const reading = readings[i];
    if (!reading || reading.track !== 'delivery' || reading.verdict.state === 'not-applicable') {
      return;
    }
    const readers = {
      project: spike.fields.project.key,
      unrestricted: new Set(hasSecurityLevel(raw.fields) ? [] : [raw.key]),
    };
    if (mayName(raw.key, readers)) targets.push({ id: raw.id, key: raw.key, reading });
    else skipped.push(raw.key);
  });
  return { targets, skipped };
}

/** Posts the comment and the audit entry for one pair, each at most once; false: told before. */
async function tellOne(args: {
  spike: Spike;
  note: SpikeNote;
  target: Target;
  actor: string | undefined;
  now: Date;
  jira: JiraGateway;
}): Promise<boolean> {
  const { spike, note, target, now } = args;
  const step = await claimTelling(spike.id, target.id, now);
  if (step === 'skip') return false;
  if (step === 'comment') {
    try {
      await addComment(args.jira, target.key, decisionComment(spike, note, target));
    } catch (error) {
      await releaseTelling(spike.id, target.id);
      throw error;
    }
    await moveTelling(spike.id, target.id, 'commented', now);
  }
  const projectKey = spike.fields.project.key;
  await appendAudit(projectKey, await readAuditHead(projectKey), [
    {
      at: now.toISOString(),
      action: 'decision-shared',
      source: 'spike-decision',
      rule: 'spike-decision',
      issueId: target.id,
      issueKey: target.key,
      actor: args.actor ?? null,
      detail: `Spike ${spike.key} was closed; its decision was posted as a comment: ${clip(note.note, 1000)}`,
    },
  ]);
  await moveTelling(spike.id, target.id, 'done', now);
  return true;
}

const clip = (value: string, max: number) =>
  value.length <= max ? value : `${value.slice(0, max - 1)}…`;

/** The comment on a waiting item: which spike closed, its decision, and where the item stands. */
export function decisionComment(spike: Spike, note: SpikeNote, target: Target) {
  // The spike was read without an issue security level, in the item's project.
  const name = nameKeys([spike.key], readersOf(target.key, { unrestricted: new Set([spike.key]) }));
  const summary = spike.fields.summary ? ` (${spike.fields.summary})` : '';
  const reasons = describeReasons(target.reading.verdict.reasons);
  return doc([
    paragraph(strong(`Decision from spike ${name}${summary}: `), text(note.note)),
    paragraph(
      text(
        `Dual Track posts this because this item meets the discovery entry criteria (${reasons}) and waited on that spike, which is now closed.`,
      ),
    ),
  ]);
}
