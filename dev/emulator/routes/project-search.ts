import type { EmRequest, EmResponse, JiraEmulator, RouteGroup } from '../jira-emulator';
import type { EmProject } from '../model';

/**
 * GET /rest/api/3/project/search ("Get projects paginated"): the projects the caller may view
 * (Browse projects or Administer projects on the project, or Administer Jira), ordered by key,
 * paged with startAt/maxResults (default 50, at most 100 here as in Jira's answers).
 * - `typeKey`: a comma-separated list of project type keys. The parameter's text lists business,
 *   service_desk and software; the same description's project type enum (getProjectTypeByKey,
 *   createProject's projectTypeKey) adds `product_discovery`, which Jira Product Discovery spaces
 *   have (docs/jpd.md). Other values match no project.
 * - `keys`: repeated parameter, up to 50 keys.
 * - `action`: `view` (default) or `browse` (Browse projects only); `edit` needs Administer projects.
 */

const TYPE_KEYS = new Set(['business', 'service_desk', 'software', 'product_discovery']);

function mayView(em: JiraEmulator, req: EmRequest, project: EmProject, action: string): boolean {
  if (action === 'edit') return em.can(req, project.id, 'ADMINISTER_PROJECTS');
  if (em.can(req, project.id, 'BROWSE_PROJECTS')) return true;
  return action === 'view' && em.can(req, project.id, 'ADMINISTER_PROJECTS');
}

function bean(em: JiraEmulator, p: EmProject): Record<string, unknown> {
  return {
    self: `${em.baseUrl}/rest/api/3/project/${p.id}`,
    id: p.id,
    key: p.key,
    name: p.name,
    projectTypeKey: p.typeKey ?? 'software',
    simplified: p.style === 'next-gen',
    style: p.style,
    isPrivate: false,
  };
}

function searchProjects(em: JiraEmulator, req: EmRequest): EmResponse {
  const types = (req.query.get('typeKey') ?? '')
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t.length > 0);
  const keys = req.query.getAll('keys');
  if (keys.length > 50) {
    return { status: 400, body: { errorMessages: ['Up to 50 project keys can be provided.'] } };
  }
  const action = req.query.get('action') ?? 'view';
  const startAt = Number(req.query.get('startAt') ?? '0');
  const maxResults = Math.min(Number(req.query.get('maxResults') ?? '50'), 100);
  const matching = [...em.projects.values()]
    .filter(
      (p) =>
        types.length === 0 ||
        types.some((t) => TYPE_KEYS.has(t) && t === (p.typeKey ?? 'software')),
    )
    .filter((p) => keys.length === 0 || keys.includes(p.key))
    .filter((p) => mayView(em, req, p, action))
    .sort((a, b) => a.key.localeCompare(b.key));
  const page = matching.slice(startAt, startAt + maxResults);
  return {
    status: 200,
    body: {
      self: `${em.baseUrl}/rest/api/3/project/search`,
      startAt,
      maxResults,
      total: matching.length,
      isLast: startAt + page.length >= matching.length,
      values: page.map((p) => bean(em, p)),
    },
  };
}

export const projectSearchRoutes: RouteGroup = (em) => ({
  searchProjects: (req) => searchProjects(em, req),
});
