import { z } from 'zod';
import { logger } from '../runtime/log';
import { describeEntry, entryBlocks, readersOf } from '../domain/entry-criteria';
import { FlagOutcomeSchema } from '../domain/flag-fallback';
import {
  activeWaiverFor,
  assessReadiness,
  ENFORCEMENT_RULES,
  type EnforcementRule,
} from '../domain/sprint-readiness';
import { entryVerdictsOf, type EntryReading } from '../items/entry-reader';
import { isJiraError } from '../jira/errors';
import type { jiraAsApp } from '../jira/jira-gateway';
import { JiraFieldIdsSchema } from '../storage/config-store';
import {
  EnforcementFieldsSchema,
  readEnforcementContext,
  type EnforcementContext,
} from '../storage/enforcement-store';
import { parseStored, readMany } from '../storage/kvs-store';
import { trackResolver } from '../items/project-items';
import {
  readItems,
  withLoggedEvidence,
  readSprint,
  readSprintItems,
  SPRINT_PAGE_LIMIT,
  SPRINT_SCAN_LIMIT,
  trackOfItem,
  type Item,
} from '../items/item-facts';
import { enforcementFieldIds, type EnforcementFieldIds } from '../items/site-fields';
import { ENFORCEMENT_KEYS, KEYS } from '../storage/key-families';

/** The sprint-start check's plan: what to do with each item of the sprint, decided afresh. */

export const PlannedItemSchema = z
  .object({
    issueId: z.string(),
    key: z.string(),
    projectKey: z.string(),
    typeName: z.string(),
    action: z.enum(['move-back', 'flag']),
    rule: z.enum(ENFORCEMENT_RULES),
    missing: z.array(z.string()),
    /** The item has an issue security level: only its own comment may name it (absent: none). */
    restricted: z.boolean().optional(),
  })
  .strict();
export type PlannedItem = z.infer<typeof PlannedItemSchema>;

/** A not-ready item a waiver lets stay: audited with the others. */
export const WaivedItemSchema = z
  .object({
    issueId: z.string(),
    key: z.string(),
    projectKey: z.string(),
    rule: z.enum(ENFORCEMENT_RULES),
    missing: z.array(z.string()),
    waiver: z.object({ grantedBy: z.string(), reason: z.string(), expiresOn: z.string() }).strict(),
  })
  .strict();
export type WaivedItem = z.infer<typeof WaivedItemSchema>;

export const StartPlanSchema = z
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
export type StartPlan = z.infer<typeof StartPlanSchema>;

type Jira = ReturnType<typeof jiraAsApp>;

const logged = logger('sprint-start');
export const log = (sprint: string, message: string): void =>
  logged.warn(`sprint ${sprint}: ${message}`);

