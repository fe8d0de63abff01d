import { AGILE_PAGE_STYLES, type AgilePageStyle } from '../../dev/emulator/agile-paging';
import { shiftedAgileTotal, shortAgilePage } from '../../dev/emulator/faults';
import type { EmIssue } from '../../dev/emulator/model';
import { commentsOf } from '../../dev/emulator/routes/enforcement';
import { SPRINT_PAGE_LIMIT, SPRINT_SCAN_LIMIT } from '../../src/items/item-facts';
import { sprintStartCheck } from '../../src/index';
import { deliverQueue, runTrigger } from '../helpers/invoke';
import { useEmulator } from '../helpers/emulator';
import {
  commentText,
  seedEnforcementSite,
  sprintStartedEvent,
  type EnforcementSite,
  rememberFieldIds,
} from './enforcement-site';

/**
 * The sprint-start check reads every item of the sprint whatever paging fields Jira sends
 * (docs/emulator-paging.md): `total` (classic), `isLast` without `total`, or neither; with pages
 * shorter than asked, a page size below 50, a total that is off, and items that shift between
 * pages. Each case is driven through the exported trigger with the documented event payload, and
 * an unready Enabler placed last in the sprint shows that the last page was read and acted on.
 */
const ctx = useEmulator();
let site: EnforcementSite;

beforeEach(() => {
  site = seedEnforcementSite(ctx.em);
  rememberFieldIds(ctx.em, site);
});

const SPRINT_ISSUES = /^GET \/rest\/agile\/1\.0\/sprint\/\d+\/issue$/;

function add(type: string): EmIssue {
  const issue = ctx.em.addIssue({ projectKey: 'DT', type, summary: `${type} item` });
  ctx.em.setSprint(issue.key, site.active.id);
  return issue;
}

/** `stories` ready Stories, then one unready Enabler last in rank order. */
function sprintOf(stories: number): EmIssue {
  for (let i = 0; i < stories; i++) add('Story');
  return add('Enabler');
}

const inSprint = (key: string) =>
  ((ctx.em.findIssue(key)?.custom.get(ctx.em.sprintField.id) as unknown[]) ?? []).length > 0;

const pageCalls = () => ctx.em.jiraCalls().filter((c) => c.operationId === 'getIssuesForSprint');

async function start(): Promise<void> {
  ctx.em.resetCalls();
  await expect(
    runTrigger(ctx.em, sprintStartCheck, sprintStartedEvent(site.active)),
  ).resolves.toBeUndefined();
}

