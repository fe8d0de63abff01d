import { DEFAULT_CONFIG, effectiveConfig, type Config } from '../domain/config';
import { GlobalRecordSchema, ProjectRecordSchema } from './config-store';
import { SpikeNoteSchema, type SpikeNote } from './issue-notes-store';
import { parseStored, readMany } from './kvs-store';
import { TrackMappingSchema, type TrackMapping } from './track-mapping-store';
import { ISSUE_NOTE_KEYS, KEYS } from './key-families';

/**
 * What the spike-closing validator needs from storage, in ONE storage request: the spike's
 * "what we learned / decision" note, and what decides whether the item is a spike at all (the
 * effective settings' discovery type names and the project's track mapping).
 */

export interface SpikeCloseContext {
  note: SpikeNote | undefined;
  config: Config;
  mapping: TrackMapping | undefined;
}

export async function readSpikeCloseContext(
  projectKey: string,
  issueId: string,
): Promise<SpikeCloseContext> {
  const noteKey = ISSUE_NOTE_KEYS.spikeNote(issueId);
  const projectConfigKey = KEYS.projectConfig(projectKey);
  const mappingKey = KEYS.trackMapping(projectKey);
  const values = await readMany([noteKey, KEYS.globalConfig, projectConfigKey, mappingKey]);
  const global = parseStored(KEYS.globalConfig, GlobalRecordSchema, values.get(KEYS.globalConfig));
  const project = parseStored(projectConfigKey, ProjectRecordSchema, values.get(projectConfigKey));
  return {
    note: parseStored(noteKey, SpikeNoteSchema, values.get(noteKey)),
    config: effectiveConfig(global?.settings ?? DEFAULT_CONFIG, project?.override),
    mapping: parseStored(mappingKey, TrackMappingSchema, values.get(mappingKey)),
  };
}
