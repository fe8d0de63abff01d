import type { InvocationError } from '@forge/events';
import { z } from 'zod';
import { describeEntry, entryBlocks, type EntryVerdict } from '../domain/entry-criteria';
import {
  activeWaiverFor,
  assessReadiness,
  ENFORCEMENT_RULES,
  type EnforcementRule,
} from '../domain/sprint-readiness';
import { entryVerdictsOf } from '../entry/entry-reader';
import { isJiraError } from '../jira/errors';
import { jiraAsApp, type RetryPolicy } from '../jira/jira-gateway';
import { appendAudit, readAuditHead, type NewAuditEntry } from '../storage/audit-store';
import { JiraFieldIdsSchema } from '../storage/config-store';
import {
  claimEvent,
  ENFORCEMENT_KEYS,
  EnforcementFieldsSchema,
  finishEvent,
  readEnforcementContext,
  type EnforcementContext,
} from '../storage/enforcement-store';
import { KEYS, parseStored, readMany } from '../storage/kvs-store';
import { trackResolver } from '../project-page/project-items';
import { classifyFailure, endAfterFailure, invocationErrorOf, messageOf } from './failures';
import { addComment, flagItem, moveToBacklog, sprintStartSummary } from './interventions';
import {
  enforcementFieldIds,
  readSprint,
  readSprintItems,
  trackOfItem,
  type Item,
} from './item-facts';

/**
 * The sprint-start check: on `avi:jira-software:started:sprint` (payload `{ sprint }`, no issue
 * list), reads the sprint's items (GET /rest/agile/1.0/sprint/{id}/issue with the fields the
 * decision needs, 50 per page) and applies each project's policy to the items that are not
 * ready: moved back in batches of 50, or flagged one by one. Then ONE summary comment, on the
 * first affected item in sprint order (docs/decisions/0008-sprint-start-summary.md), and one
 * audit entry per item. Claimed per sprint, resumable like the guard.
 *
 * Delivery items that meet the discovery entry criteria without covering discovery count as not
 * ready too (rule `entry-criteria`; moved back when `entry.guardMovesBack`, else flagged). Their
 * facts come with the sprint's pages; the evidence of linked ideas that could decide a verdict
 * is read in 1 bulkfetch per project and 100 ideas, only when there are such items.
 *
 * Cost: storage: 1 read (field ids) + 1 batch read per project in the sprint + claim; Jira:
 * 1 GET sprint, ceil(items/50) pages, ceil(moved/50) moves or 1 PUT per flagged item, 1 comment.
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

const PlannedItemSchema = z
  .object({
    issueId: z.string(),
    key: z.string(),
    projectKey: z.string(),
    typeName: z.string(),
    action: z.enum(['move-back', 'flag']),
    rule: z.enum(ENFORCEMENT_RULES),
    missing: z.array(z.string()),
  })
  .strict();
type PlannedItem = z.infer<typeof PlannedItemSchema>;

const StartPlanSchema = z
  .object({
    sprintId: z.number().int(),
    sprintName: z.string(),
    actor: z.string().optional(),
    flaggedFieldId: z.string().nullable(),
    items: z.array(PlannedItemSchema),
  })
  .strict();
type StartPlan = z.infer<typeof StartPlanSchema>;

export type SprintStartResult =
  | { status: 'ignored'; reason: string }
  | {
      status: 'checked';
      sprintId: number;
      moved: string[];
      flagged: string[];
      waived: string[];
      /** The item the summary comment was posted on; undefined when nothing was acted on. */
      summaryOn: string | undefined;
      resumed: boolean;
    };

const log = (sprint: string, message: string) =>
  console.warn(`sprint-start: sprint ${sprint}: ${message}`);

