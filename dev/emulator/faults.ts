import type { EmRequest, EmResponse } from './jira-emulator';
import { decodeToken, encodeToken } from './routes/search';

/**
 * Answers that are rewritten after the emulated Jira produced them: the "pages that end early"
 * of fault injection. Each rewrite keeps the answer within the contract (the emulator checks the
 * rewritten body against the OpenAPI schema like any other), so what changes is only what a real
 * Jira is allowed to do, or has been seen to do, with paging:
 *
 * - `shortSearchPage`: POST /rest/api/3/search/jql returns fewer issues than it could, with a
 *   `nextPageToken` that continues right after them (documented: "fewer" issues per page).
 * - `shortAgilePage`: an Agile offset page (sprint issues, a board's sprints) returns fewer than
 *   `maxResults` although more follow (`total`, when given, says so; `isLast`, when given, is
 *   false).
 * - `shiftedAgileTotal`: an Agile page's `total` is off by some items, as when the list changes
 *   while a client pages through it ("This number *may change* while the client requests the
 *   next pages", Agile OpenAPI, Pagination).
 */

export interface ResponseFault {
  /** Matches "METHOD /path" (path without query). */
  match: RegExp;
  /** How many matching answers are rewritten; default 1. */
  times?: number;
  /** How many matching answers pass unchanged first; default 0. */
  skip?: number;
  rewrite: (response: EmResponse, request: EmRequest) => EmResponse;
}

/** Applies the first pending fault that matches (used by the emulator for every answer). */
export function rewriteResponse(
  faults: Array<ResponseFault & { left: number; skip: number }>,
  what: string,
  request: EmRequest,
  response: EmResponse,
): EmResponse {
  if (response.status >= 300) return response;
  const fault = faults.find((f) => f.left > 0 && f.match.test(what));
  if (!fault) return response;
  if (fault.skip > 0) {
    fault.skip -= 1;
    return response;
  }
  fault.left -= 1;
  return fault.rewrite(response, request);
}

interface SearchPage {
  issues?: unknown[];
  isLast?: boolean;
  nextPageToken?: string;
  [k: string]: unknown;
}

function searchOffset(request: EmRequest): number {
  const token = (request.body as { nextPageToken?: unknown } | undefined)?.nextPageToken;
  return typeof token === 'string' ? (decodeToken(token)?.offset ?? 0) : 0;
}

/** A search page cut to `keep` issues whose token resumes right after them. */
export function shortSearchPage(keep: number): ResponseFault['rewrite'] {
  return (response, request) => {
    const page = response.body as SearchPage;
    const issues = page.issues ?? [];
    if (issues.length <= keep) return response;
    const jql = (request.body as { jql?: unknown }).jql;
    return {
      status: response.status,
      body: {
        ...page,
        issues: issues.slice(0, keep),
        isLast: false,
        nextPageToken: encodeToken({
          jql: typeof jql === 'string' ? jql : '',
          offset: searchOffset(request) + keep,
        }),
      },
    };
  };
}

/**
 * An Agile offset page cut to `keep` items (`issues` or `values`); `startAt`, `maxResults` and
 * `total` unchanged, `isLast` false when it was given and items were cut.
 */
export function shortAgilePage(keep: number): ResponseFault['rewrite'] {
  return (response) => {
    const page = response.body as {
      issues?: unknown[];
      values?: unknown[];
      isLast?: boolean;
      [k: string]: unknown;
    };
    const list = page.issues !== undefined ? 'issues' : 'values';
    const items = page[list] ?? [];
    if (items.length <= keep) return response;
    return {
      status: response.status,
      body: {
        ...page,
        [list]: items.slice(0, keep),
        ...(page.isLast === undefined ? {} : { isLast: false }),
      },
    };
  };
}

/** An Agile page whose `total` (when given) is `delta` off the list's size at that moment. */
export function shiftedAgileTotal(delta: number): ResponseFault['rewrite'] {
  return (response) => {
    const page = response.body as { total?: number; [k: string]: unknown };
    if (page.total === undefined) return response;
    return { status: response.status, body: { ...page, total: Math.max(0, page.total + delta) } };
  };
}
