import { createHash } from 'node:crypto';
import { z } from 'zod';
import { describeEntry, entryBlocks, projectOfKey } from '../domain/entry-criteria';
import { FlagOutcomeSchema } from '../domain/flag-fallback';
import {
  activeWaiverFor,
  assessReadiness,
  ENFORCEMENT_RULES,
  type EnforcementRule,
} from '../domain/sprint-readiness';
import { isJiraError } from '../jira/errors';
import { ISSUE_ID, jiraAsApp, type RetryPolicy } from '../jira/jira-gateway';
import { appendAudit, readAuditHead, type NewAuditEntry } from '../storage/audit-store';
import {
  claimEvent,
  finishEvent,
  readEnforcementContext,
  type EnforcementContext,
} from '../storage/enforcement-store';
import {
  classifyFailure,
  endAfterFailure,
  retryRequestOf,
  type RetryRequest,
  messageOf,
  retryCountOf,
} from './failures';
import { moveToBacklog } from '../jira/boards';
import { addComment } from '../jira/issues';
import { auditActionOf, interventionDetail, rememberFlagOutcomes } from './intervention-audit';
import { flagItem, guardComment } from './interventions';
import {
  enforcementFieldIds,
  entryOfItem,
  readItem,
  trackOfItem,
  withLoggedEvidence,
} from '../items/item-facts';

/**
 * The sprint guard: reacts to `avi:jira:updated:issue` (a Sprint change) and
 * `avi:jira:created:issue`. When an item that is not ready enters an open sprint, it is moved
 * back to the backlog (or flagged, per the project's `guard.policy`), the item gets a comment
 * naming what is missing and who put it there, and the audit log records it.
 *
 * A delivery item that meets the discovery entry criteria (src/domain/entry-criteria.ts) without
 * a validated discovery item or finished spike linked is treated the same way, under the rule
 * `entry-criteria`: moved back when the project's `entry.guardMovesBack` is on, else flagged
 * (this setting, not `guard.policy`, decides for such items). Its facts (labels, components,
 * Entry triage, links) come from the same GET; only when it meets the criteria and has linked
 * ideas is their evidence read (1 bulkfetch).
 *
 * Every decision is made on the issue as Jira has it now (one GET as the app), never on the
 * event: events come late, repeat and arrive out of order. The event's id (issue id plus
 * changelog id) is claimed with FAIL_IF_EXISTS, so a repeated delivery does nothing; a failed
 * attempt either releases the claim (nothing done yet: the retry decides afresh) or keeps its
 * plan and the steps done (the retry finishes the rest, e.g. the comment after the move). On
 * the last attempt Forge allows (`retryContext.retryCount`), a failure closes the event and
 * records the intervention that could not be finished in the audit log (action `failed`).
 *
 * Flagging works around Jira's edit screens (src/enforcement/interventions.ts flagItem): when
 * neither the Flagged field nor the label can be set, the item is still commented on, the audit
 * entry (`failed`) says what the project admin must change, and the project's flag notes (shown
 * on its Dual Track settings page) say it too; the event is finished, not retried.
 *
 * Cost per guarded event: storage: 1 batch read (settings, field ids, mapping, waivers, audit
 * head, flag notes) + the claim (1 batch read of today's and yesterday's record, 1 create; the
 * first event of an hour also prunes records older than two days); Jira: 1 GET issue; when
 * acting 2 more (move or flag, comment), a flag that the edit screen refuses up to 3 more; once
 * per site 1 GET /field. Audit: 1 create + 1 head write; 1 write of the flag notes when what
 * they say changes.
 */

const CREATED = 'avi:jira:created:issue';
const UPDATED = 'avi:jira:updated:issue';
export const SPRINT_FIELD_NAME = 'Sprint';

const IdSchema = z
  .union([z.string(), z.number()])
  .transform(String)
  .pipe(z.string().regex(ISSUE_ID));

const ChangeItemSchema = z
  .object({
    field: z.string().nullish(),
    fieldId: z.string().nullish(),
    from: z.string().nullish(),
    to: z.string().nullish(),
  })
  .passthrough();

/**
 * The documented payload of Jira issue events for Forge (only what the guard uses):
 * `{ eventType, atlassianId, issue: { id, key, fields: { project: { id, key }, ... } },
 *    changelog: { id, items: [{ field: "Sprint", fieldId: "customfield_10020", from: "3",
 *    to: "3, 7", fromString, toString }] } }`. The Sprint item's `from`/`to` are
 * comma-separated sprint ids.
 */
