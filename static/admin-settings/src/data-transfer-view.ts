import {
  DATA_FORMAT,
  DATA_SCHEMA_VERSIONS_READ,
  DATA_SECTIONS,
  DataDocumentSchema,
  type DataDocument,
  type DataSection,
  type ResultOf,
} from '@contract/bridge-contract';
import { z } from 'zod';

/**
 * The export / import section's pure part: reading a chosen file, splitting a document into
 * requests under Forge's invoke limit, and merging the parts' import reports.
 */

/**
 * Forge refuses an `invoke` request over 500 KB; a request also carries the context, so a
 * payload is kept well below that.
 */
export const REQUEST_BUDGET_BYTES = 450 * 1024;
/** The contract's ceiling on the records of one document (one request). */
const MAX_RECORDS_PER_REQUEST = 5000;
/** A file larger than this is not read into the page. */
export const MAX_FILE_BYTES = 50 * 1024 * 1024;
/** Lists of keys longer than this are collapsed. */
export const LONG_LIST = 10;

export type ImportReport = ResultOf<'data/import'>;

/**
 * A whole export file: the contract's document, except that a file may hold more records than
 * one request may carry (each part sent is checked with the contract's schema itself).
 */
const FileDocumentSchema = DataDocumentSchema.extend({
  records: z
    .array(DataDocumentSchema.shape.records.element)
    .refine((r) => new Set(r.map((e) => e.key)).size === r.length, {
      message: 'holds a key more than once',
    }),
});

const encoder = new TextEncoder();
const bytesOf = (value: unknown) => encoder.encode(JSON.stringify(value)).length;

const sectionOf = (key: string) => DATA_SECTIONS.find((s) => key.startsWith(`${s}:`));

/** Problems of a file's text, worded for the person who chose it; or the document. */
export function readDocument(
  text: string,
): { ok: true; document: DataDocument } | { ok: false; message: string } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    const detail = error instanceof Error ? ` (${error.message})` : '';
    return { ok: false, message: `The file is not valid JSON${detail}.` };
  }
  const head = z.looseObject({ format: z.unknown(), schemaVersion: z.unknown() }).safeParse(json);
  if (!head.success || head.data.format !== DATA_FORMAT) {
    return {
      ok: false,
      message: `The file is not a Dual Track export: its "format" is not "${DATA_FORMAT}".`,
    };
  }
  const readable: readonly unknown[] = DATA_SCHEMA_VERSIONS_READ;
  if (!readable.includes(head.data.schemaVersion)) {
    return {
      ok: false,
      message: `The file uses schema version ${JSON.stringify(head.data.schemaVersion)}; this app imports versions ${DATA_SCHEMA_VERSIONS_READ.join(' and ')}.`,
    };
  }
  const parsed = FileDocumentSchema.safeParse(json);
  if (!parsed.success) {
    const shown = parsed.error.issues
      .slice(0, 5)
      .map((i) => `${['document', ...i.path.map(String)].join('.')}: ${i.message}`);
    return {
      ok: false,
      message: `The file does not match the export format: ${shown.join('; ')}.`,
    };
  }
  return { ok: true, document: parsed.data };
}

/**
 * The requests an import takes: the whole document when it fits in one, otherwise one part per
 * section (the resolver takes partial documents: it diffs and writes only the sections a part
 * declares), and a section too large for one request in several parts, which only works
 * without "replace" (each part would remove the keys the other parts hold).
 */
export function splitForImport(
  document: DataDocument,
  replace: boolean,
  budget = REQUEST_BUDGET_BYTES,
): { ok: true; parts: DataDocument[] } | { ok: false; message: string } {
  const envelope = (doc: DataDocument) => bytesOf({ document: doc, dryRun: false, replace });
  if (document.records.length <= MAX_RECORDS_PER_REQUEST && envelope(document) <= budget) {
    return { ok: true, parts: [document] };
  }
  const bySection = new Map<DataSection, DataDocument['records']>(
    document.sections.map((s) => [s, []]),
  );
  const first = document.sections[0];
  for (const record of document.records) {
    const section = sectionOf(record.key);
    // A key of no declared section goes with the first part, where the resolver names it.
    const list = (section && bySection.get(section)) ?? (first && bySection.get(first));
    list?.push(record);
  }
  const parts: DataDocument[] = [];
  for (const [section, records] of bySection) {
    const whole: DataDocument = { ...document, sections: [section], records };
    if (records.length <= MAX_RECORDS_PER_REQUEST && envelope(whole) <= budget) {
      parts.push(whole);
      continue;
    }
    if (replace) {
      return {
        ok: false,
        message: `The ${section} section is too large for one request (Forge's limit is 500 KB), and "replace" needs each section in one request. Import without "replace", or remove keys by hand.`,
      };
    }
    const base = envelope({ ...whole, records: [] });
    let chunk: DataDocument['records'] = [];
    let size = base;
    for (const record of records) {
      const recordBytes = bytesOf(record) + 1;
      if (base + recordBytes > budget) {
        return {
          ok: false,
          message: `The record "${record.key}" alone is larger than one request may be (Forge's limit is 500 KB), so this file cannot be imported.`,
        };
      }
      if (
        chunk.length > 0 &&
        (size + recordBytes > budget || chunk.length >= MAX_RECORDS_PER_REQUEST)
      ) {
        parts.push({ ...whole, records: chunk });
        chunk = [];
        size = base;
      }
      chunk.push(record);
      size += recordBytes;
    }
    if (chunk.length > 0) parts.push({ ...whole, records: chunk });
  }
  return { ok: true, parts };
}

/** One report out of the reports of an import's parts. */
export function mergeReports(reports: readonly ImportReport[], dryRun: boolean): ImportReport {
  const removed = new Set<string>();
  const merged: ImportReport = {
    dryRun,
    diff: { added: [], changed: [], removed: [], unchanged: 0 },
  };
  let applied: ImportReport['applied'];
  for (const r of reports) {
    merged.diff.added.push(...r.diff.added);
    merged.diff.changed.push(...r.diff.changed);
    for (const k of r.diff.removed) removed.add(k);
    merged.diff.unchanged += r.diff.unchanged;
    if (r.applied) {
      applied = {
        written: (applied?.written ?? 0) + r.applied.written,
        removed: (applied?.removed ?? 0) + r.applied.removed,
        batches: (applied?.batches ?? 0) + r.applied.batches,
      };
    }
  }
  merged.diff.removed = [...removed].sort();
  return applied ? { ...merged, applied } : merged;
}

export const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
