import { adfProblem } from '../adf';
import { offsetPageMeta } from '../agile-paging';
import type { EmRequest, EmResponse, JiraEmulator, RouteGroup } from '../jira-emulator';
import { customFieldProblem, notOnScreen } from '../app-field-values';
import { editScreens, mayOverrideScreens, requestedOverrides } from '../edit-screens';
import type { EmField, EmIssue } from '../model';
import { searchIndex } from '../search-lag';

/**
 * What the sprint guard and the sprint-start check use, as Jira documents it:
 * - POST /rest/agile/1.0/backlog/issue (moveIssuesToBacklog): `{ issues: [key|id] }`, at most
 *   50; Schedule issues (and Browse) on every issue's project, else 403; an unknown issue 400.
 *   Takes the issues out of their open sprints (closed sprints stay in the field). 204.
 * - GET /rest/agile/1.0/sprint/{sprintId} (getSprint) and GET .../sprint/{sprintId}/issue
 *   (getIssuesForSprint, `fields`, offset paging up to `em.agilePageMax`, `total` / `isLast` as
 *   `em.agilePageStyle` says): 404 for an unknown sprint or one on a board the caller cannot
 *   browse; only issues the caller can browse are listed.
 * - POST /rest/api/3/issue/{issueIdOrKey}/comment (addComment): Browse + Add comments; the body
 *   must conform to Atlassian's ADF JSON schema (dev/emulator/adf.ts), else 400. 201 with it.
 * - PUT /rest/api/3/issue/{issueIdOrKey} (editIssue): Browse + Edit issues; `fields` sets custom
 *   field values (Flagged: a list of `{ value }` options; app fields as dev/emulator/
 *   app-field-values.ts checks them), `update.labels[].add` adds labels. Every field set must be
 *   on the issue's edit screen (dev/emulator/edit-screens.ts), unless `overrideScreenSecurity`
 *   is used by a caller allowed to (Administer Jira; anyone else gets 403 before anything is
 *   checked); a field with no context in the project cannot be set even then. 204; a refused
 *   field answers 400 naming it, and nothing is changed.
 *
 * State not on EmIssue (comments, labels) lives here, per emulator.
 */

export interface EmComment {
  id: string;
  issueId: string;
  author: string;
  body: unknown;
  created: string;
}

interface EnforcementState {
  comments: EmComment[];
  labels: Map<string, Set<string>>;
  nextId: number;
}

const states = new WeakMap<JiraEmulator, EnforcementState>();

function stateOf(em: JiraEmulator): EnforcementState {
  let state = states.get(em);
  if (!state) {
    state = { comments: [], labels: new Map(), nextId: 10000 };
    states.set(em, state);
  }
  return state;
}

/** Comments on one issue (by key or id), oldest first. */
export function commentsOf(em: JiraEmulator, issueIdOrKey: string): EmComment[] {
  const issue = em.findIssue(issueIdOrKey);
  return issue ? stateOf(em).comments.filter((c) => c.issueId === issue.id) : [];
}

export function labelsOf(em: JiraEmulator, issueIdOrKey: string): string[] {
  const issue = em.findIssue(issueIdOrKey);
  return issue ? [...(stateOf(em).labels.get(issue.id) ?? [])] : [];
}

/** Sets an issue's labels (seeds; the app adds labels through PUT issue). */
export function setLabels(em: JiraEmulator, issueIdOrKey: string, labels: readonly string[]): void {
  const issue = em.findIssue(issueIdOrKey);
  if (!issue) throw new Error(`Emulator: no issue ${issueIdOrKey}`);
  stateOf(em).labels.set(issue.id, new Set(labels));
}

/** Jira's "Flagged" field as sites with Jira Software have it (a multi-checkbox custom field). */
export function addFlaggedField(em: JiraEmulator): EmField {
  const field: EmField = {
    id: 'customfield_10021',
    key: 'customfield_10021',
    name: 'Flagged',
    custom: true,
    schema: {
      type: 'array',
      items: 'option',
      custom: 'com.atlassian.jira.plugin.system.customfieldtypes:multicheckboxes',
      customId: 10021,
    },
  };
  em.fields.set(field.id, field);
  return field;
}

