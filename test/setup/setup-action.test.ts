import api, { route } from '@forge/api';
import { issueTypeSite, type IssueTypeSite } from '../../dev/emulator/routes/issue-types';
import { MEMBER_PERMISSIONS } from '../../dev/emulator/model';
import type { SetupResult, SetupStatus } from '../../src/setup/setup-action';
import type { ResolverKey, Result } from '../../src/contract/bridge-contract';
import type { SetupReport, SetupStep, TrackMapping } from '../../src/storage/track-mapping-store';
import { useEmulator } from '../helpers/emulator';
import { callResolver, failed, ok } from '../helpers/invoke';
import { KEYS } from '../../src/storage/key-families';

/**
 * Drives `setup/run` and `setup/status` the way Forge invokes resolvers (payload from the
 * browser, trusted context with the project) against the emulated Jira site.
 */
const ctx = useEmulator();
let site: IssueTypeSite;
let cm: { id: string; key: string };
let tm: { id: string; key: string };

const JIRA_ADMIN = 'user-jira-admin';
const PROJECT_ADMIN = 'user-project-admin';
const MEMBER = 'user-member';

beforeEach(() => {
  const em = ctx.em;
  em.addUser({ accountId: JIRA_ADMIN, displayName: 'Ada Jira-Admin', siteAdmin: true });
  em.addUser({ accountId: PROJECT_ADMIN, displayName: 'Pat Project-Admin' });
  em.addUser({ accountId: MEMBER, displayName: 'Mia Member' });
  site = issueTypeSite(em);
  // Jira registers the app's fields on install; setup's last step writes Track.
  em.addAppField('track', 'Track', 'string');
  for (const name of ['Story', 'Bug', 'Task']) em.addIssueType({ name });
  em.addIssueType({ name: 'Epic', hierarchyLevel: 1 });
  em.addIssueType({ name: 'Subtask', hierarchyLevel: -1 });
  const cmProject = em.addProject({ key: 'CM', name: 'Checkout', style: 'classic' });
  site.addScheme({
    name: 'CM: Scrum Issue Type Scheme',
    typeNames: ['Story', 'Bug', 'Epic', 'Subtask'],
    projectKeys: ['CM'],
  });
  const tmProject = em.addProject({ key: 'TM', name: 'Team Mobile', style: 'next-gen' });
  for (const name of ['Story', 'Bug', 'Task']) site.addProjectType('TM', { name });
  site.addProjectType('TM', { name: 'Epic', hierarchyLevel: 1 });
  const admin = [...MEMBER_PERMISSIONS, 'ADMINISTER_PROJECTS'] as const;
  for (const key of ['CM', 'TM']) {
    em.grant(key, JIRA_ADMIN, admin);
    em.grant(key, PROJECT_ADMIN, admin);
    em.grant(key, MEMBER);
  }
  cm = { id: cmProject.id, key: 'CM' };
  tm = { id: tmProject.id, key: 'TM' };
});

function invoke(
  key: ResolverKey,
  accountId: string,
  payload: unknown,
  extension: unknown,
): Promise<Result<unknown>> {
  return callResolver(ctx.em, key, accountId, payload, { extension });
}

const run = (accountId: string, project = cm, payload: unknown = {}) =>
  invoke('setup/run', accountId, payload, { project });

const reportOf = (details: unknown) => (details as { report: SetupReport }).report;
const statuses = (steps: readonly SetupStep[]) =>
  steps.map((s) => `${s.step} ${s.target}: ${s.status}`);
/** Calls that change Jira (the search is a POST that reads). */
const writes = () =>
  ctx.em
    .jiraCalls()
    .filter((c) => c.method !== 'GET' && c.operationId !== 'searchAndReconsileIssuesUsingJqlPost');
/** Marking issues with their track reads and writes as the app; everything else as the user. */
const MARKING_OPS = new Set([
  'getFields',
  'searchAndReconsileIssuesUsingJqlPost',
  'updateCustomFieldValue',
]);
const ops = () => ctx.em.jiraCalls().map((c) => c.operationId);
const typeNamed = (name: string) =>
  [...ctx.em.issueTypes.values()].filter((t) => t.name.toLowerCase() === name.toLowerCase());
const cmTypeNames = () => site.typesOf(ctx.em.projectByKey('CM')).map((t) => t.name);
const storedMapping = (key = 'CM') =>
  ctx.em.kvs.peek(KEYS.trackMapping(key)) as TrackMapping | undefined;

