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
import { KEYS } from './key-families';

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
  const projectKeyName = KEYS.projectConfig(projectKey);
  const mappingKey = KEYS.trackMapping(projectKey);
  const values = await readMany([KEYS.globalConfig, projectKeyName, KEYS.jiraFields, mappingKey]);
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
