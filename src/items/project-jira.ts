import { route } from '@forge/api';
import { z } from 'zod';
import type { JiraGateway, RawIssue } from '../jira/jira-gateway';
import { RawIssueSchema } from '../jira/jira-gateway';
import { JiraError } from '../jira/errors';
import { OFFSET_PAGE_FIELDS, readOffsetPages } from '../jira/offset-paging';

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

/**
 * Reads every issue a JQL search matches, with the given fields, handing them to `onPage` in
 * batches in the search's order.
 */
export type IssueReader = (
  jira: JiraGateway,
  jql: string,
  fields: readonly string[],
  onPage: (issues: readonly RawIssue[]) => void,
) => Promise<unknown>;

/** A plain IssueReader: the search's pages one after another (what `searchAll` does). */
export const readIssuesInPages: IssueReader = (jira, jql, fields, onPage) =>
  searchAll(jira, jql, fields, onPage);

/**
 * `maxResults` of one page of a list read only in part: the most Jira grants with fields, and
 * few enough that a read that stops after the first page does not pay for thousands of issues.
 */
export const LIST_PAGE_SIZE = 100;

/**
 * Reads a JQL search in its order, page by page (of at most `pageSize`), handing each page to
 * `onPage`, until `enough()` says so after a page or the search ends. `complete` tells whether
 * every match was read.
 */
export async function readUntil(
  jira: JiraGateway,
  jql: string,
  fields: readonly string[],
  pageSize: number,
  onPage: (issues: readonly RawIssue[]) => void,
  enough: () => boolean | Promise<boolean>,
): Promise<{ complete: boolean }> {
  let nextPageToken: string | undefined;
  for (;;) {
    const page = await jira.request(SearchPageSchema, route`/rest/api/3/search/jql`, {
      method: 'POST',
      body: {
        jql,
        fields: [...fields],
        maxResults: pageSize,
        ...(nextPageToken === undefined ? {} : { nextPageToken }),
      },
    });
    const issues = page.issues ?? [];
    onPage(issues);
    const token = page.nextPageToken ?? undefined;
    if (page.isLast === true || token === undefined || issues.length === 0) {
      return { complete: true };
    }
    if (await enough()) return { complete: false };
    nextPageToken = token;
  }
}

const CountSchema = z.object({ count: z.number().int().min(0) }).passthrough();

/**
 * How many issues a JQL search matches for the caller: POST /rest/api/3/search/approximate-count,
 * one request whatever the number (Jira documents the count as an estimate: the latest edits may
 * not show in it yet).
 */
export async function approximateCount(jira: JiraGateway, jql: string): Promise<number> {
  const answer = await jira.request(CountSchema, route`/rest/api/3/search/approximate-count`, {
    method: 'POST',
    body: { jql },
  });
  return answer.count;
}

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
  .object({ values: z.array(BoardSchema), ...OFFSET_PAGE_FIELDS })
  .passthrough();

/**
 * The project's first Scrum board (and whether there are more), or undefined. Asks for two so
 * that "more" is seen in the answer itself, whether or not Jira sends `isLast` or `total`.
 */
export async function firstScrumBoard(
  jira: JiraGateway,
  projectKey: string,
): Promise<{ board: Board; more: boolean } | undefined> {
  const page = await jira.request(
    BoardPageSchema,
    route`/rest/agile/1.0/board?projectKeyOrId=${projectKey}&type=scrum&maxResults=2`,
    { method: 'GET' },
  );
  const board = page.values[0];
  if (!board) return undefined;
  return { board, more: page.values.length > 1 || page.isLast === false };
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
  .object({ values: z.array(SprintSchema), ...OFFSET_PAGE_FIELDS })
  .passthrough();

/**
 * Pages of a board's sprint list read at most (2,000 sprints at full pages): the guard against a
 * list that never ends.
 */
export const SPRINT_LIST_PAGE_LIMIT = 40;

/**
 * The board's active and closed sprints, every page, to the end Jira signals (an empty page, or
 * `isLast`; src/jira/offset-paging.ts). Jira lists closed ones first, so the latest are on the
 * last pages: a list that does not end within SPRINT_LIST_PAGE_LIMIT pages is an error, not a
 * silently shorter list.
 */
export async function activeAndClosedSprints(
  jira: JiraGateway,
  boardId: number,
): Promise<Sprint[]> {
  const sprints: Sprint[] = [];
  const read = await readOffsetPages({
    pageSize: AGILE_MAX_RESULTS,
    maxPages: SPRINT_LIST_PAGE_LIMIT,
    fetchPage: async (startAt, maxResults) => {
      const page = await jira.request(
        SprintPageSchema,
        route`/rest/agile/1.0/board/${boardId}/sprint?state=active,closed&startAt=${startAt}&maxResults=${maxResults}`,
        { method: 'GET' },
      );
      return { meta: page, values: page.values };
    },
    onPage: (values) => sprints.push(...values),
  });
  if (read.rest.kind !== 'none') {
    throw new JiraError({
      kind: 'bad-response',
      operation: `GET /rest/agile/1.0/board/${boardId}/sprint`,
      message: `The sprint list of board ${boardId} did not end after ${SPRINT_LIST_PAGE_LIMIT} pages (${sprints.length} sprints read); stopped reading rather than use part of it.`,
    });
  }
  return sprints;
}

const ProjectSchema = z.object({ id: z.string(), key: z.string(), name: z.string() }).passthrough();

/** The project's name (used only when no board told us already). */
export async function projectName(jira: JiraGateway, projectKey: string): Promise<string> {
  const project = await jira.request(ProjectSchema, route`/rest/api/3/project/${projectKey}`, {
    method: 'GET',
  });
  return project.name;
}
