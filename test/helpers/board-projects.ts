import { DEMO_USERS, seedProjectShell } from '../../dev/emulator/demo-project';
import type { JiraEmulator } from '../../dev/emulator/jira-emulator';
import { KEYS } from '../../src/storage/key-families';

/**
 * The project's board also shows a second, empty project (OTH), and the project's settings
 * choose that board (with `override`'s other settings), so the page reads every project the
 * board shows, as for a board several teams share. Returns the board's id.
 */
export function boardShowsAnotherProject(
  em: JiraEmulator,
  projectKey: string,
  now: Date,
  override: Record<string, unknown> = {},
): number {
  const own = em.projectByKey(projectKey);
  const board = [...em.boards.values()].find((b) => b.projectId === own.id);
  if (!board) throw new Error(`no board of ${projectKey}`);
  const other = seedProjectShell(em, { key: 'OTH', name: 'Other team', now });
  board.otherProjectIds = [other.projectId];
  em.kvs.seed(KEYS.projectConfig(projectKey), {
    version: 1,
    updatedAt: '2026-11-01T00:00:00.000Z',
    updatedBy: DEMO_USERS.admin,
    projectId: own.id,
    override: { ...override, board: { boardId: board.id } },
  });
  return board.id;
}
