/**
 * Every page the preview serves, in light and dark, loads without a Content-Security-Policy
 * violation under the policy Forge applies to Custom UI (dev/preview/forge-csp.ts, built with
 * @forge/csp and widened only by manifest.yml). A violation is what a customer's browser would
 * block in Jira: a page that breaks here loses its styles or scripts there.
 */
import type { Page, Request } from 'playwright-core';
import { inParallel, usePreviewInChromium } from './preview-harness';

jest.setTimeout(600_000);

const preview = usePreviewInChromium();

interface Violation {
  directive: string;
  blocked: string;
  sample: string;
}

/** Records every `securitypolicyviolation` the document reports, from before its first script. */
function recordViolations(): void {
  const w = globalThis as unknown as {
    __cspViolations?: Violation[];
    addEventListener(type: string, cb: (e: Record<string, string>) => void): void;
  };
  w.__cspViolations = [];
  w.addEventListener('securitypolicyviolation', (e) => {
    w.__cspViolations?.push({
      directive: e['effectiveDirective'] ?? e['violatedDirective'] ?? '?',
      blocked: e['blockedURI'] ?? '',
      sample: (e['sample'] ?? '').slice(0, 60),
    });
  });
}

/**
 * Every page of the preview's Jira frame, light and dark: the sidebar's links from the frame's
 * home. Each shows the app's pages in iframes (project page and retro, settings, admin, every
 * validator screen, field editors, issue views with the panel and context).
 */
async function servedPages(page: Page, url: string): Promise<string[]> {
  await page.goto(url);
  const hrefs = await page.$$eval('nav a[href]', (links) =>
    links.map((a) =>
      (a as unknown as { getAttribute(n: string): string | null }).getAttribute('href'),
    ),
  );
  const light = [...new Set(hrefs.filter((h): h is string => !!h))].map((h) => new URL(h, url));
  const dark = light.map((u) => {
    const d = new URL(u);
    d.searchParams.set('theme', 'dark');
    return d;
  });
  return [...light, ...dark].map((u) => u.href);
}

/** Whether a document has rendered: an app page its React root, the frame its sidebar. */
function rendered(): unknown {
  const d = (globalThis as unknown as { document: { getElementById(id: string): unknown } })
    .document;
  const root = d.getElementById('root') as { childElementCount?: number } | null;
  return root ? root.childElementCount : d.getElementById('main');
}

/**
 * Loads one frame page, waits until it and every app page in it have rendered and gone quiet,
 * and returns the violations of all of them, plus the app pages it showed. A page that has not
 * loaded, rendered or gone quiet within a minute each is loaded once more in a fresh tab (on CI an
 * issue view has not, with no request open); what it was waiting for, its frames, the requests
 * still open and the errors it logged are printed, so that a real hang shows itself.
 */
async function violationsOn(url: string): Promise<{ found: string[]; apps: string[] }> {
  const first = await loadQuietly(url);
  if ('found' in first) return first;
  console.log(`${url} was loaded again: ${first.stuck}`);
  const second = await loadQuietly(url);
  if ('found' in second) return second;
  throw new Error(`${url} twice: ${second.stuck}`);
}

async function loadQuietly(
  url: string,
): Promise<{ found: string[]; apps: string[] } | { stuck: string }> {
  const page = await preview.browser().newPage({ viewport: { width: 1280, height: 900 } });
  const logged: string[] = [];
  const errors: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) logged.push(m.text());
    else if (m.type() === 'error') errors.push(m.text().slice(0, 200));
  });
  page.on('pageerror', (e) => errors.push(`${e.name}: ${e.message.slice(0, 200)}`));
  page.on('crash', () => errors.push('the page crashed'));
  const open = new Map<Request, string>();
  page.on('request', (r) => open.set(r, `${r.method()} ${r.url()} ${r.postData() ?? ''}`));
  page.on('requestfinished', (r) => open.delete(r));
  page.on('requestfailed', (r) => open.delete(r));
  let step = 'load';
  try {
    await page.addInitScript(recordViolations);
    const quiet = await (async () => {
      await page.goto(url, { waitUntil: 'load', timeout: 60_000 });
      for (const frame of page.frames()) {
        step = `render of ${frame.url()}`;
        await frame.waitForFunction(rendered, undefined, { timeout: 60_000 });
      }
      step = 'network quiet';
      await page.waitForLoadState('networkidle', { timeout: 60_000 });
    })().then(
      () => true,
      (error: unknown) => {
        if (error instanceof Error && error.name === 'TimeoutError') return false;
        throw error;
      },
    );
    if (!quiet) {
      const frames = page.frames().map((f) => f.url() || '(no url)');
      return {
        stuck: `no ${step} within 60 s; frames: ${frames.join(', ')}; requests open: ${[...open.values()].join(' | ') || 'none'}; errors: ${errors.join(' | ') || 'none'}`,
      };
    }
    return { found: await violationsIn(page, logged), apps: appsIn(page) };
  } finally {
    await page.close();
  }
}

