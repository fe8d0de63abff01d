#!/usr/bin/env node
// Generates the committed subsets of Atlassian's Jira Cloud OpenAPI descriptions that the Jira
// emulator and the contract tests use (the project must not read ../shared at test time).
//
// Usage: npm run contracts:subset
//   JIRA_CONTRACTS_DIR=/path/to/contracts overrides the source folder (default ../shared/contracts
//   relative to the repository root). The operations to keep are listed in operations.json.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '..', '..');
const sourceDir = process.env.JIRA_CONTRACTS_DIR
  ? path.resolve(process.env.JIRA_CONTRACTS_DIR)
  : path.resolve(repoRoot, '..', 'shared', 'contracts');

const APIS = [
  { name: 'platform', source: 'jira-platform.openapi.json', target: 'jira-platform.subset.json' },
  { name: 'software', source: 'jira-software.openapi.json', target: 'jira-software.subset.json' },
];
const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
const TOP_LEVEL_KEPT = ['openapi', 'info', 'servers', 'paths', 'components'];

class SubsetError extends Error {}

function fail(message) {
  throw new SubsetError(message);
}

function readJson(file) {
  let text;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    fail(`Cannot read ${file}: ${err.message}`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    fail(`${file} is not valid JSON: ${err.message}`);
  }
}

function parseOperation(entry, api) {
  const match = /^([A-Z]+) (\/\S*)$/.exec(entry);
  if (!match || !HTTP_METHODS.includes(match[1].toLowerCase())) {
    fail(`operations.json (${api}): "${entry}" is not of the form "METHOD /path/template"`);
  }
  return { method: match[1].toLowerCase(), template: match[2] };
}

function decodePointerToken(token) {
  return token.replace(/~1/g, '/').replace(/~0/g, '~');
}

/** Calls visit(ref) for every $ref string found anywhere below node. */
function collectRefs(node, visit) {
  if (Array.isArray(node)) {
    for (const item of node) collectRefs(item, visit);
  } else if (node !== null && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string') visit(value);
      else collectRefs(value, visit);
    }
  }
}

function makeSubset(api, spec, entries) {
  const wanted = new Map(); // template -> Set(method)
  const seen = new Set();
  for (const entry of entries) {
    if (seen.has(entry)) fail(`operations.json (${api}): duplicate entry "${entry}"`);
    seen.add(entry);
    const { method, template } = parseOperation(entry, api);
    const pathItem = spec.paths?.[template];
    if (!pathItem) {
      fail(`${api}: ${entry} is not in the source OpenAPI file (no path ${template})`);
    }
    if (!pathItem[method]) {
      const documented = HTTP_METHODS.filter((m) => pathItem[m])
        .map((m) => m.toUpperCase())
        .join(', ');
      fail(`${api}: ${entry} is not in the source OpenAPI file (${template} has ${documented})`);
    }
    if (!wanted.has(template)) wanted.set(template, new Set());
    wanted.get(template).add(method);
  }

  // Paths and methods in source order; path-level keys (parameters, summary...) kept.
  const paths = {};
  for (const [template, pathItem] of Object.entries(spec.paths)) {
    const methods = wanted.get(template);
    if (!methods) continue;
    const item = {};
    for (const [key, value] of Object.entries(pathItem)) {
      if (!HTTP_METHODS.includes(key) || methods.has(key)) item[key] = value;
    }
    paths[template] = item;
  }

  // Transitive $ref closure over components (any component kind, not only schemas).
  const components = spec.components ?? {};
  const kept = new Map(); // kind -> Set(name)
  const queue = [];
  const visit = (ref) => {
    const match = /^#\/components\/([^/]+)\/([^/]+)$/.exec(ref);
    if (!match) fail(`${api}: unsupported $ref "${ref}" (only #/components/<kind>/<name>)`);
    const kind = decodePointerToken(match[1]);
    const name = decodePointerToken(match[2]);
    const target = components[kind]?.[name];
    if (target === undefined) fail(`${api}: dangling $ref "${ref}"`);
    if (!kept.has(kind)) kept.set(kind, new Set());
    if (kept.get(kind).has(name)) return;
    kept.get(kind).add(name);
    queue.push(target);
  };
  collectRefs(paths, visit);
  while (queue.length > 0) collectRefs(queue.shift(), visit);

  const subsetComponents = {};
  for (const [kind, members] of Object.entries(components)) {
    if (kind === 'securitySchemes') {
      subsetComponents[kind] = members;
      continue;
    }
    const names = kept.get(kind);
    if (!names) continue;
    const subsetMembers = {};
    for (const [name, value] of Object.entries(members)) {
      if (names.has(name)) subsetMembers[name] = value;
    }
    subsetComponents[kind] = subsetMembers;
  }

  const subset = {};
  for (const [key, value] of Object.entries(spec)) {
    if (!TOP_LEVEL_KEPT.includes(key)) continue;
    if (key === 'paths') subset.paths = paths;
    else if (key === 'components') subset.components = subsetComponents;
    else subset[key] = value;
  }
  if (!subset.info?.license) fail(`${api}: the source file has no info.license`);
  const schemaCount = kept.get('schemas')?.size ?? 0;
  return { subset, operationCount: entries.length, schemaCount };
}

