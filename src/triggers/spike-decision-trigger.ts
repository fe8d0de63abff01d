import type { InvocationError } from '@forge/events';
import { forgeAnswerOf } from './retry';
import { handleSpikeClosed } from '../enforcement/spike-decision';

/**
 * Trigger `spike-decision` on `avi:jira:updated:issue` with a status item in its changelog. Not
 * the spike-close validator: a validator runs before the transition and another may still fail it
 * (developer.atlassian.com/platform/forge/manifest-reference/modules/jira-workflow-validator), so
 * the close is observed from the issue event afterwards
 * (developer.atlassian.com/platform/forge/product-events-reference/jira). The manifest filter lets
 * only status changes through; the handler reads the spike fresh.
 */
export async function spikeDecision(event: unknown): Promise<InvocationError | undefined> {
  return forgeAnswerOf(await handleSpikeClosed(event));
}
