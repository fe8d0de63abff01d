import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { MEMBER_PERMISSIONS, type EmField, type EmIssue } from '../../dev/emulator/model';
import { issueTypeSite, type IssueTypeSite } from '../../dev/emulator/routes/issue-types';
import { appFieldWrites } from '../../dev/emulator/routes/issue-writes';
import * as handlers from '../../src/index';
import type { SetupResult } from '../../src/setup/setup-action';
import type { Result } from '../../src/contract/bridge-contract';
import type { SetupStep } from '../../src/storage/track-mapping-store';
import { MARK_SCAN_LIMIT, TRACK_WRITE_BATCH } from '../../src/items/track-marker';
import { useEmulator } from '../helpers/emulator';
import { callResolver, runTrigger } from '../helpers/invoke';
import { KEYS } from '../../src/storage/key-families';

/**
 * The Track field follows the type → track mapping: setup marks the issues a project already
 * has (`mark-issues`, the last setup step), and the `track-marker` trigger marks new issues and
 * issue type changes. Driven through the real resolver and the real exported trigger handler
 * against the emulated Jira site.
 */
const ctx = useEmulator();

/** Each call is one invocation of the real handler, as Forge makes it (test/helpers/invoke.ts). */
const trackMarker = (event: unknown) => runTrigger(ctx.em, handlers.trackMarker, event);
let site: IssueTypeSite;
let track: EmField;
let cm: { id: string; key: string };
let tm: { id: string; key: string };

const ADMIN = 'user-jira-admin';

beforeEach(() => {
  const em = ctx.em;
  em.addUser({ accountId: ADMIN, displayName: 'Ada Jira-Admin', siteAdmin: true });
  site = issueTypeSite(em);
  track = em.addAppField('track', 'Track', 'string');
  for (const name of ['Story', 'Bug', 'Spike']) em.addIssueType({ name });
  em.addIssueType({ name: 'Epic', hierarchyLevel: 1 });
  const cmProject = em.addProject({ key: 'CM', name: 'Checkout', style: 'classic' });
  // The team already uses a Spike type; setup reuses it and maps it to discovery.
  site.addScheme({
    name: 'CM scheme',
    typeNames: ['Story', 'Bug', 'Epic', 'Spike'],
    projectKeys: ['CM'],
  });
  const tmProject = em.addProject({ key: 'TM', name: 'Team Mobile', style: 'next-gen' });
  for (const name of ['Story', 'Task']) site.addProjectType('TM', { name });
  for (const key of ['CM', 'TM'])
    em.grant(key, ADMIN, [...MEMBER_PERMISSIONS, 'ADMINISTER_PROJECTS']);
  cm = { id: cmProject.id, key: 'CM' };
  tm = { id: tmProject.id, key: 'TM' };
});

function runSetup(project = cm, payload: unknown = {}): Promise<Result<SetupResult>> {
  return callResolver<SetupResult>(ctx.em, 'setup/run', ADMIN, payload, { extension: { project } });
}

async function setup(project = cm, payload: unknown = {}): Promise<SetupResult> {
  const result = await runSetup(project, payload);
  if (!result.ok) throw new Error(`setup failed: ${JSON.stringify(result.error)}`);
  return result.data;
}

const markStep = (result: SetupResult): SetupStep | undefined =>
  result.report.steps.find((s) => s.step === 'mark-issues');

/** Adds `count` issues of a type; `value` pre-sets their Track. */
function seed(projectKey: string, typeId: string, count: number, value?: string): EmIssue[] {
  const type = ctx.em.issueTypes.get(typeId);
  if (!type) throw new Error(`no type ${typeId}`);
  const made: EmIssue[] = [];
  for (let i = 0; i < count; i++) {
    const issue = ctx.em.addIssue({ projectKey, type: type.name, summary: `${type.name} ${i}` });
    issue.issueTypeId = type.id; // team-managed types share names with global ones
    if (value !== undefined) issue.custom.set(track.id, value);
    made.push(issue);
  }
  return made;
}

const typeId = (name: string, projectKey?: string): string => {
  const project = projectKey ? ctx.em.projectByKey(projectKey) : undefined;
  const found = project
    ? site.typesOf(project).find((t) => t.name === name)
    : [...ctx.em.issueTypes.values()].find((t) => t.name === name && !site.scopedTypes.has(t.id));
  if (!found) throw new Error(`no type ${name}`);
  return found.id;
};

