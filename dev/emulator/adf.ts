import fs from 'node:fs';
import path from 'node:path';
import Ajv from 'ajv';
import type { ValidateFunction } from 'ajv';
import standaloneCode from 'ajv/dist/standalone';

/**
 * Atlassian Document Format as Jira checks it: a document must conform to Atlassian's ADF JSON
 * schema ("A JSON schema is available to validate documents", go.atlassian.com/adf-json-schema;
 * docs/emulator-refusals.md), which `@atlaskit/adf-schema` publishes as json-schema/v1/full.json.
 * The schema is draft-04; Ajv 8 reads it without its `$schema` line (its keywords are the same in
 * the parts ADF uses). Compiling takes about a second, so the compiled check is kept in tmp/ per
 * schema version and loaded from there by every later test file and preview start.
 */

let validate: ValidateFunction | undefined;

/* eslint-disable @typescript-eslint/no-require-imports -- the schema and the kept check are
   loaded on first use only, and the kept check is a file this module writes */
function compiled(): ValidateFunction {
  const version = (require('@atlaskit/adf-schema/package.json') as { version: string }).version;
  const kept = path.resolve(__dirname, '../../tmp', `adf-schema-${version}.cjs`);
  if (fs.existsSync(kept)) return require(kept) as ValidateFunction;
  const schema = { ...(require('@atlaskit/adf-schema/json-schema/v1/full.json') as object) };
  delete (schema as { $schema?: unknown }).$schema;
  const ajv = new Ajv({ strict: false, logger: false, code: { source: true } });
  const check = ajv.compile(schema);
  // Written under another name first, so that a parallel test file never loads half a file.
  fs.mkdirSync(path.dirname(kept), { recursive: true });
  const partial = `${kept}.${process.pid}`;
  fs.writeFileSync(partial, standaloneCode(ajv, check));
  fs.renameSync(partial, kept);
  return check;
}
/* eslint-enable @typescript-eslint/no-require-imports */

/** Why `doc` is not an ADF document Jira accepts (the first problem found), or undefined. */
export function adfProblem(doc: unknown): string | undefined {
  validate ??= compiled();
  if (validate(doc)) return undefined;
  // The schema's top is a choice of node types: the deepest error says where the document breaks.
  const deepest = [...(validate.errors ?? [])].sort(
    (a, b) => b.instancePath.length - a.instancePath.length,
  )[0];
  return deepest
    ? `${deepest.instancePath || '/'} ${deepest.message ?? 'is not valid'}`
    : 'is not an ADF document';
}
