import type { EmRequest, EmResponse, JiraEmulator, RouteGroup } from '../jira-emulator';
import { type EmIssue } from '../model';
import { searchIndex, type IndexedView } from '../search-lag';
import { linkVisible } from './issue-writes';

import { JqlError, parseJql } from '../jql-parse';
import { type IndexedFacts, matcher, comparator, liveFacts } from '../jql-match';

/**
 * POST /rest/api/3/search/jql (searchAndReconsileIssuesUsingJqlPost) and
 * POST /rest/api/3/search/approximate-count (countIssues) over a small, strict JQL subset.
 * Anything outside the subset is answered 400 the way Jira answers bad JQL, and is also recorded
 * as an emulator violation so that a test using it fails loudly instead of passing on a guess.
 *
 * Supported:  project = K | project in (K, ...)
 *             statusCategory = V | != V | in (V, ...) | not in (V, ...)
 *             issuetype = T | != T | in (T, ...) | not in (T, ...)   (names or ids; unknown → 400)
 *             sprint = N | != N | in (N, ...) | not in (N, ...) | is EMPTY | is not EMPTY
 *             sprint in openSprints() | closedSprints() | futureSprints(); any other function
 *                 Jira documents is a violation (not emulated), an unknown one a 400
 *             key = K | key in (K, ...)
 *             labels = L | labels in (L, ...)                (case-insensitive, as Jira matches labels)
 *             component = C | component in (C, ...)          (names of the projects' components;
 *                                                             a name no visible project has → 400)
 *             "Field name".Alias = V | != V | in (V, ...) | not in (V, ...)
 *                 a property of one of the app's object fields, by the `searchAlias` the manifest
 *                 gives it (Forge: "you can search that field property using X.Y = value"); only
 *                 `string` properties (JQL type string, exact comparison) are emulated
 *             cf[id] is EMPTY | is not EMPTY                  (a custom field by id: no value / a value;
 *                                                             an unknown id → 400)
 *             AND, OR, NOT and parentheses; strings in "…" or '…' with backslash escapes
 *             ORDER BY Rank | created | key [ASC|DESC], ...
 * As in Jira, `!=` and `not in` never match an empty field (an issue in no sprint is not
 * matched by `sprint not in (7)`; write `sprint is EMPTY OR sprint not in (7)`).
 *
 * Paging follows the enhanced search: `nextPageToken` in, `nextPageToken`/`isLast` out.
 * `maxResults` outside 1-5000 is a 400 as in Jira; within it the emulator returns at most
 * SEARCH_PAGE_WITH_FIELDS when fields beyond id/key are requested (the contract: "may return
 * fewer items per page where a large number of fields are requested").
 *
 * Search and the count see issues as the lagging index has them (../search-lag.ts);
 * `reconcileIssues` (≤ 50 ids) reads those issues in their latest state. Refusals and their
 * sources: docs/emulator-refusals.md.
 */

/** Largest page the contract documents (`maxResults`: "It returns max 5000 issues"). */
export const SEARCH_PAGE_MAX = 5000;
/** Page size the emulator grants when fields beyond id/key are requested (Jira returns fewer). */
export const SEARCH_PAGE_WITH_FIELDS = 100;
const DEFAULT_MAX_RESULTS = 50;

/** The query, parsed; a site that takes no such JQL (`em.refusedJql`) refuses it as Jira would. */
function parseOn(em: JiraEmulator, jql: string) {
  if (em.refusedJql?.test(jql)) {
    throw new JqlError(`Error in the JQL Query: this site does not take '${jql}'.`);
  }
  return parseJql(jql);
}

function badJql(em: JiraEmulator, error: JqlError, jql: string): EmResponse {
  if (error.unsupported) em.violations.push(`search/jql: ${error.message} (JQL: ${jql})`);
  return { status: 400, body: { errorMessages: [error.message], errors: {} } };
}

export interface PageToken {
  jql: string;
  offset: number;
}

export const encodeToken = (t: PageToken) => Buffer.from(JSON.stringify(t)).toString('base64url');

