import { MEMBER_PERMISSIONS } from '../../dev/emulator/model';
import * as contextStore from '../../src/storage/project-context';
import { DEFAULT_CONFIG, type Config } from '../../src/domain/config';
import type { ResolverKey, Result } from '../../src/contract/bridge-contract';
import {
  GlobalSettingsViewSchema,
  ProjectSettingsViewSchema,
  type GlobalSettingsView,
  type ProjectSettingsView,
} from '../../src/contract/settings-view';
import { useEmulator } from '../helpers/emulator';
import { callResolver, failed, inInvocation, ok } from '../helpers/invoke';
import { KEYS } from '../../src/storage/key-families';

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
  return callResolver(ctx.em, key, accountId, payload, { extension });
}

/** The configuration the project's decisions use, read as the project page reads it. */
const readProjectContext = (projectKey: string) =>
  inInvocation(ctx.em, 'resolver', 'project/overview: readProjectContext', () =>
    contextStore.readProjectContext(projectKey),
  );

const ADMIN_PAGE = { type: 'jira:adminPage' };
const settingsPage = (project = dt) => ({ type: 'jira:projectSettingsPage', project });

const globalGet = (who: string) => invoke('settings/global/get', who, {}, ADMIN_PAGE);
const globalSave = (who: string, settings: unknown, expectedVersion: number) =>
  invoke('settings/global/save', who, { settings, expectedVersion }, ADMIN_PAGE);
const projectGet = (who: string, project = dt) =>
  invoke('settings/project/get', who, {}, settingsPage(project));
