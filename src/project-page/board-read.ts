import { activeAndClosedSprints, type Sprint } from '../jira/boards';
import {
  boardProjectKeys,
  chosenBoard,
  flowOfType,
  type BoardFlow,
  type ChosenBoard,
} from '../jira/board-choice';
import { isJiraError } from '../jira/errors';
import type { JiraGateway } from '../jira/jira-gateway';
import { myPermissions } from '../jira/permissions';

/**
 * The board a project's page reads and what it runs on: its sprints (a Scrum board, or a
 * team-managed board with sprints on) or continuous flow (Kanban: no sprint is asked for, as the
 * Agile API refuses a Kanban board's sprint list), and the projects whose items it shows. A
 * chosen board whose filter spans other projects adds those of them the viewer may browse.
 */

/** Other projects of a board read at most (each costs one permission check). */
export const BOARD_PROJECTS_MAX = 10;

export interface BoardRead {
  found: ChosenBoard | undefined;
  /** A chosen board id that could not be read (gone, or not visible to the viewer). */
  missing: number | undefined;
  flow: BoardFlow;
  /** Active and closed sprints (none on a Kanban board). */
  sprints: Sprint[];
  /** The project keys the page's searches cover: the project first, then the board's others. */
  scope: string[];
  /** Projects of the board left out because the viewer may not browse them (only counted). */
  hiddenProjects: number;
}

/** The board the page reads (chosen, else the default), before its sprints and projects. */
export async function pickBoard(
  jira: JiraGateway,
  projectKey: string,
  boardId: number,
): Promise<Pick<BoardRead, 'found' | 'missing'>> {
  return chosenBoard(jira, projectKey, boardId || undefined);
}

/** The picked board's flow, sprints and the projects its items come from. */
export async function readBoardDetails(
  jira: JiraGateway,
  projectKey: string,
  picked: Pick<BoardRead, 'found' | 'missing'>,
): Promise<BoardRead> {
  const { found } = picked;
  const base = { ...picked, scope: [projectKey], hiddenProjects: 0 };
  if (!found) return { ...base, flow: 'sprints', sprints: [] };
  const id = found.board.id;
  const [flowAndSprints, projects] = await Promise.all([
    sprintsOrFlow(jira, id, flowOfType(found.board.type)),
    found.chosen ? visibleBoardProjects(jira, id, projectKey) : { scope: [projectKey], hidden: 0 },
  ]);
  return { ...base, ...flowAndSprints, scope: projects.scope, hiddenProjects: projects.hidden };
}

/**
 * The sprints of a sprint board; none of a Kanban board. A team-managed board is Kanban-like
 * when its sprint list is refused (its Sprints feature is off).
 */
async function sprintsOrFlow(
  jira: JiraGateway,
  boardId: number,
  flow: BoardFlow | 'ask',
): Promise<{ flow: BoardFlow; sprints: Sprint[] }> {
  if (flow === 'kanban') return { flow, sprints: [] };
  try {
    return { flow: 'sprints', sprints: await activeAndClosedSprints(jira, boardId) };
  } catch (error) {
    if (flow === 'ask' && isJiraError(error) && error.kind === 'bad-request') {
      return { flow: 'kanban', sprints: [] };
    }
    throw error;
  }
}

/**
 * The board's projects the viewer may browse, the page's own first. Jira lists a board's projects
 * to whoever can see the board; a search naming a project the viewer cannot browse is refused, so
 * each other project is checked (Browse projects) before it joins the searches.
 */
async function visibleBoardProjects(
  jira: JiraGateway,
  boardId: number,
  projectKey: string,
): Promise<{ scope: string[]; hidden: number }> {
  const others = (await boardProjectKeys(jira, boardId)).filter((k) => k !== projectKey);
  const checked = others.slice(0, BOARD_PROJECTS_MAX);
  const can = await Promise.all(checked.map((key) => canBrowse(jira, key)));
  const visible = checked.filter((_, i) => can[i]);
  return { scope: [projectKey, ...visible], hidden: others.length - visible.length };
}

/** Whether the viewer may browse the project; a project Jira does not know of to them: no. */
async function canBrowse(jira: JiraGateway, projectKey: string): Promise<boolean> {
  try {
    const held = await myPermissions(jira, { kind: 'project', projectKey }, ['BROWSE_PROJECTS']);
    return held.has('BROWSE_PROJECTS');
  } catch (error) {
    if (isJiraError(error) && error.kind === 'not-found') return false;
    throw error;
  }
}
