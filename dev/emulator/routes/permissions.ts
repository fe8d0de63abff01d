import type { EmRequest, EmResponse, RouteGroup } from '../jira-emulator';
import type { JiraEmulator } from '../jira-emulator';
import type { ProjectPermission } from '../model';
import { projectBean } from './project-search';
import { userDetails } from './users';

/** GET /rest/api/3/mypermissions, GET /rest/api/3/myself, GET /rest/api/3/project/{key}. */

const KNOWN = new Set([
  'ADMINISTER',
  'BROWSE_PROJECTS',
  'EDIT_ISSUES',
  'CREATE_ISSUES',
  'TRANSITION_ISSUES',
  'ADD_COMMENTS',
  'SCHEDULE_ISSUES',
  'ADMINISTER_PROJECTS',
  'LINK_ISSUES',
]);

function errors(status: number, message: string): EmResponse {
  return { status, body: { errorMessages: [message], errors: {} } };
}

function myPermissions(em: JiraEmulator, req: EmRequest): EmResponse {
  const raw = req.query.get('permissions');
  if (!raw) return errors(400, 'The permissions query parameter is required.');
  const keys = raw
    .split(',')
    .map((k) => k.trim())
    .filter((k) => k.length > 0);
  const unknown = keys.filter((k) => !KNOWN.has(k));
  if (unknown.length > 0) return errors(400, `Unrecognized permission keys: ${unknown.join(', ')}`);

  let projectId: string | undefined;
  // Browse on an issue is seeing it (its security level included).
  let seen = true;
  const projectKey = req.query.get('projectKey') ?? req.query.get('projectId');
  const issueKey = req.query.get('issueKey') ?? req.query.get('issueId');
  if (projectKey) {
    const project = [...em.projects.values()].find(
      (p) => p.key === projectKey || p.id === projectKey,
    );
    if (!project) return errors(404, `No project could be found with key '${projectKey}'.`);
    projectId = project.id;
  } else if (issueKey) {
    const issue = em.findIssue(issueKey);
    if (!issue || (!em.canSeeIssue(req, issue) && em.unseenIssuePermissions === 'not-found')) {
      return errors(404, 'Issue does not exist or you do not have permission to see it.');
    }
    projectId = issue.projectId;
    seen = em.canSeeIssue(req, issue);
  }
  const user = req.accountId ? em.users.get(req.accountId) : undefined;
  const permissions: Record<string, unknown> = {};
  for (const key of keys) {
    let have: boolean;
    if (key === 'ADMINISTER') {
      have = req.provider === 'app' ? em.appHoldsAdminister : (user?.siteAdmin ?? false);
    } else if (projectId !== undefined) {
      have =
        em.can(req, projectId, key as ProjectPermission) && (key !== 'BROWSE_PROJECTS' || seen);
    } else {
      // Without a project or issue, Jira answers whether the permission is held in any project.
      have = [...em.projects.values()].some((p) => em.can(req, p.id, key as ProjectPermission));
    }
    permissions[key] = {
      id: String([...KNOWN].indexOf(key) + 1),
      key,
      name: key,
      type: key === 'ADMINISTER' ? 'GLOBAL' : 'PROJECT',
      description: key,
      havePermission: have,
    };
  }
  return { status: 200, body: { permissions } };
}

function myself(em: JiraEmulator, req: EmRequest): EmResponse {
  const user = req.accountId ? em.users.get(req.accountId) : undefined;
  if (!user) return errors(401, 'You are not authenticated.');
  return {
    status: 200,
    body: userDetails(em, user),
  };
}

function getProject(em: JiraEmulator, req: EmRequest): EmResponse {
  const idOrKey = req.op.pathParams['projectIdOrKey'] ?? '';
  const project = [...em.projects.values()].find((p) => p.key === idOrKey || p.id === idOrKey);
  if (!project || !em.can(req, project.id, 'BROWSE_PROJECTS')) {
    return errors(404, `No project could be found with key '${idOrKey}'.`);
  }
  return { status: 200, body: projectBean(em, project) };
}

export const permissionRoutes: RouteGroup = (em) => ({
  getMyPermissions: (req) => myPermissions(em, req),
  getCurrentUser: (req) => myself(em, req),
  getProject: (req) => getProject(em, req),
});
