/**
 * Table of contents: one export per `handler: index.<name>` in manifest.yml.
 */
import { buildResolverHandler } from './resolvers/all-resolvers';

// Resolvers (every Custom UI resource's `invoke` calls; keys in src/contract/bridge-contract.ts)
export const resolver = buildResolverHandler();

// Workflow validators
export { enablerGate } from './validators/enabler-gate';
export { discoveryGate } from './validators/discovery-gate';
export { spikeCloseGate } from './validators/spike-close-gate';

// Automation actions (manifest `action` modules of the `automation:actionProvider`)
export {
  autoItemReadiness,
  autoIdeaValidated,
  autoRecordEvidence,
  autoSprintReadiness,
} from './automation/automation-actions';

// Triggers
export { trackMarker } from './triggers/track-marker-trigger';
export { sprintGuard } from './triggers/sprint-guard-trigger';
export { sprintStartCheck } from './triggers/sprint-start-trigger';
export { spikeDecision } from './triggers/spike-decision-trigger';

// Queue consumers (manifest `consumer` modules)
export { longWork } from './triggers/long-work-consumer';
