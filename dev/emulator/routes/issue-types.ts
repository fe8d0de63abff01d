import type { EmRequest, EmResponse, JiraEmulator, RouteGroup } from '../jira-emulator';
import type { EmIssueType, EmProject } from '../model';

/**
 * Issue types and issue type schemes, as Jira Cloud documents them:
 * - GET  /rest/api/3/issuetype: all types for a Jira admin, otherwise the types of the projects
 *   the caller can browse;
 * - POST /rest/api/3/issuetype: Administer Jira; unique name (409); the new type joins the
 *   default issue type scheme ("the list of global issue types");
 * - GET  /rest/api/3/issuetype/project: a company-managed project's scheme types, or a
 *   team-managed project's own types (scope PROJECT);
 * - GET  /rest/api/3/issuetypescheme/project: Administer Jira; schemes of classic projects only;
 * - PUT  /rest/api/3/issuetypescheme/{id}/issuetype: Administer Jira; appends global types,
 *   refusing the whole call if any is already in the scheme.
 *
 * The state lives here, per emulator: schemes, which project uses which scheme, and which types
 * belong to a team-managed project. Types themselves stay in `em.issueTypes`.
 */

export interface EmIssueTypeScheme {
  id: string;
  name: string;
  description: string;
  /** Explicit members; the default scheme's members are all global types instead. */
  issueTypeIds: string[];
}

export const DEFAULT_SCHEME_ID = '10000';
const MAX_NAME_LENGTH = 60;

export class IssueTypeSite {
  /** Whether the Forge app user holds Administer Jira (asApp calls). */
  appIsJiraAdmin = true;
  readonly schemes = new Map<string, EmIssueTypeScheme>();
  /** projectId -> scheme id; company-managed projects not listed use the default scheme. */
  readonly projectScheme = new Map<string, string>();
  /** issueTypeId -> projectId, for team-managed projects' own types. */
  readonly scopedTypes = new Map<string, string>();
  private nextSchemeId = 10100;

  constructor(private readonly em: JiraEmulator) {
    this.schemes.set(DEFAULT_SCHEME_ID, {
      id: DEFAULT_SCHEME_ID,
      name: 'Default Issue Type Scheme',
      description:
        'Default issue type scheme is the list of global issue types. All newly created issue types will automatically be added to this scheme.',
      issueTypeIds: [],
    });
  }

  /** A project-specific scheme with the named global types, used by the named projects. */
  addScheme(s: { name: string; typeNames: readonly string[]; projectKeys: readonly string[] }) {
    const scheme: EmIssueTypeScheme = {
      id: String(this.nextSchemeId++),
      name: s.name,
      description: '',
      issueTypeIds: s.typeNames.map((name) => {
        const type = this.globalTypes().find((t) => t.name === name);
        if (!type) throw new Error(`Emulator: no global issue type "${name}"`);
        return type.id;
      }),
    };
    this.schemes.set(scheme.id, scheme);
    for (const key of s.projectKeys) {
      const project = this.em.projectByKey(key);
      if (project.style !== 'classic') {
        throw new Error(`Emulator: ${key} is team-managed and has no issue type scheme`);
      }
      this.projectScheme.set(project.id, scheme.id);
    }
    return scheme;
  }

  /** A team-managed project's own issue type. */
  addProjectType(projectKey: string, t: { name: string; hierarchyLevel?: number }): EmIssueType {
    const project = this.em.projectByKey(projectKey);
    if (project.style !== 'next-gen') throw new Error(`Emulator: ${projectKey} is company-managed`);
    const type = this.em.addIssueType({ name: t.name, hierarchyLevel: t.hierarchyLevel ?? 0 });
    type.subtask = type.hierarchyLevel === -1;
    this.scopedTypes.set(type.id, project.id);
    return type;
  }

  globalTypes(): EmIssueType[] {
    return [...this.em.issueTypes.values()].filter((t) => !this.scopedTypes.has(t.id));
  }

  schemeOf(project: EmProject): EmIssueTypeScheme | undefined {
    if (project.style !== 'classic') return undefined;
    return this.schemes.get(this.projectScheme.get(project.id) ?? DEFAULT_SCHEME_ID);
  }

