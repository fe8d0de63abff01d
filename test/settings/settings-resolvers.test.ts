import { MEMBER_PERMISSIONS } from '../../dev/emulator/model';
import { DEFAULT_CONFIG, type Config } from '../../src/domain/config';
import { allResolvers } from '../../src/resolvers';
import type { ResolverKey, Result } from '../../src/shared/bridge-contract';
import {
  GlobalSettingsViewSchema,
  ProjectSettingsViewSchema,
  type GlobalSettingsView,
  type ProjectSettingsView,
} from '../../src/shared/settings-view';
import { KEYS } from '../../src/storage/kvs-store';
import { useEmulator } from '../helpers/emulator';

/**
 * Drives the `settings/*` resolvers the way Forge invokes them (untrusted payload, trusted
 * context) against the emulated Jira site: who may read and change which settings, what an
 * invalid or outdated save answers, and the change history.
 */
const ctx = useEmulator();

const SITE_ADMIN = 'user-site-admin';
const PROJECT_ADMIN = 'user-project-admin';
const MEMBER = 'user-member';
const NO_BROWSE = 'user-no-browse';

let dt: { id: string; key: string };
let other: { id: string; key: string };

beforeEach(() => {
  const em = ctx.em;
  em.addUser({ accountId: SITE_ADMIN, displayName: 'Sam Site-Admin', siteAdmin: true });
  em.addUser({ accountId: PROJECT_ADMIN, displayName: 'Pat Project-Admin' });
  em.addUser({ accountId: MEMBER, displayName: 'Mia Member' });
  em.addUser({ accountId: NO_BROWSE, displayName: 'Oscar Outsider' });
  const dtProject = em.addProject({ key: 'DT', name: 'Dual Track Demo' });
  const otherProject = em.addProject({ key: 'OTHER', name: 'Other team' });
  em.grant('DT', SITE_ADMIN);
  em.grant('DT', PROJECT_ADMIN, [...MEMBER_PERMISSIONS, 'ADMINISTER_PROJECTS']);
  em.grant('DT', MEMBER);
  em.grant('OTHER', PROJECT_ADMIN);
  dt = { id: dtProject.id, key: 'DT' };
  other = { id: otherProject.id, key: 'OTHER' };
});

function invoke(
  key: ResolverKey,
  accountId: string,
  payload: unknown,
  extension: unknown,
): Promise<Result<unknown>> {
  const fn = allResolvers()[key];
  if (!fn) throw new Error(`no resolver ${key}`);
  return ctx.em.runAs(accountId, () => fn({ payload, context: { accountId, extension } }));
}

const ADMIN_PAGE = { type: 'jira:adminPage' };
const settingsPage = (project = dt) => ({ type: 'jira:projectSettingsPage', project });

const globalGet = (who: string) => invoke('settings/global/get', who, {}, ADMIN_PAGE);
const globalSave = (who: string, settings: unknown, expectedVersion: number) =>
  invoke('settings/global/save', who, { settings, expectedVersion }, ADMIN_PAGE);
const projectGet = (who: string, project = dt) =>
  invoke('settings/project/get', who, {}, settingsPage(project));
const projectSave = (who: string, override: unknown, expectedVersion: number, project = dt) =>
  invoke('settings/project/save', who, { override, expectedVersion }, settingsPage(project));

function ok<T>(result: Result<unknown>): T {
  if (!result.ok) throw new Error(`expected ok, got ${JSON.stringify(result.error)}`);
  return result.data as T;
}

function failed(result: Result<unknown>) {
  if (result.ok) throw new Error(`expected an error, got ${JSON.stringify(result.data)}`);
  return result.error;
}

const fieldsOf = (details: unknown) =>
  (details as { fields: Array<{ path: string; message: string }> }).fields;

const withSetting = (patch: (c: Config) => void): Config => {
  const copy = structuredClone(DEFAULT_CONFIG);
  patch(copy);
  return copy;
};

/** Every storage key the settings use: none may appear after a refused save. */
const configKeys = () => ctx.em.kvs.keys().filter((k) => k.startsWith('config:'));

