import type { z } from 'zod';
import type { Config } from '../domain/config';
import type { PeopleFound, PeopleNames } from '../contract/settings-view';
import { groupNames, groupsByIds, searchGroups, searchUsers } from '../jira/people';
import { displayNames, lookUpAccounts } from '../jira/user-names';
import { fail, type Caller } from './resolver-kit';

/**
 * The lead engineers of the settings pages: people and groups found by name for the pickers (as
 * the caller, whose Jira permissions decide what is found), the names of those already named,
 * and the check on save that every named account and group exists.
 */

type Leads = Partial<Pick<Config['feasibility'], 'leadAccountIds' | 'leadGroupIds'>>;

/** Refuses with the problems by payload path (`settings.runway.pauseAtSprints`), for the form. */
export function refuseInvalid(
  root: 'settings' | 'override',
  issues: readonly z.core.$ZodIssue[],
): never {
  const fields = issues.map((i) => ({
    path: [root, ...i.path.map(String)].join('.'),
    message: i.message,
  }));
  return fail(
    'invalid-input',
    fields.map((f) => `${f.path}: ${f.message}`).join('; ') || 'The settings are not valid.',
    { fields },
  );
}

/** Refuses, in the global settings, a value only a project's settings may hold. */
export function refuseProjectOnly(path: [string, string], message: string, input: unknown): never {
  return refuseInvalid('settings', [{ code: 'custom', path, message, input }]);
}

/**
 * Lead engineers must be users of this site and lead groups groups of it (one user lookup and one
 * group lookup as the caller); an unknown or deactivated account or an unknown group is refused
 * at its place in the form. A lookup Jira refuses fails the save (nothing unchecked is stored).
 */
export async function checkLeads(
  caller: Caller,
  root: 'settings' | 'override',
  leads: Leads,
): Promise<void> {
  const people = leads.leadAccountIds ?? [];
  const groups = leads.leadGroupIds ?? [];
  const [found, foundGroups] = await Promise.all([
    people.length > 0 ? lookUpAccounts(caller.jira, people) : new Map<string, never>(),
    groups.length > 0 ? groupsByIds(caller.jira, groups) : new Map<string, string>(),
  ]);
  const issues = people.flatMap((id, i): z.core.$ZodIssue[] => {
    const user = found.get(id);
    if (user?.active) return [];
    const message = user
      ? `${user.name ?? id} (${id}) is deactivated in Jira and cannot sign off`
      : `no Jira user has the account id "${id}"`;
    return [{ code: 'custom', path: ['feasibility', 'leadAccountIds', i], message, input: id }];
  });
  groups.forEach((id, i) => {
    if (foundGroups.has(id)) return;
    const message = `no Jira group has the id "${id}"`;
    issues.push({ code: 'custom', path: ['feasibility', 'leadGroupIds', i], message, input: id });
  });
  if (issues.length > 0) refuseInvalid(root, issues);
}

/** Names of the people and groups the given settings name (one lookup of each, when any). */
export async function peopleNamesOf(caller: Caller, parts: readonly Leads[]): Promise<PeopleNames> {
  const people = [...new Set(parts.flatMap((p) => p.leadAccountIds ?? []))];
  const groups = [...new Set(parts.flatMap((p) => p.leadGroupIds ?? []))];
  const [users, groupsById] = await Promise.all([
    displayNames(caller.jira, people),
    groupNames(caller.jira, groups),
  ]);
  return { users: Object.fromEntries(users), groups: Object.fromEntries(groupsById) };
}

/** Users and groups whose names match `query`, for the pickers (two searches, in parallel). */
export async function findPeople(caller: Caller, query: string): Promise<PeopleFound> {
  const [users, groups] = await Promise.all([
    searchUsers(caller.jira, query),
    searchGroups(caller.jira, query),
  ]);
  return { users, groups };
}
