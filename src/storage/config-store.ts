import { z } from 'zod';
import {
  ConfigOverrideSchema,
  ConfigSchema,
  DEFAULT_CONFIG,
  mergedConfigIssues,
} from '../domain/config';
import { withoutInherited } from '../domain/config-inherit';
import { listByPrefix, parseStored, readMany, readOne, writeOne } from './kvs-store';
import { changeRecord } from './versioned-record';
import { KEYS } from './key-families';

/**
 * Configuration storage: global defaults plus per-project overrides, each a versioned record.
 * More: docs/internals.md#storage-config-store-ts.
 */

const HISTORY_KEPT = 20;

const Meta = {
  version: z.number().int().min(1),
  updatedAt: z.string(),
  updatedBy: z.string(),
};

export const GlobalRecordSchema = z.object({ ...Meta, settings: ConfigSchema }).strict();
export const ProjectRecordSchema = z
  .object({ ...Meta, projectId: z.string(), override: ConfigOverrideSchema })
  .strict();

export type GlobalRecord = z.infer<typeof GlobalRecordSchema>;
export type ProjectRecord = z.infer<typeof ProjectRecordSchema>;

export const JiraFieldIdsSchema = z
  .object({
    scopedOutcome: z
      .string()
      .regex(/^customfield_\d+$/)
      .optional(),
    discoveryEvidence: z
      .string()
      .regex(/^customfield_\d+$/)
      .optional(),
    track: z
      .string()
      .regex(/^customfield_\d+$/)
      .optional(),
    entryTriage: z
      .string()
      .regex(/^customfield_\d+$/)
      .optional(),
    /** Jira Software's Sprint field (schema.custom com.pyxis.greenhopper.jira:gh-sprint). */
    sprint: z
      .string()
      .regex(/^customfield_\d+$/)
      .optional(),
  })
  .strict();
export type JiraFieldIds = z.infer<typeof JiraFieldIdsSchema>;

export type SaveResult<R> =
  { status: 'saved'; record: R } | { status: 'conflict'; current: R | undefined; message: string };

export async function readGlobalConfig(): Promise<GlobalRecord | undefined> {
  return parseStored(KEYS.globalConfig, GlobalRecordSchema, await readOne(KEYS.globalConfig));
}

export async function readProjectConfig(projectKey: string): Promise<ProjectRecord | undefined> {
  const key = KEYS.projectConfig(projectKey);
  return parseStored(key, ProjectRecordSchema, await readOne(key));
}

export async function saveJiraFieldIds(fields: JiraFieldIds): Promise<void> {
  await writeOne(KEYS.jiraFields, JiraFieldIdsSchema.parse(fields));
}

export interface VersionedStore<R extends { version: number }> {
  key: string;
  schema: z.ZodType<R>;
  /** What the record holds, for the conflict message ("The settings were changed ..."). */
  noun?: string;
}

/** Saves the next version of a versioned record (see the top of this file). */
export async function saveVersioned<R extends { version: number }>(
  store: VersionedStore<R>,
  expectedVersion: number,
  build: (version: number) => R,
): Promise<SaveResult<R>> {
  const noun = store.noun ?? 'settings';
  const result = await changeRecord<R, SaveResult<R> | undefined>(
    { key: store.key, schema: store.schema, noun },
    (current, version) => {
      if (version !== expectedVersion) {
        return {
          keep: {
            status: 'conflict',
            current,
            message: `The ${noun} were changed by someone else (now version ${version}, your edit was based on version ${expectedVersion}). Review the current values and save again.`,
          },
        };
      }
      const next = build(version + 1);
      return {
        write: next,
        detail: undefined,
        // The history: this version under its revision key, in the same transaction.
        sets: [{ key: KEYS.revision(store.key, next.version), value: next }],
        deletes:
          next.version > HISTORY_KEPT
            ? [KEYS.revision(store.key, next.version - HISTORY_KEPT)]
            : [],
      };
    },
  );
  if (result.saved) return { status: 'saved', record: result.value };
  if (result.detail) return result.detail;
  throw new Error(`${store.key}: a save that kept the record must say why`);
}