async function violationsIn(page: Page, logged: string[]): Promise<string[]> {
  const events: Violation[] = [];
  for (const frame of page.frames()) {
    events.push(
      ...(await frame.evaluate(
        () => (globalThis as unknown as { __cspViolations?: Violation[] }).__cspViolations ?? [],
      )),
    );
  }
  const found = events.map((v) => `${v.directive}: blocked ${v.blocked || 'inline'} ${v.sample}`);
  // Chromium logs each violation too; a console line with no event behind it (an element not
  // in the document when its style was set) still counts.
  const fromConsole = logged.map((text) => {
    const directive = /directive:? "?'?([a-z-]+)/.exec(text)?.[1] ?? 'unknown directive';
    return `${directive} (console): ${text.slice(0, 60)}`;
  });
  return fromConsole.length > found.length ? [...found, ...fromConsole.slice(found.length)] : found;
}

function appsIn(page: Page): string[] {
  return page
    .frames()
    .filter((f) => f !== page.mainFrame())
    .map((f) => f.url());
}

test('the preview serves its resources with a CSP header built from the manifest', async () => {
  const res = await fetch(new URL('project-page/', preview.server().url));
  const csp = res.headers.get('content-security-policy') ?? '';
  expect(csp).toMatch(/(^|; )default-src 'self'/);
  expect(csp).toMatch(/(^|; )script-src 'self'/);
  expect(csp).toMatch(/(^|; )style-src 'self'/);
});

test('the frame is served under the base policy, not widened by the manifest', async () => {
  const res = await fetch(new URL('/', preview.server().url));
  const csp = res.headers.get('content-security-policy') ?? '';
  expect(csp).toMatch(/(^|; )style-src 'self'/);
  expect(csp).not.toContain('unsafe-inline');
});

test('every page loads in light and dark without a CSP violation', async () => {
  const index = await preview.browser().newPage();
  const pages = await servedPages(index, preview.server().url);
  await index.close();
  expect(pages.filter((p) => p.includes('theme=dark')).length).toBe(pages.length / 2);

  const failures: string[] = [];
  const counts: string[] = [];
  const apps = new Set<string>();
  await inParallel(pages, 4, async (url) => {
    const path = url.slice(preview.server().url.length - 1);
    const { found, apps: shown } = await violationsOn(url);
    for (const app of shown) apps.add(app.slice(preview.server().url.length - 1));
    counts.push(`${path}: ${found.length}`);
    if (found.length > 0) {
      failures.push(`${path}: ${found.length} violation(s)\n    ${found.join('\n    ')}`);
    }
  });
  console.log(`CSP violations per page (${pages.length} pages):\n${counts.sort().join('\n')}`);
  // Every resource was shown, the retro sub-page and issue views among them, in both themes.
  const resources = new Set([...apps].map((a) => a.split('/')[1]));
  expect(resources.size).toBe(
    preview
      .server()
      .pages.map((p) => p.resource)
      .filter((r, i, all) => all.indexOf(r) === i).length,
  );
  expect([...apps].filter((a) => a.includes('route=retro')).length).toBe(2);
  expect([...apps].filter((a) => a.includes('issue=')).length).toBeGreaterThanOrEqual(8);
  expect(failures).toEqual([]);
});
