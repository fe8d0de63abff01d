import type { EmRequest, EmResponse, JiraEmulator, RouteGroup } from '../jira-emulator';
import type { EmGroup, EmUser } from '../model';
import { userDetails } from './users';

/**
 * Users and groups, as the contract (dev/contracts/jira-platform.subset.json) describes them and
 * Atlassian's pages "User search" and "Groups" of the REST API v3
 * (developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-user-search/,
 * …/api-group-groups/) document them:
 * - GET /rest/api/3/user/search (findUsers): active users whose display name (or a word of it)
 *   starts with `query`, a page (`startAt`, `maxResults` 50); `query` or `accountId` is required
 *   and not both (400). Without *Browse users and groups* the answer is empty.
 * - GET /rest/api/3/groups/picker (findGroups): groups whose name contains `query` (case-sensitive
 *   unless `caseInsensitive`), `excludeId` left out, at most `maxResults`. Without *Browse
 *   projects* in any project the list is empty; without *Browse users and groups* only a group
 *   named exactly `query` is found.
 * - GET /rest/api/3/group/bulk (bulkGetGroups): the groups named by `groupId` (unknown ids left
 *   out), a page; 403 without *Browse users and groups*.
 * - GET /rest/api/3/group/member (getUsersFromGroup): a group's members by `groupId` or
 *   `groupname` (400 without one, or with both), a page of at most 50; inactive users only with
 *   `includeInactiveUsers`; 404 for an unknown group; 403 without *Browse users and groups* or
 *   *Administer Jira* (the contract names either; JRACLOUD-77810 records the docs' earlier
 *   "Administer Jira" only).
 * The app itself (an asApp call) is taken to hold *Browse users and groups*.
 */

function errors(status: number, message: string): EmResponse {
  return { status, body: { errorMessages: [message], errors: {} } };
}

function callerOf(em: JiraEmulator, req: EmRequest): EmUser | undefined {
  return req.accountId ? em.users.get(req.accountId) : undefined;
}

const browsesUsers = (em: JiraEmulator, req: EmRequest) =>
  req.provider === 'app' || callerOf(em, req)?.browseUsers === true;

/** A non-negative integer query parameter, its default when absent; undefined when invalid. */
function count(req: EmRequest, name: string, fallback: number): number | undefined {
  const raw = req.query.get(name);
  if (raw === null) return fallback;
  const n = Number(raw);
  return Number.isInteger(n) && n >= 0 ? n : undefined;
}

function findUsers(em: JiraEmulator, req: EmRequest): EmResponse {
  const query = req.query.get('query');
  const accountId = req.query.get('accountId');
  if (!query && !accountId && !req.query.get('property')) {
    return errors(400, 'One of the query parameters accountId, query or property is required.');
  }
  if (query && accountId)
    return errors(400, 'The query and accountId parameters cannot both be given.');
  const startAt = count(req, 'startAt', 0);
  const maxResults = count(req, 'maxResults', 50);
  if (startAt === undefined || maxResults === undefined) {
    return errors(400, 'startAt and maxResults must be non-negative integers.');
  }
  if (!browsesUsers(em, req)) return { status: 200, body: [] };
  const q = (query ?? '').toLowerCase();
  const matches = [...em.users.values()].filter(
    (u) =>
      u.active &&
      (accountId
        ? u.accountId === accountId
        : u.displayName
            .toLowerCase()
            .split(/\s+/)
            .some(
              (word, i, words) => word.startsWith(q) || words.slice(i).join(' ').startsWith(q),
            )),
  );
  return {
    status: 200,
    body: matches.slice(startAt, startAt + maxResults).map((u) => userDetails(em, u)),
  };
}

