/**
 * Table of contents: one export per `handler: index.<name>` in manifest.yml.
 */

// Workflow validators
export { enablerGate } from './validators/enabler-gate';