export async function handleSprintStarted(
  raw: unknown,
  options: { now?: Date; retry?: RetryPolicy } = {},
): Promise<SprintStartResult | InvocationError> {
  const now = options.now ?? new Date();
  const parsed = SprintStartedEventSchema.safeParse(raw);
  if (!parsed.success) {
    console.warn('sprint-start: ignored an event without a sprint id');
    return { status: 'ignored', reason: 'malformed-event' };
  }
  const sprintId = parsed.data.sprint.id;
  const actor = parsed.data.atlassianId;
  const dedupeKey = `sprint-start:${sprintId}`;
  const jira = jiraAsApp(options.retry);

  let claimed;
  try {
    claimed = await claimEvent(dedupeKey, now);
  } catch (error) {
    return endWith(String(sprintId), error);
  }
  if (claimed.status === 'duplicate') return { status: 'ignored', reason: 'duplicate' };
  const done = new Set<string>(claimed.resume?.done ?? []);
  const resumedPlan = StartPlanSchema.safeParse(claimed.resume?.plan);
  let plan: StartPlan | undefined =
    done.size > 0 && resumedPlan.success ? resumedPlan.data : undefined;
  const resumed = plan !== undefined;
  let waived: string[] = [];

  try {
    if (!plan) {
      const decided = await decide(sprintId, actor, jira, now);
      if ('status' in decided) {
        await finishEvent(dedupeKey, now, [], decided.reason);
        return decided;
      }
      plan = decided.plan;
      waived = decided.waived;
      done.clear();
    }
    await carryOut(plan, done, jira, now);
    await finishEvent(dedupeKey, now, [...done], `${plan.items.length} item(s) acted on`);
    return {
      status: 'checked',
      sprintId,
      moved: plan.items.filter((i) => i.action === 'move-back').map((i) => i.key),
      flagged: plan.items.filter((i) => i.action === 'flag').map((i) => i.key),
      waived,
      summaryOn: plan.items[0]?.key,
      resumed,
    };
  } catch (error) {
    return endAfterFailure({
      error,
      dedupeKey,
      now,
      done: [...done],
      plan,
      log: (message) => log(String(sprintId), message),
    });
  }
}

function endWith(sprint: string, error: unknown): SprintStartResult | InvocationError {
  const verdict = classifyFailure(error);
  log(sprint, messageOf(error));
  return verdict.kind === 'retry'
    ? invocationErrorOf(verdict)
    : { status: 'ignored', reason: verdict.reason };
}

async function decide(
  sprintId: number,
  actor: string | undefined,
  jira: ReturnType<typeof jiraAsApp>,
  now: Date,
): Promise<{ plan: StartPlan; waived: string[] } | { status: 'ignored'; reason: string }> {
  let sprint;
  try {
    sprint = await readSprint(jira, sprintId);
  } catch (error) {
    if (isJiraError(error) && error.kind === 'not-found') {
      log(String(sprintId), 'the sprint no longer exists or the app cannot see it');
      return { status: 'ignored', reason: 'sprint-gone' };
    }
    throw error;
  }
  if (sprint.state !== 'active') {
    log(String(sprintId), `the sprint is ${sprint.state} now; nothing to check`);
    return { status: 'ignored', reason: 'sprint-not-active' };
  }
  const values = await readMany([KEYS.jiraFields, ENFORCEMENT_KEYS.fields]);
  const ids = await enforcementFieldIds(
    {
      fields: parseStored(KEYS.jiraFields, JiraFieldIdsSchema, values.get(KEYS.jiraFields)) ?? {},
      enforcementFields: parseStored(
        ENFORCEMENT_KEYS.fields,
        EnforcementFieldsSchema,
        values.get(ENFORCEMENT_KEYS.fields),
      ),
    },
    jira,
  );
  const { items, skipped } = await readSprintItems(jira, sprintId, ids);
  for (const s of skipped) log(String(sprintId), `skipped ${s}`);

  const contexts = new Map<string, EnforcementContext>();
  for (const item of items) {
    if (!contexts.has(item.projectKey)) {
      contexts.set(item.projectKey, await readEnforcementContext(item.projectKey));
    }
  }
  const entries = await entryVerdictsByItem(items, contexts, ids, jira);
  const planned: PlannedItem[] = [];
  const waived: string[] = [];
  const waivedEntries = new Map<string, NewAuditEntry[]>();
  for (const item of items) {
    const context = contexts.get(item.projectKey);
    const mapping = context?.mapping;
    if (!context || !mapping || mapping.projectId !== item.projectId) continue;
    const readiness = assessReadiness(
      { ...item.facts, track: trackOfItem(item, mapping, context.config) },
      context.config,
    );
    const entry = entries.get(item.id);
    let verdict: { rule: EnforcementRule; missing: string[]; moveBack: boolean };
    if (!readiness.ready) {
      verdict = {
        rule: readiness.rule,
        missing: readiness.missing,
        moveBack: context.config.guard.policy === 'move-back',
      };
    } else if (entry && entryBlocks(entry)) {
      verdict = {
        rule: 'entry-criteria',
        missing: [describeEntry(entry).replace(/\.$/, '')],
        moveBack: context.config.entry.guardMovesBack,
      };
    } else {
      continue;
    }
    const waiver = activeWaiverFor(context.waivers, item.id, now);
    if (waiver) {
      waived.push(item.key);
      const list = waivedEntries.get(item.projectKey) ?? [];
      list.push({
        ...auditBase(item, sprintId, actor, now),
        action: 'waived',
        rule: verdict.rule,
        detail: `In sprint "${sprint.name}" at its start without ${verdict.missing.join('; ')}; allowed by a waiver.`,
        waiver: { grantedBy: waiver.grantedBy, reason: waiver.reason, expiresOn: waiver.expiresOn },
      });
      waivedEntries.set(item.projectKey, list);
      continue;
    }
    planned.push({
      issueId: item.id,
      key: item.key,
      projectKey: item.projectKey,
      typeName: item.typeName,
      action: verdict.moveBack ? 'move-back' : 'flag',
      rule: verdict.rule,
      missing: verdict.missing,
    });
  }
  for (const [projectKey, entries] of waivedEntries) {
    const context = contexts.get(projectKey);
    if (context) await appendAudit(projectKey, context.auditHead, entries);
  }
  return {
    plan: {
      sprintId,
      sprintName: sprint.name,
      ...(actor ? { actor } : {}),
      flaggedFieldId: ids.flagged,
      items: planned,
    },
    waived,
  };
}

