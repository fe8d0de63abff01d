/**
 * Lets Node `require()` the repository's TypeScript (dev/, src/) for the local preview and the
 * deploy script: each .ts file is compiled to CommonJS with @swc/core, the compiler the tests
 * already use (same settings as .swcrc). Type checking stays with `tsc --noEmit`.
 */
const { readFileSync } = require('node:fs');
const Module = require('node:module');
const swc = require('@swc/core');

Module._extensions['.ts'] = function compileTypeScript(module, filename) {
  const { code } = swc.transformSync(readFileSync(filename, 'utf8'), {
    filename,
    swcrc: false,
    sourceMaps: 'inline',
    jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
    module: { type: 'commonjs' },
  });
  module._compile(code, filename);
};
