import { DEFAULT_CONFIG, effectiveConfig } from '../domain/config';
import type { Config } from '../domain/config';
import {
  GlobalRecordSchema,
  JiraFieldIdsSchema,
  ProjectRecordSchema,
  type JiraFieldIds,
} from './config-store';
import { parseStored, readMany } from './kvs-store';
import { TrackMappingSchema, type TrackMapping } from './track-mapping-store';
import { KEYS, WAIVER_KEYS } from './key-families';
import { parseWaiverBook } from './waiver-store';
import type { Waiver } from '../domain/sprint-readiness';

/**
 * Everything a feature needs to know about a project from storage, in one storage request: the
 * effective settings (global values and the project's override), the remembered Jira field ids
 * and the type-to-track mapping setup wrote (absent before setup).
 */
export interface ProjectContext {
  config: Config;
  fields: JiraFieldIds;
  globalVersion: number;
  projectVersion: number;
  mapping: TrackMapping | undefined;
}

export async function readProjectContext(projectKey: string): Promise<ProjectContext> {
  return contextOf(projectKey, await readMany(contextKeys(projectKey)));
}

/**
 * The project context and the project's waivers (expired ones included), in the same request;
 * `extraKeys` are read with them and handed back raw (`extra`), for the caller to parse.
 */
export async function readProjectContextWithWaivers(
  projectKey: string,
  extraKeys: readonly string[] = [],
): Promise<ProjectContext & { waivers: Waiver[]; extra: Map<string, unknown> }> {
  const waiverKey = WAIVER_KEYS.book(projectKey);
  const values = await readMany([...contextKeys(projectKey), waiverKey, ...extraKeys]);
  const waivers = parseWaiverBook(projectKey, values.get(waiverKey))?.waivers ?? [];
  const extra = new Map(extraKeys.map((k) => [k, values.get(k)]));
  return { ...contextOf(projectKey, values), waivers, extra };
}

function contextKeys(projectKey: string): string[] {
  return [
    KEYS.globalConfig,
    KEYS.projectConfig(projectKey),
    KEYS.jiraFields,
    KEYS.trackMapping(projectKey),
  ];
}

function contextOf(projectKey: string, values: Map<string, unknown>): ProjectContext {
  const projectKeyName = KEYS.projectConfig(projectKey);
  const mappingKey = KEYS.trackMapping(projectKey);
  const global = parseStored(KEYS.globalConfig, GlobalRecordSchema, values.get(KEYS.globalConfig));
  const project = parseStored(projectKeyName, ProjectRecordSchema, values.get(projectKeyName));
  return {
    config: effectiveConfig(global?.settings ?? DEFAULT_CONFIG, project?.override),
    fields: parseStored(KEYS.jiraFields, JiraFieldIdsSchema, values.get(KEYS.jiraFields)) ?? {},
    globalVersion: global?.version ?? 0,
    projectVersion: project?.version ?? 0,
    mapping: parseStored(mappingKey, TrackMappingSchema, values.get(mappingKey)),
  };
}