  schemeTypeIds(scheme: EmIssueTypeScheme): string[] {
    return scheme.id === DEFAULT_SCHEME_ID
      ? this.globalTypes().map((t) => t.id)
      : [...scheme.issueTypeIds];
  }

  /** The types a project offers: its scheme's, or (team-managed) its own. */
  typesOf(project: EmProject): EmIssueType[] {
    if (project.style === 'next-gen') {
      return [...this.em.issueTypes.values()].filter(
        (t) => this.scopedTypes.get(t.id) === project.id,
      );
    }
    const scheme = this.schemeOf(project);
    if (!scheme) return [];
    return this.schemeTypeIds(scheme)
      .map((id) => this.em.issueTypes.get(id))
      .filter((t): t is EmIssueType => t !== undefined);
  }

  isJiraAdmin(req: EmRequest): boolean {
    if (req.provider === 'app') return this.appIsJiraAdmin;
    const user = req.accountId ? this.em.users.get(req.accountId) : undefined;
    return user?.siteAdmin ?? false;
  }

  details(type: EmIssueType): Record<string, unknown> {
    const scopeProjectId = this.scopedTypes.get(type.id);
    return {
      self: `${this.em.baseUrl}/rest/api/3/issuetype/${type.id}`,
      id: type.id,
      description: type.description,
      iconUrl: `${this.em.baseUrl}/rest/api/2/universal_avatar/view/type/issuetype/avatar/10318?size=medium`,
      name: type.name,
      subtask: type.subtask,
      avatarId: 10318,
      hierarchyLevel: type.hierarchyLevel,
      ...(scopeProjectId === undefined
        ? {}
        : {
            entityId: `00000000-0000-4000-8000-${type.id.padStart(12, '0')}`,
            scope: { type: 'PROJECT', project: { id: scopeProjectId } },
          }),
    };
  }
}

const sites = new WeakMap<JiraEmulator, IssueTypeSite>();

/** The issue type state of an emulated site (created on first use). */
export function issueTypeSite(em: JiraEmulator): IssueTypeSite {
  let site = sites.get(em);
  if (!site) {
    site = new IssueTypeSite(em);
    sites.set(em, site);
  }
  return site;
}

function errors(status: number, messages: string[], fieldErrors: Record<string, string> = {}) {
  return { status, body: { errorMessages: messages, errors: fieldErrors } };
}

const NOT_ADMIN_SCHEMES = 'Only Jira administrators can access issue type schemes.';

function getAllTypes(em: JiraEmulator, req: EmRequest): EmResponse {
  const site = issueTypeSite(em);
  let types: EmIssueType[];
  if (site.isJiraAdmin(req)) {
    types = [...em.issueTypes.values()];
  } else {
    const visible = new Map<string, EmIssueType>();
    for (const project of em.projects.values()) {
      if (!em.can(req, project.id, 'BROWSE_PROJECTS')) continue;
      for (const t of site.typesOf(project)) visible.set(t.id, t);
    }
    types = [...visible.values()];
  }
  return { status: 200, body: types.map((t) => site.details(t)) };
}

function createType(em: JiraEmulator, req: EmRequest): EmResponse {
  const site = issueTypeSite(em);
  if (!site.isJiraAdmin(req)) {
    return errors(403, ['You do not have permission to create issue types.']);
  }
  const body = req.body as {
    name: string;
    description?: string;
    hierarchyLevel?: number;
    type?: string;
  };
  const name = body.name.trim();
  if (name.length === 0) return errors(400, [], { name: 'You must specify a valid name.' });
  if (name.length > MAX_NAME_LENGTH) {
    return errors(400, [], {
      name: `The issue type name must not exceed ${MAX_NAME_LENGTH} characters.`,
    });
  }
  const level = body.hierarchyLevel ?? (body.type === 'subtask' ? -1 : 0);
  if (level !== 0 && level !== -1) {
    return errors(400, [], { hierarchyLevel: 'The hierarchy level must be -1 or 0.' });
  }
  const taken = site.globalTypes().some((t) => t.name.trim().toLowerCase() === name.toLowerCase());
  if (taken) return errors(409, [], { name: 'An issue type with this name already exists.' });
  const type = em.addIssueType({
    name,
    description: body.description ?? '',
    hierarchyLevel: level,
  });
  type.subtask = level === -1;
  return { status: 201, body: site.details(type) };
}