describe('who may read and change the settings', () => {
  const save = {
    global: (who: string) =>
      globalSave(
        who,
        withSetting((c) => (c.validation.minInterviews = 5)),
        0,
      ),
    project: (who: string) => projectSave(who, { validation: { minInterviews: 5 } }, 0),
  };

  it.each([
    ['the site admin', SITE_ADMIN, true],
    ['a project admin', PROJECT_ADMIN, false],
    ['a plain user', MEMBER, false],
    ['a user without Browse', NO_BROWSE, false],
  ])('global settings: %s → allowed %s', async (_who, accountId, allowed) => {
    const get = await globalGet(accountId);
    const saved = await save.global(accountId);
    if (allowed) {
      expect(GlobalSettingsViewSchema.parse(ok(get)).version).toBe(0);
      expect(GlobalSettingsViewSchema.parse(ok(saved)).version).toBe(1);
      expect(configKeys()).toContain(KEYS.globalConfig);
    } else {
      expect(failed(get)).toMatchObject({
        code: 'forbidden',
        message: expect.stringMatching(/Jira admins/) as unknown,
        details: { missing: ['ADMINISTER'] },
      });
      expect(failed(saved).code).toBe('forbidden');
      expect(configKeys()).toEqual([]);
    }
  });

  it.each([
    ['the site admin without Administer Projects', SITE_ADMIN, false],
    ['a project admin', PROJECT_ADMIN, true],
    ['a plain user', MEMBER, false],
    ['a user without Browse', NO_BROWSE, false],
  ])('project settings: %s → allowed %s', async (_who, accountId, allowed) => {
    const get = await projectGet(accountId);
    const saved = await save.project(accountId);
    if (allowed) {
      expect(ProjectSettingsViewSchema.parse(ok(get))).toMatchObject({
        project: dt,
        version: 0,
        override: {},
      });
      expect(ProjectSettingsViewSchema.parse(ok(saved))).toMatchObject({
        version: 1,
        override: { validation: { minInterviews: 5 } },
      });
    } else {
      expect(failed(get)).toMatchObject({
        code: 'forbidden',
        details: { missing: ['ADMINISTER_PROJECTS'] },
      });
      expect(failed(saved).code).toBe('forbidden');
      expect(configKeys()).toEqual([]);
    }
  });

  it('takes the project from the context only: a payload naming a project is refused', async () => {
    for (const forged of [
      { override: { validation: { minInterviews: 9 } }, expectedVersion: 0, projectKey: 'OTHER' },
      { override: { validation: { minInterviews: 9 } }, expectedVersion: 0, projectId: other.id },
    ]) {
      const error = failed(
        await invoke('settings/project/save', PROJECT_ADMIN, forged, settingsPage()),
      );
      expect(error.code).toBe('invalid-input');
      expect(error.message).toMatch(/projectKey|projectId/);
    }
    expect(
      failed(await invoke('settings/project/get', PROJECT_ADMIN, { projectKey: 'OTHER' }, {})),
    ).toMatchObject({ code: 'invalid-input' });
    expect(
      failed(
        await invoke(
          'settings/global/save',
          SITE_ADMIN,
          { settings: DEFAULT_CONFIG, expectedVersion: 0, projectKey: 'DT' },
          ADMIN_PAGE,
        ),
      ).code,
    ).toBe('invalid-input');
    expect(configKeys()).toEqual([]);
  });

  it('answers for the context project, where the caller is checked, and needs one', async () => {
    // PROJECT_ADMIN only browses OTHER: its context is checked, not the project they admin.
    expect(failed(await projectGet(PROJECT_ADMIN, other)).code).toBe('forbidden');
    expect(
      failed(await invoke('settings/project/get', PROJECT_ADMIN, {}, ADMIN_PAGE)),
    ).toMatchObject({
      code: 'invalid-input',
      message: expect.stringMatching(/project context/) as unknown,
    });
  });

  it('refuses a call without a signed-in user', async () => {
    const fn = allResolvers()['settings/global/get'];
    if (!fn) throw new Error('no resolver');
    expect(failed(await fn({ payload: {}, context: { extension: ADMIN_PAGE } })).code).toBe(
      'unauthenticated',
    );
  });
});

