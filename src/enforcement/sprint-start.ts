import { z } from 'zod';
import { jiraAsApp, type RetryPolicy } from '../jira/jira-gateway';
import { claimEvent, finishEvent, type ClaimHandle } from '../storage/enforcement-store';
import { dropOrRetry, endAfterFailure, type RetryRequest, retryCountOf } from './failures';
import { auditGiveUp, carryOut } from './sprint-start-actions';
import {
  decide,
  log,
  redecideRemaining,
  StartPlanSchema,
  type StartPlan,
} from './sprint-start-plan';
import { logger } from '../runtime/log';
import { queueSprintCheck } from './sprint-start-job';

/**
 * The sprint-start check: on `avi:jira-software:started:sprint`, reads the sprint's items (at
 * most SPRINT_SCAN_LIMIT) and applies each project's policy to those that are not ready: moved
 * back in batches of 50, or flagged; then one summary comment per project and the audit entries.
 * More: docs/internals.md#enforcement-sprint-start-ts.
 */

/** The documented payload: `{ sprint: { id, self, state, name, startDate, endDate, originBoardId, goal } }`. */
export const SprintStartedEventSchema = z
  .object({
    atlassianId: z.string().optional(),
    sprint: z
      .object({ id: z.number().int().positive(), name: z.string().optional() })
      .passthrough(),
  })
  .passthrough();

export type SprintStartResult =
  | { status: 'ignored'; reason: string }
  /** Too many items for one invocation: the queue checks it in steps (sprint-start-job.ts). */
  | { status: 'queued'; sprintId: number; joined: boolean }
  | {
      status: 'checked';
      sprintId: number;
      moved: string[];
      flagged: string[];
      /** Items to flag that Jira's edit screen let no flag be set on (commented on and audited). */
      notFlagged: string[];
      waived: string[];
      /** The item the summary comment was posted on; undefined when nothing was acted on. */
      summaryOn: string | undefined;
      resumed: boolean;
      /** Items a resumed attempt found ready, waived or gone and left alone. */
      spared: string[];
      /** Items beyond the scan limit that were not checked. */
      unread: number;
      /** false: Jira gave no count; `unread` is 1, meaning "at least one more". */
      unreadCounted: boolean;
    };

export async function handleSprintStarted(
  raw: unknown,
  options: { now?: Date; retry?: RetryPolicy } = {},
): Promise<SprintStartResult | RetryRequest> {
  const now = options.now ?? new Date();
  const parsed = SprintStartedEventSchema.safeParse(raw);
  if (!parsed.success) {
    logger('sprint-start').warn('ignored an event without a sprint id');
    return { status: 'ignored', reason: 'malformed-event' };
  }
  const sprintId = parsed.data.sprint.id;
  const actor = parsed.data.atlassianId;
  const dedupeKey = `sprint-start:${sprintId}`;
  const retryCount = retryCountOf(raw);
  const jira = jiraAsApp(options.retry);

  let claimed;
  try {
    claimed = await claimEvent(dedupeKey, now);
  } catch (error) {
    return dropOrRetry(error, (message) => log(String(sprintId), message));
  }
  if (claimed.status === 'duplicate') return { status: 'ignored', reason: 'duplicate' };
  const handle: ClaimHandle = claimed.handle;
  const done = new Set<string>(claimed.resume?.done ?? []);
  const resumedPlan = StartPlanSchema.safeParse(claimed.resume?.plan);
  let plan: StartPlan | undefined =
    done.size > 0 && resumedPlan.success ? resumedPlan.data : undefined;
  const resumed = plan !== undefined;
  let spared: string[] = [];

  try {
    if (plan) {
      const refreshed = await redecideRemaining(plan, done, jira, now);
      plan = refreshed.plan;
      spared = refreshed.spared;
    } else {
      const decided = await decideOrQueue({ sprintId, actor, jira, now, handle });
      if ('status' in decided) return decided;
      plan = decided;
      done.clear();
    }
    await carryOut(plan, done, jira, now);
    await finishEvent(handle, now, [...done], `${plan.items.length} item(s) acted on`);
    const toFlag = plan.items.filter((i) => i.action === 'flag');
    const unflagged = (key: string) => plan?.flagOutcomes?.[key]?.via === null;
    return {
      status: 'checked',
      sprintId,
      moved: plan.items.filter((i) => i.action === 'move-back').map((i) => i.key),
      flagged: toFlag.filter((i) => !unflagged(i.key)).map((i) => i.key),
      notFlagged: toFlag.filter((i) => unflagged(i.key)).map((i) => i.key),
      waived: plan.waived.map((w) => w.key),
      summaryOn: plan.items[0]?.key,
      resumed,
      spared,
      unread: plan.unread,
      unreadCounted: plan.unreadCounted ?? true,
    };
  } catch (error) {
    const failedPlan = plan;
    return endAfterFailure({
      error,
      handle,
      now,
      done: [...done],
      plan,
      retryCount,
      log: (message) => log(String(sprintId), message),
      // Without a plan the sprint's projects are unknown: the log is the only record then.
      giveUp: failedPlan ? (reason) => auditGiveUp(failedPlan, done, reason, now) : undefined,
    });
  }
}

/**
 * A fresh decision, or none: a sprint past the scan limit is handed to the queue (checked there
 * in steps); a sprint gone or no longer active is ignored. Either closes the event's claim.
 */
async function decideOrQueue(args: {
  sprintId: number;
  actor: string | undefined;
  jira: ReturnType<typeof jiraAsApp>;
  now: Date;
  handle: ClaimHandle;
}): Promise<StartPlan | SprintStartResult> {
  const { sprintId, actor, now, handle } = args;
  const decided = await decide(sprintId, actor, args.jira, now);
  if (!('status' in decided)) return decided;
  if (decided.status === 'large') {
    const queued = await queueSprintCheck({ sprintId, sprintName: decided.sprintName, actor, now });
    await finishEvent(handle, now, [], 'checked in steps through the queue');
    return { status: 'queued', sprintId, joined: queued.joined };
  }
  await finishEvent(handle, now, [], decided.reason);
  return decided;
}
