import { z } from 'zod';
import { errorText, logger } from '../runtime/log';
import { describeEntry, entryBlocks, readersOf } from '../domain/entry-criteria';
import { FlagOutcomeSchema } from '../domain/flag-fallback';
import {
  activeWaiverFor,
  assessReadiness,
  ENFORCEMENT_RULES,
  type EnforcementRule,
} from '../domain/sprint-readiness';
import { isJiraError } from '../jira/errors';
import { jiraAsApp, type RetryPolicy } from '../jira/jira-gateway';
import { appendAudit, readAuditHead, type NewAuditEntry } from '../storage/audit-store';
import { markProjectsWritten } from '../storage/shared-overview-store';
import {
  claimEvent,
  finishEvent,
  recordPlan,
  readEnforcementContext,
  type EnforcementContext,
} from '../storage/enforcement-store';
import { dropOrRetry, endAfterFailure, type RetryRequest, retryCountOf } from './failures';
import { moveToBacklog } from '../jira/boards';
import { addComment } from '../jira/issues';
import { auditActionOf, interventionDetail, rememberFlagOutcomes } from './intervention-audit';
import { flagItem, guardComment } from './interventions';
import {
  CREATED,
  dedupeKeyOf,
  enteredSprints,
  isSprintEntry,
  type IssueEvent,
} from './sprint-guard-event';
import { IssueEventSchema } from './sprint-guard-event';
import { entryOfItem, readItem, trackOfItem, withLoggedEvidence } from '../items/item-facts';
import { enforcementFieldIds } from '../items/site-fields';

export { IssueEventSchema } from './sprint-guard-event';

/**
 * The sprint guard: when an item that is not ready (or that meets the discovery entry criteria
 * with no discovery behind it) enters an open sprint, move it back to the backlog or flag it (per
 * the project's policy), comment what is missing and who put it there, and audit it. Decisions
 * are made on the issue as Jira has it now, never on the event; each event is claimed once and a
 * failed attempt resumes from its recorded steps (docs/decisions/0008-sprint-start-summary.md,
 * docs/costs.md).
 */

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

const logged = logger('sprint-guard');
const log = (key: string, message: string) => logged.warn(`${key}: ${message}`);

export async function handleSprintGuardEvent(
  raw: unknown,
  options: GuardOptions = {},
): Promise<GuardResult | RetryRequest> {
  const now = options.now ?? new Date();
  const parsed = IssueEventSchema.safeParse(raw);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    logged.warn(
      `ignored an event that is not an issue event (${first ? `${first.path.join('.')}: ${first.message}` : 'invalid'})`,
    );
    return { status: 'ignored', reason: 'malformed-event' };
  }
  const event = parsed.data;
  if (!isSprintEntry(event)) return { status: 'ignored', reason: 'not-a-sprint-entry' };
  const { issue } = event;
  const dedupeKey = dedupeKeyOf(event);
  const retryCount = retryCountOf(raw);
  const actor = event.atlassianId ?? event.user?.accountId;

  const context = await guardedProject(event);
  if (!('config' in context)) return context;

  let claimed;
  try {
    claimed = await claimEvent(dedupeKey, now);
  } catch (error) {
    return dropOrRetry(error, (message) => log(issue.key, message));
  }
  if (claimed.status === 'duplicate') {
    log(issue.key, `event ${dedupeKey} already handled (${claimed.claim.state})`);
    return { status: 'ignored', reason: 'duplicate' };
  }
  const handle = claimed.handle;
  const done = new Set<string>(claimed.resume?.done ?? []);
  const resumedPlan = GuardPlanSchema.safeParse(claimed.resume?.plan);
  const jira = jiraAsApp(options.retry);
  // A plan recorded by an earlier attempt is finished, whatever it got done before it stopped.
  let plan: GuardPlan | undefined = resumedPlan.success ? resumedPlan.data : undefined;
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
      await recordPlan(handle, now, plan);
    }
    await carryOut(plan, done, context, jira, now);
    await finishEvent(handle, now, [...done], plan.action);
    return { status: statusOf(plan), issueKey: plan.issueKey, resumed };
  } catch (error) {
    return endAfterFailure({
      error,
      handle,
      now,
      done: [...done],
      plan,
      retryCount,
      log: (message) => log(issue.key, message),
      giveUp: (reason) => auditGuardGiveUp({ plan, done, reason, now, event, actor }),
    });
  }
}

/** The project's enforcement context, when the project is set up with Dual Track. */
async function guardedProject(
  event: IssueEvent,
): Promise<EnforcementContext | GuardResult | RetryRequest> {
  const { issue } = event;
  let context: EnforcementContext;
  try {
    context = await readEnforcementContext(issue.fields.project.key);
  } catch (error) {
    return dropOrRetry(error, (message) => log(issue.key, message));
  }
  const mapping = context.mapping;
  if (!mapping || mapping.projectId !== issue.fields.project.id) {
    return { status: 'ignored', reason: 'not-dual-track' };
  }
  return context;
}

function statusOf(plan: GuardPlan): 'moved-back' | 'flagged' | 'not-flagged' {
  if (plan.action === 'move-back') return 'moved-back';
  return plan.flagOutcome?.via === null ? 'not-flagged' : 'flagged';
}

/** The last attempt failed: the intervention that could not be finished is audited as failed. */
async function auditGuardGiveUp(args: {
  plan: GuardPlan | undefined;
  done: ReadonlySet<string>;
  reason: string;
  now: Date;
  event: IssueEvent;
  actor: string | undefined;
}): Promise<void> {
  const { plan: decided, reason, event } = args;
  const issue = event.issue;
  const projectKey = decided?.projectKey ?? issue.fields.project.key;
  const steps = [...args.done].join(', ') || 'none';
  await appendAudit(projectKey, await readAuditHead(projectKey), [
    {
      at: args.now.toISOString(),
      action: 'failed',
      source: 'sprint-guard',
      rule: decided?.rule ?? 'sprint-guard',
      issueId: decided?.issueId ?? issue.id,
      issueKey: decided?.issueKey ?? issue.key,
      actor: args.actor ?? null,
      detail: decided
        ? `Could not ${decided.action === 'move-back' ? 'move it back' : 'flag it'} after it entered sprint "${decided.sprintName}" (${reason}); steps done: ${steps}. Missing: ${decided.missing.join('; ')}.`
        : `Could not check it after it entered a sprint (${reason}); nothing was changed.`,
      ...(decided ? { sprintId: decided.sprintId } : {}),
    },
  ]);
}

/** An item let through by a waiver: the audit log says what it lacked and whose waiver it was. */
async function auditWaiver(
  context: EnforcementContext,
  args: {
    item: { id: string; key: string; projectKey: string };
    sprint: { id: number; name: string };
    verdict: { rule: EnforcementRule; missing: string[] };
    waiver: NonNullable<ReturnType<typeof activeWaiverFor>>;
    actor: string | undefined;
    now: Date;
  },
): Promise<void> {
  const { item, sprint, verdict, waiver, actor, now } = args;
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
      missing: [describeEntry(entry.verdict, readersOf(item.key, entry)).replace(/\.$/, '')],
      moveBack: context.config.entry.guardMovesBack,
    };
  }

  const waiver = activeWaiverFor(context.waivers, item.id, now);
  if (waiver) {
    await auditWaiver(context, { item, sprint, verdict, waiver, actor, now });
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
    // Pages shared before the move or flag no longer match the project.
    for (const error of await markProjectsWritten([plan.projectKey], now)) {
      log(plan.issueKey, `could not mark ${plan.projectKey} changed: ${errorText(error)}`);
    }
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