export const IssueEventSchema = z
  .object({
    eventType: z.string().optional(),
    atlassianId: z.string().optional(),
    user: z.object({ accountId: z.string() }).passthrough().optional(),
    timestamp: z.number().optional(),
    issue: z
      .object({
        id: IdSchema,
        key: z.string().min(1),
        fields: z
          .object({ project: z.object({ id: IdSchema, key: z.string().min(1) }).passthrough() })
          .passthrough(),
      })
      .passthrough(),
    changelog: z
      .object({
        id: z.union([z.string(), z.number()]).transform(String).optional(),
        items: z.array(ChangeItemSchema).optional(),
      })
      .passthrough()
      .nullish(),
  })
  .passthrough();
export type IssueEvent = z.infer<typeof IssueEventSchema>;

function sprintIds(value: string | null | undefined): number[] {
  return (value ?? '')
    .split(',')
    .map((s) => Number(s.trim()))
    .filter((n) => Number.isInteger(n) && n > 0);
}

/** Sprint ids the event says the issue entered (`to` minus `from` of the Sprint item). */
export function enteredSprints(event: IssueEvent): number[] {
  const items = event.changelog?.items ?? [];
  const entered = new Set<number>();
  for (const item of items) {
    if (item.field !== SPRINT_FIELD_NAME) continue;
    const before = new Set(sprintIds(item.from));
    for (const id of sprintIds(item.to)) if (!before.has(id)) entered.add(id);
  }
  return [...entered];
}

/** Could this event have put the issue into a sprint? Created issues: maybe; updates: say so. */
export function isSprintEntry(event: IssueEvent): boolean {
  if (event.eventType === CREATED) return true;
  if (event.eventType !== undefined && event.eventType !== UPDATED) return false;
  return enteredSprints(event).length > 0;
}

/** One key per event: the issue and its changelog entry (or creation); else a hash of it. */
export function dedupeKeyOf(event: IssueEvent): string {
  if (event.eventType === CREATED) return `${event.issue.id}:created`;
  if (event.changelog?.id) return `${event.issue.id}:${event.changelog.id}`;
  const digest = createHash('sha256')
    .update(JSON.stringify([event.issue.id, event.timestamp ?? null, event.changelog ?? null]))
    .digest('hex')
    .slice(0, 32);
  return `${event.issue.id}:h${digest}`;
}

const GuardPlanSchema = z
  .object({
    issueId: z.string(),
    issueKey: z.string(),
    projectKey: z.string(),
    typeName: z.string(),
    action: z.enum(['move-back', 'flag']),
    rule: z.enum(ENFORCEMENT_RULES),
    missing: z.array(z.string()),
    sprintId: z.number().int(),
    sprintName: z.string(),
    actor: z.string().optional(),
    created: z.boolean(),
    flaggedFieldId: z.string().nullable(),
    /** How the flag went, once it was tried (kept with the plan so a retry words the rest right). */
    flagOutcome: FlagOutcomeSchema.optional(),
  })
  .strict();
type GuardPlan = z.infer<typeof GuardPlanSchema>;

export type GuardResult =
  | { status: 'ignored'; reason: string }
  | { status: 'ready' | 'waived'; issueKey: string }
  | {
      /** `not-flagged`: the project flags, and Jira's edit screen let no flag be set. */
      status: 'moved-back' | 'flagged' | 'not-flagged';
      issueKey: string;
      resumed: boolean;
    };

export interface GuardOptions {
  now?: Date;
  retry?: RetryPolicy;
}

const lowerFirst = (text: string) => text.charAt(0).toLowerCase() + text.slice(1);

const log = (key: string, message: string) => console.warn(`sprint-guard: ${key}: ${message}`);

