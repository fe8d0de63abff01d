import api, { route } from '@forge/api';
import { AGILE_PAGE_STYLES, type AgilePageStyle } from '../../dev/emulator/agile-paging';
import { shiftedAgileTotal, shortAgilePage } from '../../dev/emulator/faults';
import { seedSite, useEmulator } from '../helpers/emulator';

/**
 * The emulated Agile API's page styles (dev/emulator/agile-paging.ts, docs/emulator-paging.md):
 * which paging fields each page carries, per endpoint, and that every style passes the
 * emulator's own contract check (a violation would fail the test in useEmulator).
 */
const ctx = useEmulator();
let sprintId = 0;
let boardId = 0;

beforeEach(() => {
  seedSite(ctx.em);
  const board = ctx.em.addBoard({ projectKey: 'DT' });
  boardId = board.id;
  for (let i = 0; i < 4; i++) {
    ctx.em.addSprint({ boardId, name: `Old ${i}`, state: 'closed' });
  }
  sprintId = ctx.em.addSprint({ boardId, name: 'Now', state: 'active' }).id;
  for (let i = 0; i < 5; i++) {
    const issue = ctx.em.addIssue({ projectKey: 'DT', type: 'Story', summary: `S${i}` });
    ctx.em.setSprint(issue.key, sprintId);
  }
});

type Page = Record<string, unknown> & { issues?: unknown[]; values?: unknown[] };

/** The test's own probes of the emulated Agile API: setup, not an invocation of the app. */
async function get(path: ReturnType<typeof route>): Promise<Page> {
  const res = await ctx.em.invocations.setup(() => api.asApp().requestJira(path));
  expect(res.status).toBe(200);
  return (await res.json()) as Page;
}

const sprintIssues = (startAt: number, maxResults: number) =>
  get(
    route`/rest/agile/1.0/sprint/${sprintId}/issue?startAt=${startAt}&maxResults=${maxResults}&fields=summary`,
  );
const boardSprints = (startAt: number, maxResults: number) =>
  get(
    route`/rest/agile/1.0/board/${boardId}/sprint?state=active,closed&startAt=${startAt}&maxResults=${maxResults}`,
  );
/** The page without its items: only the paging fields. */
const paging = (page: Page) =>
  Object.fromEntries(
    Object.entries(page).filter(([k]) => !['issues', 'values', 'expand'].includes(k)),
  );

describe('Agile page styles', () => {
  const expected: Record<AgilePageStyle, { issues: object[]; sprints: object[] }> = {
    classic: {
      issues: [
        { startAt: 0, maxResults: 2, total: 5 },
        { startAt: 4, maxResults: 2, total: 5 },
      ],
      sprints: [
        { startAt: 0, maxResults: 2, isLast: false },
        { startAt: 4, maxResults: 2, isLast: true },
      ],
    },
    'no-total': {
      issues: [
        { startAt: 0, maxResults: 2, isLast: false },
        { startAt: 4, maxResults: 2, isLast: true },
      ],
      sprints: [
        { startAt: 0, maxResults: 2, isLast: false },
        { startAt: 4, maxResults: 2, isLast: true },
      ],
    },
    'no-total-no-isLast': {
      issues: [
        { startAt: 0, maxResults: 2 },
        { startAt: 4, maxResults: 2 },
      ],
      sprints: [
        { startAt: 0, maxResults: 2 },
        { startAt: 4, maxResults: 2 },
      ],
    },
  };

  it.each(AGILE_PAGE_STYLES)(
    '%s: sprint issues and board sprints carry its fields',
    async (style) => {
      ctx.em.agilePageStyle = style;
      const issues = [await sprintIssues(0, 2), await sprintIssues(4, 2)];
      const sprints = [await boardSprints(0, 2), await boardSprints(4, 2)];
      expect(issues.map(paging)).toEqual(expected[style].issues);
      expect(sprints.map(paging)).toEqual(expected[style].sprints);
      expect(issues.map((p) => p.issues?.length)).toEqual([2, 1]);
      expect(sprints.map((p) => p.values?.length)).toEqual([2, 1]);
    },
  );

  it.each(AGILE_PAGE_STYLES)('%s: past the end, the page is empty', async (style) => {
    ctx.em.agilePageStyle = style;
    expect((await sprintIssues(5, 50)).issues).toEqual([]);
    expect((await boardSprints(5, 50)).values).toEqual([]);
  });

  it('the board list: total and isLast in classic, isLast only in no-total, neither in the third', async () => {
    const shapes = [];
    for (const style of AGILE_PAGE_STYLES) {
      ctx.em.agilePageStyle = style;
      shapes.push(paging(await get(route`/rest/agile/1.0/board?projectKeyOrId=DT&maxResults=2`)));
    }
    expect(shapes).toEqual([
      { startAt: 0, maxResults: 2, total: 1, isLast: true },
      { startAt: 0, maxResults: 2, isLast: true },
      { startAt: 0, maxResults: 2 },
    ]);
  });

  it('a lower page size clamps maxResults and the answer says so', async () => {
    ctx.em.agilePageMax = 3;
    const page = await sprintIssues(0, 50);
    expect(page.maxResults).toBe(3);
    expect(page.issues).toHaveLength(3);
  });
});

describe('Agile page faults', () => {
  const SPRINT_ISSUES = /^GET \/rest\/agile\/1\.0\/sprint\/\d+\/issue$/;
  const BOARD_SPRINTS = /^GET \/rest\/agile\/1\.0\/board\/\d+\/sprint$/;

  it('a short page says isLast false when the style gives isLast, and keeps total', async () => {
    ctx.em.agilePageStyle = 'no-total';
    ctx.em.injectResponseFault({ match: SPRINT_ISSUES, rewrite: shortAgilePage(1) });
    ctx.em.injectResponseFault({ match: BOARD_SPRINTS, rewrite: shortAgilePage(1) });
    expect(paging(await sprintIssues(0, 50))).toEqual({
      startAt: 0,
      maxResults: 50,
      isLast: false,
    });
    expect(paging(await boardSprints(0, 50))).toEqual({
      startAt: 0,
      maxResults: 50,
      isLast: false,
    });
    ctx.em.agilePageStyle = 'classic';
    ctx.em.injectResponseFault({ match: SPRINT_ISSUES, rewrite: shortAgilePage(1) });
    const page = await sprintIssues(0, 50);
    expect(page.issues).toHaveLength(1);
    expect(page.total).toBe(5);
  });

  it('a shifted total moves total only, and only where there is one', async () => {
    ctx.em.injectResponseFault({ match: SPRINT_ISSUES, rewrite: shiftedAgileTotal(-3) });
    expect((await sprintIssues(0, 50)).total).toBe(2);
    ctx.em.agilePageStyle = 'no-total';
    ctx.em.injectResponseFault({ match: SPRINT_ISSUES, rewrite: shiftedAgileTotal(-3) });
    expect('total' in (await sprintIssues(0, 50))).toBe(false);
  });
});
