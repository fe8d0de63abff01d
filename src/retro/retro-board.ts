import type { Config } from '../domain/config';
import { chosenBoard, flowOfType, type ChosenBoard } from '../jira/board-choice';
import type { JiraGateway } from '../jira/jira-gateway';

/**
 * The board the retro looks back on: the one the project's signals read (`board.boardId`, else
 * the first Scrum board). A Kanban board has no sprints to look back on; the retro says so
 * rather than ask Jira for a sprint list it refuses.
 */
export async function retroBoard(
  jira: JiraGateway,
  key: string,
  config: Config,
): Promise<{ found: ChosenBoard } | { done: string }> {
  const { found } = await chosenBoard(jira, key, config.board.boardId || undefined);
  if (!found)
    return { done: `No Scrum board shows ${key}, so there are no sprints to look back on.` };
  if (flowOfType(found.board.type) === 'kanban') {
    return {
      done: `"${found.board.name}" is a Kanban board: it has no sprints to look back on, and a retro by period is not available yet.`,
    };
  }
  return { found };
}
