import { route } from '@forge/api';
import { z } from 'zod';
import type { JiraGateway } from './jira-gateway';

/**
 * Permission checks against Jira, as the calling user. A resolver asks before it does anything
 * for the user; Jira's answer is the only authority.
 */

export type PermissionKey =
  | 'ADMINISTER'
  | 'BROWSE_PROJECTS'
  | 'EDIT_ISSUES'
  | 'CREATE_ISSUES'
  | 'LINK_ISSUES'
  | 'ADMINISTER_PROJECTS'
  | 'SCHEDULE_ISSUES'
  | 'TRANSITION_ISSUES'
  | 'ADD_COMMENTS';

const MyPermissionsSchema = z
  .object({
    permissions: z.record(
      z.string(),
      z.object({ havePermission: z.boolean().optional() }).passthrough(),
    ),
  })
  .passthrough();

export type PermissionContext =
  | { kind: 'global' }
  | { kind: 'project'; projectKey: string }
  | { kind: 'issue'; issueKey: string };

/** Which of the named permissions the gateway's user holds in the given context. */
export async function myPermissions(
  jira: JiraGateway,
  context: PermissionContext,
  keys: readonly PermissionKey[],
): Promise<Set<PermissionKey>> {
  const permissions = keys.join(',');
  const path =
    context.kind === 'project'
      ? route`/rest/api/3/mypermissions?projectKey=${context.projectKey}&permissions=${permissions}`
      : context.kind === 'issue'
        ? route`/rest/api/3/mypermissions?issueKey=${context.issueKey}&permissions=${permissions}`
        : route`/rest/api/3/mypermissions?permissions=${permissions}`;
  const answer = await jira.request(MyPermissionsSchema, path);
  const held = new Set<PermissionKey>();
  for (const key of keys) {
    if (answer.permissions[key]?.havePermission === true) held.add(key);
  }
  return held;
}
