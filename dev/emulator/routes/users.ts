import type { EmRequest, EmResponse, JiraEmulator, RouteGroup } from '../jira-emulator';
import type { EmUser } from '../model';

/** A user as Jira's user endpoints return one (the contract's User, the fields the app reads). */
export const userDetails = (em: JiraEmulator, user: EmUser) => ({
  self: `${em.baseUrl}/rest/api/3/user?accountId=${user.accountId}`,
  accountId: user.accountId,
  accountType: 'atlassian',
  displayName: user.displayName,
  active: user.active,
  timeZone: 'UTC',
});

/**
 * GET /rest/api/3/user/bulk (bulkGetUsers): the users named by one or more `accountId`
 * parameters, as a page (`startAt` from 0, `maxResults` 10 unless given, the contract's
 * defaults). Any signed-in caller may ask (the contract's "Permission to access Jira"). An
 * account id the site does not know is left out of the answer, as Jira does; an inactive user
 * is listed with `active: false`.
 */

function errors(status: number, message: string): EmResponse {
  return { status, body: { errorMessages: [message], errors: {} } };
}

function bulkGetUsers(em: JiraEmulator, req: EmRequest): EmResponse {
  const ids = [
    ...new Set(
      req.query
        .getAll('accountId')
        .flatMap((v) => v.split(','))
        .map((v) => v.trim())
        .filter((v) => v.length > 0),
    ),
  ];
  if (ids.length === 0) return errors(400, 'The accountId query parameter is required.');
  const startAt = Number(req.query.get('startAt') ?? '0');
  const maxResults = Number(req.query.get('maxResults') ?? '10');
  if (
    !Number.isInteger(startAt) ||
    startAt < 0 ||
    !Number.isInteger(maxResults) ||
    maxResults < 0
  ) {
    return errors(400, 'startAt and maxResults must be non-negative integers.');
  }
  const found = ids.flatMap((id) => {
    const user = em.users.get(id);
    return user ? [user] : [];
  });
  const values = found.slice(startAt, startAt + maxResults).map((user) => userDetails(em, user));
  const isLast = startAt + values.length >= found.length;
  const page = new URLSearchParams();
  for (const id of ids) page.append('accountId', id);
  page.set('maxResults', String(maxResults));
  const self = `${em.baseUrl}/rest/api/3/user/bulk?${page.toString()}&startAt=${startAt}`;
  return {
    status: 200,
    body: {
      self,
      ...(isLast
        ? {}
        : {
            nextPage: `${em.baseUrl}/rest/api/3/user/bulk?${page.toString()}&startAt=${startAt + values.length}`,
          }),
      startAt,
      maxResults,
      total: found.length,
      isLast,
      values,
    },
  };
}

export const userRoutes: RouteGroup = (em) => ({
  bulkGetUsers: (req) => bulkGetUsers(em, req),
});
