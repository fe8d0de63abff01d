import { randomBytes } from 'node:crypto';
import { Filter, FilterConditions, kvs } from '@forge/kvs';
import { z } from 'zod';
import { Refusal } from '../domain/failure';
import { sleep } from '../runtime/wait';
import { parseStored } from './kvs-store';

/**
 * Conditional writes for records that are read, changed and written back (settings, templates,
 * waivers, evidence, feasibility reviews, Explore first, retro outcome checks): a write succeeds only against the
 * version it read; a writer that lost the race reads again and re-applies its change, or gets a
 * conflict. Decision record: docs/decisions/0012-conditional-writes.md.
 * More: docs/internals.md#storage-versioned-record-ts.
 */

export const RECORD_VERSION_ENTITY = 'record-version';

/** The key of a record's version entity. */
export const versionKey = (key: string): string => `${key}#version`;

const WRITE_ID = /^[a-f0-9]{12}$/;

/**
 * Version 0: the record did not exist, or carried no version, when a reader pinned it down
 * (confirmUnchanged); its first save is version 1.
 */
export const RecordVersionSchema = z
  .object({ version: z.number().int().min(0), writeId: z.string().regex(WRITE_ID) })
  .strict();
export type RecordVersion = z.infer<typeof RecordVersionSchema>;

/** A fresh write id: 12 hex characters. */
export const newWriteId = (): string => randomBytes(6).toString('hex');

/** The version a writer read, which its write is conditioned on. */
export interface ReadVersion {
  /** The version entity; undefined when there is none (a new record, or one stored before). */
  entity: RecordVersion | undefined;
  /** The current version: the entity's, else the version the stored value carries (0: none). */
  version: number;
}

/** A record's `version` field (or another numeric field), undefined when it has none. */
export function numericField(field: string): (raw: unknown) => number | undefined {
  return (raw) => {
    if (typeof raw !== 'object' || raw === null) return undefined;
    const v = (raw as Record<string, unknown>)[field];
    return typeof v === 'number' ? v : undefined;
  };
}

/** A read of one record whose value and entity disagreed this many times in a row is trusted. */
const READ_ATTEMPTS = 3;

/**
 * The record at `key`, its version entity and `otherKeys`, in one batch read. Missing keys are
 * absent from `values`. `versionOf` gives the version a stored value carries.
 */
export async function readVersioned(
  key: string,
  versionOf: (raw: unknown) => number | undefined,
  otherKeys: readonly string[] = [],
): Promise<{ values: Map<string, unknown>; read: ReadVersion }> {
  for (let attempt = 1; ; attempt++) {
    const plain = [key, ...otherKeys.filter((k) => k !== key)];
    const { successfulKeys, failedKeys } = await kvs.batchGet<unknown>([
      ...plain.map((k) => ({ key: k })),
      { key: versionKey(key), entityName: RECORD_VERSION_ENTITY },
    ]);
    const failures = failedKeys.filter((f) => f.error.code !== 'KEY_NOT_FOUND');
    if (failures.length > 0) {
      const detail = failures.map((f) => `${f.key}: ${f.error.code} ${f.error.message}`).join('; ');
      throw new Error(`Storage could not read ${failures.length} key(s): ${detail}`);
    }
    const values = new Map<string, unknown>();
    let rawEntity: unknown;
    for (const item of successfulKeys) {
      if (item.entityName === RECORD_VERSION_ENTITY) rawEntity = item.value;
      else values.set(item.key, item.value);
    }
    const entity = parseStored(versionKey(key), RecordVersionSchema, rawEntity);
    const carried = versionOf(values.get(key)) ?? 0;
    if (entity && carried !== entity.version && attempt < READ_ATTEMPTS) continue;
    return { values, read: { entity, version: entity?.version ?? carried } };
  }
}

/** The version entities of several records (missing ones are absent), in one batch read. */
export async function readVersions(keys: readonly string[]): Promise<Map<string, RecordVersion>> {
  const out = new Map<string, RecordVersion>();
  if (keys.length === 0) return out;
  const byEntityKey = new Map(keys.map((k) => [versionKey(k), k]));
  const { successfulKeys, failedKeys } = await kvs.batchGet<unknown>(
    [...byEntityKey.keys()].map((key) => ({ key, entityName: RECORD_VERSION_ENTITY })),
  );
  const failures = failedKeys.filter((f) => f.error.code !== 'KEY_NOT_FOUND');
  if (failures.length > 0) {
    const detail = failures.map((f) => `${f.key}: ${f.error.code} ${f.error.message}`).join('; ');
    throw new Error(`Storage could not read ${failures.length} version(s): ${detail}`);
  }
  for (const item of successfulKeys) {
    const key = byEntityKey.get(item.key);
    const version = parseStored(item.key, RecordVersionSchema, item.value);
    if (key !== undefined && version) out.set(key, version);
  }
  return out;
}

async function readEntity(key: string): Promise<RecordVersion | undefined> {
  const raw = await kvs.entity<unknown>(RECORD_VERSION_ENTITY).get(versionKey(key));
  return parseStored(versionKey(key), RecordVersionSchema, raw);
}

