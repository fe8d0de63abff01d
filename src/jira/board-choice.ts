import { route } from '@forge/api';
import { z } from 'zod';
import { isJiraError } from './errors';
import type { JiraGateway } from './jira-gateway';
import { OFFSET_PAGE_FIELDS } from './offset-paging';
import { AGILE_MAX_RESULTS, type Board } from './boards';

/**
 * Which board a project's signals read: the board a project admin chose, else the project's first
 * Scrum board. Reads the board (GET /rest/agile/1.0/board/{boardId}), the project's boards for the
 * picker (GET /rest/agile/1.0/board?projectKeyOrId=) and the projects a board's filter spans
 * (GET /rest/agile/1.0/board/{boardId}/project), each as the caller: Jira answers only boards and
 * projects they may see. Board types: `scrum`, `kanban`, `simple` (a team-managed project's board).
 */

const BoardSchema = z
  .object({
    id: z.number().int(),
    name: z.string(),
    type: z.string().optional(),
    location: z
      .object({ projectKey: z.string().optional(), projectName: z.string().optional() })
      .passthrough()
      .optional(),
  })
  .passthrough();

const BoardPageSchema = z
  .object({ values: z.array(BoardSchema), ...OFFSET_PAGE_FIELDS })
  .passthrough();

const ProjectPageSchema = z
  .object({
    values: z.array(z.object({ id: z.string(), key: z.string() }).passthrough()),
    ...OFFSET_PAGE_FIELDS,
  })
  .passthrough();

/** How the board runs: sprints (Scrum, or a team-managed board with sprints) or continuous flow. */
export type BoardFlow = 'sprints' | 'kanban';

export interface ChosenBoard {
  board: Board;
  /** Whether the project has more Scrum boards than the one read (the default choice only). */
  more: boolean;
  /** True when a project admin chose it; false: the first Scrum board, by default. */
  chosen: boolean;
}

/** The boards that show a project, as one caller sees them (`more`: past the first page). */
export interface BoardList {
  boards: Board[];
  more: boolean;
}

/** The boards that show the project, as the caller sees them: the first AGILE_MAX_RESULTS. */
export async function projectBoards(jira: JiraGateway, projectKey: string): Promise<BoardList> {
  const page = await jira.request(
    BoardPageSchema,
    route`/rest/agile/1.0/board?projectKeyOrId=${projectKey}&maxResults=${AGILE_MAX_RESULTS}`,
    { method: 'GET' },
  );
  return { boards: page.values, more: page.isLast === false };
}

/** One board, or undefined when it is gone or the caller may not see it (Jira answers 404). */
export async function boardById(jira: JiraGateway, boardId: number): Promise<Board | undefined> {
  try {
    return await jira.request(BoardSchema, route`/rest/agile/1.0/board/${boardId}`, {
      method: 'GET',
    });
  } catch (error) {
    if (isJiraError(error) && error.kind === 'not-found') return undefined;
    throw error;
  }
}

/**
 * The keys of the projects the board's filter spans, first page. Jira lists a project here when
 * the filter references it or the board holds an issue of it; the page's searches then leave out
 * whatever the caller may not browse.
 */
export async function boardProjectKeys(jira: JiraGateway, boardId: number): Promise<string[]> {
  const page = await jira.request(
    ProjectPageSchema,
    route`/rest/agile/1.0/board/${boardId}/project?maxResults=${AGILE_MAX_RESULTS}`,
    { method: 'GET' },
  );
  return page.values.map((p) => p.key);
}

/**
 * The board the project's signals read: the chosen one while the caller can see it, else the
 * first Scrum board, else (a project without one) the first board of any type. `missing` says a chosen board could not be read (gone, or not visible to the
 * caller), so the page can say why it fell back.
 */
export async function chosenBoard(
  jira: JiraGateway,
  projectKey: string,
  boardId: number | undefined,
): Promise<{ found: ChosenBoard | undefined; missing: number | undefined }> {
  if (boardId !== undefined) {
    const board = await boardById(jira, boardId);
    if (board) return { found: { board, more: false, chosen: true }, missing: undefined };
  }
  return { found: defaultBoard(await projectBoards(jira, projectKey)), missing: boardId };
}

/**
 * The default pick from one list of the project's boards (as the caller sees them): the first
 * Scrum one, else (a project without one, such as a Kanban project) the first board of any type.
 */
export function defaultBoard(list: BoardList): ChosenBoard | undefined {
  const scrum = list.boards.filter((b) => b.type === 'scrum');
  const board = scrum[0] ?? list.boards[0];
  const more = scrum.length > 1 || (scrum.length === 1 && list.more);
  return board ? { board, more, chosen: false } : undefined;
}

/** Kanban flow for a Kanban board; a team-managed (`simple`) board is decided by its sprints. */
export const flowOfType = (type: string | undefined): BoardFlow | 'ask' =>
  type === 'kanban' ? 'kanban' : type === 'simple' ? 'ask' : 'sprints';
