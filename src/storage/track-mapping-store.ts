import { z } from 'zod';
import { TrackSchema } from '../domain/track';
import { JiraFieldIdsSchema, type JiraFieldIds } from './config-store';
import { parseStored, readMany, readOne, removeOne, writeOne } from './kvs-store';
import { forgetPageSite } from './page-cache-store';
import { KEYS } from './key-families';

/**
 * Storage of the track model per project: which issue type is on which track, and the report of
 * the last setup run. Both are keyed by project key and parsed on read.
 */

const ProjectStyleSchema = z.enum(['classic', 'next-gen']);

export const MappedTypeSchema = z
  .object({ issueTypeId: z.string().regex(/^\d+$/), name: z.string(), track: TrackSchema })
  .strict();

export const TrackMappingSchema = z
  .object({
    version: z.literal(1),
    projectId: z.string(),
    projectKey: z.string(),
    style: ProjectStyleSchema,
    types: z.array(MappedTypeSchema),
    updatedAt: z.string(),
    updatedBy: z.string(),
  })
  .strict();
export type TrackMapping = z.infer<typeof TrackMappingSchema>;

export const SETUP_STEPS = [
  'create-type',
  'add-to-scheme',
  'record-mapping',
  'mark-issues',
] as const;
/** `partial`: the step did what fits in one run; running setup again continues it. */
export const STEP_STATUSES = ['done', 'already-done', 'failed', 'skipped', 'partial'] as const;

export const SetupStepSchema = z
  .object({
    step: z.enum(SETUP_STEPS),
    /** What the step acted on: an issue type name or the project key. */
    target: z.string(),
    status: z.enum(STEP_STATUSES),
    detail: z.string().optional(),
    /** When the step finished (ISO timestamp). */
    at: z.string(),
  })
  .strict();
export type SetupStep = z.infer<typeof SetupStepSchema>;

export const SetupReportSchema = z
  .object({
    version: z.literal(1),
    projectId: z.string(),
    projectKey: z.string(),
    style: ProjectStyleSchema,
    outcome: z.enum(['complete', 'failed']),
    runBy: z.string(),
    startedAt: z.string(),
    finishedAt: z.string(),
    steps: z.array(SetupStepSchema),
  })
  .strict();
export type SetupReport = z.infer<typeof SetupReportSchema>;

export async function readTrackMapping(projectKey: string): Promise<TrackMapping | undefined> {
  const key = KEYS.trackMapping(projectKey);
  return parseStored(key, TrackMappingSchema, await readOne(key));
}

export async function saveTrackMapping(mapping: TrackMapping): Promise<void> {
  await writeOne(KEYS.trackMapping(mapping.projectKey), TrackMappingSchema.parse(mapping));
}

/**
 * Saves the report a setup run ends with; unless the run found everything done already, the
 * project page then reads the project's issue types from Jira again (setup may add some).
 */
export async function saveSetupReport(report: SetupReport): Promise<void> {
  await writeOne(KEYS.setupReport(report.projectKey), SetupReportSchema.parse(report));
  if (report.steps.some((s) => s.status !== 'already-done'))
    await forgetPageSite(report.projectKey);
}

/** The mapping and the last setup report together, in one storage request. */
export async function readTrackModel(projectKey: string): Promise<{
  mapping: TrackMapping | undefined;
  report: SetupReport | undefined;
}> {
  const mappingKey = KEYS.trackMapping(projectKey);
  const reportKey = KEYS.setupReport(projectKey);
  const values = await readMany([mappingKey, reportKey]);
  return {
    mapping: parseStored(mappingKey, TrackMappingSchema, values.get(mappingKey)),
    report: parseStored(reportKey, SetupReportSchema, values.get(reportKey)),
  };
}

/**
 * Where the last setup run stopped marking a big project's issues with their track: the search
 * it was paging through and the page token to continue from. Kept only while marking is
 * unfinished.
 */
export const TrackMarkingCheckpointSchema = z
  .object({
    version: z.literal(1),
    projectId: z.string(),
    jql: z.string(),
    nextPageToken: z.string().min(1),
    /** Issues read by the runs so far. */
    read: z.number().int().min(0),
    savedAt: z.string(),
  })
  .strict();
export type TrackMarkingCheckpoint = z.infer<typeof TrackMarkingCheckpointSchema>;

/** What marking a project's issues needs from storage, in one storage request. */
export async function readTrackMarking(projectKey: string): Promise<{
  fields: JiraFieldIds;
  checkpoint: TrackMarkingCheckpoint | undefined;
}> {
  const checkpointKey = KEYS.trackMarking(projectKey);
  const values = await readMany([KEYS.jiraFields, checkpointKey]);
  return {
    fields: parseStored(KEYS.jiraFields, JiraFieldIdsSchema, values.get(KEYS.jiraFields)) ?? {},
    checkpoint: parseStored(checkpointKey, TrackMarkingCheckpointSchema, values.get(checkpointKey)),
  };
}

export async function saveTrackMarkingCheckpoint(
  projectKey: string,
  checkpoint: TrackMarkingCheckpoint,
): Promise<void> {
  await writeOne(KEYS.trackMarking(projectKey), TrackMarkingCheckpointSchema.parse(checkpoint));
}

export async function clearTrackMarkingCheckpoint(projectKey: string): Promise<void> {
  await removeOne(KEYS.trackMarking(projectKey));
}

/** What the Track trigger needs: the project's mapping and the remembered field ids. */
export async function readTrackMarkerContext(projectKey: string): Promise<{
  mapping: TrackMapping | undefined;
  fields: JiraFieldIds;
}> {
  const mappingKey = KEYS.trackMapping(projectKey);
  const values = await readMany([mappingKey, KEYS.jiraFields]);
  return {
    mapping: parseStored(mappingKey, TrackMappingSchema, values.get(mappingKey)),
    fields: parseStored(KEYS.jiraFields, JiraFieldIdsSchema, values.get(KEYS.jiraFields)) ?? {},
  };
}
