import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

/**
 * Every relative link in the README and docs/ points at a file of the repository, and every
 * `#anchor` into a Markdown page names one of its headings: a reader who follows a link lands
 * somewhere.
 */
const root = join(__dirname, '..', '..');

function markdownFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return markdownFiles(path);
    return entry.name.endsWith('.md') ? [path] : [];
  });
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
function anchorOf(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[`*_]/g, '')
    .replace(/[^\p{L}\p{N} -]/gu, '')
    .replace(/ /g, '-');
}

function anchorsIn(file: string): Set<string> {
  const text = readFileSync(file, 'utf8').replace(/```[\s\S]*?```/g, '');
  return new Set(
    [...text.matchAll(/^#{1,6} (.+)$/gm)].map((m) => anchorOf(m[1] ?? '')).filter(Boolean),
  );
}

/** Relative link targets in a Markdown file (not http(s), not mailto), outside code blocks. */
function linksIn(file: string): string[] {
  const text = readFileSync(file, 'utf8').replace(/```[\s\S]*?```/g, '');
  return [...text.matchAll(/\]\(([^)\s]+)\)/g)]
    .map((m) => m[1] ?? '')
    .filter((target) => !/^[a-z]+:/i.test(target));
}

const files = [join(root, 'README.md'), ...markdownFiles(join(root, 'docs'))];

describe('links in the README and docs/', () => {
  it.each(files.map((f) => [relative(root, f), f]))(
    '%s: every relative link resolves',
    (_, file) => {
      const broken: string[] = [];
      for (const link of linksIn(file)) {
        const [target = '', anchor] = link.split('#');
        const path = target === '' ? file : join(dirname(file), decodeURI(target));
        if (!existsSync(path)) {
          broken.push(`${link}: no such file`);
          continue;
        }
        if (anchor && path.endsWith('.md') && !anchorsIn(path).has(anchor)) {
          broken.push(`${link}: no heading #${anchor}`);
        }
      }
      expect(broken).toEqual([]);
    },
  );

  it('finds the links it checks (the README links docs/)', () => {
    expect(
      linksIn(join(root, 'README.md')).filter((l) => l.startsWith('docs/')).length,
    ).toBeGreaterThan(3);
  });
});
