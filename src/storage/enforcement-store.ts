import { z } from 'zod';
import { logger } from '../runtime/log';
import { DEFAULT_CONFIG, effectiveConfig, type Config } from '../domain/config';
import { FlagNotesSchema, type FlagNotes } from '../domain/flag-fallback';
import type { Waiver } from '../domain/sprint-readiness';
import { auditHeadOf, auditHeadVersion, type AuditHeadRead } from './audit-store';
import {
  GlobalRecordSchema,
  JiraFieldIdsSchema,
  ProjectRecordSchema,
  type JiraFieldIds,
} from './config-store';
import {
  createOnce,
  listByPrefix,
  parseStored,
  readMany,
  readOne,
  removeOne,
  writeOne,
} from './kvs-store';
import { TrackMappingSchema, type TrackMapping } from './track-mapping-store';
import { parseWaiverBook } from './waiver-store';
import { readVersioned } from './versioned-record';
import { AUDIT_KEYS, ENFORCEMENT_KEYS, EVENT_PREFIX, KEYS, WAIVER_KEYS } from './key-families';

const logged = logger('enforcement');

/**
 * What enforcement needs from storage, read in ONE storage request: the effective settings, the
 * remembered Jira field ids (ours: the Flagged field), the project's track mapping, its
 * waivers, the head of its audit log and its flag notes. And the guard's dedupe records.
 */

export const EnforcementFieldsSchema = z
  .object({
    flagged: z
      .string()
      .regex(/^customfield_\d+$/)
      .nullable(),
  })
  .strict();
export type EnforcementFields = z.infer<typeof EnforcementFieldsSchema>;

export interface EnforcementContext {
  config: Config;
  fields: JiraFieldIds;
  enforcementFields: EnforcementFields | undefined;
  mapping: TrackMapping | undefined;
  waivers: Waiver[];
  auditHead: AuditHeadRead;
  /** What the project admin was last told about flagging (see readFlagNotes). */
  flagNotes: FlagNotes | undefined;
}

export async function readEnforcementContext(projectKey: string): Promise<EnforcementContext> {
  const projectConfigKey = KEYS.projectConfig(projectKey);
  const mappingKey = KEYS.trackMapping(projectKey);
  const waiverKey = WAIVER_KEYS.book(projectKey);
  const headKey = AUDIT_KEYS.head(projectKey);
  const notesKey = ENFORCEMENT_KEYS.flagNotes(projectKey);
  // One batch read: the seven records, and the audit head with its version entity.
  const { values, read } = await readVersioned(headKey, auditHeadVersion, [
    KEYS.globalConfig,
    projectConfigKey,
    KEYS.jiraFields,
    ENFORCEMENT_KEYS.fields,
    mappingKey,
    waiverKey,
    notesKey,
  ]);
  const global = parseStored(KEYS.globalConfig, GlobalRecordSchema, values.get(KEYS.globalConfig));
  const project = parseStored(projectConfigKey, ProjectRecordSchema, values.get(projectConfigKey));
  return {
    config: effectiveConfig(global?.settings ?? DEFAULT_CONFIG, project?.override),
    fields: parseStored(KEYS.jiraFields, JiraFieldIdsSchema, values.get(KEYS.jiraFields)) ?? {},
    enforcementFields: parseStored(
      ENFORCEMENT_KEYS.fields,
      EnforcementFieldsSchema,
      values.get(ENFORCEMENT_KEYS.fields),
    ),
    mapping: parseStored(mappingKey, TrackMappingSchema, values.get(mappingKey)),
    waivers: parseWaiverBook(projectKey, values.get(waiverKey))?.waivers ?? [],
    auditHead: auditHeadOf(projectKey, values.get(headKey), read),
    flagNotes: parseFlagNotes(projectKey, values.get(notesKey)),
  };
}

/**
 * The flag notes as stored. They only inform the admin: a record that does not parse is logged
 * and read as absent (the next flag rewrites it), never allowed to stop enforcement.
 */
function parseFlagNotes(projectKey: string, raw: unknown): FlagNotes | undefined {
  if (raw === undefined || raw === null) return undefined;
  const parsed = FlagNotesSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  logged.warn(`the flag notes of ${projectKey} are not readable; ignored`);
  return undefined;
}

