import { z } from 'zod';
import {
  BUILT_IN_TEMPLATES,
  TemplatesSchema,
  type DiscoveryTemplate,
} from '../domain/discovery-templates';
import { saveVersioned, type SaveResult } from './config-store';
import { parseStored, readOne } from './kvs-store';
import { KEYS } from './key-families';

/**
 * The discovery item templates (src/domain/discovery-templates.ts) as Jira admins edited them:
 * one global, versioned record like the global settings (a save names the version it was based
 * on; an older one gets a conflict with the current templates, never an overwrite). Nothing
 * stored means the built-ins. Kept under the `config:` prefix, so the settings export and import
 * carry it.
 * More: docs/internals.md#storage-template-store-ts.
 */

export const TemplatesRecordSchema = z
  .object({
    version: z.number().int().min(1),
    updatedAt: z.string(),
    updatedBy: z.string(),
    /** Saved by "reset to built-in" (the templates are then the built-ins of that release). */
    reset: z.boolean().optional(),
    templates: TemplatesSchema,
  })
  .strict();
export type TemplatesRecord = z.infer<typeof TemplatesRecordSchema>;

export interface TemplatesState {
  version: number;
  templates: DiscoveryTemplate[];
  /** False until an admin saved templates: the built-ins are in effect. */
  edited: boolean;
  updatedAt?: string | undefined;
  updatedBy?: string | undefined;
}

const STORE = {
  key: KEYS.discoveryTemplates,
  schema: TemplatesRecordSchema,
  noun: 'discovery templates',
};

export async function readTemplates(): Promise<TemplatesState> {
  const record = parseStored(
    KEYS.discoveryTemplates,
    TemplatesRecordSchema,
    await readOne(KEYS.discoveryTemplates),
  );
  if (!record)
    return { version: 0, templates: structuredClone([...BUILT_IN_TEMPLATES]), edited: false };
  return {
    version: record.version,
    templates: record.templates,
    edited: record.reset !== true,
    updatedAt: record.updatedAt,
    updatedBy: record.updatedBy,
  };
}

export type TemplatesSaveResult =
  SaveResult<TemplatesRecord> | { status: 'invalid'; issues: z.core.$ZodIssue[] };

export async function saveTemplates(args: {
  templates: unknown;
  expectedVersion: number;
  accountId: string;
  now: Date;
}): Promise<TemplatesSaveResult> {
  const parsed = TemplatesSchema.safeParse(args.templates);
  if (!parsed.success) return { status: 'invalid', issues: parsed.error.issues };
  return saveVersioned(STORE, args.expectedVersion, (version) => ({
    version,
    updatedAt: args.now.toISOString(),
    updatedBy: args.accountId,
    templates: parsed.data,
  }));
}

/** Back to the built-in templates, as a new version (so the edits stay in the revisions). */
export async function resetTemplates(args: {
  expectedVersion: number;
  accountId: string;
  now: Date;
}): Promise<SaveResult<TemplatesRecord>> {
  return saveVersioned(STORE, args.expectedVersion, (version) => ({
    version,
    updatedAt: args.now.toISOString(),
    updatedBy: args.accountId,
    reset: true,
    templates: structuredClone([...BUILT_IN_TEMPLATES]),
  }));
}
