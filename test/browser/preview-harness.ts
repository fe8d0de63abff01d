import fs from 'fs';
import os from 'os';
import path from 'path';
import type { Browser, Locator, Page } from 'playwright-core';
import { buildPreview, startPreviewServer, type PreviewServer } from '../../dev/preview/server';
import { launchChromium } from '../../dev/tools/browser';

/**
 * What a browser test of the local preview needs: the preview built and served (real resolvers,
 * Jira emulator with the demo project), Chromium (dev/tools/browser.ts), axe-core, and where
 * screenshots go.
 */

/**
 * Where the browser tests save their screenshots: an ignored folder, so that `npm test` leaves
 * the tree clean. `npm run screenshots` runs them with DT_SCREENSHOTS=docs/screenshots to
 * refresh the README's pictures.
 */
export const SCREENSHOTS = path.resolve(
  __dirname,
  '..',
  '..',
  process.env['DT_SCREENSHOTS'] ?? path.join('tmp', 'screenshots'),
);
const AXE_SOURCE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/**
 * Builds the preview once per jest run. Browser test files run in parallel workers, and a build
 * empties static/<resource>/dist-preview while another file's server may be serving it; so the
 * first file to get here builds and the others wait for it. The lock is keyed by the jest run
 * (the workers' parent process) and a lock older than 15 minutes counts as left over.
 */
export async function buildPreviewOnce(): Promise<number> {
  const run = process.env['JEST_WORKER_ID'] ? process.ppid : process.pid;
  const lock = path.join(os.tmpdir(), `dual-track-preview-build-${run}`);
  const done = path.join(lock, 'done');
  try {
    if (Date.now() - fs.statSync(lock).mtimeMs > 15 * 60_000) {
      fs.rmSync(lock, { recursive: true, force: true });
    }
  } catch {
    // No lock yet.
  }
  try {
    fs.mkdirSync(lock);
  } catch {
    const started = Date.now();
    while (!fs.existsSync(done)) {
      if (Date.now() - started > 110_000) throw new Error('waited too long for the preview build');
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const outcome = fs.readFileSync(done, 'utf8');
    if (outcome !== 'ok') throw new Error(`the preview build failed: ${outcome}`);
    return 0;
  }
  try {
    const ms = await buildPreview();
    fs.writeFileSync(done, 'ok');
    return ms;
  } catch (error) {
    fs.writeFileSync(done, error instanceof Error ? error.message : String(error));
    throw error;
  }
}

export interface Preview {
  server: PreviewServer;
  browser: Browser;
  close(): Promise<void>;
}

/** Builds the preview, starts it on a free port and launches Chromium (fails without it). */
export async function startPreviewInChromium(
  options: { queue?: 'deliver' | 'hold'; connectJpd?: boolean } = {},
): Promise<Preview> {
  const buildMs = await buildPreviewOnce();
  console.log(buildMs > 0 ? `preview build: ${buildMs} ms` : 'preview: built by another test file');
  const server = await startPreviewServer({ port: 0, ...options });
  const { browser, source } = await launchChromium().catch(async (error: unknown) => {
    await server.close();
    throw error;
  });
  console.log(`browser: ${source}`);
  patientPages(browser);
  return {
    server,
    browser,
    close: async () => {
      await browser.close();
      await server.close();
    },
  };
}

/**
 * How long a page action or navigation may wait. Playwright's default is 30 s; on the CI machine
 * (2 cores shared by jest's workers and several Chromiums) an issue view that loads in 2 s alone
 * once took longer than that to go quiet, so every page the tests open waits up to 90 s.
 */
export const PAGE_TIMEOUT_MS = 90_000;

export function patientPages(browser: Browser): void {
  const newPage = browser.newPage.bind(browser);
  browser.newPage = async (options) => {
    const page = await newPage(options);
    page.setDefaultTimeout(PAGE_TIMEOUT_MS);
    page.setDefaultNavigationTimeout(PAGE_TIMEOUT_MS);
    return page;
  };
}

/**
 * One preview and Chromium for a whole test file: started before its tests, closed after them.
 * The accessors throw when the preview did not start, so a test fails with that reason.
 */
export function usePreviewInChromium() {
  let preview: Preview | undefined;
  beforeAll(async () => {
    preview = await startPreviewInChromium();
  });
  afterAll(async () => {
    await preview?.close();
  });
  const started = (): Preview => {
    if (!preview) throw new Error('the preview did not start');
    return preview;
  };
  const server = (): PreviewServer => started().server;
  return {
    server,
    browser: (): Browser => started().browser,
    /** The key of the demo issue with this summary. */
    keyOf(summary: string): string {
      const issue = [...server().em.issues.values()].find((i) => i.summary === summary);
      if (!issue) throw new Error(`no demo issue "${summary}"`);
      return issue.key;
    },
    /** A new page on the issue panel of `issueKey`, once its headline shows. */
    async openPanel(issueKey: string, theme: 'light' | 'dark' = 'light', height = 900) {
      const page = await started().browser.newPage({ viewport: { width: 900, height } });
      const url = new URL(`issue-panel/?issue=${encodeURIComponent(issueKey)}`, server().url);
      if (theme === 'dark') url.searchParams.set('theme', 'dark');
      await page.goto(url.href);
      await page.getByTestId('headline').waitFor({ state: 'visible' });
      return page;
    },
  };
}

/** The text of the first element with this test id. */
/**
 * `visit` on each item, `width` at a time (a page of the preview mostly waits for the network to
 * go quiet, so a few at once take less time than one after another); the answers in item order.
 */
export async function inParallel<T, R>(
  items: readonly T[],
  width: number,
  visit: (item: T) => Promise<R>,
): Promise<R[]> {
  const answers: R[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < items.length; i = next++) answers[i] = await visit(items[i]!);
  };
  await Promise.all(Array.from({ length: width }, worker));
  return answers;
}

export const textOf = (page: Page, testId: string) =>
  page.getByTestId(testId).first().textContent();

export interface AxeViolation {
  id: string;
  impact?: string | null;
  help: string;
  nodes: Array<{ target: unknown }>;
}

/** axe-core's serious and critical findings on the page as it is now, one line each. */
export async function seriousAxeViolations(page: Page): Promise<string[]> {
  // Evaluated over CDP: an inline <script> would be blocked by the page's CSP.
  await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const axe = (
      globalThis as unknown as {
        axe: { run: () => Promise<{ violations: AxeViolation[] }> };
      }
    ).axe;
    return (await axe.run()).violations;
  });
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} at ${JSON.stringify(v.nodes[0]?.target)}`);
}

/** The colour mode the page's theme resolved to (`data-color-mode` on the root element). */
export function colorModeOf(page: Page): Promise<string | null> {
  return page.evaluate(() =>
    (
      globalThis as unknown as {
        document: { documentElement: { getAttribute(n: string): string | null } };
      }
    ).document.documentElement.getAttribute('data-color-mode'),
  );
}

export async function screenshot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, name), fullPage: true });
}

/**
 * Picks an option of a design-system Select (static/shared/ChoiceSelect.tsx) by its label's and
 * the option's text, with the keyboard to open it as a person may.
 */
export async function choose(scope: Locator | Page, label: string, option: string): Promise<void> {
  const input = scope.getByLabel(label, { exact: true });
  await input.focus();
  await input.press('ArrowDown');
  const page = 'page' in scope ? scope.page() : scope;
  await page.getByRole('option', { name: option, exact: true }).click();
}
