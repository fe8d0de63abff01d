/**
 * The board picker on the project settings page and on the project page (a project admin's
 * only), a project on a Kanban board on the project page and its retro by period, as a person
 * uses them in the preview (Chromium, real resolvers, the emulated site with the demo project DT
 * and the Kanban project KB), in the light and the dark theme, with axe.
 */
import type { Page } from 'playwright-core';
import { DEMO_USERS } from '../../dev/emulator/demo-project';
import {
  colorModeOf,
  seriousAxeViolations,
  startPreviewInChromium,
  type Preview,
} from './preview-harness';

jest.setTimeout(120_000);

/** The user the preview's project page runs as (a member, not a project admin). */
const DEMO_MEMBER = DEMO_USERS.member;

let preview: Preview | undefined;

beforeAll(async () => {
  preview = await startPreviewInChromium();
});

afterAll(async () => {
  await preview?.close();
});

async function open(
  resource: string,
  ready: string,
  theme: 'light' | 'dark',
  project?: string,
  route?: string,
): Promise<Page> {
  if (!preview) throw new Error('the preview did not start');
  const page = await preview.browser.newPage({ viewport: { width: 1280, height: 900 } });
  const url = new URL(`${resource}/`, preview.server.url);
  if (theme === 'dark') url.searchParams.set('theme', 'dark');
  if (project) url.searchParams.set('project', project);
  if (route) url.searchParams.set('route', route);
  await page.goto(url.href);
  await page.getByTestId(ready).waitFor({ state: 'visible' });
  if (theme === 'dark') await expect(colorModeOf(page)).resolves.toBe('dark');
  return page;
}

/**
 * Opens the board picker's list once its boards have loaded: the select is disabled until then,
 * and a click on it before that opens nothing (on CI's loaded machine it once came first).
 */
async function openBoardList(page: Page): Promise<void> {
  await page.locator('#board-picker-select:enabled').waitFor();
  await page.getByTestId('board-picker-select').click();
}

describe.each(['light', 'dark'] as const)('%s theme', (theme) => {
  it('the Kanban project page: runway in weeks, capacity of work in progress', async () => {
    const page = await open('project-page', 'signals', theme, 'KB');
    await page.getByText(/Board: KB Kanban board \(Kanban: weeks of throughput/).waitFor();
    const runway = page.getByTestId('signal-runway');
    await expect(runway.getByText('2 weeks', { exact: true }).isVisible()).resolves.toBe(true);
    await expect(runway.getByText(/Target 2–4 weeks/).isVisible()).resolves.toBe(true);
    const capacity = page.getByTestId('signal-capacity');
    await expect(capacity.getByText('25% of work in progress').first().isVisible()).resolves.toBe(
      true,
    );
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.close();
  });

  it('the Kanban retro looks back over periods, without axe violations', async () => {
    const page = await open('project-page', 'sprint-table', theme, 'KB', 'retro');
    const table = page.getByTestId('sprint-table');
    await expect(
      table.getByRole('columnheader', { name: 'Period', exact: true }).isVisible(),
    ).resolves.toBe(true);
    // Each row is a closed period, named by its dates.
    const rows = table.locator('tbody th[scope="row"]');
    await expect(rows.count()).resolves.toBe(6);
    await expect(rows.first().textContent()).resolves.toMatch(
      /^\d{4}-\d{2}-\d{2} to \d{4}-\d{2}-\d{2}$/,
    );
    await page.getByText(/6 of 6 closed periods/).waitFor();
    await page
      .getByText(/is a Kanban board, so the retro looks back over periods of 14 days/)
      .waitFor();
    await expect(page.getByRole('heading', { name: 'Period by period' }).isVisible()).resolves.toBe(
      true,
    );
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.close();
  });

  it('a project admin changes the board from the project page; the picker has no axe violations', async () => {
    if (!preview) throw new Error('the preview did not start');
    preview.server.em.grant('KB', DEMO_MEMBER, ['ADMINISTER_PROJECTS']);
    const page = await open('project-page', 'signals', theme, 'KB');
    await page.getByTestId('board-choice-toggle').click();
    await page.getByTestId('board-picker').waitFor();
    await openBoardList(page);
    await page.getByText('KB Kanban board (Kanban: runway in weeks of throughput)').waitFor();
    await page.keyboard.press('Escape');
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.close();
    preview.server.em.revoke('KB', DEMO_MEMBER, ['ADMINISTER_PROJECTS']);
  });

  it('the board picker lists the boards with how each is read, without axe violations', async () => {
    const page = await open('project-settings', 'board-picker', theme);
    await openBoardList(page);
    await page.getByText('DT Scrum board (Scrum: runway in sprints of velocity)').waitFor();
    await page.keyboard.press('Escape');
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.close();
  });
});

it('choosing a Kanban board in settings switches the project page to weeks of throughput', async () => {
  if (!preview) throw new Error('the preview did not start');
  const board = preview.server.em.addBoard({ projectKey: 'DT', name: 'DT flow', type: 'kanban' });
  const settings = await open('project-settings', 'board-picker', 'light');
  await openBoardList(settings);
  await settings.getByText('DT flow (Kanban: runway in weeks of throughput)').click();
  await settings.getByTestId('board-picker-save').click();
  await settings
    .getByTestId('board-picker-message')
    .getByText(/Board saved/)
    .waitFor();
  expect(
    (preview.server.em.kvs.peek('config:project:DT') as { override?: unknown } | undefined)
      ?.override,
  ).toMatchObject({ board: { boardId: board.id } });
  await settings.close();
  const page = await open('project-page', 'signals', 'light');
  await page
    .getByTestId('signal-capacity')
    .getByText(/of work in progress/)
    .first()
    .waitFor();
  await page.close();
});

it('a member who is not a project admin sees which board is read, and no way to change it', async () => {
  const page = await open('project-page', 'signals', 'light', 'KB');
  await page.getByText(/Board: KB Kanban board/).waitFor();
  // The admin check has answered once the page settled: no toggle for a member.
  await page.waitForLoadState('networkidle');
  await expect(page.getByTestId('board-choice-toggle').count()).resolves.toBe(0);
  await page.close();
});

it('a project admin saves another board from the project page, and the page reads it', async () => {
  if (!preview) throw new Error('the preview did not start');
  const em = preview.server.em;
  const flow = em.addBoard({ projectKey: 'KB', name: 'KB scrum', type: 'scrum' });
  em.grant('KB', DEMO_MEMBER, ['ADMINISTER_PROJECTS']);
  const page = await open('project-page', 'signals', 'light', 'KB');
  await page.getByTestId('board-choice-toggle').click();
  await openBoardList(page);
  await page.getByText('KB scrum (Scrum: runway in sprints of velocity)').click();
  await page.getByTestId('board-picker-save').click();
  await page
    .getByTestId('board-picker-message')
    .getByText(/Board saved/)
    .waitFor();
  expect(
    (em.kvs.peek('config:project:KB') as { override?: unknown } | undefined)?.override,
  ).toMatchObject({ board: { boardId: flow.id } });
  await page
    .getByTestId('page-context')
    .getByText(/Board: KB scrum/)
    .waitFor();
  await page.close();
  em.revoke('KB', DEMO_MEMBER, ['ADMINISTER_PROJECTS']);
});
