import { route } from '@forge/api';
import { z } from 'zod';
import { isJiraError } from './errors';
import type { JiraGateway } from './jira-gateway';

/**
 * Users and groups for naming lead engineers, as the caller may see them: search by name
 * (`GET /rest/api/3/user/search`, `GET /rest/api/3/groups/picker`), group names by id
 * (`GET /rest/api/3/group/bulk`) and a group's members (`GET /rest/api/3/group/member`). Jira
 * answers these by the caller's *Browse users and groups* permission (docs/emulator.md).
 */

const UserSchema = z
  .object({
    accountId: z.string(),
    accountType: z.string().optional(),
    displayName: z.string().optional(),
    active: z.boolean().optional(),
  })
  .passthrough();

const FoundGroupsSchema = z
  .object({
    groups: z
      .array(z.object({ groupId: z.string().nullish(), name: z.string() }).passthrough())
      .optional(),
  })
  .passthrough();

const GroupPageSchema = z
  .object({
    values: z
      .array(z.object({ groupId: z.string().nullish(), name: z.string() }).passthrough())
      .optional(),
  })
  .passthrough();

const MemberPageSchema = z
  .object({ isLast: z.boolean().optional(), values: z.array(UserSchema).optional() })
  .passthrough();

export interface PersonOption {
  accountId: string;
  name: string;
}
export interface GroupOption {
  groupId: string;
  name: string;
}

/** Results a search answers at most, per kind. */
export const PEOPLE_SEARCH_MAX = 20;

/** Active people (not apps) whose name starts with `query`: one `GET user/search`. */
export async function searchUsers(jira: JiraGateway, query: string): Promise<PersonOption[]> {
  const users = await jira.request(
    z.array(UserSchema),
    route`/rest/api/3/user/search?query=${query}&maxResults=${PEOPLE_SEARCH_MAX}`,
  );
  return users
    .filter((u) => u.active !== false && (u.accountType ?? 'atlassian') === 'atlassian')
    .map((u) => ({ accountId: u.accountId, name: u.displayName ?? u.accountId }));
}

/** Groups whose name contains `query` (any case): one `GET groups/picker`. */
export async function searchGroups(jira: JiraGateway, query: string): Promise<GroupOption[]> {
  const found = await jira.request(
    FoundGroupsSchema,
    route`/rest/api/3/groups/picker?query=${query}&maxResults=${PEOPLE_SEARCH_MAX}&caseInsensitive=true`,
  );
  return (found.groups ?? []).flatMap((g) =>
    g.groupId ? [{ groupId: g.groupId, name: g.name }] : [],
  );
}

/**
 * The groups among `groupIds` Jira knows, with their names: one `GET group/bulk`. A failure is
 * thrown (a save must not accept ids it could not check).
 */
export async function groupsByIds(
  jira: JiraGateway,
  groupIds: readonly string[],
): Promise<Map<string, string>> {
  const ids = [...new Set(groupIds)];
  const found = new Map<string, string>();
  if (ids.length === 0) return found;
  const query = new URLSearchParams();
  for (const id of ids) query.append('groupId', id);
  query.set('maxResults', String(ids.length));
  const page = await jira.request(GroupPageSchema, route`/rest/api/3/group/bulk?${query}`);
  for (const g of page.values ?? [])
    if (g.groupId && ids.includes(g.groupId)) found.set(g.groupId, g.name);
  return found;
}

/** Group names by id for showing them; none when Jira refuses (the ids are shown instead). */
export async function groupNames(
  jira: JiraGateway,
  groupIds: readonly string[],
): Promise<Map<string, string>> {
  try {
    return await groupsByIds(jira, groupIds);
  } catch (error) {
    if (!isJiraError(error)) throw error;
    return new Map();
  }
}

/** Pages of a group's members read at most when looking for one person (50 a page). */
export const MEMBER_PAGES_MAX = 20;

/**
 * A group's active members, page by page (`GET group/member`, 50 a page), until `stop` says
 * enough or MEMBER_PAGES_MAX pages were read; `complete` is false when pages were left unread.
 */
export async function readGroupMembers(
  jira: JiraGateway,
  groupId: string,
  stop: (members: readonly string[]) => boolean,
  pageSize = 50,
): Promise<{ members: string[]; complete: boolean }> {
  const members: string[] = [];
  for (let page = 0; page < MEMBER_PAGES_MAX; page++) {
    const answer = await jira.request(
      MemberPageSchema,
      route`/rest/api/3/group/member?groupId=${groupId}&startAt=${page * pageSize}&maxResults=${pageSize}`,
    );
    const values = answer.values ?? [];
    members.push(...values.filter((u) => u.active !== false).map((u) => u.accountId));
    if (stop(members)) return { members, complete: true };
    if (answer.isLast !== false || values.length === 0) return { members, complete: true };
  }
  return { members, complete: false };
}