const trackOf = (issue: EmIssue): unknown => ctx.em.issues.get(issue.id)?.custom.get(track.id);
const puts = () => ctx.em.jiraCalls().filter((c) => c.operationId === 'updateCustomFieldValue');
/** Issue ids per update request, by value. */
const batchesByValue = () => {
  const out: Record<string, number[]> = {};
  for (const write of appFieldWrites(ctx.em)) {
    for (const u of write.updates) (out[String(u.value)] ??= []).push(u.issueIds.length);
  }
  return out;
};

describe('setup marks the issues a project already has', () => {
  it('a fresh company-managed project: every issue gets its track, in batches per value', async () => {
    const storyId = typeId('Story');
    const spikeId = typeId('Spike');
    const alreadyRight = seed('CM', storyId, 300, 'delivery');
    const stories = seed('CM', storyId, 2001);
    const wrong = seed('CM', spikeId, 10, 'delivery');
    const spikes = seed('CM', spikeId, 1040);

    const result = await setup();

    for (const issue of [...alreadyRight, ...stories]) expect(trackOf(issue)).toBe('delivery');
    for (const issue of [...wrong, ...spikes]) expect(trackOf(issue)).toBe('discovery');
    const expectedPuts = Math.ceil(2001 / TRACK_WRITE_BATCH) + Math.ceil(1050 / TRACK_WRITE_BATCH);
    expect(puts()).toHaveLength(expectedPuts);
    expect(puts().every((c) => c.provider === 'app')).toBe(true);
    expect(batchesByValue()).toEqual({ delivery: [1000, 1000, 1], discovery: [1000, 50] });
    expect(appFieldWrites(ctx.em).every((w) => !w.generateChangelog)).toBe(true);
    expect(markStep(result)).toMatchObject({
      target: 'CM',
      status: 'done',
      detail: 'Set Track on 3051 issues (1050 discovery, 2001 delivery); 3351 issues checked.',
    });
    expect(result.report.outcome).toBe('complete');
  });

  it("a second run, once search shows the first run's writes, writes nothing", async () => {
    seed('CM', typeId('Story'), 40);
    seed('CM', typeId('Spike'), 12);
    await setup();
    // Search lags writes (docs/emulator-refusals.md): a re-run right away may write the same
    // values again, harmlessly; once the index has caught up it writes nothing.
    ctx.em.settleSearch();
    ctx.em.resetCalls();

    const again = await setup();

    expect(puts()).toEqual([]);
    expect(markStep(again)).toMatchObject({
      status: 'already-done',
      detail: 'All 52 issues checked already show their track.',
    });
    expect(again.report.steps.every((s) => s.status === 'already-done')).toBe(true);
  });

  it("a re-run before search shows the first run's writes rewrites only the same values", async () => {
    seed('CM', typeId('Story'), 3);
    seed('CM', typeId('Spike'), 2);
    await setup();
    const before = [...ctx.em.issues.values()].map((i) => JSON.stringify([...i.custom]));
    await setup();
    expect([...ctx.em.issues.values()].map((i) => JSON.stringify([...i.custom]))).toEqual(before);
  });

  it('a team-managed project: the admin-mapped types decide', async () => {
    const task = typeId('Task', 'TM');
    const story = typeId('Story', 'TM');
    const tasks = seed('TM', task, 3);
    const stories = seed('TM', story, 2, 'discovery');

    const result = await setup(tm, { mapping: [{ issueTypeId: task, track: 'discovery' }] });

    expect(tasks.map(trackOf)).toEqual(['discovery', 'discovery', 'discovery']);
    expect(stories.map(trackOf)).toEqual(['delivery', 'delivery']);
    expect(batchesByValue()).toEqual({ discovery: [3], delivery: [2] });
    expect(markStep(result)?.status).toBe('done');
  });

  it(`a project bigger than one run (${MARK_SCAN_LIMIT}) is marked in part; the next run finishes`, async () => {
    const issues = seed('CM', typeId('Story'), MARK_SCAN_LIMIT + 120);

    const first = await setup();

    expect(markStep(first)).toMatchObject({
      status: 'partial',
      detail: expect.stringContaining('Run setup again to continue') as unknown,
    });
    expect(markStep(first)?.detail).toContain(`Set Track on ${MARK_SCAN_LIMIT} issues`);
    expect(first.report.outcome).toBe('complete');
    expect(issues.filter((i) => trackOf(i) === 'delivery')).toHaveLength(MARK_SCAN_LIMIT);
    expect(ctx.em.kvs.peek(KEYS.trackMarking('CM'))).toMatchObject({ read: MARK_SCAN_LIMIT });

    ctx.em.resetCalls();
    const second = await setup();

    expect(issues.every((i) => trackOf(i) === 'delivery')).toBe(true);
    expect(puts()).toHaveLength(1);
    expect(markStep(second)).toMatchObject({
      status: 'done',
      detail: `Set Track on 120 issues (0 discovery, 120 delivery); ${MARK_SCAN_LIMIT + 120} issues checked (continuing the last run).`,
    });
    expect(ctx.em.kvs.peek(KEYS.trackMarking('CM'))).toBeUndefined();
  });

  it('a 429 while marking fails the step with a resumable report; the mapping is kept', async () => {
    seed('CM', typeId('Story'), 5);
    ctx.em.injectFault({
      match: /^PUT \/rest\/api\/3\/app\/field\//,
      status: 429,
      retryAfter: 120,
    });
    const result = await runSetup();

    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('rate-limited');
    expect(result.error.message).toContain('run setup again to finish the rest');
    expect(ctx.em.kvs.peek(KEYS.trackMapping('CM'))).toBeDefined();

    const rerun = await setup();
    expect(markStep(rerun)?.status).toBe('done');
  });
});

