import {
  DEFAULT_CONFIG,
  resolveEffectiveConfig,
  type Config,
  type ConfigOverride,
} from '../domain/config';
import { settingsChanges } from '../domain/config-changes';
import { displayNames } from '../jira/user-names';
import { formatSetting, settingAt, settingField } from '../contract/settings-fields';
import type {
  GlobalSettingsView,
  OverrideNotInEffectView,
  ProjectSettingsView,
  SettingsRevision,
} from '../contract/settings-view';
import {
  configHistory,
  listProjectOverrides,
  readGlobalConfig,
  readProjectConfig,
  saveGlobalConfig,
  saveProjectConfig,
  type GlobalRecord,
  type ProjectRecord,
} from '../storage/config-store';
import type { ResolverGroup } from './all-resolvers';
import { fail, projectOf, resolver, type Caller, type Requirement } from './resolver-kit';
import { checkLeads, findPeople, peopleNamesOf, refuseInvalid } from './settings-people';
import { boardsOfProject, checkGlobalBoard, checkProjectBoard } from './settings-board';
import { checkGlobalSpaces, checkProjectSpaces, jpdSpacesOf } from './settings-jpd';

/**
 * `settings/global/*` for the admin page (Jira admins only) and `settings/project/*` for the
 * project settings page (admins of the context project only). The project always comes from
 * Forge's context; the payload schemas refuse anything naming one. Saves name the version they
 * were based on: an older one gets `conflict` with the current values, never an overwrite.
 */

const JIRA_ADMIN: Requirement = {
  context: () => ({ kind: 'global' }),
  permissions: ['ADMINISTER'],
  because: "Only Jira admins can see and change Dual Track's global settings.",
};

const PROJECT_ADMIN: Requirement = {
  context: (caller) => ({ kind: 'project', projectKey: projectOf(caller).key }),
  permissions: ['ADMINISTER_PROJECTS'],
  because: 'Only admins of this project can see and change its Dual Track settings.',
};

/**
 * Old → new per changed setting, newest first. A revision is listed when the one before it is
 * still kept (or it is the first), so every entry is complete. Other people are named as Jira
 * shows them to the caller (one bulk user lookup for the whole list), else by account id.
 */
async function historyOf<R extends GlobalRecord | ProjectRecord>(
  revisions: readonly R[],
  valuesOf: (record: R) => unknown,
  initial: unknown,
  caller: Caller,
): Promise<SettingsRevision[]> {
  const listed: Array<{ rev: R; before: unknown }> = [];
  revisions.forEach((rev, i) => {
    const previous = revisions[i + 1];
    const before =
      previous && previous.version === rev.version - 1
        ? valuesOf(previous)
        : rev.version === 1
          ? initial
          : undefined;
    if (before !== undefined) listed.push({ rev, before });
  });
  const others = listed.map((l) => l.rev.updatedBy).filter((id) => id !== caller.accountId);
  const names = await displayNames(caller.jira, others);
  return listed.map(({ rev, before }) => ({
    version: rev.version,
    at: rev.updatedAt,
    by: rev.updatedBy,
    byName: names.get(rev.updatedBy) ?? rev.updatedBy,
    byYou: rev.updatedBy === caller.accountId,
    changes: settingsChanges(before, valuesOf(rev)),
  }));
}

const isGlobal = (r: GlobalRecord | ProjectRecord): r is GlobalRecord => 'settings' in r;
const isProject = (r: GlobalRecord | ProjectRecord): r is ProjectRecord => 'override' in r;

const labelOf = (path: string) => settingField(path)?.label ?? path;
const valueOf = (settings: unknown, path: string) =>
  formatSetting(settingField(path), settingAt(settings, path) ?? null);
const listed = (parts: readonly string[]) =>
  parts.length <= 1 ? (parts[0] ?? '') : `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}`;

/**
 * The parts of a project's override that the global settings leave out of effect, each with a
 * sentence: "The override of Upper runway target (4 sprints) is not in effect with Pause
 * discovery at (3 sprints): The pause threshold must be above the upper runway target. The
 * global value (2 sprints) applies until the override is changed or reset."
 */
