/**
 * The preview's Jira frame (dev/preview/frame.ts) as a person uses it: the top bar and project
 * sidebar around the app's real pages, every sidebar link reaching its page with the app rendered
 * in its iframe, an item key clicked on the project page landing on that issue's view with the
 * issue panel and context rendered, every workflow validator's configuration screens, and the
 * custom field editors opened from the issue view. axe in light and dark, inside the app frames too.
 */
import fs from 'fs';
import type { Frame, Page } from 'playwright-core';
import {
  colorModeOf,
  screenshot,
  seriousAxeViolations,
  usePreviewInChromium,
} from './preview-harness';

jest.setTimeout(300_000);

const { server, browser, keyOf } = usePreviewInChromium();

const AXE_SOURCE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

async function openFrame(path: string, theme: 'light' | 'dark' = 'light'): Promise<Page> {
  const page = await browser().newPage({ viewport: { width: 1440, height: 1000 } });
  const url = new URL(path, server().url);
  if (theme === 'dark') url.searchParams.set('theme', 'dark');
  await page.goto(url.href);
  await page.getByTestId('frame-sidebar').waitFor({ state: 'visible' });
  return page;
}

/** The app page inside the frame's iframe with this page id (PreviewPage.id). */
async function appFrame(page: Page, id: string): Promise<Frame> {
  const element = await page.getByTestId(`app-frame-${id}`).elementHandle();
  const frame = await element?.contentFrame();
  if (!frame) throw new Error(`no app frame ${id} on ${page.url()}`);
  return frame;
}

/** Waits until every app iframe on the page has rendered its React root. */
async function appsRendered(page: Page): Promise<number> {
  const handles = await page.locator('iframe').elementHandles();
  for (const handle of handles) {
    const frame = await handle.contentFrame();
    if (!frame) throw new Error('an app iframe has no document');
    await frame.waitForFunction(
      () =>
        (
          (
            globalThis as unknown as { document: { getElementById(id: string): unknown } }
          ).document.getElementById('root') as { childElementCount?: number } | null
        )?.childElementCount,
    );
  }
  return handles.length;
}

/** axe over the frame and, injected into each, the app iframes. */
async function axeAll(page: Page): Promise<string[]> {
  for (const frame of page.frames())
    if (frame !== page.mainFrame()) await frame.evaluate(AXE_SOURCE);
  return seriousAxeViolations(page);
}

const sidebarLinks = (page: Page) =>
  page
    .getByTestId('frame-sidebar')
    .locator('a[data-testid^="nav-"]')
    .evaluateAll((links) =>
      links.map((a) => ({
        id: (a as unknown as { getAttribute(n: string): string }).getAttribute('data-testid'),
        href: (a as unknown as { getAttribute(n: string): string }).getAttribute('href'),
      })),
    );

