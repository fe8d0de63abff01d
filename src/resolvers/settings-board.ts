import type { ProjectBoards } from '../contract/settings-view';
import { projectBoards, flowOfType } from '../jira/board-choice';
import { projectOf, type Caller } from './resolver-kit';
import { refuseInvalid, refuseProjectOnly } from './settings-people';

/**
 * The board a project's signals read (`board.boardId`): chosen per project, from the boards that
 * show the project and that the admin can see; the global settings keep 0 (the first Scrum board).
 */

/** The boards that show the context project, as the caller sees them. */
export async function boardsOfProject(caller: Caller): Promise<ProjectBoards> {
  const { boards, more } = await projectBoards(caller.jira, projectOf(caller).key);
  return {
    boards: boards.map((b) => {
      const projectKey = (b.location as { projectKey?: unknown } | undefined)?.projectKey;
      return {
        id: b.id,
        name: b.name,
        type: b.type ?? 'scrum',
        flow: flowOfType(b.type),
        ...(typeof projectKey === 'string' ? { projectKey } : {}),
      };
    }),
    more,
  };
}

const boardIdOf = (part: unknown): unknown =>
  typeof part === 'object' && part !== null ? (part as { boardId?: unknown }).boardId : undefined;

/** Refuses a global board choice: a board is a project's own (0 keeps the first Scrum board). */
export function checkGlobalBoard(board: unknown): void {
  const boardId = boardIdOf(board);
  if (boardId === undefined || boardId === 0) return;
  refuseProjectOnly(
    ['board', 'boardId'],
    "must be 0 here: a board is chosen in each project's settings",
    boardId,
  );
}

/** Refuses a board that does not show the project or that the admin cannot see. */
export async function checkProjectBoard(caller: Caller, board: unknown): Promise<void> {
  const boardId = boardIdOf(board);
  if (typeof boardId !== 'number' || boardId === 0) return;
  const { boards } = await projectBoards(caller.jira, projectOf(caller).key);
  if (boards.some((b) => b.id === boardId)) return;
  refuseInvalid('override', [
    {
      code: 'custom',
      path: ['board', 'boardId'],
      message: `board ${boardId} does not show this project, or you may not see it`,
      input: boardId,
    },
  ]);
}
