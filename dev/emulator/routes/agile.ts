import { AGILE_PAGE_MAX, offsetPageMeta } from '../agile-paging';
import type { EmRequest, EmResponse, JiraEmulator, RouteGroup } from '../jira-emulator';
import { RANK_CUSTOM_FIELD_ID, type EmBoard, type EmSprint } from '../model';

/**
 * Jira Software boards and sprints: GET /rest/agile/1.0/board (getAllBoards),
 * GET /rest/agile/1.0/board/{boardId}/configuration (getConfiguration) and
 * GET /rest/agile/1.0/board/{boardId}/sprint (getAllSprints). A board is visible to a caller its
 * filter is shared with and who can browse its project (`em.canSeeBoard`). Offset paging as the Agile API documents: startAt, maxResults, and
 * `total` / `isLast` as the emulator's page style says (dev/emulator/agile-paging.ts); the
 * largest page is `em.agilePageMax` (50 unless a test lowers it).
 */

export { AGILE_PAGE_MAX };

function errors(status: number, message: string): EmResponse {
  return { status, body: { errorMessages: [message], errors: {} } };
}

function paging(
  em: JiraEmulator,
  req: EmRequest,
): { startAt: number; maxResults: number } | EmResponse {
  const startAt = Number(req.query.get('startAt') ?? '0');
  const maxResults = Number(req.query.get('maxResults') ?? String(em.agilePageMax));
  if (
    !Number.isInteger(startAt) ||
    startAt < 0 ||
    !Number.isInteger(maxResults) ||
    maxResults < 0
  ) {
    return errors(400, 'startAt and maxResults must be non-negative integers.');
  }
  // Above the page limit the Agile API clamps rather than refuses (JSWCLOUD-18382; KB "Changing
  // maxResults parameter for Jira Cloud REST API"); a negative value is refused (strict reading).
  return { startAt, maxResults: Math.max(1, Math.min(maxResults, em.agilePageMax)) };
}

const isResponse = (v: object): v is EmResponse => 'status' in v;

function visibleBoard(em: JiraEmulator, req: EmRequest): EmBoard | EmResponse {
  const id = Number(req.op.pathParams['boardId']);
  const board = em.boards.get(id);
  if (!board || !em.canSeeBoard(req, board)) {
    return errors(404, `Board does not exist or you do not have permission to see it.`);
  }
  return board;
}

function getAllBoards(em: JiraEmulator, req: EmRequest): EmResponse {
  const page = paging(em, req);
  if (isResponse(page)) return page;
  const projectKeyOrId = req.query.get('projectKeyOrId');
  const types = (req.query.get('type') ?? '')
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t.length > 0);
  let projectId: string | undefined;
  if (projectKeyOrId) {
    const project = [...em.projects.values()].find(
      (p) => p.key === projectKeyOrId || p.id === projectKeyOrId,
    );
    if (!project || !em.can(req, project.id, 'BROWSE_PROJECTS')) {
      return errors(400, `No project could be found with key or id '${projectKeyOrId}'.`);
    }
    projectId = project.id;
  }
  const boards = [...em.boards.values()]
    .filter((b) => em.canSeeBoard(req, b))
    .filter((b) => projectId === undefined || boardProjectIds(b).includes(projectId))
    .filter((b) => types.length === 0 || types.includes(b.type))
    .sort((a, b) => a.id - b.id);
  const values = boards
    .slice(page.startAt, page.startAt + page.maxResults)
    .map((b) => boardBean(em, b));
  return {
    status: 200,
    body: {
      ...offsetPageMeta(
        em.agilePageStyle,
        { total: true, isLast: true },
        { ...page, returned: values.length, size: boards.length },
      ),
      values,
    },
  };
}

/** The board's location project, then the other projects its filter names. */
const boardProjectIds = (b: EmBoard): string[] => [b.projectId, ...b.otherProjectIds];

function boardBean(em: JiraEmulator, b: EmBoard): Record<string, unknown> {
  const project = em.projects.get(b.projectId);
  return {
    id: b.id,
    self: `${em.baseUrl}/rest/agile/1.0/board/${b.id}`,
    name: b.name,
    type: b.type,
    location: {
      projectId: Number(b.projectId),
      displayName: project ? `${project.name} (${project.key})` : b.projectId,
      projectName: project?.name ?? '',
      projectKey: project?.key ?? '',
      projectTypeKey: 'software',
      name: project ? `${project.name} (${project.key})` : b.projectId,
    },
  };
}

/** getBoard: 404 for a board that does not exist or that the caller may not see. */
function getBoard(em: JiraEmulator, req: EmRequest): EmResponse {
  const board = visibleBoard(em, req);
  if (isResponse(board)) return board;
  return { status: 200, body: boardBean(em, board) };
}

/**
 * getProjects: the projects associated with the board, ordered by name; 404 when the caller may
 * not see the board. The documentation does not say that the list leaves out projects the caller
 * cannot browse, so the emulator lists every one (the stricter reading: the app checks Browse).
 */
