import Ajv from 'ajv';
import type { ValidateFunction } from 'ajv';

/**
 * Atlassian Document Format as Jira checks it: a document must conform to Atlassian's ADF JSON
 * schema ("A JSON schema is available to validate documents", go.atlassian.com/adf-json-schema,
 * cited in docs/emulator-refusals.md), which `@atlaskit/adf-schema` publishes as
 * json-schema/v1/full.json. The schema is draft-04; Ajv 8 reads it without its `$schema` line
 * (its keywords are the same in the parts ADF uses). Compiled once per process, on first use.
 */

let validate: ValidateFunction | undefined;

function validator(): ValidateFunction {
  if (!validate) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const schema = require('@atlaskit/adf-schema/json-schema/v1/full.json') as Record<
      string,
      unknown
    >;
    const draft07 = { ...schema };
    delete draft07['$schema'];
    validate = new Ajv({ strict: false, allErrors: false, logger: false }).compile(draft07);
  }
  return validate;
}

/** Why `doc` is not an ADF document Jira accepts (the first problem found), or undefined. */
export function adfProblem(doc: unknown): string | undefined {
  const check = validator();
  if (check(doc)) return undefined;
  // The schema's top is a choice of node types: the deepest error says where the document breaks.
  const deepest = [...(check.errors ?? [])].sort(
    (a, b) => b.instancePath.length - a.instancePath.length,
  )[0];
  return deepest
    ? `${deepest.instancePath || '/'} ${deepest.message ?? 'is not valid'}`
    : 'is not an ADF document';
}
