import { KEYS, PAGE_CACHE_KEYS } from '../../src/storage/key-families';
import {
  clearTrackMarkingCheckpoint,
  readTrackMapping,
  readTrackMarkerContext,
  readTrackMarking,
  readTrackModel,
  saveSetupReport,
  saveTrackMapping,
  saveTrackMarkingCheckpoint,
  type SetupReport,
  type TrackMapping,
  type TrackMarkingCheckpoint,
} from '../../src/storage/track-mapping-store';
import { useEmulator } from '../helpers/emulator';
import { inInvocation } from '../helpers/invoke';

/**
 * The track model per project: the type-to-track mapping, the last setup report (a run that
 * changed anything makes the page read the project's issue types again), and where marking a big
 * project's issues stopped; each read in one storage request and checked on read.
 */
const ctx = useEmulator();
const run = <T>(fn: () => Promise<T>) => inInvocation(ctx.em, 'resolver', 'setup/run', fn);
const at = '2026-11-20T10:00:00.000Z';

const mapping: TrackMapping = {
  version: 1,
  projectId: '10000',
  projectKey: 'DT',
  style: 'classic',
  types: [
    { issueTypeId: '10001', name: 'Discovery', track: 'discovery' },
    { issueTypeId: '10002', name: 'Story', track: 'delivery' },
  ],
  updatedAt: at,
  updatedBy: 'mia',
};

const report = (statuses: Array<SetupReport['steps'][number]['status']>): SetupReport => ({
  version: 1,
  projectId: '10000',
  projectKey: 'DT',
  style: 'classic',
  outcome: 'complete',
  runBy: 'mia',
  startedAt: at,
  finishedAt: at,
  steps: statuses.map((status) => ({ step: 'create-type', target: 'Spike', status, at })),
});

const checkpoint: TrackMarkingCheckpoint = {
  version: 1,
  projectId: '10000',
  jql: 'project = 10000',
  nextPageToken: 'abc',
  read: 500,
  savedAt: at,
};

describe('the track model', () => {
  it('the mapping is read back as saved; none before setup', async () => {
    await expect(run(() => readTrackMapping('DT'))).resolves.toBeUndefined();
    await run(() => saveTrackMapping(mapping));
    await expect(run(() => readTrackMapping('DT'))).resolves.toEqual(mapping);
  });

  it('a mapping with a malformed issue type id is refused, not saved', async () => {
    const bad = { ...mapping, types: [{ issueTypeId: 'x1', name: 'Spike', track: 'discovery' }] };
    await expect(run(() => saveTrackMapping(bad as TrackMapping))).rejects.toThrow();
    expect(ctx.em.kvs.peek(KEYS.trackMapping('DT'))).toBeUndefined();
  });

  it('a setup run that changed something makes the page ask Jira for issue types again', async () => {
    ctx.em.kvs.seed(PAGE_CACHE_KEYS.site('DT'), { version: 1, boards: {} });
    await run(() => saveSetupReport(report(['already-done', 'done'])));
    expect(ctx.em.kvs.peek(PAGE_CACHE_KEYS.site('DT'))).toBeUndefined();
  });

  it('a setup run that found everything done leaves the page’s remembered types alone', async () => {
    ctx.em.kvs.seed(PAGE_CACHE_KEYS.site('DT'), { version: 1, boards: {} });
    await run(() => saveSetupReport(report(['already-done', 'already-done'])));
    expect(ctx.em.kvs.peek(PAGE_CACHE_KEYS.site('DT'))).toEqual({ version: 1, boards: {} });
  });

  it('mapping and report are read together in one storage request', async () => {
    await run(() => saveTrackMapping(mapping));
    await run(() => saveSetupReport(report(['done'])));
    ctx.em.kvs.resetCounts();
    await expect(run(() => readTrackModel('DT'))).resolves.toEqual({
      mapping,
      report: report(['done']),
    });
    expect(ctx.em.kvs.reads()).toBe(1);
  });
});

describe('marking a project’s issues', () => {
  it('its checkpoint is kept until cleared; the field ids default to none', async () => {
    await expect(run(() => readTrackMarking('DT'))).resolves.toEqual({
      fields: {},
      checkpoint: undefined,
    });
    await run(() => saveTrackMarkingCheckpoint('DT', checkpoint));
    ctx.em.kvs.seed(KEYS.jiraFields, { track: 'customfield_10100' });
    await expect(run(() => readTrackMarking('DT'))).resolves.toEqual({
      fields: { track: 'customfield_10100' },
      checkpoint,
    });
    await run(() => clearTrackMarkingCheckpoint('DT'));
    await expect(run(() => readTrackMarking('DT'))).resolves.toMatchObject({
      checkpoint: undefined,
    });
  });

  it('a checkpoint without a page token is refused', async () => {
    await expect(
      run(() => saveTrackMarkingCheckpoint('DT', { ...checkpoint, nextPageToken: '' })),
    ).rejects.toThrow();
  });

  it('the Track trigger reads the mapping and the field ids together', async () => {
    await expect(run(() => readTrackMarkerContext('DT'))).resolves.toEqual({
      mapping: undefined,
      fields: {},
    });
    await run(() => saveTrackMapping(mapping));
    ctx.em.kvs.seed(KEYS.jiraFields, { track: 'customfield_10100' });
    ctx.em.kvs.resetCounts();
    await expect(run(() => readTrackMarkerContext('DT'))).resolves.toEqual({
      mapping,
      fields: { track: 'customfield_10100' },
    });
    expect(ctx.em.kvs.reads()).toBe(1);
  });
});
