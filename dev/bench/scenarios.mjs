/**
 * A child process of `npm run bench` (dev/bench/parallel-scenarios.ts): runs the project-page
 * scenarios its arguments name (`size:variant:latencyMs:perObjectMs` each) one after another and
 * writes each result as one marked JSON line on stdout.
 */
import { createRequire } from 'node:module';
import '../preview/register-ts.mjs';

const require = createRequire(import.meta.url);
const { runScenarioArgs } = require('./parallel-scenarios.ts');

runScenarioArgs(process.argv.slice(2)).then(
  () => process.exit(0),
  (error) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    process.exit(2);
  },
);
