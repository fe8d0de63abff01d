import type { Config } from '../domain/config';
import { boardProjectKeys, chosenBoard, flowOfType, type ChosenBoard } from '../jira/board-choice';
import type { JiraGateway } from '../jira/jira-gateway';

/**
 * The board the retro looks back on: the one the project's signals read (`board.boardId`, else
 * the first Scrum board). A Kanban board has no sprints (Jira refuses to list them): its retro
 * looks back over periods of `kanban.retroPeriodDays` days instead (src/domain/retro-periods.ts).
 */
export async function retroBoard(
  jira: JiraGateway,
  key: string,
  config: Config,
): Promise<{ found: ChosenBoard; periodDays?: number } | { done: string }> {
  const { found } = await chosenBoard(jira, key, config.board.boardId || undefined);
  if (!found)
    return { done: `No Scrum board shows ${key}, so there are no sprints to look back on.` };
  if (flowOfType(found.board.type) === 'kanban') {
    return { found, periodDays: config.kanban.retroPeriodDays };
  }
  return { found };
}

/**
 * A chosen board whose filter spans other projects: the retro, shared by everyone who may browse
 * the project, reads the project's own items only; the note says how many projects it leaves out
 * (one `GET /rest/agile/1.0/board/{id}/project`). Undefined for a board of the project alone.
 */
export async function otherProjectsNote(
  jira: JiraGateway,
  key: string,
  found: ChosenBoard,
): Promise<string | undefined> {
  if (!found.chosen) return undefined;
  const others = (await boardProjectKeys(jira, found.board.id)).filter((k) => k !== key);
  if (others.length === 0) return undefined;
  const what = others.length === 1 ? 'another project' : `${others.length} other projects`;
  return `"${found.board.name}" also shows ${what}: the retro, which everyone who may browse ${key} shares, reads ${key}'s items only, so their items are left out.`;
}

/** The note a period retro carries: what a period is and how its runway reads. */
export function periodNote(boardName: string, days: number): string {
  return `"${boardName}" is a Kanban board, so the retro looks back over periods of ${days} days instead of sprints: work counts in the period it was finished, carry-over is what was in progress when a period ended, predictability is the share of the work in progress at its start finished within it, and runway is in sprints of two weeks.`;
}