const projectSave = (who: string, override: unknown, expectedVersion: number, project = dt) =>
  invoke('settings/project/save', who, { override, expectedVersion }, settingsPage(project));

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
    const answer = await callResolver(
      ctx.em,
      'settings/global/get',
      undefined,
      {},
      {
        extension: ADMIN_PAGE,
      },
    );
    expect(failed(answer).code).toBe('unauthenticated');
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
        byName: SITE_ADMIN,
        byYou: true,
        changes: [{ path: 'runway.pauseAtSprints', from: 3, to: 4 }],
      },
      {
        version: 1,
        at: expect.any(String) as unknown,
        by: SITE_ADMIN,
        byName: SITE_ADMIN,
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

  it('does not pin a value equal to the inherited one: the project keeps following the global', async () => {
    ok(
      await projectSave(
        PROJECT_ADMIN,
        { validation: { minInterviews: 3, minUsabilityTests: 2 }, spike: { maxTimeboxDays: 3 } },
        0,
      ),
    );
    const view = ProjectSettingsViewSchema.parse(ok(await projectGet(PROJECT_ADMIN)));
    expect(view.override).toEqual({ validation: { minUsabilityTests: 2 } });
    // A later global change reaches the setting the project typed equal to the global value.
    ok(
      await globalSave(
        SITE_ADMIN,
        withSetting((c) => (c.validation.minInterviews = 6)),
        0,
      ),
    );
    const config = await readProjectContext('DT');
    expect(config.config.validation).toEqual({ minInterviews: 6, minUsabilityTests: 2 });
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

describe('a global change that breaks a saved project override', () => {
  const overview = (who: string) =>
    callResolver(ctx.em, 'project/overview', who, {}, { extension: { project: dt } });
  const upperTargetMessage =
    'The override of Runway target, upper end (4 sprints) is not in effect with Pause discovery at (3 sprints): ' +
    'The pause threshold must be above the upper runway target. ' +
    'The global value (2 sprints) applies until the override is changed or reset.';

  /** Global pause 5, DT's upper target 4, then the global settings back to the defaults. */
  async function breakTheOverride(): Promise<GlobalSettingsView> {
    ok(
      await globalSave(
        SITE_ADMIN,
        withSetting((c) => (c.runway.pauseAtSprints = 5)),
        0,
      ),
    );
    ok(await projectSave(PROJECT_ADMIN, { runway: { targetMaxSprints: 4 } }, 0));
    expect(
      GlobalSettingsViewSchema.parse(ok(await globalGet(SITE_ADMIN))).overridesNotInEffect,
    ).toEqual([]);
    return GlobalSettingsViewSchema.parse(ok(await globalSave(SITE_ADMIN, DEFAULT_CONFIG, 1)));
  }

  it('keeps the project working on a valid configuration: the broken override follows the global value', async () => {
    await breakTheOverride();
    const { config } = await readProjectContext('DT');
    expect(config.runway).toEqual(DEFAULT_CONFIG.runway);
    const page = await overview(SITE_ADMIN);
    if (!page.ok) throw new Error(`project/overview failed: ${JSON.stringify(page.error)}`);
    expect(page.ok).toBe(true);
  });

  it('the global save answers which projects are affected, and the admin page keeps saying so', async () => {
    const saved = await breakTheOverride();
    const expected = [
      {
        projectKey: 'DT',
        notInEffect: [
          {
            paths: ['runway.targetMaxSprints'],
            compared: ['runway.targetMaxSprints', 'runway.pauseAtSprints'],
            rule: 'The pause threshold must be above the upper runway target.',
            message: upperTargetMessage,
          },
        ],
      },
    ];
    expect(saved.version).toBe(2);
    expect(saved.overridesNotInEffect).toEqual(expected);
    expect(
      GlobalSettingsViewSchema.parse(ok(await globalGet(SITE_ADMIN))).overridesNotInEffect,
    ).toEqual(expected);
  });

  it('the project settings page explains the override that is not in effect until it is fixed', async () => {
    await breakTheOverride();
    const view = ProjectSettingsViewSchema.parse(ok(await projectGet(PROJECT_ADMIN)));
    expect(view.override).toEqual({ runway: { targetMaxSprints: 4 } });
    expect(view.notInEffect.map((p) => [p.paths, p.message])).toEqual([
      [['runway.targetMaxSprints'], upperTargetMessage],
    ]);

    // Saving the broken override again is refused; a value that fits is taken and clears both warnings.
    const refused = failed(await projectSave(PROJECT_ADMIN, view.override, 1));
    expect(fieldsOf(refused.details).map((f) => f.path)).toEqual([
      'override.runway.pauseAtSprints',
    ]);
    const fixed = ProjectSettingsViewSchema.parse(
      ok(await projectSave(PROJECT_ADMIN, { runway: { targetMaxSprints: 2.5 } }, 1)),
    );
    expect(fixed.notInEffect).toEqual([]);
    expect((await readProjectContext('DT')).config.runway.targetMaxSprints).toBe(2.5);
    expect(
      GlobalSettingsViewSchema.parse(ok(await globalGet(SITE_ADMIN))).overridesNotInEffect,
    ).toEqual([]);
  });

  it('lists only current overrides (not their revisions) of every project, across storage pages', async () => {
    ok(
      await globalSave(
        SITE_ADMIN,
        withSetting((c) => (c.spike.maxTimeboxDays = 10)),
        0,
      ),
    );
    // 60 projects with 2 revisions each: 180 keys under config:project:, two storage pages.
    for (let i = 0; i < 60; i++) {
      const key = `P${String(i).padStart(2, '0')}`;
      const record = (version: number) => ({
        version,
        updatedAt: '2026-10-01T00:00:00.000Z',
        updatedBy: PROJECT_ADMIN,
        projectId: String(20000 + i),
        override: { spike: { defaultTimeboxDays: i % 2 === 0 ? 8 : 2 } },
      });
      ctx.em.kvs.seed(KEYS.projectConfig(key), record(2));
      ctx.em.kvs.seed(KEYS.revision(KEYS.projectConfig(key), 1), record(1));
      ctx.em.kvs.seed(KEYS.revision(KEYS.projectConfig(key), 2), record(2));
    }
    const saved = GlobalSettingsViewSchema.parse(
      ok(await globalSave(SITE_ADMIN, DEFAULT_CONFIG, 1)),
    );
    expect(saved.overridesNotInEffect.map((o) => o.projectKey)).toEqual(
      Array.from({ length: 30 }, (_, n) => `P${String(n * 2).padStart(2, '0')}`),
    );
    expect(saved.overridesNotInEffect[0]?.notInEffect[0]?.message).toBe(
      'The override of Default spike timebox (8 days) is not in effect with Longest spike timebox (3 days): ' +
        'The default spike timebox must not exceed the longest allowed timebox. ' +
        'The global value (3 days) applies until the override is changed or reset.',
    );
  });
});

describe('history names other admins', () => {
  const SECOND_ADMIN = 'user-second-admin';
  const bulkUserCalls = () => ctx.em.jiraCalls().filter((c) => c.operationId === 'bulkGetUsers');

  beforeEach(() => {
    ctx.em.addUser({ accountId: SECOND_ADMIN, displayName: 'Sasha Second-Admin', siteAdmin: true });
    ctx.em.grant('DT', SECOND_ADMIN, [...MEMBER_PERMISSIONS, 'ADMINISTER_PROJECTS']);
  });

  it('shows another admin by display name with one user lookup for the whole history', async () => {
    ok(
      await globalSave(
        SITE_ADMIN,
        withSetting((c) => (c.validation.minInterviews = 4)),
        0,
      ),
    );
    ok(
      await globalSave(
        SECOND_ADMIN,
        withSetting((c) => (c.validation.minInterviews = 5)),
        1,
      ),
    );
    ok(
      await globalSave(
        SECOND_ADMIN,
        withSetting((c) => (c.validation.minInterviews = 6)),
        2,
      ),
    );
    ctx.em.resetCalls();
    const view = GlobalSettingsViewSchema.parse(ok(await globalGet(SITE_ADMIN)));
    expect(view.history.map((h) => [h.version, h.by, h.byName, h.byYou])).toEqual([
      [3, SECOND_ADMIN, 'Sasha Second-Admin', false],
      [2, SECOND_ADMIN, 'Sasha Second-Admin', false],
      [1, SITE_ADMIN, SITE_ADMIN, true],
    ]);
    expect(bulkUserCalls()).toHaveLength(1);
    expect(bulkUserCalls()[0]).toMatchObject({
      provider: 'user',
      accountId: SITE_ADMIN,
      status: 200,
    });

    // The other way round: the second admin sees the first by name.
    const theirs = GlobalSettingsViewSchema.parse(ok(await globalGet(SECOND_ADMIN)));
    expect(theirs.history.at(-1)).toMatchObject({ byName: 'Sam Site-Admin', byYou: false });
  });

  it('asks for no names when every change is the caller’s own', async () => {
    ok(await projectSave(PROJECT_ADMIN, { staleness: { discoveryIdleDays: 21 } }, 0));
    ctx.em.resetCalls();
    ok(await projectGet(PROJECT_ADMIN));
    expect(bulkUserCalls()).toHaveLength(0);
  });

  it('falls back to the account id for a user Jira does not know, or when the lookup fails', async () => {
    ok(await projectSave(SECOND_ADMIN, { staleness: { discoveryIdleDays: 21 } }, 0));
    const gone = {
      version: 2,
      updatedAt: '2026-10-02T00:00:00.000Z',
      updatedBy: 'user-deleted-long-ago',
      projectId: dt.id,
      override: { staleness: { discoveryIdleDays: 30 } },
    };
    ctx.em.kvs.seed(KEYS.projectConfig('DT'), gone);
    ctx.em.kvs.seed(KEYS.revision(KEYS.projectConfig('DT'), 2), gone);
    const view = ProjectSettingsViewSchema.parse(ok(await projectGet(PROJECT_ADMIN)));
    expect(view.history.map((h) => h.byName)).toEqual([
      'user-deleted-long-ago',
      'Sasha Second-Admin',
    ]);

    ctx.em.injectFault({ match: /\/rest\/api\/3\/user\/bulk/, status: 500, times: 1 });
    const degraded = ProjectSettingsViewSchema.parse(ok(await projectGet(PROJECT_ADMIN)));
    expect(degraded.history.map((h) => h.byName)).toEqual(['user-deleted-long-ago', SECOND_ADMIN]);
  });
});