export function decodeToken(token: string): PageToken | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (
      typeof value === 'object' &&
      value !== null &&
      typeof (value as PageToken).jql === 'string' &&
      Number.isInteger((value as PageToken).offset)
    ) {
      return value as PageToken;
    }
  } catch {
    // not a token of ours
  }
  return undefined;
}

function requestedFields(raw: unknown): string[] {
  if (!Array.isArray(raw)) return [];
  return raw
    .filter((f): f is string => typeof f === 'string')
    .flatMap((f) => f.split(','))
    .map((f) => f.trim())
    .filter((f) => f.length > 0);
}

/** Most ids `reconcileIssues` takes ("Accepts max 50 ids", SearchAndReconcileRequestBean). */
export const RECONCILE_MAX = 50;

/**
 * The issues as search sees them: each in its indexed state (search-lag.ts), except those named
 * in `reconcileIssues`, which are read in their latest state ("Strong consistency issue ids to be
 * reconciled with search results", https://developer.atlassian.com/cloud/jira/platform/search-and-reconcile/).
 */
function searchedIssues(
  em: JiraEmulator,
  reconcile: ReadonlySet<string>,
): { issues: EmIssue[]; views: Map<string, IndexedView>; facts: IndexedFacts } {
  const index = searchIndex(em);
  const views = new Map<string, IndexedView>();
  const issues: EmIssue[] = [];
  for (const issue of em.issues.values()) {
    const view = reconcile.has(issue.id) ? 'current' : index.viewOf(issue);
    if (view === undefined) continue;
    if (view === 'current') {
      issues.push(issue);
    } else {
      views.set(issue.id, view);
      issues.push(view.issue);
    }
  }
  const live = liveFacts(em);
  return {
    issues,
    views,
    facts: {
      labels: (i) => views.get(i.id)?.labels ?? live.labels(i),
      components: (i) => views.get(i.id)?.components ?? live.components(i),
    },
  };
}

function refused(message: string): EmResponse {
  return { status: 400, body: { errorMessages: [message], errors: {} } };
}

export function searchJql(em: JiraEmulator, req: EmRequest): EmResponse {
  try {
    return searchPage(em, req);
  } finally {
    searchIndex(em).searched();
  }
}

function searchPage(em: JiraEmulator, req: EmRequest): EmResponse {
  const body = (req.body ?? {}) as {
    jql?: string;
    fields?: unknown;
    maxResults?: number;
    nextPageToken?: string;
    reconcileIssues?: number[];
  };
  const jql = body.jql ?? '';
  // Jira answers 400 "The max results parameter has to be between 1 and 5,000." (contract: "It
  // returns max 5000 issues"); within that range it may return fewer (see SEARCH_PAGE_WITH_FIELDS).
  const maxResults = body.maxResults ?? DEFAULT_MAX_RESULTS;
  if (maxResults < 1 || maxResults > SEARCH_PAGE_MAX) {
    return refused('The max results parameter has to be between 1 and 5,000.');
  }
  const reconcileIds = body.reconcileIssues ?? [];
  if (reconcileIds.length > RECONCILE_MAX) {
    return refused(`reconcileIssues accepts at most ${RECONCILE_MAX} issue ids.`);
  }
  const reconcile = new Set(reconcileIds.map(String));
  const matched = pagedMatches(em, req, jql, reconcile, body.nextPageToken !== undefined);
  if (!matched.ok) return matched.refusal;
  const { found, views } = matched;
  let offset = 0;
  if (body.nextPageToken !== undefined) {
    const token = decodeToken(body.nextPageToken);
    if (!token || token.jql !== jql) {
      return refused('The nextPageToken is invalid or expired.');
    }
    offset = token.offset;
  }
  const fields = requestedFields(body.fields);
  const idsOnly = fields.every((f) => f === 'id' || f === 'key');
  const cap = idsOnly ? SEARCH_PAGE_MAX : SEARCH_PAGE_WITH_FIELDS;
  const pageSize = Math.min(maxResults, cap);

  const page = found.slice(offset, offset + pageSize);
  const isLast = offset + page.length >= found.length;
  const wantsCategoryDate = fields.includes('statuscategorychangedate') || fields.includes('*all');
  const issues = page.map((issue) => {
    if (fields.length === 0 || (fields.length === 1 && fields[0] === 'id')) return { id: issue.id };
    const bean = em.issueBean(issue, fields, req);
    const beanFields = bean['fields'] as Record<string, unknown>;
    const view = views.get(issue.id);
    if (view) {
      if ('labels' in beanFields) beanFields['labels'] = [...view.labels];
      if ('issuelinks' in beanFields) {
        beanFields['issuelinks'] = structuredClone(view.issuelinks).filter((link) =>
          linkVisible(em, req, link),
        );
      }
      if ('components' in beanFields) {
        beanFields['components'] = view.components.map((c) => ({
          self: `${em.baseUrl}/rest/api/3/component/${c.id}`,
          id: c.id,
          name: c.name,
        }));
      }
    }
    if (wantsCategoryDate) {
      beanFields['statuscategorychangedate'] = (
        issue.statusCategoryChanged ?? issue.created
      ).replace('Z', '+0000');
    }
    return bean;
  });
  return {
    status: 200,
    body: {
      issues,
      isLast,
      ...(isLast ? {} : { nextPageToken: encodeToken({ jql, offset: offset + page.length }) }),
    },
  };
}