export async function readFlagNotes(projectKey: string): Promise<FlagNotes | undefined> {
  return parseFlagNotes(projectKey, await readOne(ENFORCEMENT_KEYS.flagNotes(projectKey)));
}

/** Stores the notes; notes about no issue type are removed instead. */
export async function saveFlagNotes(projectKey: string, notes: FlagNotes): Promise<void> {
  const key = ENFORCEMENT_KEYS.flagNotes(projectKey);
  if (Object.keys(notes.types).length === 0) await removeOne(key);
  else await writeOne(key, FlagNotesSchema.parse(notes));
}

export async function saveEnforcementFields(fields: EnforcementFields): Promise<void> {
  await writeOne(ENFORCEMENT_KEYS.fields, EnforcementFieldsSchema.parse(fields));
}

// ---------------------------------------------------------------------------------------------
// Event claims: the same event handled once, and a retried event resumed where it stopped

/** A step of an intervention, e.g. `move-back:10123`, `comment`, `audit`. */
export type Step = string;

export const EventClaimSchema = z
  .object({
    version: z.literal(1),
    state: z.enum(['claimed', 'pending', 'done']),
    at: z.string(),
    /** Steps already carried out; a retry does only the rest. */
    done: z.array(z.string().min(1).max(200)).max(1000),
    /** What the first attempt decided; a retry that finds steps done finishes this plan. */
    plan: z.unknown().optional(),
    outcome: z.string().optional(),
  })
  .strict();
export type EventClaim = z.infer<typeof EventClaimSchema>;

/** A claim older than this whose holder never finished is taken over (the handler died). */
export const CLAIM_STALE_MS = 10 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;
/**
 * Claims are kept for the day they were made and the next one: long enough for Forge's retries
 * (at most 4, each at most 900 s later) and for late or repeated deliveries, which come within
 * minutes. Older day buckets are deleted by the first claim of each hour, at most
 * SWEEP_MAX_KEYS records at a time.
 */
export const CLAIM_KEEP_DAYS = 2;
/** Most old claim records one sweep deletes (the rest go on the next hour's sweep). */
export const SWEEP_MAX_KEYS = 200;

/** The UTC day bucket of a moment, `yyyymmdd` (sorts like the days). */
export function dayBucket(at: Date): string {
  return at.toISOString().slice(0, 10).replace(/-/g, '');
}

/** Where a claim lives; pass it to finishEvent / suspendEvent. */
export interface ClaimHandle {
  key: string;
}

export type ClaimResult =
  | { status: 'claimed'; handle: ClaimHandle; resume: EventClaim | undefined }
  | { status: 'duplicate'; claim: EventClaim };

/**
 * Claims an event with FAIL_IF_EXISTS. A second delivery of a finished or running event is a
 * duplicate; a delivery of an event whose earlier attempt stopped (pending, or claimed long ago)
 * takes it over and resumes it. The claim is looked for in today's bucket and yesterday's (one
 * batch read), and created in today's. The first claim of each hour prunes the buckets older
 * than CLAIM_KEEP_DAYS.
 */
export async function claimEvent(dedupeKey: string, now: Date): Promise<ClaimResult> {
  const today = dayBucket(now);
  const yesterday = dayBucket(new Date(now.getTime() - DAY_MS));
  const todayKey = ENFORCEMENT_KEYS.event(today, dedupeKey);
  const yesterdayKey = ENFORCEMENT_KEYS.event(yesterday, dedupeKey);
  const sweepKey = ENFORCEMENT_KEYS.sweep(today, now.toISOString().slice(11, 13));
  const values = await readMany([todayKey, yesterdayKey, sweepKey]);
  if (!values.has(sweepKey) && (await createOnce(sweepKey, { at: now.toISOString() }))) {
    await sweepOldClaims(now).catch((error: unknown) =>
      logged.warn(
        `pruning old event claims failed (${error instanceof Error ? error.message : String(error)}); the next hour's first event tries again`,
      ),
    );
  }
  const earlier = [todayKey, yesterdayKey].find((k) => values.get(k) !== undefined);
  if (earlier) return takeOverOrDuplicate(earlier, now);

  const fresh: EventClaim = { version: 1, state: 'claimed', at: now.toISOString(), done: [] };
  if (await createOnce(todayKey, fresh)) {
    return { status: 'claimed', handle: { key: todayKey }, resume: undefined };
  }
  return takeOverOrDuplicate(todayKey, now);
}

