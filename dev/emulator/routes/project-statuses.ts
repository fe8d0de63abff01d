import { STATUSES, STATUS_CATEGORY } from '../jira-emulator';
import type { EmRequest, EmResponse, JiraEmulator, RouteGroup } from '../jira-emulator';
import { issueTypeSite } from './issue-types';

/**
 * GET /rest/api/3/project/{projectIdOrKey}/statuses (getAllStatuses): the statuses each issue
 * type of the project can be in, with their categories. The emulator has one workflow, so every
 * type lists the site's statuses. A project the caller cannot browse is 404, as in Jira.
 */
function allStatuses(em: JiraEmulator, req: EmRequest): EmResponse {
  const idOrKey = req.op.pathParams['projectIdOrKey'] ?? '';
  const project = [...em.projects.values()].find((p) => p.key === idOrKey || p.id === idOrKey);
  if (!project || !em.can(req, project.id, 'BROWSE_PROJECTS')) {
    return {
      status: 404,
      body: { errorMessages: [`No project could be found with key '${idOrKey}'.`], errors: {} },
    };
  }
  const statuses = STATUSES.map((s) => ({
    self: `${em.baseUrl}/rest/api/3/status/${s.id}`,
    id: s.id,
    name: s.name,
    description: '',
    iconUrl: `${em.baseUrl}/images/icons/statuses/generic.png`,
    statusCategory: {
      self: `${em.baseUrl}/rest/api/3/statuscategory/${STATUS_CATEGORY[s.category].id}`,
      ...STATUS_CATEGORY[s.category],
    },
  }));
  const body = issueTypeSite(em)
    .typesOf(project)
    .map((t) => ({
      self: `${em.baseUrl}/rest/api/3/issuetype/${t.id}`,
      id: t.id,
      name: t.name,
      subtask: t.subtask,
      statuses,
    }));
  return { status: 200, body };
}

export const projectStatusRoutes: RouteGroup = (em) => ({
  getAllStatuses: (req) => allStatuses(em, req),
});
