/**
 * Naming lead engineers in the project settings by picking them: the preview build in Chromium
 * (real resolvers, Jira emulator with the demo project). A person types part of a name, picks a
 * user and a group from what Jira found, saves, and sees them by name again after a reload while
 * the settings hold their account id and group id. axe-core in light and dark.
 */
import type { Page } from 'playwright-core';
import { DEMO_LEAD_GROUP } from '../../dev/emulator/demo-project';
import { KEYS } from '../../src/storage/key-families';
import { colorModeOf, seriousAxeViolations, usePreviewInChromium } from './preview-harness';

jest.setTimeout(120_000);

const { server, browser } = usePreviewInChromium();

const PEOPLE = 'feasibility.leadAccountIds';
const GROUPS = 'feasibility.leadGroupIds';
const inputOf = (page: Page, path: string) => page.locator(`#setting-${path.replace('.', '-')}`);
const pickerOf = (page: Page, path: string) =>
  page.getByTestId(`picker-setting-${path.replace('.', '-')}`);

async function openSettings(theme: 'light' | 'dark'): Promise<Page> {
  const page = await browser().newPage({ viewport: { width: 1280, height: 900 } });
  const url = new URL(`project-settings/${theme === 'dark' ? '?theme=dark' : ''}`, server().url);
  await page.goto(url.href);
  const toggle = page.getByTestId('settings-toggle-all');
  await toggle.waitFor({ state: 'visible' });
  if ((await toggle.textContent()) === 'Expand all sections') await toggle.click();
  await page.getByTestId(`setting-${PEOPLE}`).waitFor({ state: 'visible' });
  return page;
}

/** Types into a picker and picks the option Jira found with this name. */
async function pick(page: Page, path: string, typed: string, name: string): Promise<void> {
  await inputOf(page, path).fill(typed);
  const option = page.getByRole('option', { name, exact: true });
  await option.waitFor({ state: 'visible' });
  await option.click();
  await page.keyboard.press('Escape');
}

async function save(page: Page): Promise<void> {
  await page.getByTestId('settings-save').click();
  await page.getByTestId('save-status').getByText('Settings saved').waitFor({ state: 'visible' });
}

const projectKey = () => [...server().em.projects.values()][0]?.key ?? 'DT';
const storedLeads = () =>
  (
    server().em.kvs.peek(KEYS.projectConfig(projectKey())) as
      { override?: { feasibility?: unknown } } | undefined
  )?.override?.feasibility;

describe('lead engineers by user or group picker', () => {
  it('picks a user and a group by name, saves their ids and shows them by name again (light, axe)', async () => {
    const page = await openSettings('light');
    await expect(colorModeOf(page)).resolves.toBe('light');
    await expect(page.getByTestId(`setting-${PEOPLE}`).textContent()).resolves.toContain(
      'With no lead engineers or groups named, anyone who may edit the idea may sign off',
    );
    await pick(page, PEOPLE, 'mia', 'Mia Member');
    await pick(page, GROUPS, 'leads', DEMO_LEAD_GROUP.name);
    await expect(pickerOf(page, PEOPLE).textContent()).resolves.toContain('Mia Member');
    expect(await seriousAxeViolations(page)).toEqual([]);
    await save(page);
    expect(storedLeads()).toEqual({
      leadAccountIds: ['user-member'],
      leadGroupIds: [DEMO_LEAD_GROUP.groupId],
    });
    await page.reload();
    const toggle = page.getByTestId('settings-toggle-all');
    await toggle.waitFor({ state: 'visible' });
    if ((await toggle.textContent()) === 'Expand all sections') await toggle.click();
    await pickerOf(page, GROUPS).waitFor({ state: 'visible' });
    // Saved ids come back by name, not as ids.
    await expect(pickerOf(page, PEOPLE).textContent()).resolves.toContain('Mia Member');
    await expect(pickerOf(page, PEOPLE).textContent()).resolves.not.toContain('user-member');
    await expect(pickerOf(page, GROUPS).textContent()).resolves.toContain(DEMO_LEAD_GROUP.name);
    await page.close();
  });

  it('adds a second lead in the dark theme, and says when nobody matches (dark, axe)', async () => {
    const page = await openSettings('dark');
    await expect(colorModeOf(page)).resolves.toBe('dark');
    await inputOf(page, PEOPLE).fill('zzz');
    await page.getByText('Nobody found by that name').waitFor({ state: 'visible' });
    await pick(page, PEOPLE, 'ada', 'Ada Admin');
    expect(await seriousAxeViolations(page)).toEqual([]);
    await save(page);
    expect(storedLeads()).toEqual({
      leadAccountIds: ['user-member', 'user-admin'],
      leadGroupIds: [DEMO_LEAD_GROUP.groupId],
    });
    await page.close();
  });
});
