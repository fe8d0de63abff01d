import type { EmRequest, EmResponse, JiraEmulator, RouteGroup } from '../jira-emulator';
import type { EmProject } from '../model';

/**
 * GET /rest/api/3/project/search (searchProjects), as the contract and Atlassian's page "Projects"
 * of the REST API v3 (developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-projects/)
 * document it: "a paginated list of projects visible to the user", those where the caller has
 * Browse projects or Administer projects (`action=view`, the default), or only Browse (`browse`),
 * only Administer projects (`edit`) or Create issues (`create`); `query` keeps projects whose key
 * or name contains it, case-insensitive; `maxResults` above 100 becomes 100; ordered by key.
 * Anonymous callers see no project here (the emulator's projects are not public).
 */

function errors(status: number, message: string): EmResponse {
  return { status, body: { errorMessages: [message], errors: {} } };
}

const ACTIONS = new Set(['view', 'browse', 'edit', 'create']);

function visible(em: JiraEmulator, req: EmRequest, p: EmProject, action: string): boolean {
  const browse = em.can(req, p.id, 'BROWSE_PROJECTS');
  const admin = em.can(req, p.id, 'ADMINISTER_PROJECTS');
  if (action === 'browse') return browse;
  if (action === 'edit') return admin;
  if (action === 'create') return em.can(req, p.id, 'CREATE_ISSUES');
  return browse || admin;
}

function searchProjects(em: JiraEmulator, req: EmRequest): EmResponse {
  const startAt = Number(req.query.get('startAt') ?? 0);
  const asked = Number(req.query.get('maxResults') ?? 50);
  if (!Number.isInteger(startAt) || startAt < 0 || !Number.isInteger(asked) || asked < 0) {
    return errors(400, 'startAt and maxResults must be non-negative integers.');
  }
  const action = req.query.get('action') ?? 'view';
  if (!ACTIONS.has(action)) return errors(400, `Invalid action: ${action}`);
  const maxResults = Math.min(asked, 100);
  const query = (req.query.get('query') ?? '').toLowerCase();
  const matches = [...em.projects.values()]
    .filter((p) => visible(em, req, p, action))
    .filter((p) => `${p.key}\n${p.name}`.toLowerCase().includes(query))
    .sort((a, b) => a.key.localeCompare(b.key));
  const values = matches.slice(startAt, startAt + maxResults).map((p) => ({
    self: `${em.baseUrl}/rest/api/3/project/${p.id}`,
    id: p.id,
    key: p.key,
    name: p.name,
    projectTypeKey: 'software',
    simplified: p.style === 'next-gen',
    style: p.style,
    isPrivate: false,
  }));
  return {
    status: 200,
    body: {
      self: `${em.baseUrl}/rest/api/3/project/search?startAt=${startAt}&maxResults=${maxResults}`,
      maxResults,
      startAt,
      total: matches.length,
      isLast: startAt + values.length >= matches.length,
      values,
    },
  };
}

export const projectSearchRoutes: RouteGroup = (em) => ({
  searchProjects: (req) => searchProjects(em, req),
});
