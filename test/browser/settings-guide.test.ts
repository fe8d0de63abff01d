/**
 * The settings forms guide as a person types (Chromium, the local preview): a problem shows at
 * its setting and next to Save before anything is sent, a cross-field rule at both settings it
 * compares, the sections start closed with contents that jump to them, and a project value equal
 * to the inherited one stays inherited. Light and dark themes, axe with no serious violations.
 */
import type { Page } from 'playwright-core';
import { KEYS } from '../../src/storage/key-families';
import { colorModeOf, seriousAxeViolations, usePreviewInChromium } from './preview-harness';

jest.setTimeout(120_000);

const { server, browser } = usePreviewInChromium();

async function open(resource: string, theme: 'light' | 'dark' = 'light'): Promise<Page> {
  const page = await browser().newPage({ viewport: { width: 1280, height: 900 } });
  const url = new URL(`${resource}/${theme === 'dark' ? '?theme=dark' : ''}`, server().url);
  await page.goto(url.href);
  await page.getByTestId('settings-contents').waitFor({ state: 'visible' });
  return page;
}

const input = (page: Page, path: string) => page.locator(`#setting-${path.replace('.', '-')}`);
const errorAt = (page: Page, path: string) => page.getByTestId(`setting-${path}-error`);
const toggle = (page: Page, section: string) =>
  page.getByTestId(`settings-section-${section}-toggle`);

async function openSection(page: Page, section: string): Promise<void> {
  if ((await toggle(page, section).getAttribute('aria-expanded')) !== 'true') {
    await toggle(page, section).click();
  }
}

/** Vertical gap in px between the bottom of one element and the top of another. */
async function gap(page: Page, above: string, below: string): Promise<number> {
  const a = await page.getByTestId(above).boundingBox();
  const b = await page.getByTestId(below).boundingBox();
  if (!a || !b) throw new Error(`${above} or ${below} is not on the page`);
  return b.y - (a.y + a.height);
}

describe.each(['light', 'dark'] as const)('admin settings guide as you type (%s)', (theme) => {
  it('starts with closed sections and contents that open and jump to one', async () => {
    const page = await open('admin-settings', theme);
    await expect(colorModeOf(page)).resolves.toBe(theme);
    for (const section of ['runway', 'spike', 'entry']) {
      await expect(toggle(page, section).getAttribute('aria-expanded')).resolves.toBe('false');
    }
    await expect(input(page, 'spike.maxTimeboxDays').count()).resolves.toBe(0);
    const height = await page.evaluate(
      () =>
        (globalThis as unknown as { document: { documentElement: { scrollHeight: number } } })
          .document.documentElement.scrollHeight,
    );
    expect(height).toBeLessThan(1800);

    await page
      .getByTestId('settings-contents')
      .getByRole('link', { name: 'Spike timebox' })
      .click();
    await expect(toggle(page, 'spike').getAttribute('aria-expanded')).resolves.toBe('true');
    await input(page, 'spike.maxTimeboxDays').waitFor({ state: 'visible' });
    const box = await page.getByTestId('settings-section-spike').boundingBox();
    expect(box && box.y >= -1 && box.y < 900).toBe(true);
    expect(await seriousAxeViolations(page)).toEqual([]);

    // The page's other parts start closed too; their contents links open them.
    await page
      .getByTestId('settings-contents')
      .getByRole('link', { name: 'Export / import' })
      .click();
    await page.getByTestId('data-transfer').waitFor({ state: 'visible' });
    await expect(
      page.getByTestId('admin-data-transfer-toggle').getAttribute('aria-expanded'),
    ).resolves.toBe('true');
    await page.close();
  });

  it('shows a cross-field problem at both settings and next to Save while typing', async () => {
    const page = await open('admin-settings', theme);
    await openSection(page, 'spike');
    await input(page, 'spike.defaultTimeboxDays').fill('5');
    for (const path of ['spike.defaultTimeboxDays', 'spike.maxTimeboxDays']) {
      await expect(errorAt(page, path).textContent()).resolves.toMatch(
        /default spike timebox must not exceed the longest/,
      );
    }
    const summary = page.getByTestId('settings-error-summary');
    await expect(summary.textContent()).resolves.toMatch(/2 settings need a fix before saving/);
    // Next to the button, not a page away.
    expect(await gap(page, 'settings-error-summary', 'settings-save')).toBeLessThan(80);
    expect(await seriousAxeViolations(page)).toEqual([]);

    await page.getByTestId('settings-save').click();
    await expect(summary.textContent()).resolves.toMatch(
      /Some values are not allowed.*Nothing was saved/,
    );
    expect(server().em.kvs.peek(KEYS.globalConfig)).toBeUndefined();

    // A value out of range in another section: its section's contents entry counts it.
    await openSection(page, 'validation');
    await input(page, 'validation.minInterviews').fill('21');
    await expect(errorAt(page, 'validation.minInterviews').textContent()).resolves.toMatch(
      /a whole number from 0 to 20/,
    );
    await expect(page.getByTestId('settings-contents').getByText('1 to fix').count()).resolves.toBe(
      1,
    );
    await expect(page.getByTestId('settings-contents').getByText('2 to fix').count()).resolves.toBe(
      1,
    );

    // Fixing the values clears the problems as typed, at the fields and next to Save.
    await input(page, 'validation.minInterviews').fill('3');
    await input(page, 'spike.maxTimeboxDays').fill('5');
    await expect(errorAt(page, 'spike.defaultTimeboxDays').count()).resolves.toBe(0);
    await expect(errorAt(page, 'spike.maxTimeboxDays').count()).resolves.toBe(0);
    await expect(summary.count()).resolves.toBe(0);
    await page.close();
  });
});

describe.each(['light', 'dark'] as const)('project settings: inherited values (%s)', (theme) => {
  const interviews = 'validation.minInterviews';
  const tests = 'validation.minUsabilityTests';

  it('keeps a value typed equal to the global one inherited, and resets to inherited', async () => {
    const page = await open('project-settings', theme);
    await openSection(page, 'validation');
    const reset = page.getByTestId(`setting-${interviews}-reset`);
    await expect(reset.textContent()).resolves.toBe('Reset to inherited');
    await expect(reset.isDisabled()).resolves.toBe(true);

    const status = page.getByTestId(`setting-${interviews}-status`);
    await input(page, interviews).fill('4');
    await expect(status.textContent()).resolves.toBe('Overridden');
    // The global value is 3: typing it back is no override.
    await input(page, interviews).fill('3');
    await expect(status.textContent()).resolves.toBe('Inherited');
    await input(page, tests).fill('2');
    await page.getByTestId('settings-save').click();
    await page.getByTestId('save-status').getByText('Settings saved').waitFor();
    const key = KEYS.projectConfig('DT');
    expect(server().em.kvs.peek(key)).toMatchObject({
      override: { validation: { minUsabilityTests: 2 } },
    });
    expect(
      (server().em.kvs.peek(key) as { override: { validation: object } }).override.validation,
    ).not.toHaveProperty('minInterviews');
    await expect(
      page.getByTestId('settings-contents').getByText('1 overridden').isVisible(),
    ).resolves.toBe(true);
    expect(await seriousAxeViolations(page)).toEqual([]);

    await page.getByTestId(`setting-${tests}-reset`).click();
    await expect(page.getByTestId(`setting-${tests}-status`).textContent()).resolves.toBe(
      'Inherited',
    );
    await page.getByTestId('settings-save').click();
    await page.getByTestId('save-status').getByText('Settings saved').waitFor();
    expect((server().em.kvs.peek(key) as { override: unknown }).override).toEqual({});
    await page.close();
  });
});
