import { z } from 'zod';
import { describeEntry, entryBlocks, type EntryVerdict } from '../domain/entry-criteria';
import {
  FlagOutcomeSchema,
  flagNote,
  isPlainFlag,
  knowledgeFrom,
  nextFlagNotes,
  plainFlag,
  type FlagKnowledge,
  type FlagOutcome,
} from '../domain/flag-fallback';
import {
  activeWaiverFor,
  assessReadiness,
  ENFORCEMENT_RULES,
  type EnforcementRule,
} from '../domain/sprint-readiness';
import { entryVerdictsOf } from '../items/entry-reader';
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
  readFlagNotes,
  saveFlagNotes,
  type ClaimHandle,
  type EnforcementContext,
} from '../storage/enforcement-store';
import { KEYS, parseStored, readMany } from '../storage/kvs-store';
import { trackResolver } from '../items/project-items';
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
import { flagItem, sprintStartSummary } from './interventions';
import {
  enforcementFieldIds,
  readItems,
  withLoggedEvidence,
  readSprint,
  readSprintItems,
  SPRINT_PAGE_LIMIT,
  SPRINT_SCAN_LIMIT,
  trackOfItem,
  type EnforcementFieldIds,
  type Item,
} from '../items/item-facts';

/**
 * The sprint-start check: on `avi:jira-software:started:sprint` (payload `{ sprint }`, no issue
 * list), reads the sprint's items (GET /rest/agile/1.0/sprint/{id}/issue with the fields the
 * decision needs, 50 per page, to the end Jira signals without relying on `total`; at most
 * SPRINT_SCAN_LIMIT items and SPRINT_PAGE_LIMIT pages: beyond that it logs and says so in the
 * summary) and applies each project's policy to the items that are not ready: moved back
 * in batches of 50, or flagged one by one. Then ONE summary comment, on the first affected item
 * in sprint order (docs/decisions/0008-sprint-start-summary.md), and one audit entry per item
 * (waived items included, written with the others, once). Claimed per sprint.
 *
 * Resumable: an attempt that stops part-way (a 429 on the second batch of moves) keeps what it
 * did and its plan; the retry, up to 900 s later, first reads the items still to be moved or
 * flagged again (one POST /rest/api/3/issue/bulkfetch per 100) and decides each afresh, so an
 * item that became ready, got a waiver or left the sprint meanwhile is left alone. On the last
 * attempt Forge allows, a failure closes the event and audits what could not be done.
 *
 * Delivery items that meet the discovery entry criteria without covering discovery count as not
 * ready too (rule `entry-criteria`; moved back when `entry.guardMovesBack`, else flagged). Their
 * facts come with the sprint's pages; the evidence of linked ideas that could decide a verdict
 * is read in 1 bulkfetch per project and 100 ideas, only when there are such items.
 *
 * Flags go around Jira's edit screens as flagItem does (src/enforcement/interventions.ts); what
 * one item's flag learned (a field not on the screen of its project and type, the app refused the
 * screen override) is not tried again for the next, and an item no way could flag is still in the
 * summary and audited (`failed`, saying what the admin must change), and does not stop the check.
 * The project's flag notes (its settings page) are updated once per project.
 *
 * Cost: storage: 1 read (field ids) + 1 batch read per project in the sprint + claim; Jira:
 * 1 GET sprint, ceil(items/50) pages, ceil(moved/50) moves or 1 PUT per flagged item (up to 3
 * more for the first item of each project and type whose edit screen refuses the flag), 1
 * comment; a resumed attempt adds ceil(remaining/100) bulkfetches. With flags: 1 read of each
 * project's flag notes, and 1 write when what they say changes.
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

/** A not-ready item a waiver lets stay: audited with the others. */
const WaivedItemSchema = z
  .object({
    issueId: z.string(),
    key: z.string(),
    projectKey: z.string(),
    rule: z.enum(ENFORCEMENT_RULES),
    missing: z.array(z.string()),
    waiver: z.object({ grantedBy: z.string(), reason: z.string(), expiresOn: z.string() }).strict(),
  })
  .strict();
