import type { EmRequest, EmResponse, JiraEmulator, RouteGroup } from '../jira-emulator';

/**
 * Issue history: POST /rest/api/3/changelog/bulkfetch (getBulkChangelogs), answered from the
 * changes recorded with `em.recordChange(...)` (the emulator records no history by itself).
 *
 * As the contract describes it: `issueIdsOrKeys` 1-1000 ids or keys, `fieldIds` at most 10
 * (unique), `maxResults` 1-10000 (default 1000) change histories per page, `nextPageToken` to
 * continue. Histories come oldest first, then by issue id; a page lists each issue once with its
 * histories on that page. Issues the caller cannot browse (or that do not exist) are left out.
 */

export interface EmChange {
  id: string;
  issueId: string;
  /** Field id as Jira names it in the changelog: `status`, `customfield_10020`, ... */
  fieldId: string;
  field: string;
  from: string | null;
  fromString: string | null;
  to: string | null;
  toString: string | null;
  /** ISO timestamp. */
  at: string;
  authorAccountId: string | undefined;
}

export const CHANGELOG_ISSUES_MAX = 1000;
export const CHANGELOG_FIELDS_MAX = 10;
export const CHANGELOG_PAGE_DEFAULT = 1000;
export const CHANGELOG_PAGE_MAX = 10000;

function bad(message: string): EmResponse {
  return { status: 400, body: { errorMessages: [message], errors: {} } };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const jiraTime = (iso: string) => iso.replace('Z', '+0000');

function getBulkChangelogs(em: JiraEmulator, req: EmRequest): EmResponse {
  const body = req.body;
  if (!isRecord(body)) return bad('The request body must be a JSON object.');
  const ids = body['issueIdsOrKeys'];
  if (!Array.isArray(ids) || ids.length === 0 || ids.some((i) => typeof i !== 'string')) {
    return bad('issueIdsOrKeys must list at least one issue id or key.');
  }
  if (ids.length > CHANGELOG_ISSUES_MAX) {
    return bad(`issueIdsOrKeys: at most ${CHANGELOG_ISSUES_MAX} issues per request.`);
  }
  const fieldIds = body['fieldIds'] ?? [];
  if (!Array.isArray(fieldIds) || fieldIds.some((f) => typeof f !== 'string')) {
    return bad('fieldIds must be a list of field ids.');
  }
  if (fieldIds.length > CHANGELOG_FIELDS_MAX || new Set(fieldIds).size !== fieldIds.length) {
    return bad(`fieldIds: at most ${CHANGELOG_FIELDS_MAX} distinct field ids.`);
  }
  const maxResults = body['maxResults'] ?? CHANGELOG_PAGE_DEFAULT;
  if (
    typeof maxResults !== 'number' ||
    !Number.isInteger(maxResults) ||
    maxResults < 1 ||
    maxResults > CHANGELOG_PAGE_MAX
  ) {
    return bad(`maxResults must be a whole number from 1 to ${CHANGELOG_PAGE_MAX}.`);
  }
  const token = body['nextPageToken'];
  const offset = token === undefined ? 0 : Number(token);
  if (!Number.isInteger(offset) || offset < 0) return bad('nextPageToken is not valid.');

  const wanted = new Set(fieldIds as string[]);
  const issueIds = new Set<string>();
  for (const idOrKey of ids as string[]) {
    const issue = em.findIssue(idOrKey);
    if (issue && em.canSeeIssue(req, issue)) issueIds.add(issue.id);
  }
  const changes = [...issueIds]
    .flatMap((id) => em.changelog.get(id) ?? [])
    .filter((c) => wanted.size === 0 || wanted.has(c.fieldId))
    .sort((a, b) => a.at.localeCompare(b.at) || Number(a.issueId) - Number(b.issueId));
  const page = changes.slice(offset, offset + maxResults);
  const byIssue = new Map<string, Array<Record<string, unknown>>>();
  for (const c of page) {
    const author = c.authorAccountId ? em.users.get(c.authorAccountId) : undefined;
    const list = byIssue.get(c.issueId) ?? [];
    list.push({
      id: c.id,
      ...(author
        ? {
            author: {
              accountId: author.accountId,
              active: author.active,
              displayName: author.displayName,
              self: `${em.baseUrl}/rest/api/3/user?accountId=${author.accountId}`,
            },
          }
        : {}),
      created: jiraTime(c.at),
      items: [
        {
          field: c.field,
          fieldId: c.fieldId,
          fieldtype: c.fieldId.startsWith('customfield_') ? 'custom' : 'jira',
          ...(c.from === null ? {} : { from: c.from }),
          ...(c.fromString === null ? {} : { fromString: c.fromString }),
          ...(c.to === null ? {} : { to: c.to }),
          ...(c.toString === null ? {} : { toString: c.toString }),
        },
      ],
    });
    byIssue.set(c.issueId, list);
  }
  const more = offset + page.length < changes.length;
  return {
    status: 200,
    body: {
      issueChangeLogs: [...byIssue].map(([issueId, changeHistories]) => ({
        issueId,
        changeHistories,
      })),
      ...(more ? { nextPageToken: String(offset + page.length) } : {}),
    },
  };
}

export const changelogRoutes: RouteGroup = (em) => ({
  getBulkChangelogs: (req) => getBulkChangelogs(em, req),
});
