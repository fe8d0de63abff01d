/**
 * The board picker on the project settings page and a project on a Kanban board on the project
 * page, as a person uses them in the preview (Chromium, real resolvers, the emulated site with
 * the demo project DT and the Kanban project KB), in the light and the dark theme, with axe.
 */
import type { Page } from 'playwright-core';
import {
  colorModeOf,
  seriousAxeViolations,
  startPreviewInChromium,
  type Preview,
} from './preview-harness';

jest.setTimeout(120_000);

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
): Promise<Page> {
  if (!preview) throw new Error('the preview did not start');
  const page = await preview.browser.newPage({ viewport: { width: 1280, height: 900 } });
  const url = new URL(`${resource}/`, preview.server.url);
  if (theme === 'dark') url.searchParams.set('theme', 'dark');
  if (project) url.searchParams.set('project', project);
  await page.goto(url.href);
  await page.getByTestId(ready).waitFor({ state: 'visible' });
  if (theme === 'dark') await expect(colorModeOf(page)).resolves.toBe('dark');
  return page;
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

  it('the board picker lists the boards with how each is read, without axe violations', async () => {
    const page = await open('project-settings', 'board-picker', theme);
    const select = page.getByTestId('board-picker-select');
    await select.click();
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
  await settings.getByTestId('board-picker-select').click();
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
