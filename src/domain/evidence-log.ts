import { z } from 'zod';
import type { Config } from './config';
import {
  checkValidated,
  describeShortfall,
  isIsoDate,
  type EvidenceShortfall,
  type ValidationState,
} from './readiness';
import { EVIDENCE_TYPES, emptyEvidence, type EvidenceType } from './track';
import type { EvidenceInputSchema } from './evidence-input';

/**
 * The evidence log of a discovery item: dated, typed entries (interviews, usability tests, ...)
 * and an optional "invalidated" decision. Pure: no I/O, no clock read (`now` is passed in).
 * More: docs/internals.md#domain-evidence-log-ts.
 */

export type EvidenceInput = z.infer<typeof EvidenceInputSchema>;

export const EvidenceEntrySchema = z
  .object({
    id: z.string().regex(/^e\d+$/),
    type: z.enum(EVIDENCE_TYPES),
    date: z.string().refine(isIsoDate, 'must be a real date (yyyy-mm-dd)'),
    summary: z.string().min(1).max(2000),
    link: z.string().max(2000).optional(),
    positive: z.boolean(),
    recordedBy: z.string().min(1),
    recordedAt: z.string(),
    updatedBy: z.string().min(1).optional(),
    updatedAt: z.string().optional(),
  })
  .strict();
export type EvidenceEntry = z.infer<typeof EvidenceEntrySchema>;

export const InvalidationSchema = z
  .object({
    reason: z.string().min(1).max(2000),
    decidedBy: z.string().min(1),
    decidedAt: z.string(),
  })
  .strict();
export type Invalidation = z.infer<typeof InvalidationSchema>;

/**
 * How long a removed entry can be put back ("Undo"), in seconds. The panel offers Undo for 30 s;
 * the server keeps the entry a little longer so a slow click still lands.
 */
export const RESTORE_WINDOW_SECONDS = 120;
/** Most removed entries kept for Undo at once (older ones are dropped first). */
const MAX_REMOVED = 10;

/** An entry removed a moment ago, kept so that Undo restores the very same entry. */
export const RemovedEntrySchema = z
  .object({ entry: EvidenceEntrySchema, removedBy: z.string().min(1), removedAt: z.string() })
  .strict();
export type RemovedEntry = z.infer<typeof RemovedEntrySchema>;

/** What the log holds, apart from the storage metadata (version, who changed it last). */
export const EvidenceContentSchema = z
  .object({
    /** Number part of the next entry id ("e1", "e2", ...); ids are never reused. */
    nextEntry: z.number().int().min(1),
    entries: z.array(EvidenceEntrySchema),
    invalidated: InvalidationSchema.nullable(),
    /** Entries removed within the restore window (absent when none). */
    removed: z.array(RemovedEntrySchema).max(MAX_REMOVED).optional(),
  })
  .strict();
export type EvidenceContent = z.infer<typeof EvidenceContentSchema>;

export const EMPTY_CONTENT: EvidenceContent = { nextEntry: 1, entries: [], invalidated: null };

export type EvidenceChange =
  | { kind: 'add'; entry: EvidenceInput }
  | { kind: 'update'; id: string; entry: EvidenceInput }
  | { kind: 'remove'; id: string }
  /** Undo a removal: put the removed entry back, unchanged, while the restore window is open. */
  | { kind: 'restore'; id: string }
  | { kind: 'decide'; invalidated: boolean; reason?: string | undefined };

export type ChangeRefusal =
  | { code: 'invalid-input'; field: string; message: string }
  | { code: 'not-found'; message: string };

export type ChangeOutcome =
  | { ok: true; content: EvidenceContent; entryId: string | undefined }
  | { ok: false; refusal: ChangeRefusal };

export interface Actor {
  accountId: string;
  now: Date;
}

const HOUR_MS = 3_600_000;

/**
 * The latest date an entry may carry: today, in the time zone furthest ahead of UTC (+14 h),
 * so that a person east of UTC can record today's interview before UTC's midnight.
 */
export function latestAllowedDate(now: Date): string {
  return new Date(now.getTime() + 14 * HOUR_MS).toISOString().slice(0, 10);
}