export async function saveGlobalConfig(args: {
  settings: unknown;
  expectedVersion: number;
  accountId: string;
  now: Date;
}): Promise<SaveResult<GlobalRecord> | { status: 'invalid'; issues: z.core.$ZodIssue[] }> {
  const parsed = ConfigSchema.safeParse(args.settings);
  if (!parsed.success) return { status: 'invalid', issues: parsed.error.issues };
  return saveVersioned(
    { key: KEYS.globalConfig, schema: GlobalRecordSchema },
    args.expectedVersion,
    (version) => ({
      version,
      updatedAt: args.now.toISOString(),
      updatedBy: args.accountId,
      settings: parsed.data,
    }),
  );
}

export async function saveProjectConfig(args: {
  projectKey: string;
  projectId: string;
  override: unknown;
  expectedVersion: number;
  accountId: string;
  now: Date;
}): Promise<SaveResult<ProjectRecord> | { status: 'invalid'; issues: z.core.$ZodIssue[] }> {
  const parsed = ConfigOverrideSchema.safeParse(args.override);
  if (!parsed.success) return { status: 'invalid', issues: parsed.error.issues };
  const global = await readGlobalConfig();
  const inherited = global?.settings ?? DEFAULT_CONFIG;
  const issues = mergedConfigIssues(inherited, parsed.data);
  if (issues.length > 0) return { status: 'invalid', issues };
  // A value equal to the inherited one is no override: the project keeps following the global.
  const override = withoutInherited(inherited, parsed.data);
  return saveVersioned(
    { key: KEYS.projectConfig(args.projectKey), schema: ProjectRecordSchema },
    args.expectedVersion,
    (version) => ({
      version,
      updatedAt: args.now.toISOString(),
      updatedBy: args.accountId,
      projectId: args.projectId,
      override,
    }),
  );
}

const PROJECT_PREFIX = KEYS.projectConfig('');
/** A current project record's key (`config:project:DT`), not one of its revisions. */
const CURRENT_PROJECT_KEY = /^config:project:[^:]+$/;

/**
 * Every stored project override (the current records, not their revisions), in key order: one
 * storage query per 100 keys under `config:project:`, revisions included in that count.
 */
export async function listProjectOverrides(): Promise<
  Array<{ projectKey: string; record: ProjectRecord }>
> {
  const out: Array<{ projectKey: string; record: ProjectRecord }> = [];
  let cursor: string | undefined;
  do {
    const page = await listByPrefix(PROJECT_PREFIX, cursor, 100);
    for (const entry of page.entries) {
      if (!CURRENT_PROJECT_KEY.test(entry.key)) continue;
      const record = parseStored(entry.key, ProjectRecordSchema, entry.value);
      if (record) out.push({ projectKey: entry.key.slice(PROJECT_PREFIX.length), record });
    }
    cursor = page.nextCursor;
  } while (cursor !== undefined);
  return out;
}

/** The change history of a record, newest first (at most the last 20 versions). */
export async function configHistory(
  scope: { kind: 'global' } | { kind: 'project'; projectKey: string },
): Promise<Array<GlobalRecord | ProjectRecord>> {
  const key = scope.kind === 'global' ? KEYS.globalConfig : KEYS.projectConfig(scope.projectKey);
  const schema = scope.kind === 'global' ? GlobalRecordSchema : ProjectRecordSchema;
  const current = parseStored(key, schema, await readOne(key));
  if (!current) return [];
  const from = Math.max(1, current.version - HISTORY_KEPT + 1);
  const keys: string[] = [];
  for (let v = current.version; v >= from; v--) keys.push(KEYS.revision(key, v));
  const values = await readMany(keys);
  const out: Array<GlobalRecord | ProjectRecord> = [];
  for (const k of keys) {
    const rec = parseStored(k, schema, values.get(k));
    if (rec) out.push(rec);
  }
  return out;
}
