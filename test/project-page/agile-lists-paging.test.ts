import { AGILE_PAGE_STYLES } from '../../dev/emulator/agile-paging';
import { JiraError } from '../../src/jira/errors';
import { jiraAsApp } from '../../src/jira/jira-gateway';
import {
  activeAndClosedSprints as readSprints,
  firstScrumBoard as readFirstScrumBoard,
  SPRINT_LIST_PAGE_LIMIT,
} from '../../src/jira/boards';
import { seedSite, useEmulator } from '../helpers/emulator';
import { inInvocation } from '../helpers/invoke';

/**
 * The project page's and the retro's Agile list reads (a board's sprints, the project's first
 * Scrum board) under each page style of the emulated Agile API (docs/emulator-paging.md).
 */
const ctx = useEmulator();
let boardId = 0;

// Each read as the project page's resolver makes it: one invocation under its limit.
const activeAndClosedSprints = (...args: Parameters<typeof readSprints>) =>
  inInvocation(ctx.em, 'resolver', 'project/overview: activeAndClosedSprints', () =>
    readSprints(...args),
  );
const firstScrumBoard = (...args: Parameters<typeof readFirstScrumBoard>) =>
  inInvocation(ctx.em, 'resolver', 'project/overview: firstScrumBoard', () =>
    readFirstScrumBoard(...args),
  );

beforeEach(() => {
  seedSite(ctx.em);
  boardId = ctx.em.addBoard({ projectKey: 'DT' }).id;
});

function sprints(closed: number): void {
  for (let i = 0; i < closed; i++) {
    ctx.em.addSprint({ boardId, name: `Sprint ${i + 1}`, state: 'closed' });
  }
  ctx.em.addSprint({ boardId, name: 'Now', state: 'active' });
  ctx.em.addSprint({ boardId, name: 'Next', state: 'future' });
}

describe.each(AGILE_PAGE_STYLES)('Agile pages %s', (style) => {
  beforeEach(() => {
    ctx.em.agilePageStyle = style;
  });

  it('a board of 120 active and closed sprints: every one, in Jira order, the active last', async () => {
    sprints(119);
    const list = await activeAndClosedSprints(jiraAsApp(), boardId);
    expect(list).toHaveLength(120);
    expect(list.at(-1)?.name).toBe('Now');
    expect(list.at(-2)?.name).toBe('Sprint 119');
    const calls = ctx.em.jiraCalls().filter((c) => c.operationId === 'getAllSprints');
    // The sprint list carries isLast except in the style without it: there, one empty page more.
    expect(calls).toHaveLength(style === 'no-total-no-isLast' ? 4 : 3);
  });

  it(`a sprint list that does not end within ${SPRINT_LIST_PAGE_LIMIT} pages is an error, not a shorter list`, async () => {
    ctx.em.agilePageMax = 1;
    sprints(SPRINT_LIST_PAGE_LIMIT + 4);
    const read = activeAndClosedSprints(jiraAsApp(), boardId);
    await expect(read).rejects.toThrow(JiraError);
    await expect(activeAndClosedSprints(jiraAsApp(), boardId)).rejects.toThrow(
      `The sprint list of board ${boardId} did not end after ${SPRINT_LIST_PAGE_LIMIT} pages (${SPRINT_LIST_PAGE_LIMIT} sprints read)`,
    );
  });

  it('"more than one Scrum board" is seen without isLast or total', async () => {
    expect(await firstScrumBoard(jiraAsApp(), 'DT')).toMatchObject({ more: false });
    ctx.em.addBoard({ projectKey: 'DT', name: 'DT second board' });
    expect(await firstScrumBoard(jiraAsApp(), 'DT')).toMatchObject({
      board: { id: boardId },
      more: true,
    });
  });
});
