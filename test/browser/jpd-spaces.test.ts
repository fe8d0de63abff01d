/**
 * Connecting a Jira Product Discovery space on the project settings page and its ideas on the
 * project page's discovery track, as a person uses them in the preview (Chromium, real
 * resolvers, the emulated site with DT and the JPD space IDEA), in both themes, with axe.
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

async function open(resource: string, ready: string, theme: 'light' | 'dark'): Promise<Page> {
  if (!preview) throw new Error('the preview did not start');
  const page = await preview.browser.newPage({ viewport: { width: 1280, height: 900 } });
  const url = new URL(`${resource}/`, preview.server.url);
  if (theme === 'dark') url.searchParams.set('theme', 'dark');
  await page.goto(url.href);
  await page.getByTestId(ready).waitFor({ state: 'visible' });
  if (theme === 'dark') await expect(colorModeOf(page)).resolves.toBe('dark');
  return page;
}

describe.each(['light', 'dark'] as const)('%s theme', (theme) => {
  it('the JPD spaces section lists the space and what was found, without axe violations', async () => {
    const page = await open('project-settings', 'jpd-spaces', theme);
    const section = page.getByTestId('jpd-spaces');
    await section.getByText('Checkout ideas (IDEA)').waitFor();
    const found = page.getByTestId('jpd-spaces-found');
    await found.getByText(/Delivery link type: "Polaris work item link"/).waitFor();
    await expect(found.getByText(/Insights field: none found/).isVisible()).resolves.toBe(true);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.close();
  });
});

it("connecting the space puts its open ideas on the project page's discovery track", async () => {
  const before = await open('project-page', 'signals', 'light');
  await expect(before.getByText('Pay in three instalments').count()).resolves.toBe(0);
  await before.close();
  const settings = await open('project-settings', 'jpd-spaces', 'light');
  await settings.getByLabel('Checkout ideas (IDEA)').check();
  await settings.getByTestId('jpd-spaces-save').click();
  await settings
    .getByTestId('jpd-spaces-message')
    .getByText(/Discovery spaces saved/)
    .waitFor();
  await settings.close();
  for (const theme of ['light', 'dark'] as const) {
    const page = await open('project-page', 'signals', theme);
    await page.getByText('Pay in three instalments').first().waitFor();
    await expect(page.getByText('Checkout chatbot').count()).resolves.toBe(0);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.close();
  }
});
