import { execFile } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';

/**
 * The Chromium the browser tests, the bench and the screenshot script drive: the one packed in
 * the `@sparticuz/chromium` npm package (unpacked to the temp folder on first use, with its fonts),
 * so that `npm ci && npm test` needs nothing from outside the npm registry; else Debian's
 * `chromium` package. Never a browser downloaded by Playwright.
 */

const SYSTEM_CHROMIUM = '/usr/bin/chromium';

/** Our flags: headless, no sandbox (root in CI), nothing that reaches the network. */
const ARGS = [
  '--headless=shell',
  '--no-sandbox',
  '--no-zygote',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--font-render-hinting=none',
];

export interface LaunchedBrowser {
  browser: Browser;
  /** Which Chromium runs, for the test log. */
  source: string;
}

/** Unpacks the packed Chromium in a child Node process (an ES module: jest cannot load it). */
function unpack(): Promise<string | undefined> {
  const script =
    "import('@sparticuz/chromium').then((m) => m.default.executablePath()).then((p) => process.stdout.write(p))";
  return new Promise((resolve) => {
    execFile(process.execPath, ['-e', script], { cwd: __dirname, timeout: 60_000 }, (error, out) =>
      resolve(error || !out ? undefined : out.trim()),
    );
  });
}

const READY = join(tmpdir(), 'dual-track-chromium-path');
const LOCK = join(tmpdir(), 'dual-track-chromium-lock');

function unpackedPath(): string | undefined {
  if (!existsSync(READY)) return undefined;
  const path = readFileSync(READY, 'utf8');
  return existsSync(path) ? path : undefined;
}

/**
 * The packed Chromium's path, unpacked once per machine: test files run in parallel workers, so
 * the first takes a lock and unpacks, the others wait for it. Undefined when not installed.
 */
async function packedChromium(): Promise<string | undefined> {
  const started = Date.now();
  while (Date.now() - started < 90_000) {
    const ready = unpackedPath();
    if (ready) return ready;
    try {
      mkdirSync(LOCK);
    } catch {
      // Another process is unpacking; a lock older than two minutes is left over.
      const lock = statSync(LOCK, { throwIfNoEntry: false });
      if (lock && Date.now() - lock.mtimeMs > 120_000) {
        rmSync(LOCK, { recursive: true, force: true });
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
      continue;
    }
    try {
      const path = await unpack();
      if (path) writeFileSync(READY, path);
      return path;
    } finally {
      rmSync(LOCK, { recursive: true, force: true });
    }
  }
  return undefined;
}

/** The system's fonts when it has any; else the fonts the packed Chromium brings. */
function fontEnv(): Record<string, string> | undefined {
  const hasSystemFonts = ['/usr/share/fonts', '/usr/local/share/fonts'].some(
    (dir) => existsSync(dir) && readdirSync(dir).length > 0,
  );
  const packed = join(tmpdir(), 'fonts');
  return hasSystemFonts || !existsSync(join(packed, 'fonts.conf'))
    ? undefined
    : { FONTCONFIG_PATH: packed };
}

export async function launchChromium(): Promise<LaunchedBrowser> {
  const tried: string[] = [];
  const candidates: Array<{ source: string; path: () => Promise<string | undefined> }> = [
    { source: '@sparticuz/chromium', path: packedChromium },
    {
      source: `system Chromium (${SYSTEM_CHROMIUM})`,
      path: () => Promise.resolve(existsSync(SYSTEM_CHROMIUM) ? SYSTEM_CHROMIUM : undefined),
    },
  ];
  for (const candidate of candidates) {
    const executablePath = await candidate.path();
    if (!executablePath) {
      tried.push(`${candidate.source}: not installed`);
      continue;
    }
    try {
      const fonts = fontEnv();
      const browser = await chromium.launch({
        executablePath,
        args: ARGS,
        ...(fonts ? { env: { ...process.env, ...fonts } } : {}),
      });
      return { browser, source: `${candidate.source}, ${browser.version()}` };
    } catch (error) {
      const first = (error instanceof Error ? error.message : String(error)).split('\n')[0];
      tried.push(`${candidate.source}: ${first}`);
    }
  }
  throw new Error(
    `No Chromium starts for the browser tests (${tried.join('; ')}). Run npm ci, or apt-get install chromium.`,
  );
}
