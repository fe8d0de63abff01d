import { route } from '@forge/api';
import { z } from 'zod';
import type { JiraGateway, RawIssue } from './jira-gateway';
import { RawIssueSchema } from './jira-gateway';

/**
 * JQL search: POST /rest/api/3/search/jql page by page (by `nextPageToken`) and
 * POST /rest/api/3/search/approximate-count, as whoever the gateway acts for.
 */

/**
 * `maxResults` asked of POST /rest/api/3/search/jql: the largest the contract documents ("It
 * returns max 5000 issues"). Jira returns fewer per page when fields beyond id/key are requested,
 * so the caller always follows `nextPageToken` until `isLast`.
 */
export const SEARCH_MAX_RESULTS = 5000;

const SearchPageSchema = z
  .object({
    issues: z.array(RawIssueSchema).optional(),
    nextPageToken: z.string().nullish(),
    isLast: z.boolean().optional(),
  })
  .passthrough();

export type SearchPage = z.infer<typeof SearchPageSchema>;

/** One page of a JQL search: POST /rest/api/3/search/jql (`nextPageToken` for the next one). */
export async function searchPage(
  jira: JiraGateway,
  query: { jql: string; fields: readonly string[]; maxResults: number; nextPageToken?: string },
): Promise<SearchPage> {
  return jira.request(SearchPageSchema, route`/rest/api/3/search/jql`, {
    method: 'POST',
    body: {
      jql: query.jql,
      fields: [...query.fields],
      maxResults: query.maxResults,
      ...(query.nextPageToken === undefined ? {} : { nextPageToken: query.nextPageToken }),
    },
  });
}

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
    const page = await searchPage(jira, {
      jql,
      fields,
      maxResults: SEARCH_MAX_RESULTS,
      ...(nextPageToken === undefined ? {} : { nextPageToken }),
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

/** How many pages of LIST_PAGE_SIZE `more` issues add to a search of `size` issues. */
export const pagesAdded = (size: number, more: number): number =>
  Math.ceil((size + more) / LIST_PAGE_SIZE) - Math.ceil(size / LIST_PAGE_SIZE);

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
    const page = await searchPage(jira, {
      jql,
      fields,
      maxResults: pageSize,
      ...(nextPageToken === undefined ? {} : { nextPageToken }),
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

const IdPageSchema = z
  .object({
    issues: z.array(z.object({ id: z.string() }).passthrough()).optional(),
    nextPageToken: z.string().nullish(),
    isLast: z.boolean().optional(),
  })
  .passthrough();

/**
 * The ids of every issue a JQL search matches for the caller, 5,000 a request (Jira returns
 * "ids only unless fields is given", and grants its largest page then).
 */
export async function searchIssueIds(jira: JiraGateway, jql: string): Promise<string[]> {
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
    ids.push(...issues.map((i) => i.id));
    const token = page.nextPageToken ?? undefined;
    if (page.isLast === true || token === undefined || issues.length === 0) return ids;
    nextPageToken = token;
  }
}
