import type { EmRequest, EmResponse, JiraEmulator, RouteGroup } from '../jira-emulator';
import type { EmIssue } from '../model';

/**
 * POST /rest/api/3/issue/bulkfetch (bulkFetchIssues): the requested issues, in ascending id
 * order, with the requested fields. The contract documents "up to 100 issues"; more is answered
 * 400. Issues that do not exist or that the caller cannot browse are left out silently, as Jira
 * does (they are not listed in `issueErrors` either).
 */

/** Most issues one bulk fetch may name ("You can request up to 100 issues"). */
export const BULK_FETCH_MAX = 100;

function requested(raw: unknown): string[] {
  if (!Array.isArray(raw)) return [];
  return raw
    .filter((f): f is string => typeof f === 'string')
    .flatMap((f) => f.split(','))
    .map((f) => f.trim())
    .filter((f) => f.length > 0);
}

export function bulkFetchIssues(em: JiraEmulator, req: EmRequest): EmResponse {
  const body = (req.body ?? {}) as { issueIdsOrKeys?: unknown; fields?: unknown };
  const wanted = Array.isArray(body.issueIdsOrKeys)
    ? body.issueIdsOrKeys.filter((v): v is string => typeof v === 'string')
    : [];
  if (wanted.length === 0 || wanted.length > BULK_FETCH_MAX) {
    return {
      status: 400,
      body: {
        errorMessages: [`Provide between 1 and ${BULK_FETCH_MAX} issue ids or keys.`],
        errors: {},
      },
    };
  }
  const fields = requested(body.fields);
  const found = new Map<string, EmIssue>();
  for (const idOrKey of wanted) {
    const issue = em.findIssue(idOrKey.trim().toUpperCase()) ?? em.findIssue(idOrKey.trim());
    if (issue && em.canSeeIssue(req, issue)) found.set(issue.id, issue);
  }
  const issues = [...found.values()]
    .sort((a, b) => Number(a.id) - Number(b.id))
    .map((issue) => em.issueBean(issue, fields.length > 0 ? fields : ['*navigable'], req));
  return { status: 200, body: { issues, issueErrors: [] } };
}

export const issueBulkRoutes: RouteGroup = (em) => ({
  bulkFetchIssues: (req) => bulkFetchIssues(em, req),
});