describe('validation', () => {
  it('refuses out-of-range values by field path with the allowed range, and writes nothing', async () => {
    const error = failed(
      await globalSave(
        SITE_ADMIN,
        withSetting((c) => {
          c.validation.minInterviews = 25;
          c.capacity.discoveryTargetPercent = 120;
        }),
        0,
      ),
    );
    expect(error.code).toBe('invalid-input');
    expect(fieldsOf(error.details)).toEqual(
      expect.arrayContaining([
        {
          path: 'settings.validation.minInterviews',
          message: 'must be a whole number from 0 to 20',
        },
        {
          path: 'settings.capacity.discoveryTargetPercent',
          message: 'must be a number from 0 to 100',
        },
      ]),
    );
    expect(configKeys()).toEqual([]);
  });

  it.each([
    [
      'pause threshold not above the upper runway target',
      (c: Config) => (c.runway.pauseAtSprints = 2),
      'settings.runway.pauseAtSprints',
    ],
    [
      'lower runway target above the upper',
      (c: Config) => (c.runway.targetMinSprints = 2.5),
      'settings.runway.targetMinSprints',
    ],
    [
      'default timebox above the longest',
      (c: Config) => (c.spike.defaultTimeboxDays = 5),
      'settings.spike.defaultTimeboxDays',
    ],
    [
      'a timebox of 11 days',
      (c: Config) => (c.spike.maxTimeboxDays = 11),
      'settings.spike.maxTimeboxDays',
    ],
    ['no gate issue types', (c: Config) => (c.gate.issueTypes = []), 'settings.gate.issueTypes'],
  ])('refuses %s (cross-field and range rules)', async (_name, patch, path) => {
    const error = failed(await globalSave(SITE_ADMIN, withSetting(patch), 0));
    expect(error.code).toBe('invalid-input');
    expect(fieldsOf(error.details).map((f) => f.path)).toContain(path);
    expect(configKeys()).toEqual([]);
  });

  it('checks a project override merged over the global settings', async () => {
    ok(
      await globalSave(
        SITE_ADMIN,
        withSetting((c) => (c.runway.pauseAtSprints = 4)),
        0,
      ),
    );
    // Fine with the global pause threshold of 4, but not with the default 3.
    ok(await projectSave(PROJECT_ADMIN, { runway: { targetMaxSprints: 3 } }, 0));
    // An override is saved whole: this one keeps the upper target of 3 and lowers the pause to 3.
    const error = failed(
      await projectSave(PROJECT_ADMIN, { runway: { targetMaxSprints: 3, pauseAtSprints: 3 } }, 1),
    );
    expect(error.code).toBe('invalid-input');
    expect(fieldsOf(error.details)).toEqual([
      {
        path: 'override.runway.pauseAtSprints',
        message: 'The pause threshold must be above the upper runway target.',
      },
    ]);
    const stored = ctx.em.kvs.peek(KEYS.projectConfig('DT')) as ProjectSettingsView;
    expect(stored).toMatchObject({ version: 1, override: { runway: { targetMaxSprints: 3 } } });

    const invalidOverride = failed(
      await projectSave(PROJECT_ADMIN, { validation: { minInterviews: 25 } }, 1),
    );
    expect(fieldsOf(invalidOverride.details)).toEqual([
      { path: 'override.validation.minInterviews', message: 'must be a whole number from 0 to 20' },
    ]);
  });
});

describe('discovery entry criteria section', () => {
  it('a project overrides it like any other section; a bad value is refused by its path', async () => {
    ok(
      await projectSave(
        PROJECT_ADMIN,
        { entry: { uncertaintyAtLeast: 'medium', components: ['Payments'], guardMovesBack: true } },
        0,
      ),
    );
    const view = ProjectSettingsViewSchema.parse(ok(await projectGet(PROJECT_ADMIN)));
    expect(view.override.entry).toEqual({
      uncertaintyAtLeast: 'medium',
      components: ['Payments'],
      guardMovesBack: true,
    });
    expect(view.inherited.entry).toEqual(DEFAULT_CONFIG.entry);
    expect(view.history[0]?.changes).toEqual([
      { path: 'entry.uncertaintyAtLeast', from: null, to: 'medium' },
      { path: 'entry.components', from: null, to: ['Payments'] },
      { path: 'entry.guardMovesBack', from: null, to: true },
    ]);

    const error = failed(
      await projectSave(PROJECT_ADMIN, { entry: { riskAtLeast: 'low', labels: [''] } }, 1),
    );
    expect(fieldsOf(error.details).map((f) => f.path)).toEqual(
      expect.arrayContaining(['override.entry.riskAtLeast', 'override.entry.labels.0']),
    );
  });

  it('history: a revision saved before the section existed reads with its defaults, so only real changes are listed', async () => {
    const before: Partial<Config> = structuredClone(DEFAULT_CONFIG);
    delete before.entry;
    const old = {
      version: 1,
      updatedAt: '2026-10-01T00:00:00.000Z',
      updatedBy: SITE_ADMIN,
      settings: before,
    };
    ctx.em.kvs.seed(KEYS.globalConfig, old);
    ctx.em.kvs.seed(KEYS.revision(KEYS.globalConfig, 1), old);
    ok(
      await globalSave(
        SITE_ADMIN,
        withSetting((c) => (c.entry.refuseInValidators = true)),
        1,
      ),
    );
    const view = GlobalSettingsViewSchema.parse(ok(await globalGet(SITE_ADMIN)));
    expect(view.history[0]?.changes).toEqual([
      { path: 'entry.refuseInValidators', from: false, to: true },
    ]);
  });
});

