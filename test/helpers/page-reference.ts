import { DEMO_USERS } from '../../dev/emulator/demo-project';
import type { JiraEmulator } from '../../dev/emulator/jira-emulator';
import { jiraAsUser } from '../../src/jira/jira-gateway';
import { loadProjectData } from '../../src/project-page/load-project';
import { readIssuesInPages } from '../../src/jira/search';
import type { ProjectOverview } from '../../src/contract/project-overview';
import { buildOverview, type OverviewInput } from '../../src/project-page/build-overview';
import { callResolver, inInvocation } from './invoke';

/** The project page as a member opens it (`project/overview`, as Forge invokes it). */
export async function loadPage(em: JiraEmulator, projectKey: string): Promise<ProjectOverview> {
  const project = em.projectByKey(projectKey);
  const result = await callResolver<ProjectOverview>(
    em,
    'project/overview',
    DEMO_USERS.member,
    {},
    { extension: { project: { id: project.id, key: project.key } } },
  );
  if (!result.ok) throw new Error(`project/overview failed: ${JSON.stringify(result.error)}`);
  return result.data;
}

/**
 * The project page from every open item, read the plain way (the reference the targeted reads
 * are checked against), as one invocation of the resolver that would run it.
 */
export function referencePage(
  em: JiraEmulator,
  projectKey: string,
  now: Date = new Date(),
): Promise<ProjectOverview> {
  return everyItemData(em, projectKey, now).then(buildOverview);
}

/**
 * A page as the reference must match it: everything but runway's number, which may be a lower
 * bound (and the failure modes quoting it), the columns' JQL (the reference reads every item
 * instead of running the column queries) and when it was made.
 */
export function comparablePage(o: ProjectOverview) {
  const { level, verdict, velocity, velocitySprints, unit, target } = o.signals.runway;
  const runway = { level, verdict, velocity, velocitySprints, unit, target };
  const paralysis = { ...o.signals.paralysis, runwaySprints: null, reason: '' };
  const buildTrap = { ...o.signals.buildTrap, runwaySprints: null, reason: '' };
  return {
    ...o,
    columnJql: null,
    generatedAt: '',
    signals: { ...o.signals, runway, paralysis, buildTrap },
  };
}

/** What the page is built from, read the plain way (every open item), as one invocation. */
export function everyItemData(
  em: JiraEmulator,
  projectKey: string,
  now: Date = new Date(),
): Promise<OverviewInput> {
  const project = em.projectByKey(projectKey);
  return inInvocation(
    em,
    'resolver',
    'every item',
    () =>
      loadProjectData({
        jira: jiraAsUser(DEMO_USERS.member),
        project: { id: project.id, key: project.key },
        now,
        readEverything: readIssuesInPages,
      }),
    { as: DEMO_USERS.member },
  );
}

/** The keys a JQL search finds for the demo member, every page read, as one invocation. */
export function keysFound(em: JiraEmulator, jql: string): Promise<string[]> {
  return inInvocation(
    em,
    'resolver',
    `search: ${jql}`,
    async () => {
      const keys: string[] = [];
      await readIssuesInPages(jiraAsUser(DEMO_USERS.member), jql, ['key'], (issues) =>
        keys.push(...issues.map((i) => i.key)),
      );
      return keys;
    },
    { as: DEMO_USERS.member },
  );
}

/** The JQL a recorded Jira request sent ('' for one without). */
export const jqlOf = (c: { body?: unknown }): string => {
  const jql = (c.body as { jql?: unknown } | undefined)?.jql;
  return typeof jql === 'string' ? jql : '';
};

/** How many issues Jira returned over the recorded requests. */
export const returnedIssuesOf = (em: JiraEmulator): number =>
  em.jiraCalls().reduce((n, c) => n + c.returnedIssues, 0);
