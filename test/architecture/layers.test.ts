import { join } from 'node:path';
import { arrowAllowed, folderLoops, layerBreaches, readTree, type SourceFile } from './layer-rules';

const SRC = join(__dirname, '..', '..', 'src');

describe('the layers of src/', () => {
  const tree = readTree(SRC);
  const baseline = layerBreaches(tree);
  /** The breaches a few more files would add to the real tree. */
  const added = (files: SourceFile[]): string[] =>
    layerBreaches([...tree, ...files]).filter((b) => !baseline.includes(b));

  it('every import points down the layer picture, with no folder loop, REST path or platform import out of place', () => {
    expect(layerBreaches(tree)).toEqual([]);
  });

  it('names a storage module that imports a feature', () => {
    const bad: SourceFile[] = [
      { path: 'storage/bad.ts', text: "import { loadRetro } from '../retro/load-retro';\n" },
    ];
    const breaches = added(bad);
    expect(breaches).toContainEqual(
      'storage/bad.ts:1 imports retro/load-retro: storage (adapters) may not import retro (features)',
    );
    expect(breaches).toContainEqual(expect.stringMatching(/^folder loop: .*retro.*storage/));
  });

  it('names a feature that imports another feature, and the loop two such arrows make', () => {
    const bad: SourceFile[] = [
      { path: 'promote/bad.ts', text: "import { loadRetro } from '../retro/load-retro';\n" },
      { path: 'retro/bad.ts', text: "export * from '../promote/promote';\n" },
    ];
    const breaches = added(bad);
    expect(breaches).toContainEqual(
      expect.stringContaining('promote/bad.ts:1 imports retro/load-retro'),
    );
    expect(breaches).toContainEqual(
      expect.stringContaining('retro/bad.ts:1 imports promote/promote'),
    );
    expect(breaches).toContainEqual('folder loop: promote → retro');
  });

  it('names a REST path built outside src/jira/, and a platform package imported outside its home', () => {
    const bad: SourceFile[] = [
      {
        path: 'retro/bad.ts',
        text: "import { route } from '@forge/api';\n// GET /rest/api/3/issue in a comment is fine\nexport const p = (k: string) => route`/rest/api/3/issue/${k}`;\n",
      },
      { path: 'domain/bad.ts', text: "const k = import('@forge/kvs');\nexport { k };\n" },
    ];
    expect(added(bad)).toEqual([
      'retro/bad.ts:1 imports @forge/api, which only jira may import',
      'retro/bad.ts:3 builds a Jira REST path; paths live only in src/jira/',
      'domain/bad.ts:1 imports @forge/kvs, which only storage may import',
    ]);
  });

  it('names an entry point imported by a feature, and a folder with no layer', () => {
    const bad: SourceFile[] = [
      { path: 'setup/bad.ts', text: "import { fail } from '../resolvers/resolver-kit';\n" },
      { path: 'misc/thing.ts', text: 'export const x = 1;\n' },
    ];
    const breaches = added(bad);
    expect(breaches).toContainEqual(
      expect.stringContaining('setup (features) may not import resolvers (entry-points)'),
    );
    expect(breaches).toContainEqual('misc/thing.ts: folder "misc" has no layer in LAYER_OF');
  });

  it('allows the arrows the picture draws', () => {
    expect(arrowAllowed('resolvers', 'promote')).toBe(true);
    expect(arrowAllowed('promote', 'items')).toBe(true);
    expect(arrowAllowed('items', 'jira')).toBe(true);
    expect(arrowAllowed('storage', 'domain')).toBe(true);
    expect(arrowAllowed('contract', 'domain')).toBe(true);
    expect(arrowAllowed('domain', 'contract')).toBe(false);
    expect(arrowAllowed('jira', 'storage')).toBe(false);
    expect(arrowAllowed('domain', 'runtime')).toBe(false);
    expect(arrowAllowed('resolvers', 'validators')).toBe(false);
  });

  it('finds no loop in a graph without one, and each loop in a graph with two', () => {
    expect(
      folderLoops(
        new Map([
          ['a', new Set(['b'])],
          ['b', new Set(['c'])],
        ]),
      ),
    ).toEqual([]);
    const loops = folderLoops(
      new Map([
        ['a', new Set(['b'])],
        ['b', new Set(['a'])],
        ['c', new Set(['d'])],
        ['d', new Set(['e'])],
        ['e', new Set(['c'])],
      ]),
    );
    expect(loops.sort()).toEqual([
      ['a', 'b'],
      ['c', 'd', 'e'],
    ]);
  });
});