describe.each(AGILE_PAGE_STYLES)('sprint-start check, Agile pages %s', (style) => {
  beforeEach(() => {
    ctx.em.agilePageStyle = style;
  });

  /** Requests for sprint issues: classic ends on a short page at total, isLast on isLast, the third on an empty page. */
  const CALLS: Record<AgilePageStyle, { of120: number; of100: number; of46at20: number }> = {
    classic: { of120: 3, of100: 3, of46at20: 3 },
    'no-total': { of120: 3, of100: 2, of46at20: 3 },
    'no-total-no-isLast': { of120: 4, of100: 3, of46at20: 4 },
  };

  it('a sprint of 120 items: every item read, the unready one on the last page moved back', async () => {
    const enabler = sprintOf(119);
    await start();
    expect(inSprint(enabler.key)).toBe(false);
    expect(commentText(ctx.em, enabler.key)[0]).toContain('1 item(s) were not sprint-ready');
    expect(pageCalls()).toHaveLength(CALLS[style].of120);
  });

  it('a sprint of exactly 100 items (the last page full): every item read', async () => {
    const enabler = sprintOf(99);
    await start();
    expect(inSprint(enabler.key)).toBe(false);
    expect(pageCalls()).toHaveLength(CALLS[style].of100);
  });

  it('an empty sprint: one request, nothing done', async () => {
    await start();
    expect(ctx.em.jiraCalls().map((c) => c.operationId)).toEqual([
      'getSprint',
      'getIssuesForSprint',
    ]);
  });

  it('short pages injected (10 items where 50 were asked, three times): every item read', async () => {
    const enabler = sprintOf(60);
    ctx.em.injectResponseFault({ match: SPRINT_ISSUES, rewrite: shortAgilePage(10), times: 3 });
    await start();
    expect(inSprint(enabler.key)).toBe(false);
    // 10 + 10 + 10 + 31 items, then (without total or isLast) one empty page.
    expect(
      pageCalls().map((c) => new URL(c.path, 'https://x').searchParams.get('startAt')),
    ).toEqual(
      style === 'no-total-no-isLast' ? ['0', '10', '20', '30', '61'] : ['0', '10', '20', '30'],
    );
  });

  it('Jira pages of 20 (below the 50 asked): every item read', async () => {
    ctx.em.agilePageMax = 20;
    const enabler = sprintOf(45);
    await start();
    expect(inSprint(enabler.key)).toBe(false);
    expect(pageCalls()).toHaveLength(CALLS[style].of46at20);
  });

  it('a sprint larger than the scan limit goes to the queue: every item decided there, none left unread', async () => {
    const first = add('Enabler');
    for (let i = 0; i < SPRINT_SCAN_LIMIT + 4; i++) add('Story');
    await start();
    expect(inSprint(first.key)).toBe(true); // the trigger only hands the sprint over
    const deliveries = await deliverQueue(ctx.em);
    expect(deliveries.every((d) => d.outcome === 'ok')).toBe(true);
    expect(inSprint(first.key)).toBe(false);
    const [summary] = commentText(ctx.em, first.key);
    expect(summary).toContain('1 item(s) were not sprint-ready');
    expect(summary).not.toContain('Not every item was checked');
  });

  it(`pages that never reach the scan limit stop at ${SPRINT_PAGE_LIMIT} pages with a clear error`, async () => {
    ctx.em.agilePageMax = 10;
    const first = add('Enabler');
    for (let i = 0; i < 229; i++) add('Story');
    const error = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    await start();
    const logged = error.mock.calls.map((c) => String(c[0])).join('\n');
    error.mockRestore();
    expect(logged).toContain(
      `Jira's pages of sprint issues did not end after ${SPRINT_PAGE_LIMIT} pages (200 items)`,
    );
    expect(logged).toContain(style === 'classic' ? '30 more were not read' : 'more were not read');
    expect(inSprint(first.key)).toBe(false);
    expect(commentText(ctx.em, first.key)[0]).toContain('Not every item was checked');
    expect(pageCalls().length).toBeLessThanOrEqual(SPRINT_PAGE_LIMIT + 1);
  });

  it('an item ranked into the sprint between two pages: the item it pushes onto the next page is acted on once', async () => {
    for (let i = 0; i < 49; i++) add('Story');
    const enabler = add('Enabler'); // the 50th: last on page 1, and first on page 2 once shifted
    for (let i = 0; i < 20; i++) add('Story');
    ctx.em.injectResponseFault({
      match: SPRINT_ISSUES,
      rewrite: (response) => {
        const late = add('Story');
        late.rank = 0; // ranked first, after page 1 was answered
        return response;
      },
    });
    await start();
    expect(inSprint(enabler.key)).toBe(false);
    expect(commentsOf(ctx.em, enabler.key)).toHaveLength(1);
    const summary = commentText(ctx.em, enabler.key)[0] ?? '';
    expect(summary.split(enabler.key)).toHaveLength(2); // named once
    expect(summary).toContain('1 item(s) were not sprint-ready');
  });
});

describe('sprint-start check: a total that changes while the sprint is read (classic pages)', () => {
  it('a total above the real count: the read ends on the empty page, every item read', async () => {
    const enabler = sprintOf(60);
    ctx.em.injectResponseFault({ match: SPRINT_ISSUES, rewrite: shiftedAgileTotal(7), times: 10 });
    await start();
    expect(inSprint(enabler.key)).toBe(false);
    expect(pageCalls()).toHaveLength(3);
  });

  it('a total below the real count on full pages: the read goes on, every item read', async () => {
    const enabler = sprintOf(60);
    ctx.em.injectResponseFault({
      match: SPRINT_ISSUES,
      rewrite: shiftedAgileTotal(-20),
      times: 10,
    });
    await start();
    expect(inSprint(enabler.key)).toBe(false);
    expect(pageCalls()).toHaveLength(2);
  });
});
