import { z } from 'zod';
import { DEFAULT_CONFIG, effectiveConfig, type Config } from '../domain/config';
import type { Waiver } from '../domain/sprint-readiness';
import { AUDIT_KEYS, parseAuditHead, type AuditHead } from './audit-store';
import {
  GlobalRecordSchema,
  JiraFieldIdsSchema,
  ProjectRecordSchema,
  type JiraFieldIds,
} from './config-store';
import { KEYS, createOnce, parseStored, readMany, readOne, removeOne, writeOne } from './kvs-store';
import { TrackMappingSchema, type TrackMapping } from './track-mapping-store';
import { WAIVER_KEYS, parseWaiverBook } from './waiver-store';

/**
 * What enforcement needs from storage, read in ONE storage request: the effective settings, the
 * remembered Jira field ids (ours: the Flagged field), the project's track mapping, its
 * waivers and the head of its audit log. And the guard's dedupe records.
 */

export const ENFORCEMENT_KEYS = {
  /** Site field ids only enforcement uses (Jira's "Flagged" field; null = the site has none). */
  fields: 'enforcement:jira-fields',
  /** One per handled event: claimed, pending (a retry resumes it) or done. */
  event: (dedupeKey: string) => `guard:event:${dedupeKey}`,
} as const;

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
  auditHead: AuditHead;
}

export async function readEnforcementContext(projectKey: string): Promise<EnforcementContext> {
  const projectConfigKey = KEYS.projectConfig(projectKey);
  const mappingKey = KEYS.trackMapping(projectKey);
  const waiverKey = WAIVER_KEYS.book(projectKey);
  const headKey = AUDIT_KEYS.head(projectKey);
  const values = await readMany([
    KEYS.globalConfig,
    projectConfigKey,
    KEYS.jiraFields,
    ENFORCEMENT_KEYS.fields,
    mappingKey,
    waiverKey,
    headKey,
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
    auditHead: parseAuditHead(projectKey, values.get(headKey)),
  };
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

export type ClaimResult =
  | { status: 'claimed'; resume: EventClaim | undefined }
  | { status: 'duplicate'; claim: EventClaim };

/**
 * Claims an event with FAIL_IF_EXISTS. A second delivery of a finished or running event is a
 * duplicate; a delivery of an event whose earlier attempt stopped (pending, or claimed long ago)
 * takes it over and resumes it.
 */
export async function claimEvent(dedupeKey: string, now: Date): Promise<ClaimResult> {
  const key = ENFORCEMENT_KEYS.event(dedupeKey);
  const fresh: EventClaim = { version: 1, state: 'claimed', at: now.toISOString(), done: [] };
  if (await createOnce(key, fresh)) return { status: 'claimed', resume: undefined };
  const existing = parseStored(key, EventClaimSchema, await readOne(key));
  if (!existing) {
    // Released between our create and read: claim it again.
    return (await createOnce(key, fresh))
      ? { status: 'claimed', resume: undefined }
      : { status: 'duplicate', claim: fresh };
  }
  const stale = now.getTime() - Date.parse(existing.at) > CLAIM_STALE_MS;
  if (existing.state === 'pending' || (existing.state === 'claimed' && stale)) {
    await writeOne(key, { ...existing, state: 'claimed', at: now.toISOString() });
    return { status: 'claimed', resume: existing };
  }
  return { status: 'duplicate', claim: existing };
}

export async function finishEvent(
  dedupeKey: string,
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
  await writeOne(ENFORCEMENT_KEYS.event(dedupeKey), claim);
}

/**
 * The attempt stopped on a retryable failure. With nothing done yet the claim is released, so
 * the retry starts over on fresh data; with steps done the plan is kept for the retry to finish.
 */
export async function suspendEvent(
  dedupeKey: string,
  now: Date,
  done: readonly Step[],
  plan: unknown,
): Promise<void> {
  const key = ENFORCEMENT_KEYS.event(dedupeKey);
  if (done.length === 0) {
    await removeOne(key);
    return;
  }
  const claim: EventClaim = {
    version: 1,
    state: 'pending',
    at: now.toISOString(),
    done: [...done],
    plan,
  };
  await writeOne(key, claim);
}
