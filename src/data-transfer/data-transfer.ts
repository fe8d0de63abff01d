import { isDeepStrictEqual } from 'node:util';
import {
  DATA_FORMAT,
  DATA_SCHEMA_VERSION,
  DATA_SECTIONS,
  type DataDocument,
  type DataSection,
} from '../contract/bridge-contract';
import { EvidenceHeadSchema, partKeysOf, type EvidenceHead } from '../storage/evidence-store';
import { listByPrefix, readMany } from '../storage/kvs-store';
import { numericField, readVersions, type KeyState } from '../storage/versioned-record';
import { applyBySection, type KeyChange } from './import-apply';
import { EVIDENCE_HEAD, KEY_RULES, type KeyRule } from './key-rules';
import { EVIDENCE_KEYS } from '../storage/key-families';

/**
 * Export and import of the app's data (configuration and discovery templates with their
 * revisions, waivers, audit log, evidence, and per item and project everything else the app keeps:
 * feasibility reviews, spike notes, retro outcome checks, Explore first and promotion records,
 * track mappings, setup reports, the track marker's checkpoint, flag notes) as one JSON document
 * with a schema version, so that a Jira admin can back up and move it.
 * More: docs/internals.md#data-transfer-data-transfer-ts.
 */

const PREFIX = Object.fromEntries(DATA_SECTIONS.map((s) => [s, `${s}:`])) as Record<
  DataSection,
  string
>;

/** Records per storage query while exporting: 10 full evidence logs stay far below 5 MB. */
export const EXPORT_PAGE_SIZE = 10;
const READ_BATCH_SIZE = 20;

function ruleFor(key: string): { rule: KeyRule; match: RegExpExecArray } | undefined {
  for (const rule of KEY_RULES) {
    const match = rule.pattern.exec(key);
    if (match) return { rule, match };
  }
  return undefined;
}

/** The version a versioned record's value carries (0 for one saved before versions). */
function carriedVersion(key: string, value: unknown): number {
  return numericField(ruleFor(key)?.rule.versionField ?? 'version')(value) ?? 0;
}

/** The section a stored key is exported in, or undefined when exports leave it out. */
export function exportedSectionOf(key: string): DataSection | undefined {
  const rule = ruleFor(key)?.rule;
  return rule && rule.legacy !== true ? rule.section : undefined;
}

export interface ExportPage {
  document: DataDocument;
  /** Pass back to `data/export` for the next page; absent after the last one. */
  nextCursor: string | undefined;
}

/** One page of the export: records of one section, in key order. */
export async function exportPage(cursor: string | undefined, now: Date): Promise<ExportPage> {
  const [rawSection, ...rest] = (cursor ?? DATA_SECTIONS[0]).split('|');
  const section = DATA_SECTIONS.find((s) => s === rawSection) ?? DATA_SECTIONS[0];
  const after = rest.length > 0 ? rest.join('|') : undefined;
  const page = await listByPrefix(PREFIX[section], after, EXPORT_PAGE_SIZE);
  // Only keys the app's stores own (and an import accepts) are exported, the claims the scheme
  // before left beside waivers and evidence excepted.
  const records = page.entries.filter((e) => {
    const rule = ruleFor(e.key)?.rule;
    return rule?.section === section && rule.legacy !== true;
  });
  const nextSection = DATA_SECTIONS[DATA_SECTIONS.indexOf(section) + 1];
  const nextCursor = page.nextCursor !== undefined ? `${section}|${page.nextCursor}` : nextSection;
  return {
    document: {
      format: DATA_FORMAT,
      schemaVersion: DATA_SCHEMA_VERSION,
      exportedAt: now.toISOString(),
      sections: [section],
      records,
    },
    nextCursor,
  };
}

export interface FieldProblem {
  path: string;
  message: string;
}

/** Every problem of the document's records, by payload path; empty when it may be imported. */
export function checkDocument(document: DataDocument): FieldProblem[] {
  const problems: FieldProblem[] = [];
  document.records.forEach((record, i) => {
    const at = `document.records.${i}`;
    const found = ruleFor(record.key);
    if (!found) {
      problems.push({ path: `${at}.key`, message: `"${record.key}" is not a Dual Track data key` });
      return;
    }
    if (!document.sections.includes(found.rule.section)) {
      problems.push({
        path: `${at}.key`,
        message: `belongs to section "${found.rule.section}", which the document does not declare`,
      });
      return;
    }
    const parsed = found.rule.schema.safeParse(record.value);
    if (!parsed.success) {
      for (const issue of parsed.error.issues.slice(0, 5)) {
        problems.push({
          path: [at, 'value', ...issue.path.map(String)].join('.'),
          message: issue.message,
        });
      }
      return;
    }
    const mismatch = found.rule.check?.(found.match, record.value as Record<string, unknown>);
    if (mismatch) problems.push({ path: `${at}.value`, message: mismatch });
  });
  return problems;
}

