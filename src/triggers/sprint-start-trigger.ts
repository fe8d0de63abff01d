import type { InvocationError } from '@forge/events';
import { forgeAnswerOf } from './retry';
import { handleSprintStarted } from '../enforcement/sprint-start';

/** Trigger `sprint-start-check` on `avi:jira-software:started:sprint`. */
export async function sprintStartCheck(event: unknown): Promise<InvocationError | undefined> {
  return forgeAnswerOf(await handleSprintStarted(event));
}