type WaivedItem = z.infer<typeof WaivedItemSchema>;

const StartPlanSchema = z
  .object({
    sprintId: z.number().int(),
    sprintName: z.string(),
    actor: z.string().optional(),
    flaggedFieldId: z.string().nullable(),
    items: z.array(PlannedItemSchema),
    waived: z.array(WaivedItemSchema),
    /** Items of the sprint beyond SPRINT_SCAN_LIMIT that were not read (0: all were). */
    unread: z.number().int().min(0),
    /** false: Jira gave no count, `unread` only says there were more (absent: counted). */
    unreadCounted: z.boolean().optional(),
    /**
     * How each flag that was not an ordinary one went, by issue key (kept so that a retry words
     * the rest right); a flagged item not listed was flagged the ordinary way. Only these are
     * kept, so that a big sprint's plan stays small.
     */
    flagOutcomes: z.record(z.string(), FlagOutcomeSchema).optional(),
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

const log = (sprint: string, message: string) =>
  console.warn(`sprint-start: sprint ${sprint}: ${message}`);

type Jira = ReturnType<typeof jiraAsApp>;

export async function handleSprintStarted(
  raw: unknown,
  options: { now?: Date; retry?: RetryPolicy } = {},
): Promise<SprintStartResult | RetryRequest> {
  const now = options.now ?? new Date();
  const parsed = SprintStartedEventSchema.safeParse(raw);
  if (!parsed.success) {
    console.warn('sprint-start: ignored an event without a sprint id');
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
    return endWith(String(sprintId), error);
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
      const decided = await decide(sprintId, actor, jira, now);
      if ('status' in decided) {
        await finishEvent(handle, now, [], decided.reason);
        return decided;
      }
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

function endWith(sprint: string, error: unknown): SprintStartResult | RetryRequest {
  const verdict = classifyFailure(error);
  log(sprint, messageOf(error));
  return verdict.kind === 'retry'
    ? retryRequestOf(verdict)
    : { status: 'ignored', reason: verdict.reason };
}

/** The field ids enforcement reads with, from storage (and Jira's field list once per site). */
async function fieldIds(jira: Jira): Promise<EnforcementFieldIds> {
  const values = await readMany([KEYS.jiraFields, ENFORCEMENT_KEYS.fields]);
  return enforcementFieldIds(
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
}

async function contextsOf(items: readonly Item[]): Promise<Map<string, EnforcementContext>> {
  const contexts = new Map<string, EnforcementContext>();
  for (const item of items) {
    if (!contexts.has(item.projectKey)) {
      contexts.set(item.projectKey, await readEnforcementContext(item.projectKey));
    }
  }
  return contexts;
}

type Verdict =
  | { kind: 'ready' }
  | { kind: 'waived'; waived: WaivedItem }
  | { kind: 'act'; planned: PlannedItem };

/** Is the item on the discovery track of a Dual Track project (its evidence then matters)? */
function onDiscoveryTrack(
  contexts: ReadonlyMap<string, EnforcementContext>,
): (item: Item) => boolean {
  return (item) => {
    const context = contexts.get(item.projectKey);
    const mapping = context?.mapping;
    if (!context || !mapping || mapping.projectId !== item.projectId) return false;
    return trackOfItem(item, mapping, context.config) === 'discovery';
  };
}

/** What the policy says about one item, on its data as just read. */
function verdictOf(
  item: Item,
  context: EnforcementContext | undefined,
  entry: EntryVerdict | undefined,
  now: Date,
): Verdict {
  const mapping = context?.mapping;
  if (!context || !mapping || mapping.projectId !== item.projectId) return { kind: 'ready' };
  const readiness = assessReadiness(
    { ...item.facts, track: trackOfItem(item, mapping, context.config) },
    context.config,
  );
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
      missing: [describeEntry(entry, item.projectKey).replace(/\.$/, '')],
      moveBack: context.config.entry.guardMovesBack,
    };
  } else {
    return { kind: 'ready' };
  }
  const waiver = activeWaiverFor(context.waivers, item.id, now);
  if (waiver) {
    return {
      kind: 'waived',
      waived: {
        issueId: item.id,
        key: item.key,
        projectKey: item.projectKey,
        rule: verdict.rule,
        missing: verdict.missing,
        waiver: { grantedBy: waiver.grantedBy, reason: waiver.reason, expiresOn: waiver.expiresOn },
      },
    };
  }
  return {
    kind: 'act',
    planned: {
      issueId: item.id,
      key: item.key,
      projectKey: item.projectKey,
      typeName: item.typeName,
      action: verdict.moveBack ? 'move-back' : 'flag',
      rule: verdict.rule,
      missing: verdict.missing,
    },
  };
}

async function decide(
  sprintId: number,
  actor: string | undefined,
  jira: Jira,
  now: Date,
): Promise<StartPlan | { status: 'ignored'; reason: string }> {
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
  const ids = await fieldIds(jira);
  const sprintRead = await readSprintItems(jira, sprintId, ids);
  const { items: read, skipped, unread, unreadCounted } = sprintRead;
  for (const s of skipped) log(String(sprintId), `skipped ${s}`);
  const more = unreadCounted ? `${unread} more were not read` : 'more were not read';
  if (unread > 0 && sprintRead.stop === 'page-limit') {
    console.error(
      `sprint-start: sprint ${sprintId}: Jira's pages of sprint issues did not end after ${SPRINT_PAGE_LIMIT} pages (${read.length + skipped.length} items); stopped reading there, ${more} (the page limit)`,
    );
  } else if (unread > 0) {
    log(
      String(sprintId),
      `checked the first ${SPRINT_SCAN_LIMIT} items only; ${more} (the scan limit)`,
    );
  }

  const contexts = await contextsOf(read);
  const items = await withLoggedEvidence(read, onDiscoveryTrack(contexts));
  const entries = await entryVerdictsByItem(items, contexts, ids, jira);
  const planned: PlannedItem[] = [];
  const waived: WaivedItem[] = [];
  for (const item of items) {
    const verdict = verdictOf(item, contexts.get(item.projectKey), entries.get(item.id), now);
    if (verdict.kind === 'waived') waived.push(verdict.waived);
    if (verdict.kind === 'act') planned.push(verdict.planned);
  }
  return {
    sprintId,
    sprintName: sprint.name,
    ...(actor ? { actor } : {}),
    flaggedFieldId: ids.flagged,
    items: planned,
    waived,
    unread,
    unreadCounted,
  };
}

const moveStep = (key: string) => `move:${key}`;
const flagStep = (key: string) => `flag:${key}`;
const isDone = (item: PlannedItem, done: ReadonlySet<string>) =>
  done.has(item.action === 'move-back' ? moveStep(item.key) : flagStep(item.key));

/**
 * A resumed attempt: the items the earlier attempt did not get to are read again (one bulkfetch
 * per 100) with the projects' current settings and waivers, and decided afresh. An item that is
 * ready now, has a waiver now, is gone or is no longer in this sprint is dropped from the plan;
 * the rest carry their fresh verdict. Items already acted on stay as they were.
 */
async function redecideRemaining(
  plan: StartPlan,
  done: ReadonlySet<string>,
  jira: Jira,
  now: Date,
): Promise<{ plan: StartPlan; spared: string[] }> {
  const remaining = plan.items.filter((i) => !isDone(i, done));
  if (remaining.length === 0) return { plan, spared: [] };
  const ids = await fieldIds(jira);
  const { items: read, skipped } = await readItems(
    jira,
    remaining.map((i) => i.issueId),
    ids,
  );
  for (const s of skipped) log(String(plan.sprintId), `skipped ${s}`);
  const contexts = await contextsOf(read);
  const items = await withLoggedEvidence(read, onDiscoveryTrack(contexts));
  const fresh = new Map(items.map((i) => [i.id, i]));
  const entries = await entryVerdictsByItem(items, contexts, ids, jira);
  const spared: string[] = [];
  const waived = [...plan.waived];
  const redecided = new Map<string, PlannedItem>();
  for (const old of remaining) {
    const item = fresh.get(old.issueId);
    if (!item || !item.openSprints.some((s) => s.id === plan.sprintId)) {
      log(String(plan.sprintId), `${old.key} is gone or no longer in the sprint; left alone`);
      spared.push(old.key);
      continue;
    }
    const verdict = verdictOf(item, contexts.get(item.projectKey), entries.get(item.id), now);
    if (verdict.kind === 'act') {
      redecided.set(old.issueId, verdict.planned);
      continue;
    }
    log(String(plan.sprintId), `${old.key} is ${verdict.kind} now; left alone`);
    spared.push(old.key);
    if (verdict.kind === 'waived') waived.push(verdict.waived);
  }
  const items2 = plan.items.flatMap((i) => {
    if (isDone(i, done)) return [i];
    const next = redecided.get(i.issueId);
    return next ? [next] : [];
  });
  return { plan: { ...plan, items: items2, waived }, spared };
}

/**
 * The entry verdicts of the sprint's items in Dual Track projects, by issue id: one
 * `entryVerdictsOf` per project (its linked ideas' evidence in shared bulkfetches).
 */
async function entryVerdictsByItem(
  items: readonly Item[],
  contexts: ReadonlyMap<string, EnforcementContext>,
  ids: EnforcementFieldIds,
  jira: Jira,
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
  item: { issueId: string; key: string },
  plan: Pick<StartPlan, 'sprintId' | 'actor'>,
  now: Date,
) {
  return {
    at: now.toISOString(),
    source: 'sprint-start',
    issueId: item.issueId,
    issueKey: item.key,
    actor: plan.actor ?? null,
    sprintId: plan.sprintId,
  };
}

async function carryOut(plan: StartPlan, done: Set<string>, jira: Jira, now: Date): Promise<void> {
  const toMove = plan.items.filter((i) => i.action === 'move-back' && !isDone(i, done));
  for (let i = 0; i < toMove.length; i += 50) {
    const batch = toMove.slice(i, i + 50).map((x) => x.key);
    await moveToBacklog(jira, batch);
    for (const key of batch) done.add(moveStep(key));
  }
  const outcomes = (plan.flagOutcomes ??= {});
  for (const item of plan.items.filter((i) => i.action === 'flag')) {
    if (isDone(item, done)) continue;
    const outcome = await flagItem(
      jira,
      item.key,
      plan.flaggedFieldId,
      knowledgeFor(item, plan.items, outcomes),
    );
    if (!isPlainFlag(outcome)) outcomes[item.key] = outcome;
    done.add(flagStep(item.key));
  }
  // One summary per project, on that project's first item and naming only its items: a sprint of
  // a board spanning projects must not tell one project's readers about another's items.
  const itemProjects = [...new Set(plan.items.map((i) => i.projectKey))];
  for (const projectKey of itemProjects) {
    const step = `comment:${projectKey}`;
    // 'comment' is the step name of the single summary written before summaries were per project.
    if (done.has('comment') || done.has(step)) continue;
    const items = plan.items.filter((i) => i.projectKey === projectKey);
    const first = items[0];
    if (!first) continue;
    await addComment(
      jira,
      first.key,
      sprintStartSummary({
        sprintName: plan.sprintName,
        items: items.map((i) => ({ ...i, flag: outcomes[i.key] })),
        actor: plan.actor,
        unread: plan.unread,
        unreadCounted: plan.unreadCounted ?? true,
      }),
    );
    done.add(step);
  }
  const projects = [...new Set([...plan.items, ...plan.waived].map((i) => i.projectKey))];
  for (const projectKey of projects) {
    if (done.has(`audit:${projectKey}`)) continue;
    const waivedEntries: NewAuditEntry[] = plan.waived
      .filter((w) => w.projectKey === projectKey)
      .map((w) => ({
        ...auditBase(w, plan, now),
        action: 'waived',
        rule: w.rule,
        detail: `In sprint "${plan.sprintName}" at its start without ${w.missing.join('; ')}; allowed by a waiver.`,
        waiver: w.waiver,
      }));
    const acted = plan.items.filter((i) => i.projectKey === projectKey);
    const summaryOn = acted[0]?.key ?? '-';
    const actedEntries: NewAuditEntry[] = acted.map((i) => {
      const flag = i.action === 'flag' ? outcomes[i.key] : undefined;
      const note = flag ? flagNote(flag, i.projectKey, i.typeName) : undefined;
      return {
        ...auditBase(i, plan, now),
        action: actionOf(i, flag),
        rule: i.rule,
        detail: `In sprint "${plan.sprintName}" at its start${flag?.via === null ? '; not flagged' : ''}; missing: ${i.missing.join('; ')}. Summary comment on ${summaryOn}.${note ? ` ${note}` : ''}`,
      };
    });
    await appendAudit(projectKey, await readAuditHead(projectKey), [
      ...waivedEntries,
      ...actedEntries,
    ]);
    done.add(`audit:${projectKey}`);
  }
  for (const projectKey of itemProjects) {
    const step = `flag-note:${projectKey}`;
    const seen = plan.items
      .filter((i) => i.projectKey === projectKey && i.action === 'flag' && isDone(i, done))
      .map((i) => ({
        typeName: i.typeName,
        outcome: outcomes[i.key] ?? plainFlag(plan.flaggedFieldId !== null),
      }));
    if (done.has(step) || seen.length === 0) continue;
    const next = nextFlagNotes(await readFlagNotes(projectKey), seen, now);
    if (next.changed) await saveFlagNotes(projectKey, next.notes);
    done.add(step);
  }
}

/** The audit action of an item acted on: a flag Jira let no way set is `failed`. */
function actionOf(item: PlannedItem, flag: FlagOutcome | undefined): NewAuditEntry['action'] {
  if (item.action === 'move-back') return 'moved-back';
  return flag?.via === null ? 'failed' : 'flagged';
}

/**
 * What the flags already tried in this run tell about the next item's: refusals on the same edit
 * screen (same project and issue type), and whether Jira refused the app the screen override.
 */
function knowledgeFor(
  item: PlannedItem,
  items: readonly PlannedItem[],
  outcomes: Readonly<Record<string, FlagOutcome>>,
): FlagKnowledge {
  const tried = items.flatMap((i) => {
    const outcome = outcomes[i.key];
    return outcome ? [{ item: i, outcome }] : [];
  });
  return knowledgeFrom(
    tried
      .filter((t) => t.item.projectKey === item.projectKey && t.item.typeName === item.typeName)
      .map((t) => t.outcome),
    tried.map((t) => t.outcome),
  );
}

/** The last attempt failed: what was done is audited as done, the rest as failed. */
async function auditGiveUp(
  plan: StartPlan,
  done: ReadonlySet<string>,
  reason: string,
  now: Date,
): Promise<void> {
  const projects = [...new Set(plan.items.map((i) => i.projectKey))];
  for (const projectKey of projects) {
    if (done.has(`audit:${projectKey}`)) continue;
    const entries: NewAuditEntry[] = plan.items
      .filter((i) => i.projectKey === projectKey)
      .map((i) => {
        const did = isDone(i, done);
        const flag = i.action === 'flag' ? plan.flagOutcomes?.[i.key] : undefined;
        const note = did && flag ? flagNote(flag, i.projectKey, i.typeName) : undefined;
        return {
          ...auditBase(i, plan, now),
          action: did ? actionOf(i, flag) : 'failed',
          rule: i.rule,
          detail: did
            ? `In sprint "${plan.sprintName}" at its start${flag?.via === null ? '; not flagged' : ''}; missing: ${i.missing.join('; ')}. The check stopped before it finished (${reason}).${note ? ` ${note}` : ''}`
            : `In sprint "${plan.sprintName}" at its start; could not ${i.action === 'move-back' ? 'move it back' : 'flag it'} (${reason}). Missing: ${i.missing.join('; ')}.`,
        };
      });
    await appendAudit(projectKey, await readAuditHead(projectKey), entries);
  }
}