function errors(status: number, message: string): EmResponse {
  return { status, body: { errorMessages: [message], errors: {} } };
}

function visibleIssue(em: JiraEmulator, req: EmRequest): EmIssue | undefined {
  const issue = em.findIssue(req.op.pathParams['issueIdOrKey'] ?? '');
  return issue && em.canSeeIssue(req, issue) ? issue : undefined;
}

function moveIssuesToBacklog(em: JiraEmulator, req: EmRequest): EmResponse {
  const body = req.body as { issues?: unknown };
  const refs = Array.isArray(body?.issues) ? body.issues : [];
  if (refs.length === 0 || refs.length > 50) {
    return errors(400, 'Between 1 and 50 issues can be moved at once.');
  }
  const issues: EmIssue[] = [];
  for (const ref of refs) {
    const issue = typeof ref === 'string' ? em.findIssue(ref) : undefined;
    if (!issue || !em.canSeeIssue(req, issue)) {
      return errors(
        400,
        `Issue ${String(ref)} does not exist or you do not have permission to see it.`,
      );
    }
    if (!em.can(req, issue.projectId, 'SCHEDULE_ISSUES')) {
      return errors(403, `You do not have permission to schedule issue ${issue.key}.`);
    }
    issues.push(issue);
  }
  for (const issue of issues) {
    searchIndex(em).beforeWrite(issue);
    em.setSprint(issue.key, undefined);
  }
  return { status: 204 };
}

function sprintOf(em: JiraEmulator, req: EmRequest) {
  const sprint = em.sprints.get(Number(req.op.pathParams['sprintId']));
  const board = sprint ? em.boards.get(sprint.boardId) : undefined;
  if (!sprint || !board || !em.can(req, board.projectId, 'BROWSE_PROJECTS')) return undefined;
  return sprint;
}

function getSprint(em: JiraEmulator, req: EmRequest): EmResponse {
  const s = sprintOf(em, req);
  if (!s) return errors(404, 'The sprint does not exist or you do not have permission to see it.');
  return {
    status: 200,
    body: {
      id: s.id,
      self: `${em.baseUrl}/rest/agile/1.0/sprint/${s.id}`,
      state: s.state,
      name: s.name,
      ...(s.startDate ? { startDate: s.startDate } : {}),
      ...(s.endDate ? { endDate: s.endDate } : {}),
      ...(s.completeDate ? { completeDate: s.completeDate } : {}),
      originBoardId: s.boardId,
      goal: s.goal,
    },
  };
}

function getIssuesForSprint(em: JiraEmulator, req: EmRequest): EmResponse {
  const sprint = sprintOf(em, req);
  if (!sprint) {
    return errors(404, 'The sprint does not exist or you do not have permission to see it.');
  }
  // No 400 here: the contract documents none for this operation (200, 401, 403, 404).
  const startAt = Number(req.query.get('startAt') ?? '0');
  const asked = Number(req.query.get('maxResults') ?? String(em.agilePageMax));
  const maxResults = Math.max(1, Math.min(asked, em.agilePageMax));
  const fields = (req.query.get('fields') ?? '')
    .split(',')
    .map((f) => f.trim())
    .filter((f) => f.length > 0);
  const inSprint = [...em.issues.values()]
    .filter((i) => em.canSeeIssue(req, i))
    .filter((i) => {
      const value = i.custom.get(em.sprintField.id);
      return Array.isArray(value) && value.some((s: { id?: unknown }) => s.id === sprint.id);
    })
    .sort((a, b) => (a.rank ?? Number(a.id)) - (b.rank ?? Number(b.id)));
  const page = inSprint.slice(startAt, startAt + maxResults);
  return {
    status: 200,
    body: {
      expand: 'schema,names',
      // Classic: startAt, maxResults, total, as the contract's Pagination section shows.
      ...offsetPageMeta(
        em.agilePageStyle,
        { total: true, isLast: false },
        { startAt, maxResults, returned: page.length, size: inSprint.length },
      ),
      issues: page.map((i) => em.issueBean(i, fields.length > 0 ? fields : ['*navigable'], req)),
    },
  };
}

