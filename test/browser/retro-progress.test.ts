/**
 * The retro while its job runs, as a person sees it: the preview with Forge's queue held
 * (dev/preview/server.ts), so that the job waits between steps. The page shows a progress bar
 * with "N of M sprints read"; a second viewer follows the same run (told so); once the steps
 * are delivered both show the report. Light and dark themes, axe-core in each, and the
 * screenshots docs/screenshots/retro-progress-{light,dark}.png.
 */
import type { Page } from 'playwright-core';
import {
  colorModeOf,
  screenshot,
  seriousAxeViolations,
  startPreviewInChromium,
  type Preview,
} from './preview-harness';

jest.setTimeout(120_000);

let preview: Preview | undefined;

beforeAll(async () => {
  preview = await startPreviewInChromium({ queue: 'hold' });
});

afterAll(async () => {
  await preview?.close();
});

async function openRetro(theme: 'light' | 'dark'): Promise<Page> {
  if (!preview) throw new Error('the preview did not start');
  const page = await preview.browser.newPage({ viewport: { width: 1280, height: 720 } });
  const url = new URL(
    `project-page/?route=retro${theme === 'dark' ? '&theme=dark' : ''}`,
    preview.server.url,
  );
  await page.goto(url.href);
  await page.getByTestId('retro-progress').waitFor({ state: 'visible' });
  return page;
}

const progressText = (page: Page) => page.getByTestId('retro-progress-text');

describe('the retro page while the sprint history is read', () => {
  it('shows "N of M sprints read" in both themes, a second viewer joins, then the report', async () => {
    const first = await openRetro('light');
    await expect(progressText(first).textContent()).resolves.toBe('Finding the closed sprints…');

    await preview?.server.deliverQueue(1); // the first step: the board and its closed sprints
    await first.getByText(/^0 of \d+ sprints read$/).waitFor({ state: 'visible' });
    const bar = first.getByRole('progressbar');
    await expect(bar.getAttribute('aria-valuenow')).resolves.toBe('0');
    const total = Number(/^0 of (\d+)/.exec((await progressText(first).textContent()) ?? '')?.[1]);
    expect(total).toBeGreaterThan(0);
    await expect(bar.getAttribute('aria-label')).resolves.toBe(
      `Reading the sprint history: 0 of ${total} sprints read`,
    );
    await expect(colorModeOf(first)).resolves.toBe('light');
    await screenshot(first, 'retro-progress-light.png');
    expect(await seriousAxeViolations(first)).toEqual([]);

    const second = await openRetro('dark');
    await second.getByText(`0 of ${total} sprints read`).waitFor({ state: 'visible' });
    await second.getByText(/following the same run/).waitFor({ state: 'visible' });
    expect(preview?.server.em.queue.pending).toHaveLength(1); // one job, one next step
    await expect(colorModeOf(second)).resolves.toBe('dark');
    await screenshot(second, 'retro-progress-dark.png');
    expect(await seriousAxeViolations(second)).toEqual([]);

    await preview?.server.deliverQueue();
    for (const page of [first, second]) {
      await page.getByTestId('sprint-table').waitFor({ state: 'visible' });
      await expect(page.getByTestId('retro-progress').count()).resolves.toBe(0);
    }
  });
});