function getBoardProjects(em: JiraEmulator, req: EmRequest): EmResponse {
  const board = visibleBoard(em, req);
  if (isResponse(board)) return board;
  const page = paging(em, req);
  if (isResponse(page)) return page;
  const projects = boardProjectIds(board)
    .map((id) => em.projects.get(id))
    .filter((p) => p !== undefined)
    .sort((a, b) => a.name.localeCompare(b.name));
  const values = projects.slice(page.startAt, page.startAt + page.maxResults).map((p) => ({
    self: `${em.baseUrl}/rest/api/3/project/${p.id}`,
    id: p.id,
    key: p.key,
    name: p.name,
    simplified: p.style === 'next-gen',
    style: p.style,
  }));
  return {
    status: 200,
    body: {
      ...offsetPageMeta(
        em.agilePageStyle,
        { total: true, isLast: true },
        { ...page, returned: values.length, size: projects.length },
      ),
      values,
    },
  };
}

function getConfiguration(em: JiraEmulator, req: EmRequest): EmResponse {
  const board = visibleBoard(em, req);
  if (isResponse(board)) return board;
  const project = em.projects.get(board.projectId);
  const field = board.estimationFieldId ? em.fields.get(board.estimationFieldId) : undefined;
  return {
    status: 200,
    body: {
      id: board.id,
      name: board.name,
      type: board.type,
      self: `${em.baseUrl}/rest/agile/1.0/board/${board.id}/configuration`,
      location: { type: 'project', projectKeyOrId: project?.key ?? board.projectId },
      filter: {
        id: String(10000 + board.id),
        self: `${em.baseUrl}/rest/api/3/filter/${10000 + board.id}`,
      },
      columnConfig: {
        columns: [
          {
            name: 'To Do',
            statuses: [{ id: '10000', self: `${em.baseUrl}/rest/api/3/status/10000` }],
          },
          {
            name: 'In Progress',
            statuses: [{ id: '3', self: `${em.baseUrl}/rest/api/3/status/3` }],
          },
          {
            name: 'Done',
            statuses: [{ id: '10002', self: `${em.baseUrl}/rest/api/3/status/10002` }],
          },
        ],
        constraintType: 'issueCount',
      },
      estimation: field
        ? { type: 'field', field: { fieldId: field.id, displayName: field.name } }
        : { type: 'issueCount' },
      ranking: { rankCustomFieldId: RANK_CUSTOM_FIELD_ID },
    },
  };
}

const STATE_ORDER: Record<EmSprint['state'], number> = { closed: 0, active: 1, future: 2 };

function sprintBean(em: JiraEmulator, s: EmSprint): Record<string, unknown> {
  return {
    id: s.id,
    self: `${em.baseUrl}/rest/agile/1.0/sprint/${s.id}`,
    state: s.state,
    name: s.name,
    ...(s.startDate ? { startDate: s.startDate } : {}),
    ...(s.endDate ? { endDate: s.endDate } : {}),
    ...(s.completeDate ? { completeDate: s.completeDate } : {}),
    originBoardId: s.boardId,
    goal: s.goal,
  };
}

function getAllSprints(em: JiraEmulator, req: EmRequest): EmResponse {
  const board = visibleBoard(em, req);
  if (isResponse(board)) return board;
  // A board without sprints (Kanban, or team-managed with Sprints off): Jira answers 400, one of
  // getAllSprints' documented answers; see docs/emulator.md "Boards without sprints".
  if (!board.sprintsEnabled) return errors(400, 'The board does not support sprints');
  const page = paging(em, req);
  if (isResponse(page)) return page;
  const states = (req.query.get('state') ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  const unknown = states.filter((s) => !(s in STATE_ORDER));
  if (unknown.length > 0) return errors(400, `Unknown sprint state: ${unknown.join(', ')}`);
  // Closed, active, future; within a state by position (creation order here).
  const sprints = [...em.sprints.values()]
    .filter((s) => s.boardId === board.id)
    .filter((s) => states.length === 0 || states.includes(s.state))
    .sort((a, b) => STATE_ORDER[a.state] - STATE_ORDER[b.state] || a.id - b.id);
  const values = sprints
    .slice(page.startAt, page.startAt + page.maxResults)
    .map((s) => sprintBean(em, s));
  return {
    status: 200,
    body: {
      // Classic: isLast without total, as Jira Cloud answers (JRACLOUD-90676).
      ...offsetPageMeta(
        em.agilePageStyle,
        { total: false, isLast: true },
        { ...page, returned: values.length, size: sprints.length },
      ),
      values,
    },
  };
}

export const agileRoutes: RouteGroup = (em) => ({
  getAllBoards: (req) => getAllBoards(em, req),
  getBoard: (req) => getBoard(em, req),
  getProjects: (req) => getBoardProjects(em, req),
  getConfiguration: (req) => getConfiguration(em, req),
  getAllSprints: (req) => getAllSprints(em, req),
});
