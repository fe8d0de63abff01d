import type { EmRequest, JiraEmulator } from './jira-emulator';
import type { EmIssue } from './model';

/**
 * Edit screens, as far as PUT /rest/api/3/issue/{issueIdOrKey} (editIssue) depends on them.
 *
 * Jira Cloud (Edit issue and Get edit issue metadata in Atlassian's OpenAPI description,
 * https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issues/#api-rest-api-3-issue-issueidorkey-put
 * and #api-rest-api-3-issue-issueidorkey-editmeta-get):
 * - the fields an edit can set are those of the issue's edit screen (reached through the project's
 *   issue type screen scheme, so it can differ per project and per issue type); a field that is
 *   not on it answers 400 with `errors: { <field id>: "Field '<id>' cannot be set. It is not on
 *   the appropriate screen, or unknown." }` and nothing is changed;
 * - `overrideScreenSecurity=true` skips the screen check and the field configuration's "hidden"
 *   (editmeta conditions 1 and 2), but not the custom field's context (condition 4): a field with
 *   no context in the project stays unsettable;
 * - `overrideEditableFlag=true` skips the workflow step's `jira.issue.editable` (conditions 6 and
 *   7); the emulator has no non-editable steps, so it only checks who may use it;
 * - either override is "available to Connect and Forge app users with Administer Jira global
 *   permission and Forge apps acting on behalf of users with Administer Jira global permission";
 *   anyone else using one gets 403 ("Returned if the user uses overrideScreenSecurity or
 *   overrideEditableFlag but doesn't have the necessary permission"). The 403's wording is not
 *   documented; the emulator's is its own.
 *
 * Whether a Forge app calling asApp() holds Administer Jira is not something the docs settle (see
 * docs/emulator-edit-screens.md), so it is a setting: `em.appHoldsAdminister` (default false).
 * A user call may override when the user is a Jira admin (`siteAdmin`).
 *
 * By default every field is on every edit screen (a site whose admins added Flagged and Labels),
 * so seeds need no screen set-up; tests take fields off one project's screens, or off the screen
 * of one issue type in it.
 */
export class EditScreens {
  /** `projectId` (every type) or `projectId/issueTypeId` → field ids not on that edit screen. */
  private readonly off = new Map<string, Set<string>>();

  /** Takes a field off the edit screen of a project (of one issue type, when given). */
  takeOff(projectId: string, fieldId: string, issueTypeId?: string): void {
    const scope = scopeKey(projectId, issueTypeId);
    const set = this.off.get(scope) ?? new Set<string>();
    set.add(fieldId);
    this.off.set(scope, set);
  }

  /** Puts a field back on (undoes takeOff for the same project and type). */
  putOn(projectId: string, fieldId: string, issueTypeId?: string): void {
    this.off.get(scopeKey(projectId, issueTypeId))?.delete(fieldId);
    if (issueTypeId === undefined) {
      for (const [scope, set] of this.off) {
        if (scope.startsWith(`${projectId}/`)) set.delete(fieldId);
      }
    }
  }

  /** Is the field on the edit screen of this issue? */
  has(issue: EmIssue, fieldId: string): boolean {
    return !(
      this.off.get(issue.projectId)?.has(fieldId) ||
      this.off.get(scopeKey(issue.projectId, issue.issueTypeId))?.has(fieldId)
    );
  }
}

function scopeKey(projectId: string, issueTypeId: string | undefined): string {
  return issueTypeId === undefined ? projectId : `${projectId}/${issueTypeId}`;
}

const screens = new WeakMap<JiraEmulator, EditScreens>();

/** The edit screens of an emulated site (created on first use). */
export function editScreens(em: JiraEmulator): EditScreens {
  let found = screens.get(em);
  if (!found) {
    found = new EditScreens();
    screens.set(em, found);
  }
  return found;
}

/** Takes a field off the edit screen of a project by key (of one issue type, by name, when given). */
export function takeOffEditScreen(
  em: JiraEmulator,
  projectKey: string,
  fieldId: string,
  issueTypeName?: string,
): void {
  const project = em.projectByKey(projectKey);
  let typeId: string | undefined;
  if (issueTypeName !== undefined) {
    const type = [...em.issueTypes.values()].find((t) => t.name === issueTypeName);
    if (!type) throw new Error(`Emulator: no issue type ${issueTypeName}`);
    typeId = type.id;
  }
  editScreens(em).takeOff(project.id, fieldId, typeId);
}

/** The override query parameters of editIssue (and editmeta) that need Administer Jira. */
export const SCREEN_OVERRIDES = ['overrideScreenSecurity', 'overrideEditableFlag'] as const;

/** The overrides this request asks for (a parameter set to `true`). */
export function requestedOverrides(req: EmRequest): Array<(typeof SCREEN_OVERRIDES)[number]> {
  return SCREEN_OVERRIDES.filter((name) => req.query.get(name) === 'true');
}

/**
 * May this caller use the screen overrides? An app call when the app user holds Administer Jira
 * (`em.appHoldsAdminister`); a user call when the user does (`siteAdmin`).
 */
export function mayOverrideScreens(em: JiraEmulator, req: EmRequest): boolean {
  if (req.provider === 'app') return em.appHoldsAdminister;
  const user = req.accountId ? em.users.get(req.accountId) : undefined;
  return user?.siteAdmin === true;
}
