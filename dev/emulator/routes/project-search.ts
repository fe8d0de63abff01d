import type { EmRequest, EmResponse, JiraEmulator, RouteGroup } from '../jira-emulator';
import type { EmProject } from '../model';

/**
 * GET /rest/api/3/project/search ("Get projects paginated"), as the contract and Atlassian's page
 * "Projects" of the REST API v3 (developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-projects/)
 * document it: "a paginated list of projects visible to the user", ordered by key.
 * - `action`: `view` (default: Browse projects or Administer projects), `browse` (Browse projects
 *   only), `edit` (Administer projects), `create` (Create issues).
 * - `query`: projects whose key or name contains it, case-insensitive.
 * - `typeKey`: comma-separated project type keys. The parameter's text lists business,
 *   service_desk and software; the same description's project type enum adds `product_discovery`,
 *   which Jira Product Discovery spaces have (docs/jpd.md). Other values match no project.
 * - `keys`: repeated, up to 50. `startAt`/`maxResults` page it (default 50; above 100 reads 100).
 */

const TYPE_KEYS = new Set(['business', 'service_desk', 'software', 'product_discovery']);
const ACTIONS = new Set(['view', 'browse', 'edit', 'create']);

function errors(status: number, message: string): EmResponse {
  return { status, body: { errorMessages: [message], errors: {} } };
}

function mayView(em: JiraEmulator, req: EmRequest, project: EmProject, action: string): boolean {
  const browse = em.can(req, project.id, 'BROWSE_PROJECTS');
  const admin = em.can(req, project.id, 'ADMINISTER_PROJECTS');
  if (action === 'browse') return browse;
  if (action === 'edit') return admin;
  if (action === 'create') return em.can(req, project.id, 'CREATE_ISSUES');
  return browse || admin;
}

/** A project as Jira answers it, in a search page and for GET /rest/api/3/project/{key}. */
export function projectBean(em: JiraEmulator, p: EmProject): Record<string, unknown> {
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

/** What the query asks for, or the 400 Jira answers. */
function filtersOf(req: EmRequest) {
  const startAt = Number(req.query.get('startAt') ?? 0);
  const asked = Number(req.query.get('maxResults') ?? 50);
  if (!Number.isInteger(startAt) || startAt < 0 || !Number.isInteger(asked) || asked < 0) {
    return errors(400, 'startAt and maxResults must be non-negative integers.');
  }
  const action = req.query.get('action') ?? 'view';
  if (!ACTIONS.has(action)) return errors(400, `Invalid action: ${action}`);
  const keys = req.query.getAll('keys');
  if (keys.length > 50) return errors(400, 'Up to 50 project keys can be provided.');
  const types = (req.query.get('typeKey') ?? '')
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t.length > 0);
  const query = (req.query.get('query') ?? '').toLowerCase();
  return { startAt, maxResults: Math.min(asked, 100), action, keys, types, query };
}

function searchProjects(em: JiraEmulator, req: EmRequest): EmResponse {
  const f = filtersOf(req);
  if ('status' in f) return f;
  const matching = [...em.projects.values()]
    .filter(
      (p) =>
        f.types.length === 0 ||
        f.types.some((t) => TYPE_KEYS.has(t) && t === (p.typeKey ?? 'software')),
    )
    .filter((p) => f.keys.length === 0 || f.keys.includes(p.key))
    .filter((p) => `${p.key}\n${p.name}`.toLowerCase().includes(f.query))
    .filter((p) => mayView(em, req, p, f.action))
    .sort((a, b) => a.key.localeCompare(b.key));
  const page = matching.slice(f.startAt, f.startAt + f.maxResults);
  return {
    status: 200,
    body: {
      self: `${em.baseUrl}/rest/api/3/project/search?startAt=${f.startAt}&maxResults=${f.maxResults}`,
      startAt: f.startAt,
      maxResults: f.maxResults,
      total: matching.length,
      isLast: f.startAt + page.length >= matching.length,
      values: page.map((p) => projectBean(em, p)),
    },
  };
}

export const projectSearchRoutes: RouteGroup = (em) => ({
  searchProjects: (req) => searchProjects(em, req),
});