export async function handleSprintGuardEvent(
  raw: unknown,
  options: GuardOptions = {},
): Promise<GuardResult | RetryRequest> {
  const now = options.now ?? new Date();
  const parsed = IssueEventSchema.safeParse(raw);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    console.warn(
      `sprint-guard: ignored an event that is not an issue event (${first ? `${first.path.join('.')}: ${first.message}` : 'invalid'})`,
    );
    return { status: 'ignored', reason: 'malformed-event' };
  }
  const event = parsed.data;
  if (!isSprintEntry(event)) return { status: 'ignored', reason: 'not-a-sprint-entry' };
  const { issue } = event;
  const dedupeKey = dedupeKeyOf(event);
  const retryCount = retryCountOf(raw);
  const actor = event.atlassianId ?? event.user?.accountId;

  let context: EnforcementContext;
  try {
    context = await readEnforcementContext(issue.fields.project.key);
  } catch (error) {
    return dropOrRetry(issue.key, error);
  }
  const mapping = context.mapping;
  if (!mapping || mapping.projectId !== issue.fields.project.id) {
    return { status: 'ignored', reason: 'not-dual-track' };
  }

  let claimed;
  try {
    claimed = await claimEvent(dedupeKey, now);
  } catch (error) {
    return dropOrRetry(issue.key, error);
  }
  if (claimed.status === 'duplicate') {
    log(issue.key, `event ${dedupeKey} already handled (${claimed.claim.state})`);
    return { status: 'ignored', reason: 'duplicate' };
  }
  const handle = claimed.handle;
  const done = new Set<string>(claimed.resume?.done ?? []);
  const resumedPlan = GuardPlanSchema.safeParse(claimed.resume?.plan);
  const jira = jiraAsApp(options.retry);
  let plan: GuardPlan | undefined =
    done.size > 0 && resumedPlan.success ? resumedPlan.data : undefined;
  const resumed = plan !== undefined;

  try {
    if (!plan) {
      const decided = await decide(event, context, jira, actor, now);
      if ('status' in decided) {
        await finishEvent(
          handle,
          now,
          [],
          decided.status === 'ignored' ? decided.reason : decided.status,
        );
        return decided;
      }
      plan = decided;
      done.clear();
    }
    await carryOut(plan, done, context, jira, now);
    await finishEvent(handle, now, [...done], plan.action);
    return {
      status:
        plan.action === 'move-back'
          ? 'moved-back'
          : plan.flagOutcome?.via === null
            ? 'not-flagged'
            : 'flagged',
      issueKey: plan.issueKey,
      resumed,
    };
  } catch (error) {
    const decided = plan;
    return endAfterFailure({
      error,
      handle,
      now,
      done: [...done],
      plan,
      retryCount,
      log: (message) => log(issue.key, message),
      giveUp: async (reason) => {
        const projectKey = decided?.projectKey ?? issue.fields.project.key;
        const steps = [...done].join(', ') || 'none';
        await appendAudit(projectKey, await readAuditHead(projectKey), [
          {
            at: now.toISOString(),
            action: 'failed',
            source: 'sprint-guard',
            rule: decided?.rule ?? 'sprint-guard',
            issueId: decided?.issueId ?? issue.id,
            issueKey: decided?.issueKey ?? issue.key,
            actor: actor ?? null,
            detail: decided
              ? `Could not ${decided.action === 'move-back' ? 'move it back' : 'flag it'} after it entered sprint "${decided.sprintName}" (${reason}); steps done: ${steps}. Missing: ${decided.missing.join('; ')}.`
              : `Could not check it after it entered a sprint (${reason}); nothing was changed.`,
            ...(decided ? { sprintId: decided.sprintId } : {}),
          },
        ]);
      },
    });
  }
}

function dropOrRetry(key: string, error: unknown): GuardResult | RetryRequest {
  const verdict = classifyFailure(error);
  log(key, messageOf(error));
  return verdict.kind === 'retry'
    ? retryRequestOf(verdict)
    : { status: 'ignored', reason: verdict.reason };
}