function findGroups(em: JiraEmulator, req: EmRequest): EmResponse {
  const query = req.query.get('query') ?? '';
  const caseInsensitive = req.query.get('caseInsensitive') === 'true';
  const excluded = new Set(req.query.getAll('excludeId'));
  const excludedNames = new Set(req.query.getAll('exclude'));
  if (excluded.size > 0 && excludedNames.size > 0) {
    return errors(400, 'The exclude and excludeId parameters cannot both be given.');
  }
  const maxResults = count(req, 'maxResults', 20);
  if (maxResults === undefined) return errors(400, 'maxResults must be a non-negative integer.');
  const browsesProjects =
    req.provider === 'app' ||
    [...em.projects.values()].some((p) => em.can(req, p.id, 'BROWSE_PROJECTS'));
  const fold = (s: string) => (caseInsensitive ? s.toLowerCase() : s);
  const found = !browsesProjects
    ? []
    : [...em.groups.values()]
        .filter((g) => !excluded.has(g.groupId) && !excludedNames.has(g.name))
        .filter((g) =>
          browsesUsers(em, req) ? fold(g.name).includes(fold(query)) : g.name === query,
        )
        .sort((a, b) => a.name.localeCompare(b.name));
  const groups = found.slice(0, maxResults).map((g) => ({
    name: g.name,
    html: query ? g.name.split(query).join(`<b>${query}</b>`) : g.name,
    labels: [],
    groupId: g.groupId,
  }));
  return {
    status: 200,
    body: {
      header: `Showing ${groups.length} of ${found.length} matching groups`,
      total: found.length,
      groups,
    },
  };
}

function bulkGetGroups(em: JiraEmulator, req: EmRequest): EmResponse {
  if (!browsesUsers(em, req)) {
    return errors(403, 'Browse users and groups permission is required to view groups.');
  }
  const startAt = count(req, 'startAt', 0);
  const maxResults = count(req, 'maxResults', 50);
  if (startAt === undefined || maxResults === undefined) {
    return errors(400, 'startAt and maxResults must be non-negative integers.');
  }
  const ids = new Set(req.query.getAll('groupId'));
  const names = new Set(req.query.getAll('groupName'));
  const found = [...em.groups.values()].filter(
    (g) => (ids.size === 0 && names.size === 0) || ids.has(g.groupId) || names.has(g.name),
  );
  const values = found
    .slice(startAt, startAt + maxResults)
    .map((g) => ({ groupId: g.groupId, name: g.name }));
  return {
    status: 200,
    body: {
      isLast: startAt + values.length >= found.length,
      maxResults,
      startAt,
      total: found.length,
      values,
    },
  };
}

function groupOf(em: JiraEmulator, req: EmRequest): EmGroup | EmResponse {
  const id = req.query.get('groupId');
  const name = req.query.get('groupname');
  if ((id === null) === (name === null)) {
    return errors(400, 'Either the groupId or the groupname parameter is required, not both.');
  }
  const group =
    id !== null ? em.groups.get(id) : [...em.groups.values()].find((g) => g.name === name);
  return (
    group ??
    errors(404, `Group with ${id !== null ? `id '${id}'` : `name '${name}'`} does not exist.`)
  );
}

function getUsersFromGroup(em: JiraEmulator, req: EmRequest): EmResponse {
  const caller = callerOf(em, req);
  if (!browsesUsers(em, req) && !(caller?.siteAdmin ?? false)) {
    return errors(403, 'You do not have the permission to view group members.');
  }
  const group = groupOf(em, req);
  if ('status' in group) return group;
  const startAt = count(req, 'startAt', 0);
  const maxResults = count(req, 'maxResults', 50);
  if (startAt === undefined || maxResults === undefined || maxResults < 1 || maxResults > 50) {
    return errors(400, 'startAt must be non-negative and maxResults between 1 and 50.');
  }
  const inactive = req.query.get('includeInactiveUsers') === 'true';
  const members = group.members
    .flatMap((id) => {
      const user = em.users.get(id);
      return user && (inactive || user.active) ? [user] : [];
    })
    .sort((a, b) => a.accountId.localeCompare(b.accountId));
  const values = members.slice(startAt, startAt + maxResults).map((u) => userDetails(em, u));
  const isLast = startAt + values.length >= members.length;
  const page = `${em.baseUrl}/rest/api/3/group/member?groupId=${group.groupId}&includeInactiveUsers=${inactive}&maxResults=${maxResults}`;
  return {
    status: 200,
    body: {
      self: `${page}&startAt=${startAt}`,
      ...(isLast ? {} : { nextPage: `${page}&startAt=${startAt + values.length}` }),
      isLast,
      maxResults,
      startAt,
      total: members.length,
      values,
    },
  };
}

export const groupRoutes: RouteGroup = (em) => ({
  findUsers: (req) => findUsers(em, req),
  findGroups: (req) => findGroups(em, req),
  bulkGetGroups: (req) => bulkGetGroups(em, req),
  getUsersFromGroup: (req) => getUsersFromGroup(em, req),
});