/** The field ids enforcement reads with, from storage (and Jira's field list once per site). */
export async function fieldIds(jira: Jira): Promise<EnforcementFieldIds> {
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

export async function contextsOf(items: readonly Item[]): Promise<Map<string, EnforcementContext>> {
  const contexts = new Map<string, EnforcementContext>();
  for (const item of items) {
    if (!contexts.has(item.projectKey)) {
      contexts.set(item.projectKey, await readEnforcementContext(item.projectKey));
    }
  }
  return contexts;
}

export type Verdict =
  | { kind: 'ready' }
  | { kind: 'waived'; waived: WaivedItem }
  | { kind: 'act'; planned: PlannedItem };

/** Is the item on the discovery track of a Dual Track project (its evidence then matters)? */
export function onDiscoveryTrack(
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
export function verdictOf(
  item: Item,
  context: EnforcementContext | undefined,
  entry: Pick<EntryReading, 'verdict' | 'unrestricted'> | undefined,
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
  } else if (entry && entryBlocks(entry.verdict)) {
    verdict = {
      rule: 'entry-criteria',
      missing: [describeEntry(entry.verdict, readersOf(item.key, entry)).replace(/\.$/, '')],
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
      ...(item.restricted ? { restricted: true } : {}),
    },
  };
}

export async function decide(
  sprintId: number,
  actor: string | undefined,
  jira: Jira,
  now: Date,
): Promise<
  StartPlan | { status: 'ignored'; reason: string } | { status: 'large'; sprintName: string }
> {
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
  // More items than one invocation decides: the queue checks the sprint in steps.
  if (unread > 0 && sprintRead.stop === 'scan-limit')
    return { status: 'large', sprintName: sprint.name };
  for (const s of skipped) log(String(sprintId), `skipped ${s}`);
  const more = unreadCounted ? `${unread} more were not read` : 'more were not read';
  if (unread > 0 && sprintRead.stop === 'page-limit') {
    logged.error(
      `sprint ${sprintId}: Jira's pages of sprint issues did not end after ${SPRINT_PAGE_LIMIT} pages (${read.length + skipped.length} items); stopped reading there, ${more} (the page limit)`,
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
  const { planned, waived } = sortVerdicts(items, contexts, entries, now);
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

export const moveStep = (key: string) => `move:${key}`;
export const flagStep = (key: string) => `flag:${key}`;
export const isDone = (item: PlannedItem, done: ReadonlySet<string>) =>
  done.has(item.action === 'move-back' ? moveStep(item.key) : flagStep(item.key));

/**
 * A resumed attempt: the items the earlier attempt did not get to are read again (one bulkfetch
 * per 100) with the projects' current settings and waivers, and decided afresh. An item that is
 * ready now, has a waiver now, is gone or is no longer in this sprint is dropped from the plan;
 * the rest carry their fresh verdict. Items already acted on stay as they were.
 */
export async function redecideRemaining(
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
 * A part of a large sprint, decided once: these items read fresh (one bulkfetch per 100) and
 * judged by their projects' settings and waivers. Items gone or no longer in the sprint are left
 * out; the rest are ready, waived or to act on.
 */
export async function decideItems(
  sprintId: number,
  issueIds: readonly string[],
  jira: Jira,
  now: Date,
): Promise<{ items: PlannedItem[]; waived: WaivedItem[]; flaggedFieldId: string | null }> {
  const ids = await fieldIds(jira);
  const { items: read, skipped } = await readItems(jira, issueIds, ids);
  for (const s of skipped) log(String(sprintId), `skipped ${s}`);
  const inSprint = read.filter((i) => i.openSprints.some((s) => s.id === sprintId));
  const contexts = await contextsOf(inSprint);
  const items = await withLoggedEvidence(inSprint, onDiscoveryTrack(contexts));
  const entries = await entryVerdictsByItem(items, contexts, ids, jira);
  const { planned, waived } = sortVerdicts(items, contexts, entries, now);
  return { items: planned, waived, flaggedFieldId: ids.flagged };
}

/**
 * The entry verdicts of the sprint's items in Dual Track projects, by issue id: one
 * `entryVerdictsOf` per project (its linked ideas' evidence in shared bulkfetches).
 */
export async function entryVerdictsByItem(
  items: readonly Item[],
  contexts: ReadonlyMap<string, EnforcementContext>,
  ids: EnforcementFieldIds,
  jira: Jira,
): Promise<Map<string, EntryReading>> {
  const out = new Map<string, EntryReading>();
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
      forText: true,
    });
    own.forEach((item, i) => {
      const reading = readings[i];
      if (reading) out.set(item.id, reading);
    });
  }
  return out;
}

/** Each item's verdict, sorted into what the check acts on and what a waiver lets stay. */
function sortVerdicts(
  items: readonly Item[],
  contexts: ReadonlyMap<string, EnforcementContext>,
  entries: ReadonlyMap<string, Pick<EntryReading, 'verdict' | 'unrestricted'>>,
  now: Date,
): { planned: PlannedItem[]; waived: WaivedItem[] } {
  const planned: PlannedItem[] = [];
  const waived: WaivedItem[] = [];
  for (const item of items) {
    const verdict = verdictOf(item, contexts.get(item.projectKey), entries.get(item.id), now);
    if (verdict.kind === 'waived') waived.push(verdict.waived);
    if (verdict.kind === 'act') planned.push(verdict.planned);
  }
  return { planned, waived };
}
