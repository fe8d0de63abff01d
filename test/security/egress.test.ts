import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';

/**
 * No egress: the app talks only to Jira and Forge storage through Forge. The manifest declares
 * no external permissions (fetch, images, fonts, scripts, styles, frames, media), no remotes and
 * no Connect modules, and the built Custom UI loads nothing from another origin. Together with
 * data kept in Forge storage, that is what makes the app eligible for "Runs on Atlassian".
 */
const root = join(__dirname, '..', '..');
const manifest = parseYaml(readFileSync(join(root, 'manifest.yml'), 'utf8')) as {
  app?: Record<string, unknown>;
  modules?: Record<string, unknown>;
  permissions?: Record<string, unknown>;
  remotes?: unknown;
  connectModules?: unknown;
  providers?: unknown;
  resources?: Array<{ key: string; path: string }>;
};

describe('manifest', () => {
  it('declares no external permissions, remotes, Connect modules or auth providers, and no content permission beyond inline styles', () => {
    expect(manifest.permissions?.['external']).toBeUndefined();
    // The one content permission: inline styles, which Atlaskit injects at run time (decision
    // 0011). It widens the page's style-src only; no scripts, and it is not an egress control.
    expect(manifest.permissions?.['content']).toEqual({ styles: ['unsafe-inline'] });
    expect(manifest.remotes).toBeUndefined();
    expect(manifest.connectModules).toBeUndefined();
    expect(manifest.providers).toBeUndefined();
    expect(manifest.app?.['connect']).toBeUndefined();
    expect(
      Object.keys(manifest.modules ?? {}).filter((k) => /^(connect-|remote|endpoint)/.test(k)),
    ).toEqual([]);
  });

  it('every module runs a function or a resource of this app, never a remote', () => {
    const text = JSON.stringify(manifest.modules ?? {});
    expect(text).not.toMatch(/"(remote|endpoint|baseUrl|url)"\s*:/);
    for (const r of manifest.resources ?? []) expect(r.path).toMatch(/^static\/[\w-]+\/dist$/);
  });
});

/** Ways a page could load or send to another origin, as they appear in built HTML and JS. */
const EGRESS_PATTERNS: Array<[string, RegExp]> = [
  ['script src', /<script[^>]*\ssrc=["']?(https?:)?\/\//i],
  ['link href', /<link[^>]*\shref=["']?(https?:)?\/\//i],
  ['img src', /<img[^>]*\ssrc=["']?(https?:)?\/\//i],
  ['iframe src', /<iframe[^>]*\ssrc=["']?(https?:)?\/\//i],
  ['CSS @import / url()', /@import\s+(url\()?["']?https?:|url\(["']?https?:\/\//i],
  ['fetch to an absolute URL', /\bfetch\(\s*["'`]https?:\/\//],
  ['XHR to an absolute URL', /\.open\(\s*["'`](GET|POST|PUT)["'`]\s*,\s*["'`]https?:\/\//],
  ['dynamic import from a URL', /\bimport\(\s*["'`]https?:\/\//],
  ['WebSocket', /new WebSocket\(\s*["'`]wss?:\/\//],
  ['EventSource', /new EventSource\(\s*["'`]https?:\/\//],
];

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)],
  );
}

describe('built Custom UI', () => {
  const dists = (manifest.resources ?? []).map((r) => join(root, r.path));

  it.each(dists.map((d) => [d.slice(root.length + 1), d]))(
    '%s loads nothing from another origin',
    (_, dist) => {
      expect(existsSync(join(dist, 'index.html'))).toBe(true);
      const problems: string[] = [];
      for (const file of files(dist).filter((f) => /\.(html|js|css|mjs)$/.test(f))) {
        const text = readFileSync(file, 'utf8');
        for (const [what, pattern] of EGRESS_PATTERNS) {
          const m = pattern.exec(text);
          if (m)
            problems.push(
              `${file.slice(root.length + 1)}: ${what}: ${text.slice(m.index, m.index + 120)}`,
            );
        }
      }
      expect(problems).toEqual([]);
    },
  );
});

describe('docs', () => {
  it('say why the app is eligible for Runs on Atlassian, linked from the README', () => {
    const security = readFileSync(join(root, 'docs', 'security.md'), 'utf8');
    expect(security).toMatch(/## Runs on Atlassian/);
    expect(readFileSync(join(root, 'README.md'), 'utf8')).toContain('(docs/security.md)');
  });
});
