import type { InvocationError } from '@forge/events';
import { forgeAnswerOf } from './retry';
import { handleSprintGuardEvent } from '../enforcement/sprint-guard';

/**
 * Trigger `sprint-guard` on `avi:jira:updated:issue` and `avi:jira:created:issue`. The manifest
 * filter (`ignoreSelf`, and an expression that lets only Sprint changes and creations through)
 * keeps other events away; the handler checks again, because a filter that fails to evaluate
 * still delivers the event. Returns an InvocationError only when Forge should retry.
 */
export async function sprintGuard(event: unknown): Promise<InvocationError | undefined> {
  return forgeAnswerOf(await handleSprintGuardEvent(event));
}
