/**
 * The emulated Jira site's data. Plain objects, mutated only through JiraEmulator's methods so
 * that tests and the local preview seed the same shapes Jira returns.
 */

export type ProjectPermission =
  | 'BROWSE_PROJECTS'
  | 'EDIT_ISSUES'
  | 'CREATE_ISSUES'
  | 'TRANSITION_ISSUES'
  | 'ADD_COMMENTS'
  | 'SCHEDULE_ISSUES'
  | 'ADMINISTER_PROJECTS'
  | 'LINK_ISSUES';

export const ALL_PROJECT_PERMISSIONS: readonly ProjectPermission[] = [
  'BROWSE_PROJECTS',
  'EDIT_ISSUES',
  'CREATE_ISSUES',
  'TRANSITION_ISSUES',
  'ADD_COMMENTS',
  'SCHEDULE_ISSUES',
  'ADMINISTER_PROJECTS',
  'LINK_ISSUES',
];

export const MEMBER_PERMISSIONS: readonly ProjectPermission[] = [
  'BROWSE_PROJECTS',
  'EDIT_ISSUES',
  'CREATE_ISSUES',
  'TRANSITION_ISSUES',
  'ADD_COMMENTS',
  'SCHEDULE_ISSUES',
  'LINK_ISSUES',
];

export interface EmUser {
  accountId: string;
  displayName: string;
  active: boolean;
  /** Holds the global ADMINISTER permission (Jira administrator). */
  siteAdmin: boolean;
  /**
   * Holds the global "Browse users and groups" permission, which Jira grants to every product
   * user by default; user search, group search and group members depend on it.
   */
  browseUsers: boolean;
}

/** A Jira group: its id (Jira's group ids are UUIDs), name and members by account id. */
export interface EmGroup {
  groupId: string;
  name: string;
  members: string[];
}

export interface EmProject {
  id: string;
  key: string;
  name: string;
  style: 'classic' | 'next-gen';
  /**
   * Jira's project type key (`projectTypeKey`): `product_discovery` for a Jira Product Discovery
   * space (the OpenAPI description's project type enum; docs/jpd.md). `software` when unset.
   */
  typeKey?: 'software' | 'product_discovery';
  /** accountId → permissions on this project. */
  permissions: Map<string, Set<ProjectPermission>>;
  /** The app user's permissions on this project (asApp calls). */
  appPermissions: Set<ProjectPermission>;
  issueCounter: number;
}

export interface EmIssueType {
  id: string;
  name: string;
  description: string;
  subtask: boolean;
  hierarchyLevel: number;
}

export interface EmField {
  id: string;
  key: string;
  name: string;
  custom: boolean;
  schema: { type: string; system?: string; custom?: string; customId?: number; items?: string };
  /** Projects the field has a context in; undefined means global (every project). */
  projectIds?: Set<string>;
}

export interface EmStatus {
  id: string;
  name: string;
  category: 'new' | 'indeterminate' | 'done';
}

export interface EmIssue {
  id: string;
  key: string;
  projectId: string;
  issueTypeId: string;
  statusId: string;
  summary: string;
  /** Custom field values by field id. */
  custom: Map<string, unknown>;
  /** Atlassian Document Format, as sent on create (issue-writes routes). */
  description?: unknown;
  created: string;
  updated: string;
  /** Board order for `ORDER BY Rank` (lower first); the issue id when unset. */
  rank?: number;
  /** Jira's statuscategorychangedate (ISO); `created` when unset. */
  statusCategoryChanged?: string;
  /** The issue's security level (an `EmSecurityLevel` id); none when unset. */
  securityLevelId?: string;
}

/**
 * An issue security level: who may see an issue that has it, beyond Browse projects (Jira lets
 * a user see such an issue only when they may browse its project AND the level grants them).
 * Whether the app user is granted a level is not documented for Forge apps, so it is a switch
 * (`app`); tests run both (docs/emulator.md, "Issue security levels").
 */
export interface EmSecurityLevel {
  id: string;
  name: string;
  description: string;
  /** Account ids the level grants. */
  members: Set<string>;
  /** Whether the level grants the app user (asApp calls). */
  app: boolean;
}

/** The Forge app's own custom fields get this `schema.custom` prefix on a site. */
export const FORGE_FIELD_PREFIX =
  'ari:cloud:ecosystem::extension/5b0a7c1e-2d4f-4e8a-9c61-0d3e7f2a9b14/emulated-env/static/';

export interface EmBoard {
  id: number;
  name: string;
  projectId: string;
  /** `simple`: the board of a team-managed project (Jira's type for those boards). */
  type: 'scrum' | 'kanban' | 'simple';
  /** Field id of the board's estimation statistic (story points), if any. */
  estimationFieldId: string | undefined;
  /** Projects the board's filter names besides its location project (a multi-project board). */
  otherProjectIds: readonly string[];
  /** Whether the board has sprints: a Scrum board, or a team-managed one with Sprints on. */
  sprintsEnabled: boolean;
  /**
   * The accounts the board's filter is shared with; undefined: shared with the project (whoever
   * may browse its location project sees the board).
   */
  sharedWith?: readonly string[] | undefined;
}

export interface EmSprint {
  id: number;
  boardId: number;
  name: string;
  state: 'future' | 'active' | 'closed';
  goal: string;
  startDate: string | undefined;
  endDate: string | undefined;
  completeDate: string | undefined;
}

/** `schema.custom` of Jira Software's Sprint field. */
export const SPRINT_FIELD_CUSTOM = 'com.pyxis.greenhopper.jira:gh-sprint';

/**
 * Jira Software's Rank field: its id as board configuration names it (`ranking.rankCustomFieldId`,
 * GET /rest/agile/1.0/board/{boardId}/configuration), and its value in an issue bean, a LexoRank
 * string whose string order is the board order (`0|i0000f:`; Jira Software calls Rank an internal
 * field and documents no format: the emulator's value only keeps the order `ORDER BY Rank` gives).
 */
export const RANK_CUSTOM_FIELD_ID = 10019;
export const RANK_FIELD_ID = `customfield_${RANK_CUSTOM_FIELD_ID}`;

/** The issue's Rank value: its rank (the id when unset) as a fixed-width string in rank order. */
export function lexoRankOf(issue: Pick<EmIssue, 'rank' | 'id'>): string {
  const rank = issue.rank ?? Number(issue.id);
  return `0|${(rank + 1e12).toFixed(6).padStart(24, '0')}:`;
}
