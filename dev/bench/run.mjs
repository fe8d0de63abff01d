/**
 * `npm run bench [-- --scenarios 500,2000,10000 --latency 100 --smallest]`: runs dev/bench/bench.ts
 * with the preview's TypeScript loader. Exits 1 when a budget fails.
 */
import { createRequire } from 'node:module';
import '../preview/register-ts.mjs';

const require = createRequire(import.meta.url);
const { main } = require('./bench.ts');

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    process.exit(2);
  },
);
