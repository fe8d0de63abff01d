/**
 * The settings screens as a person uses them: the admin page (global settings) and the project
 * settings page (overrides), the preview builds in Debian's Chromium against the local preview
 * server (real resolvers, Jira emulator with the demo project). The steps build on each other:
 * a global change shows on the project page, then a project override does. Also checks
 * accessibility with axe-core and saves docs/screenshots/admin-settings.png and
 * docs/screenshots/project-settings-overrides.png.
 */
import type { Page } from 'playwright-core';
import { KEYS } from '../../src/storage/kvs-store';
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
  preview = await startPreviewInChromium();
});

afterAll(async () => {
  await preview?.close();
});

async function open(resource: string, ready: string, theme = 'light'): Promise<Page> {
  if (!preview) throw new Error('the preview did not start');
  const page = await preview.browser.newPage({ viewport: { width: 1280, height: 900 } });
  const url = new URL(`${resource}/${theme === 'dark' ? '?theme=dark' : ''}`, preview.server.url);
  await page.goto(url.href);
  await page.getByTestId(ready).waitFor({ state: 'visible' });
  return page;
}

const input = (page: Page, path: string) => page.locator(`#setting-${path.replace('.', '-')}`);
const row = (page: Page, path: string) => page.getByTestId(`setting-${path}`);
const saved = (page: Page) =>
  page.getByTestId('save-status').getByText('Settings saved').waitFor({ state: 'visible' });
const stored = (key: string) => preview?.server.em.kvs.peek(key);

/** The project page's threshold line of a signal card. */
async function threshold(signal: string, text: RegExp): Promise<boolean> {
  const page = await open('project-page', 'signals');
  const visible = await page.getByTestId(`signal-${signal}`).getByText(text).isVisible();
  await page.close();
  return visible;
}

describe('admin page: global settings (Chromium)', () => {
  it('shows an invalid value inline with its allowed range and saves nothing', async () => {
    const page = await open('admin-settings', 'setting-validation.minInterviews');
    await expect(input(page, 'validation.minInterviews').inputValue()).resolves.toBe('3');
    await input(page, 'validation.minInterviews').fill('25');
    await page.getByTestId('settings-save').click();
    const error = page.getByTestId('setting-validation.minInterviews-error');
    await expect(error.textContent()).resolves.toMatch(/whole number from 0 to 20/);
    await expect(
      input(page, 'validation.minInterviews').getAttribute('aria-describedby'),
    ).resolves.toMatch(/setting-validation-minInterviews-error/);
    await expect(page.getByText('Some values are not allowed').isVisible()).resolves.toBe(true);
    expect(stored(KEYS.globalConfig)).toBeUndefined();

    // A cross-field rule: the pause threshold must stay above the upper runway target.
    await input(page, 'validation.minInterviews').fill('4');
    await input(page, 'runway.pauseAtSprints').fill('2');
    await page.getByTestId('settings-save').click();
    await expect(
      page.getByTestId('setting-runway.pauseAtSprints-error').textContent(),
    ).resolves.toMatch(/above the upper runway target/);
    await expect(page.getByTestId('setting-validation.minInterviews-error').count()).resolves.toBe(
      0,
    );
    expect(stored(KEYS.globalConfig)).toBeUndefined();
    await page.close();
  });

  it('saves with the keyboard, keeps the values over a reload and lists the change', async () => {
    const page = await open('admin-settings', 'setting-validation.minInterviews');
    await input(page, 'validation.minInterviews').fill('5');
    await input(page, 'runway.pauseAtSprints').fill('4');
    await input(page, 'capacity.discoveryTargetPercent').fill('30');
    await input(page, 'capacity.discoveryTargetPercent').press('Enter');
    await saved(page);

    await page.reload();
    await row(page, 'validation.minInterviews').waitFor({ state: 'visible' });
    await expect(input(page, 'validation.minInterviews').inputValue()).resolves.toBe('5');
    await expect(input(page, 'runway.pauseAtSprints').inputValue()).resolves.toBe('4');
    const entry = page.getByTestId('history-1');
    await expect(entry.textContent()).resolves.toMatch(/Version 1 .* by you/);
    for (const change of [
      'Interviews needed: 3 interviews → 5 interviews',
      'Pause discovery at: 3 sprints → 4 sprints',
      'Discovery capacity target: 20% → 30%',
    ]) {
      await expect(entry.getByText(change).isVisible()).resolves.toBe(true);
    }
    await screenshot(page, 'admin-settings.png');
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.close();
  });

  it('changes what the project page judges against', async () => {
    await expect(threshold('runway', /pause discovery at 4/)).resolves.toBe(true);
    await expect(threshold('capacity', /Target 30% of the sprint/)).resolves.toBe(true);
  });

  it('answers a save over someone else’s with their values and re-applies mine', async () => {
    const page = await open('admin-settings', 'setting-validation.minInterviews');
    // Another admin saves version 2 meanwhile.
    const other = await fetch(new URL('api/invoke', preview?.server.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        resource: 'admin-settings',
        functionKey: 'settings/global/save',
        payload: {
          settings: {
            validation: { minInterviews: 5, minUsabilityTests: 1 },
            runway: { targetMinSprints: 1, targetMaxSprints: 2, pauseAtSprints: 4 },
            capacity: { discoveryTargetPercent: 30 },
            staleness: { discoveryIdleDays: 21 },
          },
          expectedVersion: 1,
        },
      }),
    });
    expect(((await other.json()) as { ok: boolean }).ok).toBe(true);

    await input(page, 'validation.minUsabilityTests').fill('2');
    await page.getByTestId('settings-save').click();
    const conflict = page.getByTestId('settings-conflict');
    await conflict.waitFor({ state: 'visible' });
    await expect(
      conflict.getByText('Discovery item idle after: now 21 days').isVisible(),
    ).resolves.toBe(true);
    await conflict.getByRole('button', { name: 'Re-apply my changes' }).click();
    await expect(input(page, 'staleness.discoveryIdleDays').inputValue()).resolves.toBe('21');
    await expect(input(page, 'validation.minUsabilityTests').inputValue()).resolves.toBe('2');
    await page.getByTestId('settings-save').click();
    await saved(page);
    expect(stored(KEYS.globalConfig)).toMatchObject({
      version: 3,
      settings: { validation: { minUsabilityTests: 2 }, staleness: { discoveryIdleDays: 21 } },
    });
    await page.close();
  });

  it('has no serious accessibility violations in the dark theme', async () => {
    const page = await open('admin-settings', 'setting-validation.minInterviews', 'dark');
    await expect(colorModeOf(page)).resolves.toBe('dark');
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.close();
  });
});