function notInEffectOf(global: Config, override: ConfigOverride): OverrideNotInEffectView[] {
  const { config, notInEffect } = resolveEffectiveConfig(global, override);
  return notInEffect.map((part) => {
    const own = part.paths.map((p) => `${labelOf(p)} (${valueOf(override, p)})`);
    const against = part.compared
      .filter((p) => !part.paths.includes(p))
      .map((p) => `${labelOf(p)} (${valueOf(config, p)})`);
    const globals = part.paths.map((p) => valueOf(global, p)).join(', ');
    const message =
      `The override of ${listed(own)} is not in effect` +
      (against.length > 0 ? ` with ${listed(against)}` : '') +
      `: ${part.rule} The global ${part.paths.length === 1 ? 'value' : 'values'} (${globals}) ` +
      `${part.paths.length === 1 ? 'applies' : 'apply'} until the override is changed or reset.`;
    return { ...part, message };
  });
}

async function globalView(caller: Caller): Promise<GlobalSettingsView> {
  const [record, revisions, overrides] = await Promise.all([
    readGlobalConfig(),
    configHistory({ kind: 'global' }),
    listProjectOverrides(),
  ]);
  const settings = record?.settings ?? DEFAULT_CONFIG;
  return {
    version: record?.version ?? 0,
    settings,
    defaults: DEFAULT_CONFIG,
    history: await historyOf(revisions.filter(isGlobal), (r) => r.settings, DEFAULT_CONFIG, caller),
    overridesNotInEffect: overrides
      .map((o) => ({
        projectKey: o.projectKey,
        notInEffect: notInEffectOf(settings, o.record.override),
      }))
      .filter((o) => o.notInEffect.length > 0),
    people: await peopleNamesOf(caller, [settings.feasibility]),
  };
}

async function projectView(caller: Caller): Promise<ProjectSettingsView> {
  const project = projectOf(caller);
  const [record, global, revisions] = await Promise.all([
    readProjectConfig(project.key),
    readGlobalConfig(),
    configHistory({ kind: 'project', projectKey: project.key }),
  ]);
  const inherited = global?.settings ?? DEFAULT_CONFIG;
  const override = record?.override ?? {};
  return {
    project: { id: project.id, key: project.key },
    version: record?.version ?? 0,
    override,
    inherited,
    notInEffect: notInEffectOf(inherited, override),
    history: await historyOf(revisions.filter(isProject), (r) => r.override, {}, caller),
    people: await peopleNamesOf(caller, [inherited.feasibility, override.feasibility ?? {}]),
  };
}

export const settingsResolvers: ResolverGroup = {
  'settings/global/get': resolver('settings/global/get', [JIRA_ADMIN], (caller) =>
    globalView(caller),
  ),
  'settings/global/save': resolver(
    'settings/global/save',
    [JIRA_ADMIN],
    async (caller, payload) => {
      checkGlobalBoard(payload.settings.board);
      checkGlobalSpaces(payload.settings.jpd);
      await checkLeads(caller, 'settings', payload.settings.feasibility);
      const result = await saveGlobalConfig({
        settings: payload.settings,
        expectedVersion: payload.expectedVersion,
        accountId: caller.accountId,
        now: caller.now,
      });
      if (result.status === 'invalid') return refuseInvalid('settings', result.issues);
      if (result.status === 'conflict') {
        return fail('conflict', result.message, { current: await globalView(caller) });
      }
      return globalView(caller);
    },
  ),
  'settings/project/get': resolver('settings/project/get', [PROJECT_ADMIN], (caller) =>
    projectView(caller),
  ),
  'settings/global/people': resolver('settings/global/people', [JIRA_ADMIN], (caller, payload) =>
    findPeople(caller, payload.query),
  ),
  'settings/project/people': resolver(
    'settings/project/people',
    [PROJECT_ADMIN],
    (caller, payload) => findPeople(caller, payload.query),
  ),
  'settings/project/boards': resolver('settings/project/boards', [PROJECT_ADMIN], (caller) =>
    boardsOfProject(caller),
  ),
  'settings/project/jpd-spaces': resolver(
    'settings/project/jpd-spaces',
    [PROJECT_ADMIN],
    (caller) => jpdSpacesOf(caller),
  ),
  'settings/project/save': resolver(
    'settings/project/save',
    [PROJECT_ADMIN],
    async (caller, payload) => {
      const project = projectOf(caller);
      await checkLeads(caller, 'override', payload.override.feasibility ?? {});
      await checkProjectBoard(caller, payload.override.board);
      await checkProjectSpaces(caller, payload.override.jpd);
      const result = await saveProjectConfig({
        projectKey: project.key,
        projectId: project.id,
        override: payload.override,
        expectedVersion: payload.expectedVersion,
        accountId: caller.accountId,
        now: caller.now,
      });
      if (result.status === 'invalid') return refuseInvalid('override', result.issues);
      if (result.status === 'conflict') {
        return fail('conflict', result.message, { current: await projectView(caller) });
      }
      return projectView(caller);
    },
  ),
};