function addComment(em: JiraEmulator, req: EmRequest): EmResponse {
  const issue = visibleIssue(em, req);
  if (!issue) return errors(404, 'Issue does not exist or you do not have permission to see it.');
  if (!em.can(req, issue.projectId, 'ADD_COMMENTS')) {
    return errors(400, 'You do not have the permission to comment on this issue.');
  }
  const body = (req.body as { body?: unknown } | undefined)?.body;
  const problem = adfProblem(body);
  if (problem !== undefined) return errors(400, `INVALID_INPUT: the comment body ${problem}.`);
  const state = stateOf(em);
  const comment: EmComment = {
    id: String(state.nextId++),
    issueId: issue.id,
    author: req.provider === 'app' ? 'app' : (req.accountId ?? 'unknown'),
    body,
    created: new Date().toISOString(),
  };
  state.comments.push(comment);
  return {
    status: 201,
    body: {
      self: `${em.baseUrl}/rest/api/3/issue/${issue.id}/comment/${comment.id}`,
      id: comment.id,
      body,
      created: comment.created.replace('Z', '+0000'),
      updated: comment.created.replace('Z', '+0000'),
      jsdPublic: true,
    },
  };
}

function editIssue(em: JiraEmulator, req: EmRequest): EmResponse {
  const issue = visibleIssue(em, req);
  if (!issue) return errors(404, 'Issue does not exist or you do not have permission to see it.');
  const overrides = requestedOverrides(req);
  if (overrides.length > 0 && !mayOverrideScreens(em, req)) {
    return errors(
      403,
      `${overrides.join(' and ')} can only be used by Jira administrators and apps acting as one.`,
    );
  }
  const overrideScreens = overrides.includes('overrideScreenSecurity');
  if (!em.can(req, issue.projectId, 'EDIT_ISSUES')) {
    return errors(403, 'You do not have permission to edit issues in this project.');
  }
  const screens = editScreens(em);
  const onScreen = (id: string) => overrideScreens || screens.has(issue, id);
  const body = (req.body ?? {}) as {
    fields?: Record<string, unknown>;
    update?: Record<string, Array<Record<string, unknown>>>;
  };
  const fieldErrors: Record<string, string> = {};
  const planned: Array<[string, unknown]> = [];
  const labelOps: Array<Record<string, unknown>> = [];
  for (const [id, value] of Object.entries(body.fields ?? {})) {
    const field = em.fields.get(id);
    const outOfContext = field?.projectIds !== undefined && !field.projectIds.has(issue.projectId);
    if (!field || !field.custom || outOfContext || !onScreen(id)) {
      fieldErrors[id] = notOnScreen(id);
      continue;
    }
    const problem = customFieldProblem(em, field, value, { overrideScreens });
    if (problem) fieldErrors[id] = problem;
    else planned.push([id, value]);
  }
  for (const [id, ops] of Object.entries(body.update ?? {})) {
    if (id !== 'labels') {
      fieldErrors[id] = `Field '${id}' cannot be updated by the emulator.`;
      continue;
    }
    if (!onScreen(id)) {
      fieldErrors[id] = notOnScreen(id);
      continue;
    }
    labelOps.push(...ops);
  }
  if (Object.keys(fieldErrors).length > 0) {
    return { status: 400, body: { errorMessages: [], errors: fieldErrors } };
  }
  searchIndex(em).beforeWrite(issue);
  if (labelOps.length > 0) {
    const labels = stateOf(em).labels.get(issue.id) ?? new Set<string>();
    for (const op of labelOps) {
      if (typeof op['add'] === 'string') labels.add(op['add']);
      if (typeof op['remove'] === 'string') labels.delete(op['remove']);
    }
    stateOf(em).labels.set(issue.id, labels);
  }
  for (const [id, value] of planned) {
    if (value === null) issue.custom.delete(id);
    else issue.custom.set(id, structuredClone(value));
  }
  issue.updated = new Date().toISOString();
  return { status: 204 };
}

export const enforcementRoutes: RouteGroup = (em) => ({
  moveIssuesToBacklog: (req) => moveIssuesToBacklog(em, req),
  getSprint: (req) => getSprint(em, req),
  getIssuesForSprint: (req) => getIssuesForSprint(em, req),
  addComment: (req) => addComment(em, req),
  editIssue: (req) => editIssue(em, req),
});
