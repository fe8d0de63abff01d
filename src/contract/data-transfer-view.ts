import { z } from 'zod';

/** Data export / import (Jira admins): what a document holds, section by section. */
/**
 * Each section is named after the key prefix of what it holds (the admin page counts records by
 * it). Version 2 added every key family after `evidence`; a version 1 document (the first four
 * sections) still imports.
 */
export const DATA_SECTIONS = [
  'config',
  'waivers',
  'audit',
  'evidence',
  'feasibility',
  'spike-note',
  'retro-outcome',
  'explore-first',
  'promotion',
  'track-mapping',
  'setup-report',
  'track-marking',
  'enforcement',
] as const;
export type DataSection = (typeof DATA_SECTIONS)[number];
export const DATA_FORMAT = 'dual-track-export';
export const DATA_SCHEMA_VERSION = 2;
/** Document versions an import accepts. */
export const DATA_SCHEMA_VERSIONS_READ = [1, 2] as const;

/**
 * One export document (or one part of it: an import request must stay under Forge's 500 KB
 * invoke limit). Values are checked key by key against the storage schemas on import.
 */
export const DataDocumentSchema = z
  .object({
    format: z.literal(DATA_FORMAT),
    schemaVersion: z.union(DATA_SCHEMA_VERSIONS_READ.map((v) => z.literal(v))),
    exportedAt: z.string().max(40),
    sections: z
      .array(z.enum(DATA_SECTIONS))
      .min(1)
      .max(DATA_SECTIONS.length)
      .refine((s) => new Set(s).size === s.length, { message: 'names a section more than once' }),
    records: z
      .array(z.object({ key: z.string().min(1).max(500), value: z.unknown() }).strict())
      .max(5000)
      .refine((r) => new Set(r.map((e) => e.key)).size === r.length, {
        message: 'holds a key more than once',
      }),
  })
  .strict();
export type DataDocument = z.infer<typeof DataDocumentSchema>;

/** One page of an export (`data/export`); pass `nextCursor` back for the next. */
export const DataExportPageSchema = z.object({
  document: DataDocumentSchema,
  nextCursor: z.string().optional(),
});

/** What an import (`data/import`) did or, in a dry run, would do. */
export const DataImportReportSchema = z.object({
  dryRun: z.boolean(),
  diff: z.object({
    added: z.array(z.string()),
    changed: z.array(z.string()),
    removed: z.array(z.string()),
    unchanged: z.number(),
  }),
  applied: z.object({ written: z.number(), removed: z.number(), batches: z.number() }).optional(),
});