describe('the Jira frame of the local preview (Chromium)', () => {
  it.each(['light', 'dark'] as const)(
    'shows the top bar, the sidebar and the project page, with no serious axe violation (%s)',
    async (theme) => {
      const page = await openFrame('/', theme);
      await expect(colorModeOf(page)).resolves.toBe(theme);
      await expect(page.getByTestId('frame-topbar').textContent()).resolves.toContain(
        'Stop the preview with Ctrl+C',
      );
      await expect(
        page.getByTestId('nav-project:overview').getAttribute('aria-current'),
      ).resolves.toBe('page');
      const app = await appFrame(page, 'project-page');
      await app.getByTestId('signals').waitFor({ state: 'visible' });
      await expect(
        app.evaluate(() =>
          (
            globalThis as unknown as {
              document: { documentElement: { getAttribute(n: string): string | null } };
            }
          ).document.documentElement.getAttribute('data-color-mode'),
        ),
      ).resolves.toBe(theme);
      await screenshot(page, `jira-frame-${theme}.png`);
      expect(await axeAll(page)).toEqual([]);
      await page.close();
    },
  );

  it('reaches every page from the sidebar, each with its app rendered', async () => {
    const page = await openFrame('/');
    const links = await sidebarLinks(page);
    const ids = links.map((l) => l.id);
    // The app's pages, project settings, Jira admin settings, 3 validators × 3 screens, 2 editors.
    for (const id of [
      'nav-project:overview',
      'nav-project:retro',
      'nav-settings',
      'nav-admin',
      'nav-rule:enabler-gate-validator:create',
      'nav-rule:discovery-gate-validator:view',
    ]) {
      expect(ids).toContain(id);
    }
    expect(ids.filter((id) => /^nav-rule:[^:]+:[a-z]+$/.test(id))).toHaveLength(9);
    expect(ids.filter((id) => id.startsWith('nav-field:'))).toHaveLength(2);
    const visited: string[] = [];
    for (const link of links) {
      await page.getByTestId(link.id).first().click();
      await page.waitForURL(new URL(link.href, server().url).href);
      const current = page.locator('[aria-current="page"]');
      await expect(current.getAttribute('data-testid')).resolves.toBe(
        // A workflow rule's own link is its first screen.
        link.id
          .replace(/^nav-rule:([^:]+)$/, 'nav-rule:$1:create')
          .replace(/^nav-project$/, 'nav-project:overview'),
      );
      if (link.id.startsWith('nav-automation:')) {
        // An Automation action has no screen: its page runs it as a rule would.
        await expect(page.getByTestId('automation-run').count()).resolves.toBe(1);
        visited.push(`${link.id}: runner`);
        continue;
      }
      const apps = await appsRendered(page);
      expect(apps).toBeGreaterThan(0);
      visited.push(`${link.id}: ${apps}`);
    }
    expect(visited).toHaveLength(links.length);
    await page.close();
  });

  it.each(['light', 'dark'] as const)(
    'opens an item clicked on the project page in its issue view, panel rendered (%s)',
    async (theme) => {
      const page = await openFrame('/', theme);
      const app = await appFrame(page, 'project-page');
      const key = keyOf('Reorder from past orders');
      await app.getByTestId(`item-${key}`).getByRole('button').click();
      const expected = new URL(`/browse/${key}`, server().url);
      if (theme === 'dark') expected.searchParams.set('theme', 'dark');
      await page.waitForURL(expected.href);
      await expect(page.getByTestId('issue-summary').textContent()).resolves.toBe(
        'Reorder from past orders',
      );
      await expect(page.getByTestId('field-type').textContent()).resolves.toBe('Discovery');
      const panel = await appFrame(page, 'issue-panel');
      await panel.getByTestId('evidence-summary').waitFor({ state: 'visible' });
      await expect(panel.getByTestId('evidence-summary').textContent()).resolves.toBe(
        '2 of 3 interviews, 1 of 1 usability test',
      );
      const context = await appFrame(page, 'issue-context');
      await context.getByTestId('headline').waitFor({ state: 'visible' });
      await expect(colorModeOf(page)).resolves.toBe(theme);
      if (theme === 'light') await screenshot(page, 'jira-frame-issue.png');
      expect(await axeAll(page)).toEqual([]);
      await page.close();
    },
  );

  it('opens every workflow validator configuration screen', async () => {
    const validators = server().pages.filter((p) => p.moduleType === 'jira:workflowValidator');
    expect(new Set(validators.map((p) => p.moduleKey))).toEqual(
      new Set(['enabler-gate-validator', 'enabler-gate-expression', 'discovery-gate-validator']),
    );
    for (const theme of ['light', 'dark'] as const) {
      for (const p of validators) {
        const page = await openFrame(`/admin/rules/${p.moduleKey}/${p.entryPoint ?? ''}`, theme);
        const app = await appFrame(page, p.id);
        const screen = p.entryPoint === 'view' ? 'rule-summary' : 'rule-config';
        await app.getByTestId(screen).waitFor({ state: 'visible' });
        await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toMatch(
          /^Dual Track: /,
        );
        // axe: each of these screens in both themes in design-system.test.ts, the frame around
        // them in the first test here.
        await page.close();
      }
    }
  });

  it('opens a custom field editor from the issue view, on that issue', async () => {
    const key = keyOf('Enabler: split the session service');
    const page = await openFrame(`/browse/${key}`);
    await page.getByTestId('edit-scoped-outcome').click();
    await page.waitForURL(new URL(`/browse/${key}/field/scoped-outcome`, server().url).href);
    const editor = await appFrame(page, 'scoped-outcome-edit');
    await editor.getByRole('form', { name: 'Scoped outcome' }).waitFor({ state: 'visible' });
    // The editor's page names the issue; the server builds its context on that issue.
    await expect(
      editor.evaluate(
        () => (globalThis as unknown as { location: { search: string } }).location.search,
      ),
    ).resolves.toContain(`issue=${key}`);
    const context = (await (
      await fetch(new URL(`/api/context?resource=scoped-outcome-edit&issue=${key}`, server().url))
    ).json()) as { extension: { issue?: { key?: string } } };
    expect(context.extension.issue?.key).toBe(key);
    expect(await axeAll(page)).toEqual([]);
    await page.close();
  });

  it('answers an unknown frame path or issue with 404 naming it', async () => {
    const res = await fetch(new URL('/browse/NOPE-1', server().url));
    expect(res.status).toBe(404);
    await expect(res.text()).resolves.toContain('/browse/NOPE-1');
  });
});