describe('project settings: overrides (Chromium)', () => {
  const capacity = 'capacity.discoveryTargetPercent';

  it('keeps the setup panel and shows each setting inherited from the global value', async () => {
    const page = await open('project-settings', `setting-${capacity}`);
    await expect(
      page.getByRole('heading', { name: 'Set up Dual Track' }).isVisible(),
    ).resolves.toBe(true);
    await expect(page.getByTestId(`setting-${capacity}-status`).textContent()).resolves.toBe(
      'Inherited',
    );
    await expect(input(page, capacity).inputValue()).resolves.toBe('30');
    await expect(
      row(page, capacity)
        .getByText(/Global value: 30%/)
        .isVisible(),
    ).resolves.toBe(true);
    await expect(page.getByTestId(`setting-${capacity}-reset`).isDisabled()).resolves.toBe(true);
    await page.close();
  });

  it('overrides a value, keeps it over a reload, and the project page follows', async () => {
    const page = await open('project-settings', `setting-${capacity}`);
    await input(page, capacity).fill('140');
    await page.getByTestId('settings-save').click();
    await expect(page.getByTestId(`setting-${capacity}-error`).textContent()).resolves.toMatch(
      /from 0 to 100/,
    );
    await input(page, capacity).fill('40');
    await expect(page.getByTestId(`setting-${capacity}-status`).textContent()).resolves.toBe(
      'Overridden',
    );
    await page.getByTestId('settings-save').click();
    await saved(page);

    await page.reload();
    await row(page, capacity).waitFor({ state: 'visible' });
    await expect(page.getByTestId(`setting-${capacity}-status`).textContent()).resolves.toBe(
      'Overridden',
    );
    await expect(input(page, capacity).inputValue()).resolves.toBe('40');
    await expect(
      page
        .getByTestId('history-1')
        .getByText('Discovery capacity target: inherited → 40%')
        .isVisible(),
    ).resolves.toBe(true);
    await screenshot(page, 'project-settings-overrides.png');
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.close();

    await expect(threshold('capacity', /Target 40% of the sprint/)).resolves.toBe(true);
  });

  it('resets an override to the inherited value', async () => {
    const page = await open('project-settings', `setting-${capacity}`);
    await page.getByTestId(`setting-${capacity}-reset`).click();
    await expect(page.getByTestId(`setting-${capacity}-status`).textContent()).resolves.toBe(
      'Inherited',
    );
    await expect(input(page, capacity).inputValue()).resolves.toBe('30');
    await page.getByTestId('settings-save').click();
    await saved(page);
    await page.reload();
    await row(page, capacity).waitFor({ state: 'visible' });
    await expect(page.getByTestId(`setting-${capacity}-status`).textContent()).resolves.toBe(
      'Inherited',
    );
    await expect(
      page
        .getByTestId('history-2')
        .getByText('Discovery capacity target: 40% → inherited')
        .isVisible(),
    ).resolves.toBe(true);
    await page.close();
    await expect(threshold('capacity', /Target 30% of the sprint/)).resolves.toBe(true);
  });

  it('has no serious accessibility violations in the dark theme', async () => {
    const page = await open('project-settings', `setting-${capacity}`, 'dark');
    await expect(colorModeOf(page)).resolves.toBe('dark');
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.close();
  });
});