/**
 * Evidence heads whose parts are neither in the document nor already stored: importing them
 * would leave a log that cannot be read (an export taken while that log changed, or a document
 * cut in the wrong place). Parts may come in an earlier document than their head.
 */
export async function checkEvidenceParts(document: DataDocument): Promise<FieldProblem[]> {
  const inDocument = new Set(document.records.map((r) => r.key));
  const wanted: Array<{ at: string; key: string }> = [];
  document.records.forEach((record, i) => {
    if (!EVIDENCE_HEAD.test(record.key)) return;
    const head = EvidenceHeadSchema.safeParse(record.value);
    if (!head.success) return;
    for (const key of partKeysOf(head.data)) {
      if (!inDocument.has(key)) wanted.push({ at: `document.records.${i}.value.parts`, key });
    }
  });
  const stored = new Set<string>();
  for (let i = 0; i < wanted.length; i += READ_BATCH_SIZE) {
    const keys = wanted.slice(i, i + READ_BATCH_SIZE).map((w) => w.key);
    for (const k of (await readMany(keys)).keys()) stored.add(k);
  }
  return wanted
    .filter((w) => !stored.has(w.key))
    .map((w) => ({
      path: w.at,
      message: `part "${w.key}" is neither in the document nor stored; export the log again`,
    }));
}

export interface ImportDiff {
  added: string[];
  changed: string[];
  removed: string[];
  unchanged: number;
  /** Keys of the document only the scheme before wrote (see KeyRule.legacy): not written. */
  ignored?: string[];
}

export interface ImportReport {
  dryRun: boolean;
  diff: ImportDiff;
  /** What was written: keys set and removed, and in how many storage requests. */
  applied?: { written: number; removed: number; batches: number };
}

async function storedKeys(section: DataSection): Promise<string[]> {
  const keys: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await listByPrefix(PREFIX[section], cursor, 100);
    for (const e of page.entries) if (ruleFor(e.key)?.rule.section === section) keys.push(e.key);
    cursor = page.nextCursor;
  } while (cursor !== undefined);
  return keys;
}

/**
 * Keys that would contradict an imported record and must go with it: revisions newer than an
 * imported versioned record (a later save would find its revision key taken) and audit entries
 * at or past an imported head's next sequence number.
 */
function contradicted(documentKeys: Set<string>, stored: readonly string[], doc: DataDocument) {
  const out: string[] = [];
  for (const record of doc.records) {
    const found = ruleFor(record.key);
    if (!found) continue;
    const value = record.value as Record<string, unknown>;
    const isAuditHead = found.rule.section === 'audit' && record.key.endsWith(':head');
    const evidenceHead = EVIDENCE_HEAD.exec(record.key);
    const liveParts = evidenceHead ? new Set(partKeysOf(value as EvidenceHead)) : undefined;
    for (const key of stored) {
      if (documentKeys.has(key)) continue;
      if (
        evidenceHead &&
        liveParts &&
        key.startsWith(EVIDENCE_KEYS.partPrefix(evidenceHead[1] ?? ''))
      ) {
        // Parts the imported head does not point at can never be read again.
        if (!liveParts.has(key)) out.push(key);
      } else if (isAuditHead) {
        const prefix = record.key.slice(0, -'head'.length);
        const seq = key.startsWith(prefix) ? Number(key.slice(prefix.length)) : NaN;
        if (Number.isInteger(seq) && seq >= Number(value['next'])) out.push(key);
      } else if (typeof value['version'] === 'number' && key.startsWith(`${record.key}:rev:`)) {
        if (Number(key.slice(record.key.length + ':rev:'.length)) > value['version']) out.push(key);
      }
    }
  }
  return out;
}