/** Payloads shaped like the documented Forge Jira issue events. */
function issueFields(issue: EmIssue) {
  const project = ctx.em.projects.get(issue.projectId);
  const type = ctx.em.issueTypes.get(issue.issueTypeId);
  return {
    summary: issue.summary,
    issuetype: {
      self: `${ctx.em.baseUrl}/rest/api/2/issuetype/${type?.id ?? ''}`,
      id: type?.id,
      name: type?.name,
      subtask: false,
    },
    project: {
      self: `${ctx.em.baseUrl}/rest/api/2/project/${project?.id ?? ''}`,
      id: project?.id,
      key: project?.key,
      name: project?.name,
      projectTypeKey: 'software',
    },
    creator: { accountId: ADMIN },
    created: '2026-11-02T10:00:00.000+0000',
  };
}

const createdEvent = (issue: EmIssue) => ({
  eventType: 'avi:jira:created:issue',
  atlassianId: ADMIN,
  issue: { id: issue.id, key: issue.key, fields: issueFields(issue) },
  associatedUsers: [{ accountId: ADMIN }],
});

function retype(issue: EmIssue, toName: string) {
  const from = ctx.em.issueTypes.get(issue.issueTypeId);
  const to = typeId(toName);
  issue.issueTypeId = to;
  return {
    eventType: 'avi:jira:updated:issue',
    atlassianId: ADMIN,
    issue: { id: issue.id, key: issue.key, fields: issueFields(issue) },
    changelog: {
      id: '10500',
      items: [
        {
          field: 'issuetype',
          fieldtype: 'jira',
          fieldId: 'issuetype',
          from: from?.id,
          fromString: from?.name,
          to,
          toString: toName,
        },
      ],
    },
  };
}