/** Reads the issue fresh and decides; a plan when the guard must act. */
async function decide(
  event: IssueEvent,
  context: EnforcementContext,
  jira: ReturnType<typeof jiraAsApp>,
  actor: string | undefined,
  now: Date,
): Promise<GuardPlan | GuardResult> {
  const ids = await enforcementFieldIds(context, jira);
  let item;
  try {
    item = await readItem(jira, event.issue.id, ids);
  } catch (error) {
    if (isJiraError(error) && error.kind === 'not-found') {
      log(event.issue.key, 'the issue no longer exists or the app cannot see it');
      return { status: 'ignored', reason: 'issue-gone' };
    }
    throw error;
  }
  if (item.projectId !== context.mapping?.projectId) {
    return { status: 'ignored', reason: 'moved-to-another-project' };
  }
  const entered = new Set(enteredSprints(event));
  // Fresh data decides: the sprint the event named, else any open sprint the issue is in now.
  const sprint = item.openSprints.find((s) => entered.has(s.id)) ?? item.openSprints[0];
  if (!sprint) return { status: 'ignored', reason: 'not-in-open-sprint' };

  const track = trackOfItem(item, context.mapping, context.config);
  if (track === 'discovery') item = (await withLoggedEvidence([item], () => true))[0] ?? item;
  const readiness = assessReadiness({ ...item.facts, track }, context.config);
  let verdict: { rule: EnforcementRule; missing: string[]; moveBack: boolean };
  if (!readiness.ready) {
    verdict = {
      rule: readiness.rule,
      missing: readiness.missing,
      moveBack: context.config.guard.policy === 'move-back',
    };
  } else {
    const entry = await entryOfItem(item, ids, context.mapping, context.config, jira);
    if (!entryBlocks(entry.verdict)) return { status: 'ready', issueKey: item.key };
    verdict = {
      rule: 'entry-criteria',
      // describeEntry's sentence, as one "to fix" line like the readiness checks' lines.
      missing: [describeEntry(entry.verdict, projectOfKey(item.key)).replace(/\.$/, '')],
      moveBack: context.config.entry.guardMovesBack,
    };
  }

  const waiver = activeWaiverFor(context.waivers, item.id, now);
  if (waiver) {
    await appendAudit(item.projectKey, context.auditHead, [
      {
        at: now.toISOString(),
        action: 'waived',
        source: 'sprint-guard',
        rule: verdict.rule,
        issueId: item.id,
        issueKey: item.key,
        actor: actor ?? null,
        detail:
          verdict.rule === 'entry-criteria'
            ? `Entered sprint "${sprint.name}" although it ${lowerFirst(verdict.missing.join('; '))}; allowed by a waiver.`
            : `Entered sprint "${sprint.name}" without ${verdict.missing.join('; ')}; allowed by a waiver.`,
        waiver: { grantedBy: waiver.grantedBy, reason: waiver.reason, expiresOn: waiver.expiresOn },
        sprintId: sprint.id,
      },
    ]);
    return { status: 'waived', issueKey: item.key };
  }
  return {
    issueId: item.id,
    issueKey: item.key,
    projectKey: item.projectKey,
    typeName: item.typeName,
    action: verdict.moveBack ? 'move-back' : 'flag',
    rule: verdict.rule,
    missing: verdict.missing,
    sprintId: sprint.id,
    sprintName: sprint.name,
    ...(actor ? { actor } : {}),
    created: event.eventType === CREATED,
    flaggedFieldId: ids.flagged,
  };
}

async function carryOut(
  plan: GuardPlan,
  done: Set<string>,
  context: EnforcementContext,
  jira: ReturnType<typeof jiraAsApp>,
  now: Date,
): Promise<void> {
  if (!done.has(plan.action)) {
    if (plan.action === 'move-back') await moveToBacklog(jira, [plan.issueKey]);
    else plan.flagOutcome = await flagItem(jira, plan.issueKey, plan.flaggedFieldId);
    done.add(plan.action);
  }
  const flag = plan.action === 'flag' ? plan.flagOutcome : undefined;
  if (!done.has('comment')) {
    await addComment(
      jira,
      plan.issueKey,
      guardComment({
        item: { ...plan, key: plan.issueKey },
        action: plan.action,
        sprintName: plan.sprintName,
        actor: plan.actor,
        created: plan.created,
        flag,
      }),
    );
    done.add('comment');
  }
  if (!done.has('audit')) {
    const entered = `${plan.created ? 'Created in' : 'Added to'} sprint "${plan.sprintName}"`;
    const entry: NewAuditEntry = {
      at: now.toISOString(),
      action: auditActionOf(plan.action, flag),
      source: 'sprint-guard',
      rule: plan.rule,
      issueId: plan.issueId,
      issueKey: plan.issueKey,
      actor: plan.actor ?? null,
      detail: interventionDetail({ ...plan, lead: entered, flag, missing: plan.missing }),
      sprintId: plan.sprintId,
    };
    await appendAudit(plan.projectKey, context.auditHead, [entry]);
    done.add('audit');
  }
  if (flag && !done.has('flag-note')) {
    await rememberFlagOutcomes(
      plan.projectKey,
      context.flagNotes,
      [{ typeName: plan.typeName, outcome: flag }],
      now,
    );
    done.add('flag-note');
  }
}
