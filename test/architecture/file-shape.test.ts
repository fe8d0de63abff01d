import { join } from 'node:path';
import ts from 'typescript';
import { readTree, type SourceFile } from './layer-rules';

/**
 * Small units in src/: no function over 80 lines, no file over 400, and a file's opening comment
 * at most 8 lines (the longer story lives in docs/internals.md).
 */

const SRC = join(__dirname, '..', '..', 'src');
const MAX_FUNCTION_LINES = 80;
const MAX_FILE_LINES = 400;
const MAX_TOP_COMMENT_LINES = 8;

function shapeBreaches(files: readonly SourceFile[]): string[] {
  const breaches: string[] = [];
  for (const file of files) {
    const lines = file.text.split('\n').length;
    if (lines > MAX_FILE_LINES) breaches.push(`${file.path}: ${lines} lines`);
    const source = ts.createSourceFile(file.path, file.text, ts.ScriptTarget.Latest, true);
    const lineOf = (pos: number) => source.getLineAndCharacterOfPosition(pos).line;
    const visit = (node: ts.Node): void => {
      if (ts.isFunctionLike(node) && 'body' in node && node.body) {
        const length = lineOf(node.end) - lineOf(node.getStart()) + 1;
        if (length > MAX_FUNCTION_LINES) {
          const name = node.name && ts.isIdentifier(node.name) ? node.name.text : '(anonymous)';
          breaches.push(`${file.path}:${lineOf(node.getStart()) + 1} ${name}: ${length} lines`);
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
    const first = source.statements.find((s) => !ts.isImportDeclaration(s));
    for (const range of first ? (ts.getLeadingCommentRanges(file.text, first.pos) ?? []) : []) {
      const length = file.text.slice(range.pos, range.end).split('\n').length;
      if (length > MAX_TOP_COMMENT_LINES) {
        breaches.push(`${file.path}: opening comment of ${length} lines`);
      }
    }
  }
  return breaches;
}

describe('the shape of src/', () => {
  it(`has no function over ${MAX_FUNCTION_LINES} lines, no file over ${MAX_FILE_LINES} and no opening comment over ${MAX_TOP_COMMENT_LINES}`, () => {
    expect(shapeBreaches(readTree(SRC))).toEqual([]);
  });

  it('logs only through the one logger (src/runtime/log.ts)', () => {
    const consoleCalls = readTree(SRC)
      .filter(
        (f) => f.path !== 'runtime/log.ts' && /\bconsole\.(log|info|warn|error)\(/.test(f.text),
      )
      .map((f) => f.path);
    expect(consoleCalls).toEqual([]);
  });

  it('names a long function, a long file and a long opening comment', () => {
    const body = Array.from({ length: 81 }, (_, i) => `  const v${i} = ${i};`).join('\n');
    const comment = ['/**', ...Array.from({ length: 8 }, () => ' * words'), ' */'].join('\n');
    const filler = Array.from({ length: 400 }, () => '// line').join('\n');
    expect(
      shapeBreaches([
        { path: 'a/long-fn.ts', text: `export function big(): void {\n${body}\n}\n` },
        { path: 'a/long-file.ts', text: `${filler}\nexport const x = 1;\n` },
        {
          path: 'a/comment.ts',
          text: `import { z } from 'zod';\n${comment}\nexport const y = z;\n`,
        },
      ]),
    ).toEqual([
      'a/long-fn.ts:1 big: 83 lines',
      'a/long-file.ts: 402 lines',
      'a/comment.ts: opening comment of 10 lines',
    ]);
  });
});