describe('the track-marker trigger', () => {
  let warn: jest.SpyInstance;
  beforeEach(async () => {
    await setup();
    ctx.em.resetCalls();
    appFieldWrites(ctx.em).length = 0;
    warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
  });
  afterEach(() => warn.mockRestore());

  it('a new issue of a discovery type gets "discovery": one read, one write, as the app', async () => {
    const [spike] = seed('CM', typeId('Spike'), 1);
    if (!spike) throw new Error('no issue');

    await expect(trackMarker(createdEvent(spike))).resolves.toBeUndefined();

    expect(trackOf(spike)).toBe('discovery');
    expect(ctx.em.jiraCalls().map((c) => `${c.provider} ${c.operationId ?? ''}`)).toEqual([
      'app getIssue',
      'app updateCustomFieldValue',
    ]);
    expect(ctx.em.kvs.reads()).toBe(1);
  });

  it('a type change from Story to Spike flips delivery to discovery', async () => {
    const [story] = seed('CM', typeId('Story'), 1, 'delivery');
    if (!story) throw new Error('no issue');

    await trackMarker(retype(story, 'Spike'));

    expect(trackOf(story)).toBe('discovery');
    expect(batchesByValue()).toEqual({ discovery: [1] });
  });

  it('the same event twice writes once', async () => {
    const [spike] = seed('CM', typeId('Spike'), 1);
    if (!spike) throw new Error('no issue');
    const event = createdEvent(spike);

    await trackMarker(event);
    await trackMarker(event);

    expect(puts()).toHaveLength(1);
    expect(trackOf(spike)).toBe('discovery');
  });

  it('a late event does not undo a later type change: the issue as Jira has it now decides', async () => {
    const [story] = seed('CM', typeId('Story'), 1);
    if (!story) throw new Error('no issue');
    const created = createdEvent(story); // says Story
    retype(story, 'Spike');

    await trackMarker(created);

    expect(trackOf(story)).toBe('discovery');
  });

  it('does nothing for a project that is not set up', async () => {
    ctx.em.addProject({ key: 'OPS', style: 'classic' });
    const issue = ctx.em.addIssue({ projectKey: 'OPS', type: 'Spike', summary: 'Not ours' });

    await expect(trackMarker(createdEvent(issue))).resolves.toBeUndefined();

    expect(ctx.em.jiraCalls()).toEqual([]);
    expect(trackOf(issue)).toBeUndefined();
  });

  it('ignores updates that do not change the issue type', async () => {
    const [story] = seed('CM', typeId('Story'), 1);
    if (!story) throw new Error('no issue');
    const event = {
      eventType: 'avi:jira:updated:issue',
      issue: { id: story.id, key: story.key, fields: issueFields(story) },
      changelog: { items: [{ field: 'summary', fieldId: 'summary', from: null, to: null }] },
    };

    await trackMarker(event);

    expect(ctx.em.calls).toEqual([]);
  });

  it("a 429 asks Forge to retry after Jira's Retry-After (at most 900 s)", async () => {
    const [spike] = seed('CM', typeId('Spike'), 1);
    if (!spike) throw new Error('no issue');
    ctx.em.injectFault({
      match: /^PUT \/rest\/api\/3\/app\/field\//,
      status: 429,
      retryAfter: 600,
    });

    expect(await trackMarker(createdEvent(spike))).toEqual({
      _retry: true,
      retryOptions: { retryAfter: 600, retryReason: 'FUNCTION_UPSTREAM_RATE_LIMITED' },
    });
    expect(trackOf(spike)).toBeUndefined();

    ctx.em.injectFault({ match: /^GET \/rest\/api\/3\/issue\//, status: 429, retryAfter: 3600 });
    expect(await trackMarker(createdEvent(spike))).toMatchObject({
      _retry: true,
      retryOptions: { retryAfter: 900 },
    });

    // The retry Forge sends later succeeds.
    await trackMarker(createdEvent(spike));
    expect(trackOf(spike)).toBe('discovery');
  });

  it('a Jira 5xx asks for a retry; a deleted issue is dropped without throwing', async () => {
    const [spike, gone] = seed('CM', typeId('Spike'), 2);
    if (!spike || !gone) throw new Error('no issue');
    ctx.em.injectFault({ match: /^GET \/rest\/api\/3\/issue\//, status: 503 });
    expect(await trackMarker(createdEvent(spike))).toMatchObject({
      _retry: true,
      retryOptions: { retryReason: 'FUNCTION_RETRY_REQUEST' },
    });

    const event = createdEvent(gone);
    ctx.em.deleteIssue(gone.key);
    await expect(trackMarker(event)).resolves.toBeUndefined();
    expect(puts()).toEqual([]);
  });

  it.each([
    ['no payload', undefined],
    ['not an object', 'avi:jira:created:issue'],
    ['no issue', { eventType: 'avi:jira:created:issue' }],
    [
      'no project',
      { eventType: 'avi:jira:created:issue', issue: { id: '10001', key: 'CM-1', fields: {} } },
    ],
    [
      'an id that is not an issue id',
      {
        eventType: 'avi:jira:created:issue',
        issue: { id: '../field', key: 'CM-1', fields: { project: { id: '1', key: 'CM' } } },
      },
    ],
  ])(
    'a malformed event (%s) is dropped without throwing or calling Jira',
    async (_label, event) => {
      await expect(trackMarker(event)).resolves.toBeUndefined();
      expect(ctx.em.calls).toEqual([]);
      expect(warn).toHaveBeenCalledWith(expect.stringContaining('track-marker: ignored an event'));
    },
  );
});

describe('manifest: the trigger is filtered to creations and issue type changes', () => {
  it('declares the events, ignores self-generated events and filters by changelog', () => {
    const manifest = parseYaml(
      readFileSync(join(__dirname, '..', '..', 'manifest.yml'), 'utf8'),
    ) as {
      modules: {
        trigger?: Array<{
          key: string;
          function: string;
          events: string[];
          filter?: { ignoreSelf?: boolean; expression?: string };
        }>;
        function: Array<{ key: string; handler: string }>;
      };
    };
    const trigger = manifest.modules.trigger?.find((t) => t.function === 'track-marker');
    expect(trigger?.events).toEqual(['avi:jira:created:issue', 'avi:jira:updated:issue']);
    expect(trigger?.filter?.ignoreSelf).toBe(true);
    expect(trigger?.filter?.expression).toContain('avi:jira:created:issue');
    expect(trigger?.filter?.expression).toContain('item.fieldId == "issuetype"');
    expect(manifest.modules.function).toContainEqual({
      key: 'track-marker',
      handler: 'index.trackMarker',
    });
  });
});
