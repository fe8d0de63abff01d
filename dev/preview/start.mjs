/**
 * `npm start`: the local preview. Builds the Custom UI in preview mode, then serves it on
 * 127.0.0.1 (PORT, default 8317) with the real resolvers running against the Jira emulator
 * seeded with the demo project. Stop with Ctrl+C.
 */
import { createRequire } from 'node:module';
import './register-ts.mjs';

const require = createRequire(import.meta.url);
const { buildPreview, startPreviewServer } = require('./server.ts');

const port = process.env.PORT === undefined ? 8317 : Number(process.env.PORT);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`PORT must be a port number, not "${process.env.PORT}"`);
  process.exit(1);
}

const buildMs = await buildPreview();
const server = await startPreviewServer({ port, connectJpd: true });
console.log(`Preview built in ${buildMs} ms.`);
console.log(
  `Dual Track preview: open ${server.url} in a browser (a Jira-like frame around the app).`,
);
console.log('Stop it with Ctrl+C. Its data lives in memory and resets on restart.');

const stop = () => {
  server.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