/** The diff against storage and, unless a dry run, the writes. The document must be checked. */
export async function importDocument(
  document: DataDocument,
  options: { dryRun: boolean; replace: boolean },
): Promise<ImportReport> {
  const stored = (await Promise.all(document.sections.map(storedKeys))).flat();
  const documentKeys = new Set(document.records.map((r) => r.key));
  const current = new Map<string, unknown>();
  const keys = [...documentKeys];
  for (let i = 0; i < keys.length; i += READ_BATCH_SIZE) {
    for (const [k, v] of await readMany(keys.slice(i, i + READ_BATCH_SIZE))) current.set(k, v);
  }
  const versionedKeys = keys.filter((k) => ruleFor(k)?.rule.versioned === true);
  const versions = new Map<string, number>();
  for (let i = 0; i < versionedKeys.length; i += READ_BATCH_SIZE) {
    const batch = versionedKeys.slice(i, i + READ_BATCH_SIZE);
    for (const [k, v] of await readVersions(batch)) versions.set(k, v.version);
  }
  const diff: ImportDiff = { added: [], changed: [], removed: [], unchanged: 0 };
  const ignored: string[] = [];
  const writes: Array<{ key: string; value: unknown }> = [];
  for (const record of document.records) {
    if (ruleFor(record.key)?.rule.legacy) {
      ignored.push(record.key);
      continue;
    }
    const before = current.get(record.key);
    // A versioned record whose version entity names another version is rewritten with it.
    const version = versions.get(record.key);
    const carried = carriedVersion(record.key, record.value);
    if (before === undefined) diff.added.push(record.key);
    else if (!isDeepStrictEqual(before, record.value)) diff.changed.push(record.key);
    else if (version !== undefined && version !== carried) diff.changed.push(record.key);
    else {
      diff.unchanged += 1;
      continue;
    }
    writes.push(record);
  }
  if (ignored.length > 0) diff.ignored = ignored.sort();
  const removed = new Set(contradicted(documentKeys, stored, document));
  if (options.replace) for (const key of stored) if (!documentKeys.has(key)) removed.add(key);
  diff.removed = [...removed].sort();
  if (options.dryRun) return { dryRun: true, diff };

  const changes = await changesOf(writes, diff.removed, current, versions);
  const requests = await applyBySection(changes, DATA_SECTIONS);
  return {
    dryRun: false,
    diff,
    applied: { written: writes.length, removed: diff.removed.length, batches: requests },
  };
}

/** The state of a key as the import leaves it, from a value (undefined: removed). */
function stateOf(key: string, value: unknown, version?: number): KeyState {
  const versioned = ruleFor(key)?.rule.versioned === true;
  return { key, value, versioned, version: version ?? carriedVersion(key, value) };
}

/**
 * Every key the import sets or removes, with its state before (read now for removed keys), in
 * the order they are applied: in the evidence section, heads after the parts they point at.
 */
async function changesOf(
  writes: ReadonlyArray<{ key: string; value: unknown }>,
  removed: readonly string[],
  current: ReadonlyMap<string, unknown>,
  versions: ReadonlyMap<string, number>,
): Promise<KeyChange[]> {
  const removedBefore = new Map<string, unknown>();
  const removedVersions = new Map<string, number>();
  for (let i = 0; i < removed.length; i += READ_BATCH_SIZE) {
    const batch = removed.slice(i, i + READ_BATCH_SIZE);
    for (const [k, v] of await readMany(batch)) removedBefore.set(k, v);
    const versioned = batch.filter((k) => ruleFor(k)?.rule.versioned === true);
    for (const [k, v] of await readVersions(versioned)) removedVersions.set(k, v.version);
  }
  const sectionOf = (key: string): DataSection => {
    const section = ruleFor(key)?.rule.section;
    if (!section) throw new Error(`${key}: no import rule`);
    return section;
  };
  const ordered = [
    ...writes.filter((w) => !EVIDENCE_HEAD.test(w.key)),
    ...writes.filter((w) => EVIDENCE_HEAD.test(w.key)),
  ];
  return [
    ...ordered.map((w) => ({
      section: sectionOf(w.key),
      before: stateOf(w.key, current.get(w.key), versions.get(w.key)),
      after: stateOf(w.key, w.value),
    })),
    ...removed.map((key) => ({
      section: sectionOf(key),
      before: stateOf(key, removedBefore.get(key), removedVersions.get(key)),
      after: stateOf(key, undefined, 0),
    })),
  ];
}
