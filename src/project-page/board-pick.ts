import { boardSettings, type Estimation } from '../jira/boards';
import { defaultBoard, type BoardList } from '../jira/board-choice';
import { isJiraError } from '../jira/errors';
import type { JiraGateway } from '../jira/jira-gateway';
import {
  rememberedEstimation,
  rememberedPick,
  rememberedRankField,
  type PageSite,
  type RememberedPick,
} from '../storage/page-cache-store';
import { pickBoard, readBoardDetails, type BoardRead } from './board-read';

/**
 * The board a page load reads, with its estimation and Rank field. A Scrum board the project's
 * setting chose, or the project's only one, is remembered with the site shape for an hour, so
 * the next load reads its sprints straight away, without the board lookup. That read is the
 * viewer's, as the lookup was: a viewer who may not see the board, or a board since deleted,
 * gets Jira's 404, and the load then looks the board up as before. A load for the shared page
 * picks from the boards its audience read as the viewer (shared-overview.ts) instead.
 */

export interface SiteBoard {
  /** The board read (`found`: the pick), its sprints and projects. */
  board: BoardRead;
  estimation: Estimation | undefined;
  rankFieldId: string | undefined;
  /** Whether the board's estimation and Rank field were read from Jira (not remembered). */
  settingsRead: boolean;
  /** The pick the next load may take without a lookup; undefined: none. */
  pick: RememberedPick | undefined;
}

interface At {
  /** The project's board setting: a board id, 0 for the default. */
  choice: number;
  remembered: PageSite;
  now: Date;
  /** The plain load (the bench's baseline): nothing remembered is used. */
  plain: boolean;
  /** The project's boards as the viewer sees them, read already: no lookup, no memory. */
  boards?: BoardList | undefined;
}

export async function readSiteBoard(jira: JiraGateway, key: string, at: At): Promise<SiteBoard> {
  if (at.boards && at.choice === 0) {
    return withSettings(jira, key, { found: defaultBoard(at.boards), missing: undefined }, at);
  }
  const held = at.plain ? undefined : rememberedPick(at.remembered, at.choice, at.now);
  if (held) {
    try {
      return await withSettings(jira, key, heldBoard(held), at);
    } catch (error) {
      if (!isJiraError(error) || error.kind !== 'not-found') throw error;
    }
  }
  return withSettings(jira, key, await pickBoard(jira, key, at.choice), at);
}

async function withSettings(
  jira: JiraGateway,
  key: string,
  picked: Pick<BoardRead, 'found' | 'missing'>,
  at: At,
): Promise<SiteBoard> {
  const { found } = picked;
  const id = found?.board.id;
  const cached = id === undefined ? undefined : rememberedEstimation(at.remembered, id, at.now);
  const settingsRead = id !== undefined && cached === undefined;
  const [{ estimation, rankFieldId }, board] = await Promise.all([
    settingsRead
      ? boardSettings(jira, id)
      : {
          estimation: cached ?? undefined,
          rankFieldId:
            id === undefined ? undefined : rememberedRankField(at.remembered, id, at.now),
        },
    readBoardDetails(jira, key, picked),
  ]);
  return { board, estimation, rankFieldId, settingsRead, pick: pickOf(picked, at.choice) };
}

/** A remembered pick as the lookup would have answered it. */
function heldBoard(held: RememberedPick): Pick<BoardRead, 'found' | 'missing'> {
  const location =
    held.projectName === undefined ? {} : { location: { projectName: held.projectName } };
  const board = { id: held.id, name: held.name, type: 'scrum', ...location };
  return { found: { board, more: false, chosen: held.chosen }, missing: undefined };
}

/**
 * What to remember of a lookup: a Scrum board (its sprint read checks the viewer may see it; a
 * Kanban board's page makes no read of it but the lookup), chosen or the only one (with more,
 * the default pick depends on which boards the viewer may see).
 */
function pickOf(
  picked: Pick<BoardRead, 'found' | 'missing'>,
  choice: number,
): RememberedPick | undefined {
  const { found } = picked;
  if (!found || picked.missing !== undefined || found.board.type !== 'scrum') return undefined;
  if (!found.chosen && found.more) return undefined;
  const projectName = found.board.location?.projectName;
  return {
    choice,
    id: found.board.id,
    name: found.board.name,
    ...(projectName === undefined ? {} : { projectName }),
    chosen: found.chosen,
  };
}