/** Checks what the payload schema cannot: a real calendar date, not in the future. */
export function checkEntryDate(date: string, now: Date): ChangeRefusal | undefined {
  if (!isIsoDate(date)) {
    return {
      code: 'invalid-input',
      field: 'entry.date',
      message: `entry.date: ${date} is not a calendar date`,
    };
  }
  if (date > latestAllowedDate(now)) {
    return {
      code: 'invalid-input',
      field: 'entry.date',
      message: `entry.date: ${date} is in the future; record evidence once it has happened`,
    };
  }
  return undefined;
}

function entryFields(input: EvidenceInput) {
  return {
    type: input.type,
    date: input.date,
    summary: input.summary,
    ...(input.link === undefined ? {} : { link: input.link }),
    positive: input.positive ?? false,
  };
}

/** Applies one change to the log's content; refuses invalid input and unknown entries. */
function decide(
  content: EvidenceContent,
  change: Extract<EvidenceChange, { kind: 'decide' }>,
  accountId: string,
  at: string,
): ChangeOutcome {
  if (!change.invalidated) {
    return { ok: true, entryId: undefined, content: { ...content, invalidated: null } };
  }
  const reason = change.reason?.trim() ?? '';
  if (reason.length === 0) {
    return {
      ok: false,
      refusal: {
        code: 'invalid-input',
        field: 'reason',
        message: 'reason: say why the idea is invalidated',
      },
    };
  }
  return {
    ok: true,
    entryId: undefined,
    content: { ...content, invalidated: { reason, decidedBy: accountId, decidedAt: at } },
  };
}

/** The removed entries still inside the restore window at `now`. */
function stillRestorable(content: EvidenceContent, now: Date): RemovedEntry[] {
  const since = now.getTime() - RESTORE_WINDOW_SECONDS * 1000;
  return (content.removed ?? []).filter((r) => Date.parse(r.removedAt) >= since);
}

/** The content with the removed entries that may still be restored (the field left out if none). */
function withRemoved(content: EvidenceContent, removed: RemovedEntry[]): EvidenceContent {
  const rest: EvidenceContent = {
    nextEntry: content.nextEntry,
    entries: content.entries,
    invalidated: content.invalidated,
  };
  const kept = removed.slice(-MAX_REMOVED);
  return kept.length > 0 ? { ...rest, removed: kept } : rest;
}

function remove(content: EvidenceContent, id: string, actor: Actor): ChangeOutcome {
  const entry = content.entries.find((e) => e.id === id);
  if (!entry) return { ok: false, refusal: noEntry(id) };
  const removed = [
    ...stillRestorable(content, actor.now),
    { entry, removedBy: actor.accountId, removedAt: actor.now.toISOString() },
  ];
  const entries = content.entries.filter((e) => e.id !== id);
  return { ok: true, entryId: id, content: withRemoved({ ...content, entries }, removed) };
}

/** Undo: the entry comes back exactly as it was (same id, author and dates). */
function restore(content: EvidenceContent, id: string, actor: Actor): ChangeOutcome {
  const restorable = stillRestorable(content, actor.now);
  if (content.entries.some((e) => e.id === id)) {
    // Already back (a repeated Undo): nothing to do, the answer is the same.
    return { ok: true, entryId: id, content: withRemoved(content, restorable) };
  }
  const found = restorable.find((r) => r.entry.id === id);
  if (!found) {
    return {
      ok: false,
      refusal: {
        code: 'not-found',
        message: `Evidence entry "${id}" can no longer be restored: Undo is possible for ${RESTORE_WINDOW_SECONDS / 60} minutes after a removal. Record it again if it is still needed.`,
      },
    };
  }
  const entries = [...content.entries, found.entry];
  const left = restorable.filter((r) => r.entry.id !== id);
  return { ok: true, entryId: id, content: withRemoved({ ...content, entries }, left) };
}