function typesForProject(em: JiraEmulator, req: EmRequest): EmResponse {
  const site = issueTypeSite(em);
  const projectId = req.query.get('projectId') ?? '';
  const project = em.projects.get(projectId);
  if (!project || !(em.can(req, project.id, 'BROWSE_PROJECTS') || site.isJiraAdmin(req))) {
    return errors(404, [`No project could be found with id '${projectId}'.`]);
  }
  const level = req.query.get('level');
  const types = site
    .typesOf(project)
    .filter((t) => level === null || t.hierarchyLevel === Number(level));
  return { status: 200, body: types.map((t) => site.details(t)) };
}

function schemesForProjects(em: JiraEmulator, req: EmRequest): EmResponse {
  const site = issueTypeSite(em);
  if (!site.isJiraAdmin(req)) return errors(403, [NOT_ADMIN_SCHEMES]);
  const startAt = Number(req.query.get('startAt') ?? '0');
  const maxResults = Number(req.query.get('maxResults') ?? '50');
  const ids = new Set(req.query.getAll('projectId').flatMap((v) => v.split(',')));
  const bySchemeId = new Map<string, string[]>();
  for (const project of em.projects.values()) {
    if (!ids.has(project.id)) continue;
    const scheme = site.schemeOf(project); // team-managed projects have none
    if (!scheme) continue;
    bySchemeId.set(scheme.id, [...(bySchemeId.get(scheme.id) ?? []), project.id]);
  }
  const all = [...bySchemeId.entries()].map(([schemeId, projectIds]) => {
    const scheme = site.schemes.get(schemeId);
    return {
      issueTypeScheme: {
        id: schemeId,
        name: scheme?.name ?? '',
        description: scheme?.description ?? '',
        ...(schemeId === DEFAULT_SCHEME_ID ? { isDefault: true } : {}),
      },
      projectIds,
    };
  });
  const values = all.slice(startAt, startAt + maxResults);
  return {
    status: 200,
    body: {
      isLast: startAt + values.length >= all.length,
      maxResults,
      startAt,
      total: all.length,
      values,
    },
  };
}

function addToScheme(em: JiraEmulator, req: EmRequest): EmResponse {
  const site = issueTypeSite(em);
  if (!site.isJiraAdmin(req)) return errors(403, [NOT_ADMIN_SCHEMES]);
  const scheme = site.schemes.get(req.op.pathParams['issueTypeSchemeId'] ?? '');
  if (!scheme) return errors(404, ['The issue type scheme was not found.']);
  const ids = (req.body as { issueTypeIds: string[] }).issueTypeIds;
  // Only global types can join a scheme; a team-managed project's types are not found here.
  const unknown = ids.filter((id) => !em.issueTypes.has(id) || site.scopedTypes.has(id));
  if (unknown.length > 0) {
    return errors(404, [`These issue types were not found: ${unknown.join(', ')}`]);
  }
  const current = new Set(site.schemeTypeIds(scheme));
  const present = ids.filter((id) => current.has(id));
  if (present.length > 0) {
    return errors(400, [
      `These issue types were not added because they are already present in the issue type scheme: ${present.join(', ')}`,
    ]);
  }
  scheme.issueTypeIds.push(...ids);
  return { status: 204 };
}

export const issueTypeRoutes: RouteGroup = (em) => ({
  getIssueAllTypes: (req) => getAllTypes(em, req),
  createIssueType: (req) => createType(em, req),
  getIssueTypesForProject: (req) => typesForProject(em, req),
  getIssueTypeSchemeForProjects: (req) => schemesForProjects(em, req),
  addIssueTypesToIssueTypeScheme: (req) => addToScheme(em, req),
});