interface Matched {
  found: EmIssue[];
  views: Map<string, IndexedView>;
}

/** The bench's paged searches' matches (`em.pagedSearchMemo`), by caller, reconciled ids and JQL. */
type Memo = Map<string, Matched & { writes: number; issues: number }>;
const memos = new WeakMap<JiraEmulator, Memo>();
const MEMO_SEARCHES = 64;

/**
 * The issues the JQL finds for the caller, in its order. A later page of a search the bench
 * pages (`em.pagedSearchMemo`) reuses its first page's matches while nothing could have changed
 * them: no write request since, no new or deleted issue, the index caught up. Otherwise (and
 * always in tests) each page is evaluated afresh.
 */
function pagedMatches(
  em: JiraEmulator,
  req: EmRequest,
  jql: string,
  reconcile: ReadonlySet<string>,
  laterPage: boolean,
): ({ ok: true } & Matched) | { ok: false; refusal: EmResponse } {
  const memo: Memo | undefined = em.pagedSearchMemo ? (memos.get(em) ?? new Map()) : undefined;
  const key = `${req.provider}|${req.accountId ?? ''}|${[...reconcile].sort().join(',')}|${jql}`;
  const kept = memo?.get(key);
  const settled = searchIndex(em).lagging().length === 0;
  if (
    laterPage &&
    kept &&
    settled &&
    kept.writes === em.jiraWrites &&
    kept.issues === em.issues.size
  ) {
    return { ok: true, found: kept.found, views: kept.views };
  }
  const { issues: population, views, facts } = searchedIssues(em, reconcile);
  let found: EmIssue[];
  try {
    const query = parseOn(em, jql);
    found = population.filter(matcher(em, req, query, facts)).sort(comparator(query.order));
  } catch (error) {
    if (error instanceof JqlError) return { ok: false, refusal: badJql(em, error, jql) };
    throw error;
  }
  if (memo && settled) {
    if (memo.size >= MEMO_SEARCHES) memo.delete(memo.keys().next().value ?? '');
    memo.set(key, { found, views, writes: em.jiraWrites, issues: em.issues.size });
    memos.set(em, memo);
  }
  return { ok: true, found, views };
}

/**
 * POST /rest/api/3/search/approximate-count: how many issues the JQL matches for the caller, as
 * the index sees them ("Recent updates might not be immediately visible"; it takes no
 * reconcileIssues).
 */
export function countJql(em: JiraEmulator, req: EmRequest): EmResponse {
  const jql = ((req.body ?? {}) as { jql?: string }).jql ?? '';
  try {
    const { issues, facts } = searchedIssues(em, new Set());
    const matches = matcher(em, req, parseOn(em, jql), facts);
    return { status: 200, body: { count: issues.filter(matches).length } };
  } catch (error) {
    if (error instanceof JqlError) return badJql(em, error, jql);
    throw error;
  } finally {
    searchIndex(em).searched();
  }
}

export const searchRoutes: RouteGroup = (em) => ({
  searchAndReconsileIssuesUsingJqlPost: (req) => searchJql(em, req),
  countIssues: (req) => countJql(em, req),
});
