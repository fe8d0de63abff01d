import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { buildPreview, startPreviewServer } from '../preview/server';
import { launchChromium } from '../tools/browser';

/**
 * Time to first render of the project page in the local preview: the `dt:first-render` User
 * Timing mark the page sets when it first shows the overview (static/project-page/src/
 * ProjectPage.tsx), in Chromium (dev/tools/browser.ts), median of a few loads. The preview answers with the
 * real resolvers against the emulated demo project, so the figure covers the resolver's reads
 * at the emulator's speed, not Jira's network latency. Builds the preview only when it is
 * missing; without Chromium it says so instead of measuring.
 */

const MARK = 'dt:first-render';
const PREVIEW_PAGE = join(__dirname, '..', '..', 'static', 'project-page', 'dist-preview');

export type FirstRender =
  { measured: true; medianMs: number; runs: number[] } | { measured: false; reason: string };

export async function measureFirstRender(loads = 3): Promise<FirstRender> {
  if (!existsSync(join(PREVIEW_PAGE, 'index.html'))) await buildPreview();
  const server = await startPreviewServer({ port: 0 });
  let browser;
  try {
    browser = (await launchChromium()).browser;
  } catch (error) {
    await server.close();
    return { measured: false, reason: error instanceof Error ? error.message : String(error) };
  }
  try {
    const runs: number[] = [];
    for (let i = 0; i < loads; i++) {
      const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
      await page.goto(new URL('project-page/', server.url).href);
      const mark = await page.waitForFunction(
        (name) => performance.getEntriesByName(name, 'mark')[0]?.startTime,
        MARK,
        { timeout: 30_000 },
      );
      runs.push(Math.round(Number(await mark.jsonValue())));
      await page.close();
    }
    const sorted = [...runs].sort((a, b) => a - b);
    return { measured: true, medianMs: sorted[Math.floor(sorted.length / 2)] ?? 0, runs };
  } finally {
    await browser.close();
    await server.close();
  }
}

/** One line for the bench's report. */
export function firstRenderLine(result: FirstRender): [string, string] {
  return [
    `project page, preview, ${MARK}`,
    result.measured
      ? `${result.medianMs} ms (median of ${result.runs.length}: ${result.runs.join(', ')} ms)`
      : `not measured: ${result.reason}`,
  ];
}
