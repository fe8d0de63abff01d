import { route } from '@forge/api';
import { z } from 'zod';
import { isJiraError } from './errors';
import type { JiraGateway } from './jira-gateway';

/**
 * Display names for account ids, as the caller may see them (Jira applies each user's privacy
 * settings to what it answers): one `GET /rest/api/3/user/bulk` for all of them. An id Jira does
 * not answer for, or every id when the call fails, keeps no name; callers show the id instead.
 */

const BulkUsersSchema = z
  .object({
    values: z
      .array(z.object({ accountId: z.string(), displayName: z.string().optional() }).passthrough())
      .optional(),
  })
  .passthrough();

/** The largest number of ids asked for in one call (a page of history names at most 20). */
export const USER_NAMES_MAX = 50;

export async function displayNames(
  jira: JiraGateway,
  accountIds: readonly string[],
): Promise<Map<string, string>> {
  const ids = [...new Set(accountIds)].slice(0, USER_NAMES_MAX);
  const names = new Map<string, string>();
  if (ids.length === 0) return names;
  const query = new URLSearchParams();
  for (const id of ids) query.append('accountId', id);
  query.set('maxResults', String(ids.length));
  try {
    const page = await jira.request(BulkUsersSchema, route`/rest/api/3/user/bulk?${query}`);
    for (const user of page.values ?? []) {
      if (user.displayName && ids.includes(user.accountId)) {
        names.set(user.accountId, user.displayName);
      }
    }
  } catch (error) {
    // Names are a courtesy: without them the history still shows who by account id.
    if (!isJiraError(error)) throw error;
  }
  return names;
}

/**
 * Which of `accountIds` are users of this site, and whether each is active, as Jira shows them
 * to the caller: one `GET /rest/api/3/user/bulk`. An id Jira does not answer for is not in the
 * map. Unlike `displayNames` a failure is thrown: a check must not pass because Jira was down.
 */
export async function lookUpAccounts(
  jira: JiraGateway,
  accountIds: readonly string[],
): Promise<Map<string, { active: boolean; name: string | undefined }>> {
  const ids = [...new Set(accountIds)].slice(0, USER_NAMES_MAX);
  const found = new Map<string, { active: boolean; name: string | undefined }>();
  if (ids.length === 0) return found;
  const query = new URLSearchParams();
  for (const id of ids) query.append('accountId', id);
  query.set('maxResults', String(ids.length));
  const page = await jira.request(BulkUsersSchema, route`/rest/api/3/user/bulk?${query}`);
  for (const user of page.values ?? []) {
    if (!ids.includes(user.accountId)) continue;
    const active = (user as { active?: unknown }).active !== false;
    found.set(user.accountId, { active, name: user.displayName });
  }
  return found;
}
