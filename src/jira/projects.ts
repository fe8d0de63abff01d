import { route } from '@forge/api';
import { z } from 'zod';
import type { JiraGateway } from './jira-gateway';
import { ProjectPageSchema } from './discovery-spaces';
import type { TypeInfo } from '../domain/setup-plan';
import { JPD_PROJECT_TYPE } from '../domain/jpd';

/**
 * The Jira calls setup makes: project, issue types and issue type schemes. All go through the
 * gateway (acting as whoever the gateway acts for) and every answer is parsed here.
 */

export type ProjectStyle = 'classic' | 'next-gen';

const ProjectSchema = z
  .object({
    id: z.string(),
    key: z.string(),
    name: z.string().optional(),
    style: z.enum(['classic', 'next-gen']).optional(),
    simplified: z.boolean().optional(),
  })
  .passthrough();

export interface ProjectInfo {
  id: string;
  key: string;
  name: string;
  style: ProjectStyle;
}

const IssueTypeSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    hierarchyLevel: z.number().int().optional(),
    subtask: z.boolean().optional(),
    scope: z
      .object({
        type: z.string().optional(),
        project: z.object({ id: z.string().optional() }).passthrough().optional(),
      })
      .passthrough()
      .optional(),
  })
  .passthrough();

const SchemeProjectsPageSchema = z
  .object({
    values: z.array(
      z
        .object({
          issueTypeScheme: z
            .object({ id: z.string(), name: z.string(), isDefault: z.boolean().optional() })
            .passthrough(),
          projectIds: z.array(z.string()),
        })
        .passthrough(),
    ),
  })
  .passthrough();

export interface SchemeInfo {
  id: string;
  name: string;
  isDefault: boolean;
}

function toTypeInfo(t: z.infer<typeof IssueTypeSchema>): TypeInfo {
  return {
    id: t.id,
    name: t.name,
    // Older answers may carry only `subtask`; Jira's levels are -1 (subtask) and 0 (base) then.
    hierarchyLevel: t.hierarchyLevel ?? (t.subtask === true ? -1 : 0),
    scopeProjectId: t.scope?.project?.id,
  };
}

export async function getProject(jira: JiraGateway, projectIdOrKey: string): Promise<ProjectInfo> {
  const p = await jira.request(ProjectSchema, route`/rest/api/3/project/${projectIdOrKey}`);
  // `style` is documented as classic | next-gen; `simplified` says the same for older answers.
  const style: ProjectStyle = p.style ?? (p.simplified === true ? 'next-gen' : 'classic');
  return { id: p.id, key: p.key, name: p.name ?? p.key, style };
}

export type ProjectIssueType = z.infer<typeof IssueTypeSchema>;

/**
 * The project's issue types as Jira describes them: GET /rest/api/3/issuetype/project. For a
 * company-managed project these are exactly the types of its issue type scheme; for a
 * team-managed project, its own types.
 */
export async function projectIssueTypes(
  jira: JiraGateway,
  projectId: string,
): Promise<ProjectIssueType[]> {
  return jira.request(
    z.array(IssueTypeSchema),
    route`/rest/api/3/issuetype/project?projectId=${projectId}`,
  );
}

/** The project's issue types with their hierarchy level and scope (setup's view). */
export async function getProjectIssueTypes(
  jira: JiraGateway,
  projectId: string,
): Promise<TypeInfo[]> {
  return (await projectIssueTypes(jira, projectId)).map(toTypeInfo);
}

/** Every issue type the caller can see (all of them for a Jira admin). */
export async function getAllIssueTypes(jira: JiraGateway): Promise<TypeInfo[]> {
  const types = await jira.request(z.array(IssueTypeSchema), route`/rest/api/3/issuetype`);
  return types.map(toTypeInfo);
}

/** Creates a global base-level type; Jira adds it to the default issue type scheme. */
export async function createIssueType(
  jira: JiraGateway,
  spec: { name: string; description: string },
): Promise<TypeInfo> {
  const created = await jira.request(IssueTypeSchema, route`/rest/api/3/issuetype`, {
    method: 'POST',
    body: { name: spec.name, description: spec.description, hierarchyLevel: 0 },
  });
  return toTypeInfo(created);
}

/** The issue type scheme a company-managed project uses. */
export async function getProjectScheme(
  jira: JiraGateway,
  projectId: string,
): Promise<SchemeInfo | undefined> {
  const page = await jira.request(
    SchemeProjectsPageSchema,
    route`/rest/api/3/issuetypescheme/project?projectId=${projectId}`,
  );
  const entry = page.values.find((v) => v.projectIds.includes(projectId));
  if (!entry) return undefined;
  return {
    id: entry.issueTypeScheme.id,
    name: entry.issueTypeScheme.name,
    isDefault: entry.issueTypeScheme.isDefault === true,
  };
}

/** Appends types to a scheme. Jira refuses the whole call if any of them is already in it. */
export async function addTypesToScheme(
  jira: JiraGateway,
  schemeId: string,
  issueTypeIds: readonly string[],
): Promise<void> {
  await jira.request(z.unknown(), route`/rest/api/3/issuetypescheme/${schemeId}/issuetype`, {
    method: 'PUT',
    body: { issueTypeIds: [...issueTypeIds] },
  });
}

/** The project's name (used only when no board told us already): GET /rest/api/3/project/{key}. */
export async function projectName(jira: JiraGateway, projectKey: string): Promise<string> {
  return (await getProject(jira, projectKey)).name;
}

const ProjectStatusesSchema = z.array(
  z
    .object({
      statuses: z.array(
        z
          .object({
            id: z.string(),
            statusCategory: z.object({ key: z.string() }).passthrough().optional(),
          })
          .passthrough(),
      ),
    })
    .passthrough(),
);

/** The statuses of the project's issue types: GET /rest/api/3/project/{key}/statuses. */
export async function projectStatuses(
  jira: JiraGateway,
  projectKey: string,
): Promise<z.infer<typeof ProjectStatusesSchema>> {
  return jira.request(ProjectStatusesSchema, route`/rest/api/3/project/${projectKey}/statuses`);
}

/** A project a picker offers: Jira's key and name. */
export interface ProjectChoice {
  key: string;
  name: string;
}

/**
 * Projects whose key or name contains `query`, among those the gateway's caller may browse
 * (`GET /rest/api/3/project/search`, `action=browse`: Jira leaves the others out), by key; one
 * page of at most `max`. Product Discovery spaces are not offered.
 */
/** The project types `project/search` documents for `typeKey`: all but JPD spaces. */
const WORK_PROJECT_TYPES = 'business,service_desk,software';

export async function searchProjects(
  jira: JiraGateway,
  query: string,
  max: number,
): Promise<{ projects: ProjectChoice[]; more: boolean }> {
  // Every documented type but a Product Discovery space's (docs/jpd.md): its ideas show on the
  // page of the software project it is connected to, and a space has no board to roll up.
  const page = await jira.request(
    ProjectPageSchema,
    route`/rest/api/3/project/search?query=${query}&action=browse&typeKey=${WORK_PROJECT_TYPES}&orderBy=key&maxResults=${max}`,
  );
  return {
    projects: page.values
      .filter((p) => p.projectTypeKey !== JPD_PROJECT_TYPE)
      .map((p) => ({ key: p.key, name: p.name })),
    more: page.isLast === false,
  };
}
