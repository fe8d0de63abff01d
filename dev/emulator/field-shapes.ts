import { z } from 'zod';
import { appFieldValueProblem } from './app-field-values';
import type { JiraEmulator } from './jira-emulator';
import { FORGE_FIELD_PREFIX, SPRINT_FIELD_CUSTOM, type EmField } from './model';

/**
 * Shapes of IssueBean field values and of the three Agile answers the OpenAPI gives only as
 * examples, from Atlassian's schemas and examples (PLATFORM = jira-platform.openapi.json,
 * SOFTWARE = jira-software.openapi.json; sources per shape below and in
 * docs/emulator-refusals.md). The emulator checks every IssueBean it returns against them, so a
 * seed or route that drifts from Jira's shapes is a recorded violation, not a passing test.
 */

/** Jira's datetime form in issue fields, e.g. "2021-01-17T12:34:00.000+0000" (OpenAPI examples). */
const JiraDateTime = z.string().regex(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d{4}$/);
/** Agile sprint dates, e.g. "2015-04-11T15:22:00.000+10:00" (jira-software examples). */
const AgileDateTime = z.string().datetime({ offset: true });

/** StatusCategory (PLATFORM components/schemas/StatusCategory). */
const StatusCategory = z
  .object({
    id: z.number().int(),
    key: z.enum(['new', 'indeterminate', 'done', 'undefined']),
    name: z.string(),
    colorName: z.string(),
    self: z.string().url().optional(),
  })
  .strict();

/** StatusDetails (PLATFORM components/schemas/StatusDetails): `fields.status`. */
export const StatusShape = z
  .object({
    self: z.string().url(),
    id: z.string(),
    name: z.string(),
    statusCategory: StatusCategory,
    description: z.string().optional(),
    iconUrl: z.string().optional(),
  })
  .strict();

/** IssueTypeDetails (PLATFORM components/schemas/IssueTypeDetails): `fields.issuetype`. */
export const IssueTypeShape = z
  .object({
    self: z.string().url(),
    id: z.string(),
    name: z.string(),
    description: z.string(),
    subtask: z.boolean(),
    hierarchyLevel: z.number().int(),
    iconUrl: z.string().optional(),
    avatarId: z.number().int().optional(),
    entityId: z.string().optional(),
  })
  .strict();

/** Project as `fields.project` shows it (PLATFORM example of GET issue; ProjectDetails). */
export const ProjectShape = z
  .object({
    self: z.string().url(),
    id: z.string(),
    key: z.string(),
    name: z.string(),
    projectTypeKey: z.string(),
    simplified: z.boolean(),
    avatarUrls: z.record(z.string(), z.string()).optional(),
  })
  .strict();

/** LinkedIssue (PLATFORM components/schemas/LinkedIssue) inside an issue link. */
const LinkedIssue = z
  .object({
    id: z.string(),
    key: z.string(),
    self: z.string().url(),
    fields: z
      .object({ summary: z.string(), status: StatusShape, issuetype: IssueTypeShape })
      .partial()
      .strict(),
  })
  .strict();

/** IssueLink (PLATFORM components/schemas/IssueLink): one entry of `fields.issuelinks`. */
export const IssueLinkShape = z
  .object({
    id: z.string(),
    self: z.string().url(),
    type: z
      .object({
        id: z.string(),
        name: z.string(),
        inward: z.string(),
        outward: z.string(),
        self: z.string().url(),
      })
      .strict(),
    inwardIssue: LinkedIssue.optional(),
    outwardIssue: LinkedIssue.optional(),
  })
  .strict()
  .refine((l) => (l.inwardIssue === undefined) !== (l.outwardIssue === undefined), {
    message: 'an issue link names exactly one of inwardIssue and outwardIssue',
  });

/**
 * One value of Jira Software's Sprint field (schema.custom gh-sprint): the sprint as the Agile API
 * describes it (SOFTWARE example of GET /rest/agile/1.0/sprint/{sprintId}: id, name, state,
 * goal, dates) plus `boardId`, the board it belongs to, as GET issue returns it.
 */
export const SprintFieldValueShape = z
  .object({
    id: z.number().int(),
    name: z.string(),
    state: z.enum(['active', 'closed', 'future']),
    boardId: z.number().int(),
    goal: z.string(),
    startDate: AgileDateTime.optional(),
    endDate: AgileDateTime.optional(),
    completeDate: AgileDateTime.optional(),
  })
  .strict();

/** CustomFieldOption (PLATFORM components/schemas/CustomFieldOption): Flagged's values. */
const CustomFieldOption = z
  .object({ self: z.string().url().optional(), value: z.string(), id: z.string() })
  .strict();

/** Component as `fields.components` lists it (PLATFORM ComponentWithIssueCount / example). */
const ComponentShape = z
  .object({ self: z.string().url(), id: z.string(), name: z.string() })
  .strict();

/** SecurityLevel (PLATFORM components/schemas/SecurityLevel) as `fields.security` holds it. */
const SecurityLevelShape = z
  .object({ self: z.string().url(), id: z.string(), name: z.string(), description: z.string() })
  .strict();

/** Agile sprint (SOFTWARE example of GET /rest/agile/1.0/sprint/{sprintId}). */
export const AgileSprintShape = z
  .object({
    id: z.number().int(),
    self: z.string().url(),
    state: z.enum(['active', 'closed', 'future']),
    name: z.string(),
    startDate: AgileDateTime.optional(),
    endDate: AgileDateTime.optional(),
    completeDate: AgileDateTime.optional(),
    createdDate: AgileDateTime.optional(),
    originBoardId: z.number().int().optional(),
    goal: z.string().optional(),
  })
  .strict();

