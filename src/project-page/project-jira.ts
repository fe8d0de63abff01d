import { route } from '@forge/api';
import { z } from 'zod';
import type { JiraGateway, RawIssue } from '../jira/jira-gateway';
import { RawIssueSchema } from '../jira/jira-gateway';

/**
 * The Jira reads of the project page, each one request through the gateway (as whoever the
 * gateway acts for: the page passes the user's). Paths are built with `route` and every answer
 * is parsed here, at the boundary.
 */

/**
 * `maxResults` asked of POST /rest/api/3/search/jql: the largest the contract documents ("It
 * returns max 5000 issues"). Jira returns fewer per page when fields beyond id/key are requested,
 * so the caller always follows `nextPageToken` until `isLast`.
 */
export const SEARCH_MAX_RESULTS = 5000;
/** Largest page of the Agile API's offset-paged lists (boards, sprints). */
export const AGILE_MAX_RESULTS = 50;

const SearchPageSchema = z
  .object({
    issues: z.array(RawIssueSchema).optional(),
    nextPageToken: z.string().nullish(),
    isLast: z.boolean().optional(),
  })
  .passthrough();

/**
 * Runs a bounded JQL search page by page, handing each page's issues to `onPage` and keeping
 * nothing itself, so memory stays one page deep whatever the project's size.
 */
export async function searchAll(
  jira: JiraGateway,
  jql: string,
  fields: readonly string[],
  onPage: (issues: readonly RawIssue[]) => void,
): Promise<{ pages: number }> {
  let nextPageToken: string | undefined;
  let pages = 0;
  for (;;) {
    const page = await jira.request(SearchPageSchema, route`/rest/api/3/search/jql`, {
      method: 'POST',
      body: {
        jql,
        fields: [...fields],
        maxResults: SEARCH_MAX_RESULTS,
        ...(nextPageToken === undefined ? {} : { nextPageToken }),
      },
    });
    pages += 1;
    onPage(page.issues ?? []);
    const token = page.nextPageToken ?? undefined;
    if (page.isLast === true || token === undefined || (page.issues ?? []).length === 0) {
      return { pages };
    }
    nextPageToken = token;
  }
}

/** Most issues one POST /rest/api/3/issue/bulkfetch may name (the contract: "up to 100"). */
export const BULK_FETCH_MAX = 100;
/**
 * Bulk fetches in flight at once: enough to hide the latency of 100 requests for 10,000 items
 * (13 rounds instead of 100), few enough to stay well inside Jira's per-second burst limits.
 */
export const BULK_FETCH_CONCURRENCY = 8;

/**
 * Reads every issue a JQL search matches, with the given fields, handing them to `onPage` in
 * batches. When the batches do not come in the search's order, the answer's `order` lists the
 * matching issue ids in that order (issues not in it no longer match and are to be dropped).
 */
export type IssueReader = (
  jira: JiraGateway,
  jql: string,
  fields: readonly string[],
  onPage: (issues: readonly RawIssue[]) => void,
) => Promise<{ order?: readonly string[] }>;

const IdPageSchema = z
  .object({
    issues: z.array(z.object({ id: z.string() }).passthrough()).optional(),
    nextPageToken: z.string().nullish(),
    isLast: z.boolean().optional(),
  })
  .passthrough();

/** The ids of every issue the JQL matches, in its order (id-only pages hold up to 5,000). */
export async function searchIds(jira: JiraGateway, jql: string): Promise<string[]> {
  const ids: string[] = [];
  let nextPageToken: string | undefined;
  for (;;) {
    const page = await jira.request(IdPageSchema, route`/rest/api/3/search/jql`, {
      method: 'POST',
      body: {
        jql,
        fields: ['id'],
        maxResults: SEARCH_MAX_RESULTS,
        ...(nextPageToken === undefined ? {} : { nextPageToken }),
      },
    });
    const issues = page.issues ?? [];
    for (const issue of issues) ids.push(issue.id);
    const token = page.nextPageToken ?? undefined;
    if (page.isLast === true || token === undefined || issues.length === 0) return ids;
    nextPageToken = token;
  }
}

const BulkIssuesSchema = z.object({ issues: z.array(RawIssueSchema).optional() }).passthrough();

