import type { RollupRow, RollupView } from '../contract/surfaces-view';
import type { ProjectOverview } from '../contract/project-overview';
import { isJiraError } from '../jira/errors';
import type { JiraGateway } from '../jira/jira-gateway';
import { getProject } from '../jira/projects';
import { listAudit } from '../storage/audit-store';
import { readProjectContext } from '../storage/project-context';
import { sharedProjectOverview } from './shared-overview';

/**
 * The dashboard gadget's roll-up: for each picked project, its runway, capacity, build-trap and
 * paralysis signals and the guard's interventions in the active sprint, as the viewer may see
 * them. Each project is read as the viewer (Jira answers 404 alike for a project that does not
 * exist and one they may not browse: both are `no-access`), and its page comes from the shared
 * short-lived overview when one fits the viewer (src/project-page/shared-overview.ts).
 */

/** What the guard did to the sprint's items (a validator's refusal is audited without a sprint). */
const INTERVENTIONS = new Set(['moved-back', 'flagged']);

/** Guard interventions recorded for the active sprint, among the newest 100 audit entries. */
async function interventionsOf(overview: ProjectOverview): Promise<RollupRow & { state: 'ok' }> {
  const sprint = overview.activeSprint;
  const s = overview.signals;
  let count = 0;
  if (sprint) {
    const page = await listAudit(overview.project.key, undefined, 100);
    count = page.entries.filter(
      (e) => INTERVENTIONS.has(e.action) && e.sprintId === sprint.id,
    ).length;
  }
  return {
    key: overview.project.key,
    state: 'ok',
    name: overview.project.name,
    runway: {
      level: s.runway.level,
      sprints: s.runway.sprints,
      verdict: s.runway.verdict,
      reason: s.runway.reason,
    },
    capacity: {
      level: s.capacity.level,
      discoveryPercent: s.capacity.discoveryPercent,
      reason: s.capacity.reason,
    },
    buildTrap: { level: s.buildTrap.level, reason: s.buildTrap.reason },
    paralysis: { level: s.paralysis.level, reason: s.paralysis.reason },
    interventions: { sprint: sprint?.name ?? null, count },
  };
}

async function rowOf(jira: JiraGateway, key: string, now: Date): Promise<RollupRow> {
  let project;
  try {
    project = await getProject(jira, key);
  } catch (error) {
    if (isJiraError(error) && (error.kind === 'not-found' || error.kind === 'forbidden')) {
      return { key, state: 'no-access' };
    }
    throw error;
  }
  const context = await readProjectContext(project.key);
  if (!context.mapping || context.mapping.projectId !== project.id) {
    return { key: project.key, state: 'not-set-up', name: project.name };
  }
  // Browse projects is established above: Jira answers GET project to the viewer only with it
  // (the operation's "Permissions required"), so the overview needs no check of its own.
  const overview = await sharedProjectOverview(
    { jira, project: { id: project.id, key: project.key }, now },
    () => Promise.resolve(),
  );
  return interventionsOf(overview);
}

export async function projectRollup(
  jira: JiraGateway,
  projectKeys: readonly string[],
  now: Date,
): Promise<RollupView> {
  const projects: RollupRow[] = [];
  for (const key of [...new Set(projectKeys)]) projects.push(await rowOf(jira, key, now));
  return { projects };
}