export function applyChange(
  content: EvidenceContent,
  change: EvidenceChange,
  actor: Actor,
): ChangeOutcome {
  const at = actor.now.toISOString();
  switch (change.kind) {
    case 'add': {
      const refusal = checkEntryDate(change.entry.date, actor.now);
      if (refusal) return { ok: false, refusal };
      const id = `e${content.nextEntry}`;
      const entry: EvidenceEntry = {
        id,
        ...entryFields(change.entry),
        recordedBy: actor.accountId,
        recordedAt: at,
      };
      return {
        ok: true,
        entryId: id,
        content: {
          ...content,
          nextEntry: content.nextEntry + 1,
          entries: [...content.entries, entry],
        },
      };
    }
    case 'update': {
      const refusal = checkEntryDate(change.entry.date, actor.now);
      if (refusal) return { ok: false, refusal };
      const existing = content.entries.find((e) => e.id === change.id);
      if (!existing) return { ok: false, refusal: noEntry(change.id) };
      const updated: EvidenceEntry = {
        id: existing.id,
        ...entryFields(change.entry),
        recordedBy: existing.recordedBy,
        recordedAt: existing.recordedAt,
        updatedBy: actor.accountId,
        updatedAt: at,
      };
      return {
        ok: true,
        entryId: existing.id,
        content: {
          ...content,
          entries: content.entries.map((e) => (e.id === change.id ? updated : e)),
        },
      };
    }
    case 'remove':
      return remove(content, change.id, actor);
    case 'restore':
      return restore(content, change.id, actor);
    case 'decide':
      return decide(content, change, actor.accountId, at);
  }
}

function noEntry(id: string): ChangeRefusal {
  return { code: 'not-found', message: `There is no evidence entry "${id}" on this item.` };
}

// ---------------------------------------------------------------------------------------------
// Reading the log

export interface EvidenceCounts {
  /** Every entry, by type. */
  recorded: Record<EvidenceType, number>;
  /** Entries that count as evidence (see the counting rule above), by type. */
  counting: Record<EvidenceType, number>;
}

const NEEDS_POSITIVE: ReadonlySet<EvidenceType> = new Set(['interview', 'usability-test']);

export function countEvidence(
  entries: ReadonlyArray<Pick<EvidenceEntry, 'type' | 'positive'>>,
): EvidenceCounts {
  const recorded = emptyEvidence();
  const counting = emptyEvidence();
  for (const entry of entries) {
    recorded[entry.type] += 1;
    if (entry.positive || !NEEDS_POSITIVE.has(entry.type)) counting[entry.type] += 1;
  }
  return { recorded, counting };
}

export interface ValidationView {
  state: ValidationState;
  shortfalls: Array<EvidenceShortfall & { text: string }>;
  invalidated: Invalidation | null;
}

export function validationOf(
  content: EvidenceContent,
  rules: Config['validation'],
): ValidationView {
  const { counting } = countEvidence(content.entries);
  const check = checkValidated(counting, rules, content.invalidated !== null);
  return {
    state: check.state,
    shortfalls: check.shortfalls.map((s) => ({ ...s, text: describeShortfall(s) })),
    invalidated: content.invalidated,
  };
}

/**
 * The value of the read-only "Discovery evidence" field: the counting entries per type, the
 * date of the newest entry and the validation state.
 */
export interface EvidenceSummaryValue {
  interviews: number;
  usabilityTests: number;
  prototypeReviews: number;
  conciergeTests: number;
  experiments: number;
  latest: string | null;
  state: ValidationState;
}

export function summaryValue(
  content: EvidenceContent,
  rules: Config['validation'],
): EvidenceSummaryValue {
  const { counting } = countEvidence(content.entries);
  const latest = content.entries.reduce<string | null>(
    (max, e) => (max === null || e.date > max ? e.date : max),
    null,
  );
  return {
    interviews: counting.interview,
    usabilityTests: counting['usability-test'],
    prototypeReviews: counting['prototype-review'],
    conciergeTests: counting['concierge-test'],
    experiments: counting.experiment,
    latest,
    state: validationOf(content, rules).state,
  };
}

/** Newest first: by date, then by when it was recorded. */
export function newestFirst(entries: readonly EvidenceEntry[]): EvidenceEntry[] {
  return [...entries].sort((a, b) =>
    a.date === b.date ? b.recordedAt.localeCompare(a.recordedAt) : b.date.localeCompare(a.date),
  );
}

/** Sentence listing what is missing, e.g. "2 of 3 interviews, 0 of 1 usability test". */
export function describeShortfalls(shortfalls: readonly EvidenceShortfall[]): string {
  return shortfalls.map(describeShortfall).join(', ');
}