const sameVersion = (a: RecordVersion | undefined, b: RecordVersion | undefined): boolean =>
  a === undefined || b === undefined ? a === b : a.version === b.version && a.writeId === b.writeId;

/** The condition a save's entity write carries: the entity still holds what the writer read. */
function unchangedSince(read: ReadVersion) {
  const filter = new Filter<RecordVersion>();
  if (!read.entity) return filter.and('version', FilterConditions.notExists());
  return filter
    .and('version', FilterConditions.equalTo(read.entity.version))
    .and('writeId', FilterConditions.equalTo(read.entity.writeId));
}

export interface VersionedWrite {
  key: string;
  /** The record's new value; it carries `version`. */
  value: unknown;
  /** The new version: one more than `read.version`. */
  version: number;
  /** What the writer read: the write lands only if it is still current. */
  read: ReadVersion;
  /** Other keys written and removed in the same transaction. */
  sets?: ReadonlyArray<{ key: string; value: unknown }>;
  deletes?: readonly string[];
  writeId?: string;
}

/**
 * Saves a new version in one transaction conditioned on the version read. True when it landed,
 * false when another write came first (read again and re-apply). Other failures are thrown.
 * Operations: the value, the entity, and `sets` and `deletes` (25 at most in all).
 */
export async function commitVersion(write: VersionedWrite): Promise<boolean> {
  const writeId = write.writeId ?? newWriteId();
  const tx = kvs.transact();
  tx.set(write.key, write.value);
  for (const s of write.sets ?? []) tx.set(s.key, s.value);
  for (const key of new Set(write.deletes ?? [])) {
    if (key !== write.key && !(write.sets ?? []).some((s) => s.key === key)) tx.delete(key);
  }
  tx.set(
    versionKey(write.key),
    { version: write.version, writeId },
    { entityName: RECORD_VERSION_ENTITY, conditions: unchangedSince(write.read) },
  );
  try {
    await tx.execute();
    return true;
  } catch (error) {
    const now = await readEntity(write.key);
    if (now?.writeId === writeId) return true;
    if (!sameVersion(now, write.read.entity)) return false;
    throw error;
  }
}

/**
 * Sets a record and its version entity together, unconditionally: for an import, which
 * restores what a document holds whatever is stored. A new write id, so that writers who read
 * the record before cannot commit over the restored value.
 */
export async function restoreVersioned(
  key: string,
  value: unknown,
  version: number,
): Promise<void> {
  await kvs
    .transact()
    .set(key, value)
    .set(versionKey(key), { version, writeId: newWriteId() }, { entityName: RECORD_VERSION_ENTITY })
    .execute();
}

/** Removes a record and its version entity together (an import that replaces what is stored). */
export async function removeVersioned(key: string): Promise<void> {
  await kvs
    .transact()
    .delete(key)
    .delete(versionKey(key), { entityName: RECORD_VERSION_ENTITY })
    .execute();
}

/** One record, parsed, with the version read. */
async function readRecord<R>(
  key: string,
  schema: z.ZodType<R>,
  versionOf: (raw: unknown) => number | undefined,
): Promise<{ current: R | undefined; read: ReadVersion }> {
  const { values, read } = await readVersioned(key, versionOf);
  return { current: parseStored(key, schema, values.get(key)), read };
}

/**
 * Pins down records a decision was based on, in one transaction: it lands only if none of them
 * changed since it was read. A record with a version entity is checked against it; one without
 * (a record of the scheme before, or none yet) gets its entity now, at the version read, under
 * the condition that it still has none, and the keys `legacyKeys` names (what the scheme before
 * left beside it) go. True when nothing changed; false when one of them did.
 */
export async function confirmUnchanged(
  records: ReadonlyArray<{ key: string; read: ReadVersion; legacyKeys?: readonly string[] }>,
): Promise<boolean> {
  const tx = kvs.transact();
  const adopted = new Map<string, string>();
  for (const { key, read, legacyKeys } of records) {
    if (read.entity) {
      tx.check(versionKey(key), {
        entityName: RECORD_VERSION_ENTITY,
        conditions: unchangedSince(read),
      });
    } else {
      const writeId = newWriteId();
      adopted.set(key, writeId);
      for (const legacy of legacyKeys ?? []) tx.delete(legacy);
      tx.set(
        versionKey(key),
        { version: read.version, writeId },
        { entityName: RECORD_VERSION_ENTITY, conditions: unchangedSince(read) },
      );
    }
  }
  try {
    await tx.execute();
    return true;
  } catch (error) {
    const now = await readVersions(records.map((r) => r.key));
    const [first] = adopted;
    if (first && now.get(first[0])?.writeId === first[1]) return true;
    if (records.some(({ key, read }) => !sameVersion(now.get(key), read.entity))) return false;
    throw error;
  }
}