async function takeOverOrDuplicate(key: string, now: Date): Promise<ClaimResult> {
  const fresh: EventClaim = { version: 1, state: 'claimed', at: now.toISOString(), done: [] };
  const existing = parseStored(key, EventClaimSchema, await readOne(key));
  if (!existing) {
    // Released between the other writer's create and our read: claim it again.
    return (await createOnce(key, fresh))
      ? { status: 'claimed', handle: { key }, resume: undefined }
      : { status: 'duplicate', claim: fresh };
  }
  const stale = now.getTime() - Date.parse(existing.at) > CLAIM_STALE_MS;
  if (existing.state === 'pending' || (existing.state === 'claimed' && stale)) {
    // Two deliveries may find the same stopped attempt (the same claim time): only the one that
    // creates its takeover record resumes it; for the other it is a duplicate. The resumed claim
    // gets a new time, so a later stop is taken over under another record.
    const takeoverKey = ENFORCEMENT_KEYS.takeover(key, Date.parse(existing.at) || 0);
    if (!(await createOnce(takeoverKey, { at: now.toISOString() }))) {
      return { status: 'duplicate', claim: existing };
    }
    await writeOne(key, { ...existing, state: 'claimed', at: now.toISOString() });
    return { status: 'claimed', handle: { key }, resume: existing };
  }
  return { status: 'duplicate', claim: existing };
}

/**
 * Deletes the claim records (and sweep markers) of day buckets older than CLAIM_KEEP_DAYS. Keys
 * come back in key order, which is day order, so the sweep stops at the first bucket it keeps.
 * Returns how many records it deleted.
 */
export async function sweepOldClaims(now: Date): Promise<number> {
  const oldestKept = dayBucket(new Date(now.getTime() - (CLAIM_KEEP_DAYS - 1) * DAY_MS));
  let deleted = 0;
  let cursor: string | undefined;
  do {
    const page = await listByPrefix(EVENT_PREFIX, cursor, 100);
    for (const { key, value } of page.entries) {
      if (deleted >= SWEEP_MAX_KEYS) return deleted;
      const rest = key.slice(EVENT_PREFIX.length);
      const bucket = /^(20\d{6}):/.exec(rest)?.[1];
      if (bucket !== undefined && bucket >= oldestKept) return deleted;
      // A record from before the day buckets (`guard:event:<issue id>:<changelog id>`) goes by
      // the time it holds.
      const held = (value as { at?: unknown } | null | undefined)?.at;
      const at = typeof held === 'string' ? Date.parse(held) : Number.NaN;
      const old =
        bucket !== undefined ||
        (!Number.isNaN(at) && now.getTime() - at > CLAIM_KEEP_DAYS * DAY_MS);
      if (!old) continue;
      await removeOne(key);
      deleted += 1;
    }
    cursor = page.nextCursor;
  } while (cursor !== undefined);
  return deleted;
}

export async function finishEvent(
  handle: ClaimHandle,
  now: Date,
  done: readonly Step[],
  outcome: string,
): Promise<void> {
  const claim: EventClaim = {
    version: 1,
    state: 'done',
    at: now.toISOString(),
    done: [...done],
    outcome,
  };
  await writeOne(handle.key, claim);
}

/**
 * Records what the attempt is about to do before its first write to Jira, so that an attempt
 * stopped at its time limit (which runs no more code: nothing is suspended) is resumed by a
 * later delivery that takes the stale claim over, and finishes the plan: the writes are
 * repeatable (a move to the backlog, a flag), the comment and audit follow.
 */
export async function recordPlan(handle: ClaimHandle, now: Date, plan: unknown): Promise<void> {
  const claim: EventClaim = { version: 1, state: 'claimed', at: now.toISOString(), done: [], plan };
  await writeOne(handle.key, claim);
}

/**
 * The attempt stopped on a retryable failure. With nothing done yet the claim is released, so
 * the retry starts over on fresh data; with steps done the plan is kept for the retry to finish.
 */
export async function suspendEvent(
  handle: ClaimHandle,
  now: Date,
  done: readonly Step[],
  plan: unknown,
): Promise<void> {
  if (done.length === 0) {
    await removeOne(handle.key);
    return;
  }
  const claim: EventClaim = {
    version: 1,
    state: 'pending',
    at: now.toISOString(),
    done: [...done],
    plan,
  };
  await writeOne(handle.key, claim);
}
