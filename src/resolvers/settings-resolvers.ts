import type { z } from 'zod';
import { DEFAULT_CONFIG } from '../domain/config';
import { settingsChanges } from '../domain/config-changes';
import type {
  GlobalSettingsView,
  ProjectSettingsView,
  SettingsRevision,
} from '../shared/settings-view';
import {
  configHistory,
  readGlobalConfig,
  readProjectConfig,
  saveGlobalConfig,
  saveProjectConfig,
  type GlobalRecord,
  type ProjectRecord,
} from '../storage/config-store';
import type { ResolverGroup } from './index';
import { fail, projectOf, resolver, type Caller, type Requirement } from './resolver-kit';

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
 * still kept (or it is the first), so every entry is complete.
 */
function historyOf<R extends GlobalRecord | ProjectRecord>(
  revisions: readonly R[],
  valuesOf: (record: R) => unknown,
  initial: unknown,
  caller: Caller,
): SettingsRevision[] {
  const out: SettingsRevision[] = [];
  revisions.forEach((rev, i) => {
    const previous = revisions[i + 1];
    const before =
      previous && previous.version === rev.version - 1
        ? valuesOf(previous)
        : rev.version === 1
          ? initial
          : undefined;
    if (before === undefined) return;
    out.push({
      version: rev.version,
      at: rev.updatedAt,
      by: rev.updatedBy,
      byYou: rev.updatedBy === caller.accountId,
      changes: settingsChanges(before, valuesOf(rev)),
    });
  });
  return out;
}

const isGlobal = (r: GlobalRecord | ProjectRecord): r is GlobalRecord => 'settings' in r;
const isProject = (r: GlobalRecord | ProjectRecord): r is ProjectRecord => 'override' in r;

async function globalView(caller: Caller): Promise<GlobalSettingsView> {
  const [record, revisions] = await Promise.all([
    readGlobalConfig(),
    configHistory({ kind: 'global' }),
  ]);
  return {
    version: record?.version ?? 0,
    settings: record?.settings ?? DEFAULT_CONFIG,
    defaults: DEFAULT_CONFIG,
    history: historyOf(revisions.filter(isGlobal), (r) => r.settings, DEFAULT_CONFIG, caller),
  };
}

async function projectView(caller: Caller): Promise<ProjectSettingsView> {
  const project = projectOf(caller);
  const [record, global, revisions] = await Promise.all([
    readProjectConfig(project.key),
    readGlobalConfig(),
    configHistory({ kind: 'project', projectKey: project.key }),
  ]);
  return {
    project: { id: project.id, key: project.key },
    version: record?.version ?? 0,
    override: record?.override ?? {},
    inherited: global?.settings ?? DEFAULT_CONFIG,
    history: historyOf(revisions.filter(isProject), (r) => r.override, {}, caller),
  };
}

/** Refuses with the problems by payload path (`settings.runway.pauseAtSprints`), for the form. */
function refuseInvalid(root: 'settings' | 'override', issues: readonly z.core.$ZodIssue[]): never {
  const fields = issues.map((i) => ({
    path: [root, ...i.path.map(String)].join('.'),
    message: i.message,
  }));
  return fail(
    'invalid-input',
    fields.map((f) => `${f.path}: ${f.message}`).join('; ') || 'The settings are not valid.',
    { fields },
  );
}

export const settingsResolvers: ResolverGroup = {
  'settings/global/get': resolver('settings/global/get', [JIRA_ADMIN], (caller) =>
    globalView(caller),
  ),
  'settings/global/save': resolver(
    'settings/global/save',
    [JIRA_ADMIN],
    async (caller, payload) => {
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
  'settings/project/save': resolver(
    'settings/project/save',
    [PROJECT_ADMIN],
    async (caller, payload) => {
      const project = projectOf(caller);
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