describe('setup/run on a company-managed project', () => {
  it('creates the three types, adds them to the project scheme and records the mapping', async () => {
    const result = ok<SetupResult>(await run(JIRA_ADMIN));

    for (const name of ['Discovery', 'Spike', 'Enabler']) {
      expect(typeNamed(name)).toEqual([expect.objectContaining({ hierarchyLevel: 0 })]);
    }
    expect(cmTypeNames()).toEqual([
      'Story',
      'Bug',
      'Epic',
      'Subtask',
      'Discovery',
      'Spike',
      'Enabler',
    ]);
    expect(statuses(result.report.steps)).toEqual([
      'create-type Discovery: done',
      'create-type Spike: done',
      'create-type Enabler: done',
      'add-to-scheme Discovery: done',
      'add-to-scheme Spike: done',
      'add-to-scheme Enabler: done',
      'record-mapping CM: done',
      'mark-issues CM: already-done',
    ]);
    expect(result.report).toMatchObject({
      outcome: 'complete',
      runBy: JIRA_ADMIN,
      style: 'classic',
    });
    expect(ctx.em.kvs.peek(KEYS.setupReport('CM'))).toEqual(result.report);

    const mapping = storedMapping();
    expect(mapping).toEqual(result.mapping);
    const trackOf = Object.fromEntries((mapping?.types ?? []).map((t) => [t.name, t.track]));
    expect(trackOf).toEqual({
      Story: 'delivery',
      Bug: 'delivery',
      Epic: 'delivery',
      Subtask: 'delivery',
      Discovery: 'discovery',
      Spike: 'discovery',
      Enabler: 'discovery',
    });

    // Configuration as the user, marking issues as the app; the Jira calls of a first run.
    expect(
      ctx.em
        .jiraCalls()
        .every((c) =>
          MARKING_OPS.has(c.operationId ?? '')
            ? c.provider === 'app'
            : c.provider === 'user' && c.accountId === JIRA_ADMIN,
        ),
    ).toBe(true);
    expect(ops()).toEqual([
      'getMyPermissions',
      'getProject',
      'getIssueTypesForProject',
      'getIssueAllTypes',
      'getMyPermissions',
      'createIssueType',
      'createIssueType',
      'createIssueType',
      'getIssueTypesForProject',
      'getIssueTypeSchemeForProjects',
      'addIssueTypesToIssueTypeScheme',
      'getFields',
      'searchAndReconsileIssuesUsingJqlPost',
    ]);
  });

  it('a second run changes nothing in Jira and reports every step as already done', async () => {
    ok(await run(JIRA_ADMIN));
    const firstMapping = storedMapping();
    ctx.em.resetCalls();

    const second = ok<SetupResult>(await run(JIRA_ADMIN));

    expect(writes()).toEqual([]);
    expect(ops()).toEqual([
      'getMyPermissions',
      'getProject',
      'getIssueTypesForProject',
      'searchAndReconsileIssuesUsingJqlPost',
    ]);
    expect(second.report.steps.map((s) => s.status)).toEqual(Array(8).fill('already-done'));
    expect(storedMapping()).toEqual(firstMapping);
    // the report of this run, and the mark that the project changed (its shared page is read again)
    expect(ctx.em.kvs.writes()).toBe(2);
  });

  it('once set up, a project admin without Administer Jira can re-run it', async () => {
    ok(await run(JIRA_ADMIN));
    const again = ok<SetupResult>(await run(PROJECT_ADMIN));
    expect(again.report.steps.every((s) => s.status === 'already-done')).toBe(true);
    expect(again.report.runBy).toBe(PROJECT_ADMIN);
  });

  it('relies on Jira adding new types to the default scheme when the project uses it', async () => {
    const def = ctx.em.addProject({ key: 'DEF', style: 'classic' });
    ctx.em.grant('DEF', JIRA_ADMIN, ['BROWSE_PROJECTS', 'ADMINISTER_PROJECTS']);

    const result = ok<SetupResult>(await run(JIRA_ADMIN, { id: def.id, key: 'DEF' }));

    expect(writes().map((c) => c.operationId)).toEqual([
      'createIssueType',
      'createIssueType',
      'createIssueType',
    ]);
    expect(result.report.steps.filter((s) => s.step === 'add-to-scheme')).toEqual(
      Array(3).fill(
        expect.objectContaining({
          status: 'done',
          detail: expect.stringContaining('default issue type scheme') as unknown,
        }),
      ),
    );
  });

  it('reuses an existing base-level type with the same name, whatever its case', async () => {
    const existing = ctx.em.addIssueType({ name: 'enabler' });

    const result = ok<SetupResult>(await run(JIRA_ADMIN));

    expect(typeNamed('Enabler')).toEqual([existing]);
    expect(writes().filter((c) => c.operationId === 'createIssueType')).toHaveLength(2);
    expect(result.report.steps[2]).toMatchObject({
      step: 'create-type',
      target: 'Enabler',
      status: 'already-done',
      detail: `Reusing the existing issue type ${existing.id} "enabler".`,
    });
    expect(cmTypeNames()).toContain('enabler');
    expect(result.mapping.types).toContainEqual({
      issueTypeId: existing.id,
      name: 'enabler',
      track: 'discovery',
    });
  });

  it('refuses a "Spike" at another hierarchy level, naming it, and changes nothing', async () => {
    const spike = ctx.em.addIssueType({ name: 'Spike', hierarchyLevel: 1 });
    const typesBefore = ctx.em.issueTypes.size;

    const error = failed(await run(JIRA_ADMIN));

    expect(error.code).toBe('conflict');
    expect(error.message).toContain(
      `"Spike" (issue type ${spike.id}) exists at hierarchy level 1, not at the base level 0`,
    );
    expect(error.message).toContain('Nothing was changed');
    expect(writes()).toEqual([]);
    expect(ctx.em.issueTypes.size).toBe(typesBefore);
    expect(storedMapping()).toBeUndefined();
    expect(statuses(reportOf(error.details).steps)).toEqual([
      'create-type Discovery: skipped',
      'create-type Spike: failed',
      'create-type Enabler: skipped',
      'add-to-scheme Discovery: skipped',
      'add-to-scheme Spike: skipped',
      'add-to-scheme Enabler: skipped',
      'record-mapping CM: skipped',
      'mark-issues CM: skipped',
    ]);
  });

  it('stops on a 500 from the scheme update with the partial report; a re-run finishes', async () => {
    ctx.em.injectFault({ match: /^PUT \/rest\/api\/3\/issuetypescheme\//, status: 500 });

    const error = failed(await run(JIRA_ADMIN));

    expect(error.code).toBe('jira-error');
    expect(error.message).toMatch(/^Setup of CM stopped: Jira had an internal error \(HTTP 500\)/);
    expect(error.message).toContain('run setup again to finish the rest');
    const partial = reportOf(error.details);
    expect(statuses(partial.steps)).toEqual([
      'create-type Discovery: done',
      'create-type Spike: done',
      'create-type Enabler: done',
      'add-to-scheme Discovery: failed',
      'add-to-scheme Spike: failed',
      'add-to-scheme Enabler: failed',
      'record-mapping CM: skipped',
      'mark-issues CM: skipped',
    ]);
    expect(partial.outcome).toBe('failed');
    expect(ctx.em.kvs.peek(KEYS.setupReport('CM'))).toEqual(partial);
    expect(storedMapping()).toBeUndefined();

    ctx.em.resetCalls();
    const rerun = ok<SetupResult>(await run(JIRA_ADMIN));

    expect(writes().map((c) => c.operationId)).toEqual(['addIssueTypesToIssueTypeScheme']);
    expect(statuses(rerun.report.steps)).toEqual([
      'create-type Discovery: already-done',
      'create-type Spike: already-done',
      'create-type Enabler: already-done',
      'add-to-scheme Discovery: done',
      'add-to-scheme Spike: done',
      'add-to-scheme Enabler: done',
      'record-mapping CM: done',
      'mark-issues CM: already-done',
    ]);
    expect(typeNamed('Spike')).toHaveLength(1);
    expect(cmTypeNames()).toEqual(expect.arrayContaining(['Discovery', 'Spike', 'Enabler']));
  });

  it('stops on a 429 longer than the gateway waits, then resumes', async () => {
    ctx.em.injectFault({
      match: /^GET \/rest\/api\/3\/issuetypescheme\/project$/,
      status: 429,
      retryAfter: 600,
    });

    const error = failed(await run(JIRA_ADMIN));

    expect(error.code).toBe('rate-limited');
    expect(error.details).toMatchObject({ retryAfterSeconds: 600 });
    expect(reportOf(error.details).steps.map((s) => s.status)).toEqual([
      'done',
      'done',
      'done',
      'failed',
      'failed',
      'failed',
      'skipped',
      'skipped',
    ]);

    const rerun = ok<SetupResult>(await run(JIRA_ADMIN));
    expect(rerun.report.outcome).toBe('complete');
    expect(storedMapping()?.types.filter((t) => t.track === 'discovery')).toHaveLength(3);
  });
});

describe('setup/run permissions', () => {
  it('refuses a user who is not a project admin and writes nothing', async () => {
    const error = failed(await run(MEMBER));

    expect(error).toEqual({
      code: 'forbidden',
      message: 'Only project admins can set up Dual Track for this project.',
      details: { missing: ['ADMINISTER_PROJECTS'] },
    });
    expect(writes()).toEqual([]);
    expect(ctx.em.kvs.writes()).toBe(0);
  });

  it('tells a project admin that a Jira admin must run setup when types are missing', async () => {
    ctx.em.addIssueType({ name: 'Enabler' });
    // Visible to the project admin because another project they browse uses it.
    ctx.em.addProject({ key: 'OPS', style: 'classic' });
    site.addScheme({ name: 'OPS scheme', typeNames: ['Task', 'Enabler'], projectKeys: ['OPS'] });
    ctx.em.grant('OPS', PROJECT_ADMIN);

    const error = failed(await run(PROJECT_ADMIN));

    expect(error.code).toBe('forbidden');
    expect(error.message).toContain('A Jira admin must run setup for CM');
    expect(error.message).toContain(
      'the issue types Discovery, Spike must be created, which needs the Administer Jira global permission',
    );
    expect(error.message).toContain(
      "Enabler already exists but must be added to the project's issue type scheme",
    );
    expect(writes()).toEqual([]);
    expect(typeNamed('Discovery')).toEqual([]);
    expect(statuses(reportOf(error.details).steps)).toContain('add-to-scheme Enabler: failed');
  });

  it('takes the project only from the context: a project key in the payload is refused', async () => {
    const error = failed(await run(JIRA_ADMIN, cm, { projectKey: 'TM' }));
    expect(error.code).toBe('invalid-input');
    expect(ctx.em.jiraCalls()).toEqual([]);
  });

  it('refuses a call without a project context', async () => {
    const error = failed(await invoke('setup/run', JIRA_ADMIN, {}, {}));
    expect(error).toMatchObject({
      code: 'invalid-input',
      message: expect.stringContaining('project') as unknown,
    });
    expect(writes()).toEqual([]);
  });

  it('answers not-found for a project Jira does not know', async () => {
    const error = failed(await run(JIRA_ADMIN, { id: '99999', key: 'NOPE' }));
    expect(error.code).toBe('not-found');
    // The permission check (as the user) is the first call, so Jira's 404 answers it.
    expect(error.message).toBe('Jira says it does not exist, or it is not visible to the app.');
    expect(error.details).toEqual({ operation: 'GET /rest/api/3/mypermissions' });
    expect(writes()).toEqual([]);
    expect(ctx.em.kvs.writes()).toBe(0);
  });
});

describe('setup/run on a team-managed project', () => {
  const tmTypes = () => site.typesOf(ctx.em.projectByKey('TM'));

  it('without a mapping, explains why types cannot be created and lists the project types', async () => {
    const error = failed(await run(JIRA_ADMIN, tm));

    expect(error.code).toBe('unsupported');
    expect(error.message).toContain('TM is a team-managed project');
    expect(error.message).toContain(
      'Jira does not let apps add issue types to team-managed projects',
    );
    expect(error.details).toEqual({
      style: 'next-gen',
      issueTypes: tmTypes().map((t) => ({
        id: t.id,
        name: t.name,
        hierarchyLevel: t.hierarchyLevel,
      })),
    });
    expect(writes()).toEqual([]);
    expect(ctx.em.kvs.writes()).toBe(0);
  });

  it('records the mapping; types not named stay on delivery; a second run is already done', async () => {
    const [story, bug, task] = tmTypes();
    const payload = {
      mapping: [
        { issueTypeId: task?.id ?? '', track: 'discovery' },
        { issueTypeId: story?.id ?? '', track: 'delivery' },
      ],
    };

    const result = ok<SetupResult>(await run(JIRA_ADMIN, tm, payload));

    expect(writes()).toEqual([]);
    expect(statuses(result.report.steps)).toEqual([
      'create-type track issue types: skipped',
      'add-to-scheme track issue types: skipped',
      'record-mapping TM: done',
      'mark-issues TM: already-done',
    ]);
    expect(storedMapping('TM')?.types).toEqual(
      expect.arrayContaining([
        { issueTypeId: task?.id, name: 'Task', track: 'discovery' },
        { issueTypeId: story?.id, name: 'Story', track: 'delivery' },
        { issueTypeId: bug?.id, name: 'Bug', track: 'delivery' },
      ]),
    );

    const again = ok<SetupResult>(await run(PROJECT_ADMIN, tm, payload));
    expect(again.report.steps[2]?.status).toBe('already-done');
  });

  it('refuses a mapping with a type of another project, naming it', async () => {
    const foreign = typeNamed('Story').find((t) => !site.scopedTypes.has(t.id));
    const [story] = tmTypes();
    const error = failed(
      await run(JIRA_ADMIN, tm, {
        mapping: [
          { issueTypeId: story?.id ?? '', track: 'discovery' },
          { issueTypeId: foreign?.id ?? '', track: 'discovery' },
        ],
      }),
    );

    expect(error.code).toBe('invalid-input');
    expect(error.message).toBe(
      `Issue type ${foreign?.id} is not a type of project TM; map only the project's own issue types.`,
    );
    expect(storedMapping('TM')).toBeUndefined();
  });

  it('refuses a mapping that names a type twice', async () => {
    const [story] = tmTypes();
    const id = story?.id ?? '';
    const error = failed(
      await run(JIRA_ADMIN, tm, {
        mapping: [
          { issueTypeId: id, track: 'discovery' },
          { issueTypeId: id, track: 'delivery' },
        ],
      }),
    );
    expect(error.code).toBe('invalid-input');
    expect(error.message).toContain('more than once');
  });
});

describe('setup/status', () => {
  it('shows nothing before the first run, then the report, style and mapping', async () => {
    const before = ok<SetupStatus>(
      await invoke('setup/status', PROJECT_ADMIN, {}, { project: cm }),
    );
    expect(before).toMatchObject({
      project: { key: 'CM', style: 'classic' },
      report: null,
      mapping: null,
    });

    const first = ok<SetupResult>(await run(JIRA_ADMIN));
    const after = ok<SetupStatus>(await invoke('setup/status', PROJECT_ADMIN, {}, { project: cm }));
    expect(after).toEqual({
      project: first.project,
      report: first.report,
      mapping: first.mapping,
      flagNotes: [],
    });
  });

  it('is for project admins only', async () => {
    const error = failed(await invoke('setup/status', MEMBER, {}, { project: tm }));
    expect(error.code).toBe('forbidden');
  });
});

describe('emulated issue type endpoints behave as Jira documents', () => {
  /** The test's own probes of the emulated REST contract, not calls of the app. */
  const probe = <T>(fn: () => Promise<T>): Promise<T> => ctx.em.invocations.setup(fn);

  it('refuses a duplicate name with 409 and creation without Administer Jira with 403', () =>
    probe(async () => {
      const create = (name: string) =>
        api.asUser().requestJira(route`/rest/api/3/issuetype`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ name, hierarchyLevel: 0 }),
        });
      const duplicate = await ctx.em.runAs(JIRA_ADMIN, () => create('story'));
      expect(duplicate.status).toBe(409);
      expect(await duplicate.json()).toEqual({
        errorMessages: [],
        errors: { name: 'An issue type with this name already exists.' },
      });
      const denied = await ctx.em.runAs(PROJECT_ADMIN, () => create('Research'));
      expect(denied.status).toBe(403);
    }));

  it('the app user creates types only when it is a Jira admin', () =>
    probe(async () => {
      site.appIsJiraAdmin = false;
      const res = await api.asApp().requestJira(route`/rest/api/3/issuetype`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ name: 'Research' }),
      });
      expect(res.status).toBe(403);
    }));

  it('refuses to add a type already in a scheme, and answers no scheme for team-managed projects', () =>
    probe(async () => {
      const scheme = site.schemeOf(ctx.em.projectByKey('CM'));
      const story = typeNamed('Story').find((t) => !site.scopedTypes.has(t.id));
      const put = await ctx.em.runAs(JIRA_ADMIN, () =>
        api.asUser().requestJira(route`/rest/api/3/issuetypescheme/${scheme?.id ?? ''}/issuetype`, {
          method: 'PUT',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ issueTypeIds: [story?.id] }),
        }),
      );
      expect(put.status).toBe(400);

      const schemes = await ctx.em.runAs(JIRA_ADMIN, () =>
        api.asUser().requestJira(route`/rest/api/3/issuetypescheme/project?projectId=${tm.id}`),
      );
      expect(((await schemes.json()) as { values: unknown[] }).values).toEqual([]);
    }));
});