describe('concurrent edits', () => {
  it('answers a save based on an old version with conflict and the current values', async () => {
    const first = withSetting((c) => (c.validation.minInterviews = 4));
    const second = withSetting((c) => (c.capacity.discoveryTargetPercent = 30));
    ok(await globalSave(SITE_ADMIN, first, 0));

    const error = failed(await globalSave(SITE_ADMIN, second, 0));
    expect(error.code).toBe('conflict');
    expect(error.message).toMatch(/version 1/);
    const current = GlobalSettingsViewSchema.parse(
      (error.details as { current: GlobalSettingsView }).current,
    );
    expect(current.version).toBe(1);
    expect(current.settings.validation.minInterviews).toBe(4);
    expect(current.settings.capacity.discoveryTargetPercent).toBe(20);
    // Nothing was overwritten; re-applying on the current version succeeds.
    expect(
      (ctx.em.kvs.peek(KEYS.globalConfig) as GlobalSettingsView).settings.validation.minInterviews,
    ).toBe(4);
    const reapplied = GlobalSettingsViewSchema.parse(
      ok(
        await globalSave(
          SITE_ADMIN,
          { ...current.settings, capacity: { discoveryTargetPercent: 30 } },
          1,
        ),
      ),
    );
    expect(reapplied.version).toBe(2);
    expect(reapplied.settings.validation.minInterviews).toBe(4);
    expect(reapplied.settings.capacity.discoveryTargetPercent).toBe(30);
  });

  it('gives project saves the same protection', async () => {
    ok(await projectSave(PROJECT_ADMIN, { staleness: { discoveryIdleDays: 21 } }, 0));
    const error = failed(await projectSave(PROJECT_ADMIN, { guard: { policy: 'flag-only' } }, 0));
    expect(error.code).toBe('conflict');
    const current = ProjectSettingsViewSchema.parse(
      (error.details as { current: ProjectSettingsView }).current,
    );
    expect(current).toMatchObject({
      version: 1,
      override: { staleness: { discoveryIdleDays: 21 } },
    });
  });
});

describe('history', () => {
  it('lists who changed what, when, old → new, newest first', async () => {
    const v1 = withSetting((c) => (c.validation.minInterviews = 5));
    ok(await globalSave(SITE_ADMIN, v1, 0));
    ok(
      await globalSave(
        SITE_ADMIN,
        { ...v1, runway: { targetMinSprints: 1, targetMaxSprints: 2, pauseAtSprints: 4 } },
        1,
      ),
    );
    const view = GlobalSettingsViewSchema.parse(ok(await globalGet(SITE_ADMIN)));
    expect(view.version).toBe(2);
    expect(view.history).toEqual([
      {
        version: 2,
        at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/) as unknown,
        by: SITE_ADMIN,
        byYou: true,
        changes: [{ path: 'runway.pauseAtSprints', from: 3, to: 4 }],
      },
      {
        version: 1,
        at: expect.any(String) as unknown,
        by: SITE_ADMIN,
        byYou: true,
        changes: [{ path: 'validation.minInterviews', from: 3, to: 5 }],
      },
    ]);
  });

  it('shows a project override set and then reset to the inherited value', async () => {
    ok(await projectSave(PROJECT_ADMIN, { capacity: { discoveryTargetPercent: 35 } }, 0));
    ok(await projectSave(PROJECT_ADMIN, {}, 1));
    const view = ProjectSettingsViewSchema.parse(ok(await projectGet(PROJECT_ADMIN)));
    expect(view.override).toEqual({});
    expect(view.history.map((h) => h.changes)).toEqual([
      [{ path: 'capacity.discoveryTargetPercent', from: 35, to: null }],
      [{ path: 'capacity.discoveryTargetPercent', from: null, to: 35 }],
    ]);
  });

  it('stays bounded: only the last 20 revisions are kept', async () => {
    for (let v = 0; v < 23; v++) {
      ok(
        await globalSave(
          SITE_ADMIN,
          withSetting((c) => (c.staleness.discoveryIdleDays = 10 + v)),
          v,
        ),
      );
    }
    const view = GlobalSettingsViewSchema.parse(ok(await globalGet(SITE_ADMIN)));
    expect(view.version).toBe(23);
    // 20 revisions kept; the oldest has no predecessor left to compare with.
    expect(view.history).toHaveLength(19);
    expect(view.history[0]?.changes).toEqual([
      { path: 'staleness.discoveryIdleDays', from: 31, to: 32 },
    ]);
    expect(ctx.em.kvs.keys().filter((k) => k.startsWith(`${KEYS.globalConfig}:rev:`))).toHaveLength(
      20,
    );
  });
});
