/**
 * The places people already look, in the local preview (Chromium): the dashboard gadget and its
 * configuration, the board action, and the Automation runner page, each on the demo data with
 * real resolvers and handlers. Both themes are checked with axe.
 */
import fs from 'fs';
import path from 'path';
import type { Page } from 'playwright-core';
import {
  SCREENSHOTS,
  colorModeOf,
  screenshot,
  seriousAxeViolations,
  usePreviewInChromium,
} from './preview-harness';

jest.setTimeout(180_000);

const { server, browser, keyOf } = usePreviewInChromium();

async function open(
  resource: string,
  theme: 'light' | 'dark',
  ready: string,
  height = 700,
): Promise<Page> {
  const page = await browser().newPage({ viewport: { width: 900, height } });
  const url = new URL(`${resource}/`, server().url);
  if (theme === 'dark') url.searchParams.set('theme', 'dark');
  await page.goto(url.href);
  await page.getByTestId(ready).first().waitFor({ state: 'visible' });
  return page;
}

describe('dashboard gadget', () => {
  it.each(['light', 'dark'] as const)(
    'rolls up the picked projects as the member may see them (%s theme), axe-clean',
    async (theme) => {
      const page = await open('rollup-gadget', theme, 'rollup-DT', 240);
      const dt = page.getByTestId('rollup-DT');
      await expect(dt.getByRole('link').textContent()).resolves.toBe('Dual Track Demo (DT)');
      await expect(dt.textContent()).resolves.toMatch(/Runway 1\.1 sprints.*Discovery 14%/);
      await expect(dt.textContent()).resolves.toMatch(/Build trap: ok.*Paralysis: ok/);
      await expect(dt.textContent()).resolves.toContain('interventions in DT Sprint 7');
      await expect(page.getByTestId('rollup-OPS').textContent()).resolves.toContain(
        'Dual Track is not set up in this project yet.',
      );
      // A project the member may not browse: neither its name nor its signals.
      const sec = await page.getByTestId('rollup-SEC').textContent();
      expect(sec).toContain('you may not browse this project');
      expect(sec).not.toContain('Security team');
      await expect(colorModeOf(page)).resolves.toBe(theme);
      expect(await seriousAxeViolations(page)).toEqual([]);
      if (theme === 'light') await screenshot(page, 'dashboard-gadget.png');
      await page.close();
    },
  );

  it.each(['light', 'dark'] as const)(
    'its configuration picks from the projects the member may browse, and saves (%s theme)',
    async (theme) => {
      const page = await open('rollup-gadget-edit', theme, 'gadget-projects');
      const chosen = page.getByTestId('gadget-projects');
      // Saved projects the member may browse are named; SEC, which they may not, stays a key.
      await chosen.getByText('Dual Track Demo (DT)').waitFor();
      await chosen.getByText('Operations (OPS)').waitFor();
      await expect(chosen.textContent()).resolves.toMatch(/SEC/);
      expect(await seriousAxeViolations(page)).toEqual([]);
      const field = page.getByLabel('Projects');
      await field.fill('secur');
      await page.getByText('No project you may browse matches').waitFor();
      await field.fill('');
      // Emptied: nothing to roll up is refused.
      for (let i = 0; i < 3; i += 1) await field.press('Backspace');
      await field.press('Escape');
      await page.getByTestId('gadget-save').click();
      await expect(page.getByTestId('gadget-problem').textContent()).resolves.toBe(
        'Pick at least one project.',
      );
      await field.fill('operat');
      await page.getByRole('option', { name: 'Operations (OPS)' }).click();
      await field.fill('dt');
      await page.getByRole('option', { name: 'Dual Track Demo (DT)' }).click();
      await expect(colorModeOf(page)).resolves.toBe(theme);
      expect(await seriousAxeViolations(page)).toEqual([]);
      await field.press('Escape');
      await page.getByTestId('gadget-save').click();
      await page.getByText('Jira would save {"projectKeys":["OPS","DT"]}').waitFor();
      await page.close();
    },
  );
});

describe('board action', () => {
  it.each(['light', 'dark'] as const)(
    'shows the active and next sprint by track with the items the guard would move (%s theme)',
    async (theme) => {
      const page = await open('board-readiness', theme, 'sprint-active', 320);
      const active = page.getByTestId('sprint-active');
      await expect(active.getByRole('heading').textContent()).resolves.toBe(
        'Active sprint: DT Sprint 7',
      );
      await expect(active.textContent()).resolves.toMatch(
        /Discovery1 ready1 not ready.*Delivery5 ready0 not ready/,
      );
      const enabler = keyOf('Enabler: split the session service');
      const row = page.getByTestId(`row-${enabler}`);
      await expect(row.getByRole('link').textContent()).resolves.toBe(enabler);
      await expect(row.textContent()).resolves.toMatch(
        /Would move back.*Scoped outcome: add an outcome statement/,
      );
      await expect(
        page.getByTestId('sprint-next').getByRole('heading').textContent(),
      ).resolves.toBe('Next sprint: DT Sprint 8');
      await expect(colorModeOf(page)).resolves.toBe(theme);
      expect(await seriousAxeViolations(page)).toEqual([]);
      if (theme === 'light') await screenshot(page, 'board-action.png');
      await page.close();
    },
  );
});

describe('Automation actions in the preview', () => {
  it.each(['light', 'dark'] as const)(
    'the runner page runs check-sprint-readiness as a rule would (%s theme)',
    async (theme) => {
      const page = await browser().newPage({ viewport: { width: 1100, height: 480 } });
      const url = new URL('automation/check-sprint-readiness', server().url);
      if (theme === 'dark') url.searchParams.set('theme', 'dark');
      await page.goto(url.href);
      await page.getByTestId('automation-run').click();
      const text = (await page.getByTestId('automation-answer').textContent()) ?? '';
      const answer: unknown = JSON.parse(text);
      expect(answer).toMatchObject({
        sprintName: 'DT Sprint 7',
        ready: false,
        notReadyKeys: keyOf('Enabler: split the session service'),
      });
      expect(await seriousAxeViolations(page)).toEqual([]);
      if (theme === 'light') {
        fs.mkdirSync(SCREENSHOTS, { recursive: true });
        // The main column only, down to the answer (the frame's sidebar is longer).
        const box = await page.locator('#main').boundingBox();
        if (!box) throw new Error('the frame has no main column');
        await page.screenshot({
          path: path.join(SCREENSHOTS, 'automation-action.png'),
          clip: { x: box.x, y: box.y, width: box.width, height: 420 },
        });
      }
      await page.close();
    },
  );
});