/** Runs `task` over `items`, at most `limit` at a time; stops starting new ones after a failure. */
async function forEachLimited<T>(
  items: readonly T[],
  limit: number,
  task: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  let failed = false;
  const worker = async (): Promise<void> => {
    while (!failed && next < items.length) {
      const item = items[next++] as T;
      try {
        await task(item);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/**
 * The default IssueReader, as fast as Jira's page caps allow. Search pages are chained by
 * `nextPageToken`, so a search with fields (about 100 issues a page) costs one round trip per
 * 100 issues, one after another. Instead:
 *   1. the first page with fields: a project of up to one page ends here, in one request;
 *   2. otherwise the ordered ids of every match (id-only pages of up to 5,000 issues);
 *   3. the fields of the ids not read yet through bulk fetches of 100, BULK_FETCH_CONCURRENCY
 *      at a time.
 * Requests for N matches and a first page of P: 1 when N <= P, else
 * 1 + ceil(N / 5000) + ceil((N - P) / 100) — within ceil(N / 5000) + 1 of the least any reader
 * with fields needs (ceil(N / 100)), in about (N / 100) / BULK_FETCH_CONCURRENCY round trips.
 */
export const readAllIssues: IssueReader = async (jira, jql, fields, onPage) => {
  const first = await jira.request(SearchPageSchema, route`/rest/api/3/search/jql`, {
    method: 'POST',
    body: { jql, fields: [...fields], maxResults: SEARCH_MAX_RESULTS },
  });
  const firstIssues = first.issues ?? [];
  onPage(firstIssues);
  if (first.isLast === true || !first.nextPageToken || firstIssues.length === 0) return {};
  const order = await searchIds(jira, jql);
  const read = new Set(firstIssues.map((i) => i.id));
  const rest = order.filter((id) => !read.has(id));
  const batches: string[][] = [];
  for (let i = 0; i < rest.length; i += BULK_FETCH_MAX) {
    batches.push(rest.slice(i, i + BULK_FETCH_MAX));
  }
  await forEachLimited(batches, BULK_FETCH_CONCURRENCY, async (issueIdsOrKeys) => {
    const page = await jira.request(BulkIssuesSchema, route`/rest/api/3/issue/bulkfetch`, {
      method: 'POST',
      body: { issueIdsOrKeys, fields: [...fields] },
    });
    onPage(page.issues ?? []);
  });
  return { order };
};

/** A plain IssueReader: the search's pages one after another (what `searchAll` does). */
export const readIssuesInPages: IssueReader = async (jira, jql, fields, onPage) => {
  await searchAll(jira, jql, fields, onPage);
  return {};
};

const BoardSchema = z
  .object({
    id: z.number().int(),
    name: z.string(),
    type: z.string().optional(),
    location: z.object({ projectName: z.string().optional() }).passthrough().optional(),
  })
  .passthrough();
export type Board = z.infer<typeof BoardSchema>;

const BoardPageSchema = z
  .object({
    values: z.array(BoardSchema),
    isLast: z.boolean().optional(),
    total: z.number().optional(),
  })
  .passthrough();

/** The project's first Scrum board (and whether there are more), or undefined. */
export async function firstScrumBoard(
  jira: JiraGateway,
  projectKey: string,
): Promise<{ board: Board; more: boolean } | undefined> {
  const page = await jira.request(
    BoardPageSchema,
    route`/rest/agile/1.0/board?projectKeyOrId=${projectKey}&type=scrum&maxResults=1`,
    { method: 'GET' },
  );
  const board = page.values[0];
  if (!board) return undefined;
  return { board, more: page.isLast === false };
}

const BoardConfigurationSchema = z
  .object({
    estimation: z
      .object({
        type: z.string().optional(),
        field: z
          .object({ fieldId: z.string(), displayName: z.string().optional() })
          .passthrough()
          .optional(),
      })
      .passthrough()
      .optional(),
  })
  .passthrough();

export interface Estimation {
  fieldId: string;
  displayName: string;
}

/** The board's estimation statistic field, or undefined when the board counts issues. */
export async function boardEstimation(
  jira: JiraGateway,
  boardId: number,
): Promise<Estimation | undefined> {
  const config = await jira.request(
    BoardConfigurationSchema,
    route`/rest/agile/1.0/board/${boardId}/configuration`,
    { method: 'GET' },
  );
  const field = config.estimation?.field;
  if (!field) return undefined;
  return { fieldId: field.fieldId, displayName: field.displayName ?? field.fieldId };
}

const SprintSchema = z
  .object({
    id: z.number().int(),
    name: z.string(),
    state: z.string(),
    completeDate: z.string().optional(),
  })
  .passthrough();
export type Sprint = z.infer<typeof SprintSchema>;

const SprintPageSchema = z
  .object({ values: z.array(SprintSchema), isLast: z.boolean().optional() })
  .passthrough();

/** The board's active and closed sprints, every page (Jira lists closed ones first). */
export async function activeAndClosedSprints(
  jira: JiraGateway,
  boardId: number,
): Promise<Sprint[]> {
  const sprints: Sprint[] = [];
  for (let startAt = 0; ;) {
    const page = await jira.request(
      SprintPageSchema,
      route`/rest/agile/1.0/board/${boardId}/sprint?state=active,closed&startAt=${startAt}&maxResults=${AGILE_MAX_RESULTS}`,
      { method: 'GET' },
    );
    sprints.push(...page.values);
    startAt += page.values.length;
    if (page.isLast !== false || page.values.length === 0) return sprints;
  }
}

const ProjectSchema = z.object({ id: z.string(), key: z.string(), name: z.string() }).passthrough();

/** The project's name (used only when no board told us already). */
export async function projectName(jira: JiraGateway, projectKey: string): Promise<string> {
  const project = await jira.request(ProjectSchema, route`/rest/api/3/project/${projectKey}`, {
    method: 'GET',
  });
  return project.name;
}