/**
 * The entry verdicts of the sprint's items in Dual Track projects, by issue id: one
 * `entryVerdictsOf` per project (its linked ideas' evidence in shared bulkfetches).
 */
async function entryVerdictsByItem(
  items: readonly Item[],
  contexts: ReadonlyMap<string, EnforcementContext>,
  ids: Awaited<ReturnType<typeof enforcementFieldIds>>,
  jira: ReturnType<typeof jiraAsApp>,
): Promise<Map<string, EntryVerdict>> {
  const out = new Map<string, EntryVerdict>();
  for (const [projectKey, context] of contexts) {
    const mapping = context.mapping;
    if (!mapping) continue;
    const own = items.filter(
      (i) => i.projectKey === projectKey && i.projectId === mapping.projectId,
    );
    if (own.length === 0) continue;
    const { readings } = await entryVerdictsOf({
      issues: own.map((i) => i.raw),
      ids: { entryTriage: ids.entryTriage, discoveryEvidence: ids.discoveryEvidence },
      tracks: trackResolver(mapping, context.config.tracks.discoveryTypeNames),
      config: context.config,
      jira,
    });
    own.forEach((item, i) => {
      const reading = readings[i];
      if (reading) out.set(item.id, reading.verdict);
    });
  }
  return out;
}

function auditBase(
  item: Pick<Item, 'id' | 'key'>,
  sprintId: number,
  actor: string | undefined,
  now: Date,
) {
  return {
    at: now.toISOString(),
    source: 'sprint-start',
    issueId: item.id,
    issueKey: item.key,
    actor: actor ?? null,
    sprintId,
  };
}

async function carryOut(
  plan: StartPlan,
  done: Set<string>,
  jira: ReturnType<typeof jiraAsApp>,
  now: Date,
): Promise<void> {
  if (plan.items.length === 0) return;
  const toMove = plan.items.filter((i) => i.action === 'move-back' && !done.has(`move:${i.key}`));
  for (let i = 0; i < toMove.length; i += 50) {
    const batch = toMove.slice(i, i + 50).map((x) => x.key);
    await moveToBacklog(jira, batch);
    for (const key of batch) done.add(`move:${key}`);
  }
  for (const item of plan.items.filter((i) => i.action === 'flag')) {
    if (done.has(`flag:${item.key}`)) continue;
    await flagItem(jira, item.key, plan.flaggedFieldId);
    done.add(`flag:${item.key}`);
  }
  const first = plan.items[0];
  if (first && !done.has('comment')) {
    await addComment(
      jira,
      first.key,
      sprintStartSummary({ sprintName: plan.sprintName, items: plan.items, actor: plan.actor }),
    );
    done.add('comment');
  }
  const projects = [...new Set(plan.items.map((i) => i.projectKey))];
  for (const projectKey of projects) {
    if (done.has(`audit:${projectKey}`)) continue;
    const entries: NewAuditEntry[] = plan.items
      .filter((i) => i.projectKey === projectKey)
      .map((i) => ({
        ...auditBase({ id: i.issueId, key: i.key }, plan.sprintId, plan.actor, now),
        action: i.action === 'move-back' ? 'moved-back' : 'flagged',
        rule: i.rule,
        detail: `In sprint "${plan.sprintName}" at its start; missing: ${i.missing.join('; ')}. Summary comment on ${first?.key ?? '-'}.`,
      }));
    await appendAudit(projectKey, await readAuditHead(projectKey), entries);
    done.add(`audit:${projectKey}`);
  }
}