function notice(results) {
  const lines = [
    '# Jira REST API contract subsets',
    '',
    '<!-- Generated by dev/contracts/make-subset.mjs (npm run contracts:subset). Do not edit by hand. -->',
    '',
    'The files `jira-platform.subset.json` and `jira-software.subset.json` in this folder are',
    "subsets of Atlassian's published OpenAPI descriptions of the Jira Cloud REST APIs. They keep",
    'only the operations listed in `operations.json` and the component schemas those operations',
    'reference (directly or transitively), plus the original `info` (including the license) and the',
    'security schemes. Top-level `tags`, `externalDocs` and `x-atlassian-narrative` are omitted;',
    'everything that is kept is copied unchanged.',
    '',
    'Copyright Atlassian. Licensed under the Apache License, Version 2.0',
    '(<http://www.apache.org/licenses/LICENSE-2.0>); see each file’s `info.license`.',
    '',
  ];
  for (const r of results) {
    lines.push(
      `- \`${r.target}\`: subset of \`${r.source}\`, "${r.title}", original \`info.version\``,
      `  \`${r.version}\` (${r.operationCount} operations, ${r.schemaCount} component schemas).`,
    );
  }
  lines.push(
    '',
    'These files are generated by `dev/contracts/make-subset.mjs` (`npm run contracts:subset`) from',
    'the full descriptions; do not modify them by hand. To change the set of operations, edit',
    '`operations.json` and run the script again.',
    '',
  );
  return lines.join('\n');
}

function main() {
  const operations = readJson(path.join(here, 'operations.json'));
  const results = [];
  for (const { name, source, target } of APIS) {
    const entries = operations[name];
    if (!Array.isArray(entries) || entries.some((e) => typeof e !== 'string')) {
      fail(`operations.json: "${name}" must be an array of "METHOD /path" strings`);
    }
    const spec = readJson(path.join(sourceDir, source));
    const { subset, operationCount, schemaCount } = makeSubset(name, spec, entries);
    writeFileSync(path.join(here, target), `${JSON.stringify(subset, null, 2)}\n`);
    results.push({
      target,
      source,
      title: subset.info.title,
      version: subset.info.version,
      operationCount,
      schemaCount,
    });
    console.log(`${target}: ${operationCount} operations, ${schemaCount} schemas`);
  }
  writeFileSync(path.join(here, 'NOTICE.md'), notice(results));
}

try {
  main();
} catch (err) {
  if (err instanceof SubsetError) {
    console.error(`contracts:subset failed: ${err.message}`);
    process.exit(1);
  }
  throw err;
}