/** A save that lost the race to other writers too many times in a row. */
export class RecordConflictError extends Refusal {
  constructor(
    readonly key: string,
    noun: string,
    attempts: number,
  ) {
    super({
      code: 'conflict',
      message: `The ${noun} (${key}) changed ${attempts} times while this change was being saved; nothing of this change was saved. Try again.`,
    });
    this.name = 'RecordConflictError';
  }
}

/** What a change does with the current record: write a new version, or leave it as it is. */
export type RecordChange<R, D> =
  | {
      write: R;
      detail: D;
      sets?: ReadonlyArray<{ key: string; value: unknown }>;
      deletes?: readonly string[];
    }
  | { keep: D };

export interface RecordSpec<R> {
  key: string;
  schema: z.ZodType<R>;
  /** What the record holds, for the conflict message ("waivers of DT"). */
  noun: string;
  /** The field of the value that carries its version; default `version`. */
  versionField?: string;
  /** Keys the scheme before this one left beside the record: removed with its first save. */
  legacyKeys?: (version: number) => string[];
  /** Saves tried before a RecordConflictError; default 6. */
  attempts?: number;
}

/** A record as a writer already read it (with readVersioned), to base a first attempt on. */
export interface RecordBasis<R> {
  value: R | undefined;
  read: ReadVersion;
}

export type RecordChanged<R, D> =
  | { saved: true; value: R; version: number; detail: D }
  | { saved: false; value: R | undefined; version: number; detail: D };

/** A short random pause after a lost race, so that racing writers spread out. */
export const backoff = (attempt: number): Promise<void> => sleep(Math.random() * 20 * attempt);

/**
 * Reads the record, applies `change` to it and saves the result as the next version; when
 * another write lands first, reads again and applies `change` to that (so `change` may run more
 * than once, always on the newest record). `change` gets the current version and must stamp the
 * value it writes with version + 1. Cost: one batch read and one transaction, plus one entity
 * read and a new round per lost race. With `basis` (the record as the caller read it earlier,
 * with its version) the first attempt skips the read: if the record changed since, the write
 * fails its condition and the next attempt reads it.
 */
export async function changeRecord<R, D>(
  spec: RecordSpec<R>,
  change: (current: R | undefined, version: number) => RecordChange<R, D>,
  basis?: RecordBasis<R>,
): Promise<RecordChanged<R, D>> {
  const versionOf = numericField(spec.versionField ?? 'version');
  const attempts = spec.attempts ?? 6;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const { current, read } =
      attempt === 1 && basis
        ? { current: basis.value, read: basis.read }
        : await readRecord(spec.key, spec.schema, versionOf);
    const outcome = change(current, read.version);
    if ('keep' in outcome) {
      return { saved: false, value: current, version: read.version, detail: outcome.keep };
    }
    const value = spec.schema.parse(outcome.write);
    const version = read.version + 1;
    if (versionOf(value) !== version) {
      throw new Error(`${spec.key}: a new version must carry version ${version}`);
    }
    const legacy =
      read.entity || current === undefined ? [] : (spec.legacyKeys?.(read.version) ?? []);
    const landed = await commitVersion({
      key: spec.key,
      value,
      version,
      read,
      sets: outcome.sets ?? [],
      deletes: [...(outcome.deletes ?? []), ...legacy],
    });
    if (landed) return { saved: true, value, version, detail: outcome.detail };
    await backoff(attempt);
  }
  throw new RecordConflictError(spec.key, spec.noun, attempts);
}

/** A transaction's most operations (https://developer.atlassian.com/platform/forge/storage-reference/transactions/). */
export const TRANSACTION_MAX_OPS = 25;
/** A transaction's largest payload is 4 MB (same page); kept well below for encoding slack. */
export const TRANSACTION_MAX_BYTES = 3 * 1024 * 1024;

/**
 * How an import leaves one key: `value` set (a versioned record with its version entity at
 * `version`), or the key removed when `value` is undefined.
 */
export interface KeyState {
  key: string;
  value: unknown;
  versioned: boolean;
  version: number;
}

/** The operations a key state takes in a transaction: two for a versioned record. */
export const operationsOf = (state: KeyState): number => (state.versioned ? 2 : 1);

/** Sets several keys as given, in one transaction: all of them land, or none. */
export async function restoreTogether(states: readonly KeyState[]): Promise<void> {
  const tx = kvs.transact();
  const entity = { entityName: RECORD_VERSION_ENTITY };
  for (const s of states) {
    if (s.value === undefined) {
      tx.delete(s.key);
      if (s.versioned) tx.delete(versionKey(s.key), entity);
    } else {
      tx.set(s.key, s.value);
      if (s.versioned) {
        tx.set(versionKey(s.key), { version: s.version, writeId: newWriteId() }, entity);
      }
    }
  }
  await tx.execute();
}

/** Sets one key as given (with its version entity, in one transaction, for a versioned record). */
export async function restoreOne(state: KeyState): Promise<void> {
  if (state.versioned) {
    if (state.value === undefined) await removeVersioned(state.key);
    else await restoreVersioned(state.key, state.value, state.version);
  } else if (state.value === undefined) {
    await kvs.delete(state.key);
  } else {
    await kvs.set(state.key, state.value);
  }
}
