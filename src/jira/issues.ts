import { route } from '@forge/api';
import { z } from 'zod';
import type { JiraGateway } from './jira-gateway';

/** Issues: bulk read, edit, create, comment and link (POST/PUT /rest/api/3/issue...). */

const IssueWithFieldsSchema = z
  .object({ id: z.string(), key: z.string(), fields: z.record(z.string(), z.unknown()) })
  .passthrough();
export type IssueWithFields = z.infer<typeof IssueWithFieldsSchema>;

const BulkIssuesSchema = z
  .object({ issues: z.array(IssueWithFieldsSchema).optional() })
  .passthrough();

/** Most issues one POST /rest/api/3/issue/bulkfetch may name. */
export const BULK_FETCH_MAX = 100;

/**
 * Up to BULK_FETCH_MAX issues with the named fields: POST /rest/api/3/issue/bulkfetch. Issues
 * the caller cannot see, or that no longer exist, are missing from the answer.
 */
export async function bulkFetchIssues(
  jira: JiraGateway,
  issueIdsOrKeys: readonly string[],
  fields: readonly string[],
): Promise<IssueWithFields[]> {
  const answer = await jira.request(BulkIssuesSchema, route`/rest/api/3/issue/bulkfetch`, {
    method: 'POST',
    body: { issueIdsOrKeys: [...issueIdsOrKeys], fields: [...fields] },
  });
  return answer.issues ?? [];
}

/**
 * Whether an issue read with the `security` field has an issue security level: Jira gives the
 * level, or null (or leaves the field out) when there is none.
 */
export function hasSecurityLevel(fields: Readonly<Record<string, unknown>>): boolean {
  return fields['security'] !== null && fields['security'] !== undefined;
}

/**
 * Which of these issue ids the caller may see (issue security levels included): one bulkfetch
 * per 100 ids, asking for the summary alone. An empty list costs nothing.
 */
export async function visibleIssueIds(
  jira: JiraGateway,
  ids: readonly string[],
): Promise<Set<string>> {
  return new Set((await visibleIssues(jira, ids)).map((issue) => issue.id));
}

/** The same by key: which of these issue keys the caller may see. */
export async function visibleIssueKeys(
  jira: JiraGateway,
  keys: readonly string[],
): Promise<Set<string>> {
  return new Set((await visibleIssues(jira, keys)).map((issue) => issue.key));
}

async function visibleIssues(
  jira: JiraGateway,
  idsOrKeys: readonly string[],
): Promise<IssueWithFields[]> {
  const unique = [...new Set(idsOrKeys)];
  const found: IssueWithFields[] = [];
  for (let i = 0; i < unique.length; i += BULK_FETCH_MAX) {
    found.push(...(await bulkFetchIssues(jira, unique.slice(i, i + BULK_FETCH_MAX), ['summary'])));
  }
  return found;
}

/**
 * Edits an issue: PUT /rest/api/3/issue/{key} with `fields` and/or `update`. With
 * `overrideScreenSecurity`, Jira lets a caller holding Administer Jira set fields the edit screen
 * leaves out.
 */
export async function editIssue(
  jira: JiraGateway,
  key: string,
  body: { fields?: Record<string, unknown>; update?: Record<string, unknown> },
  options: { overrideScreenSecurity?: boolean } = {},
): Promise<void> {
  const path = options.overrideScreenSecurity
    ? route`/rest/api/3/issue/${key}?overrideScreenSecurity=true`
    : route`/rest/api/3/issue/${key}`;
  await jira.request(z.unknown(), path, { method: 'PUT', body });
}

/** Adds a comment (Atlassian Document Format): POST /rest/api/3/issue/{key}/comment. */
export async function addComment(jira: JiraGateway, key: string, body: unknown): Promise<void> {
  await jira.request(z.unknown(), route`/rest/api/3/issue/${key}/comment`, {
    method: 'POST',
    body: { body },
  });
}

const CreatedIssueSchema = z
  .object({ id: z.string(), key: z.string(), self: z.string().optional() })
  .passthrough();
export type CreatedIssue = z.infer<typeof CreatedIssueSchema>;

/** Creates an issue: POST /rest/api/3/issue with `fields` (and `update`). */
export async function createIssue(
  jira: JiraGateway,
  body: { fields: Record<string, unknown>; update?: Record<string, unknown> },
): Promise<CreatedIssue> {
  return jira.request(CreatedIssueSchema, route`/rest/api/3/issue`, { method: 'POST', body });
}

const LinkTypeSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    inward: z.string().optional(),
    outward: z.string().optional(),
  })
  .passthrough();
export type LinkType = z.infer<typeof LinkTypeSchema>;

/** The site's issue link types: GET /rest/api/3/issueLinkType. */
export async function issueLinkTypes(jira: JiraGateway): Promise<LinkType[]> {
  const answer = await jira.request(
    z.object({ issueLinkTypes: z.array(LinkTypeSchema) }).passthrough(),
    route`/rest/api/3/issueLinkType`,
  );
  return answer.issueLinkTypes;
}

type IssueRef = { id: string } | { key: string };

/**
 * Links two issues: POST /rest/api/3/issueLink. Jira reads it as "outward `type.outward`
 * inward" (e.g. "DT-5 implements DT-1").
 */
export async function linkIssues(
  jira: JiraGateway,
  link: { type: { id: string } | { name: string }; outwardIssue: IssueRef; inwardIssue: IssueRef },
): Promise<void> {
  await jira.request(z.unknown(), route`/rest/api/3/issueLink`, { method: 'POST', body: link });
}

/**
 * Sets the values of one of the app's own fields on issues: PUT
 * /rest/api/3/app/field/{fieldId}/value, without a changelog entry. Only the app that declares the
 * field may call it (as the user: 403). Newer docs also describe `generateAppEvents`; the
 * contract the app is checked against does not list it, so it is not sent.
 */
export async function setAppFieldValues(
  jiraAsApp: JiraGateway,
  fieldId: string,
  updates: ReadonlyArray<{ issueIds: number[]; value: unknown }>,
): Promise<void> {
  await jiraAsApp.request(
    z.unknown(),
    route`/rest/api/3/app/field/${fieldId}/value?generateChangelog=false`,
    { method: 'PUT', body: { updates: [...updates] } },
  );
}