/**
 * GET /rest/agile/1.0/board/{boardId}/sprint (SOFTWARE example: offset page of sprints). `total`
 * and `isLast` are both optional: the Agile Pagination section calls `total` optional, and the
 * platform's says `total` and `isLast` are "not returned for all operations" (see
 * docs/emulator-paging.md).
 */
const SprintPageShape = z
  .object({
    maxResults: z.number().int(),
    startAt: z.number().int(),
    total: z.number().int().optional(),
    isLast: z.boolean().optional(),
    values: z.array(AgileSprintShape),
  })
  .strict();

/**
 * GET /rest/agile/1.0/sprint/{sprintId}/issue: a page of IssueBeans (the SOFTWARE example shows
 * one issue; the page follows the Agile pagination section: startAt, maxResults, and `total` /
 * `isLast` when Jira gives them; the token form nextPageToken/isLast that RFC-127 proposes for
 * new Agile issue endpoints is accepted too).
 */
const SprintIssuePageShape = z
  .object({
    expand: z.string().optional(),
    startAt: z.number().int().optional(),
    maxResults: z.number().int().optional(),
    total: z.number().int().optional(),
    isLast: z.boolean().optional(),
    nextPageToken: z.string().optional(),
    issues: z.array(
      z
        .object({
          expand: z.string().optional(),
          id: z.string(),
          self: z.string().url(),
          key: z.string(),
          fields: z.record(z.string(), z.unknown()),
        })
        .strict(),
    ),
  })
  .strict();

/** Response shapes for the Agile operations whose contract has an example but no schema. */
export const SUPPLIED_RESPONSE_SHAPES: Readonly<Record<string, z.ZodTypeAny>> = {
  getAllSprints: SprintPageShape,
  getSprint: AgileSprintShape,
  getIssuesForSprint: SprintIssuePageShape,
};

const FLAGGED_CUSTOM = 'com.atlassian.jira.plugin.system.customfieldtypes:multicheckboxes';
const NUMBER_CUSTOM = 'com.atlassian.jira.plugin.system.customfieldtypes:float';

function systemShape(id: string): z.ZodTypeAny | undefined {
  switch (id) {
    case 'summary':
      return z.string();
    case 'status':
      return StatusShape;
    case 'issuetype':
      return IssueTypeShape;
    case 'project':
      return ProjectShape;
    case 'issuelinks':
      return z.array(IssueLinkShape);
    case 'labels':
      return z.array(z.string());
    case 'components':
      return z.array(ComponentShape);
    case 'security':
      return SecurityLevelShape.nullable();
    case 'created':
    case 'updated':
    case 'statuscategorychangedate':
      return JiraDateTime;
    default:
      return undefined;
  }
}

function customShape(field: EmField): z.ZodTypeAny | undefined {
  const custom = field.schema.custom ?? '';
  if (custom === SPRINT_FIELD_CUSTOM) return z.array(SprintFieldValueShape).nullable();
  if (custom === FLAGGED_CUSTOM) return z.array(CustomFieldOption).nullable();
  if (custom === NUMBER_CUSTOM) return z.number().nullable();
  return undefined;
}

function describe(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || '/'} ${i.message}`).join('; ');
}

/** What is wrong with the fields of one IssueBean the emulator is about to return. */
export function issueFieldProblems(em: JiraEmulator, fields: Record<string, unknown>): string[] {
  const problems: string[] = [];
  for (const [id, value] of Object.entries(fields)) {
    const field = em.fields.get(id);
    if (field?.custom) {
      if ((field.schema.custom ?? '').startsWith(FORGE_FIELD_PREFIX)) {
        const problem = appFieldValueProblem(field, value);
        if (problem) problems.push(`fields.${id} (${field.name}): ${problem}`);
        continue;
      }
      const shape = customShape(field);
      const result = shape?.safeParse(value);
      if (result && !result.success) {
        problems.push(`fields.${id} (${field.name}): ${describe(result.error)}`);
      }
      continue;
    }
    const result = systemShape(id)?.safeParse(value);
    if (result && !result.success) problems.push(`fields.${id}: ${describe(result.error)}`);
  }
  return problems;
}

/** The IssueBeans in an answer: a single issue, or the `issues` of a page. */
function beansIn(operationId: string, body: unknown): Array<Record<string, unknown>> {
  if (typeof body !== 'object' || body === null) return [];
  if (operationId === 'getIssue') return [body as Record<string, unknown>];
  const issues = (body as { issues?: unknown }).issues;
  return Array.isArray(issues)
    ? issues.filter((i): i is Record<string, unknown> => typeof i === 'object' && i !== null)
    : [];
}

/**
 * Checks an answer the emulator is about to send: the supplied Agile response shapes, and the
 * fields of every IssueBean in it. Returns one message per problem.
 */
export function responseShapeProblems(
  em: JiraEmulator,
  operationId: string,
  status: number,
  body: unknown,
): string[] {
  if (status < 200 || status >= 300) return [];
  const problems: string[] = [];
  const supplied = SUPPLIED_RESPONSE_SHAPES[operationId];
  if (supplied) {
    const result = supplied.safeParse(body);
    if (!result.success) problems.push(`shape: ${describe(result.error)}`);
  }
  for (const bean of beansIn(operationId, body)) {
    const fields = bean['fields'];
    if (typeof fields !== 'object' || fields === null) continue;
    for (const p of issueFieldProblems(em, fields as Record<string, unknown>)) {
      problems.push(`${String(bean['key'] ?? bean['id'])} ${p}`);
    }
  }
  return problems;
}
