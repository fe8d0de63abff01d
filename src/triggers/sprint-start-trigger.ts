import type { InvocationError } from '@forge/events';
import { isInvocationError } from '../enforcement/failures';
import { handleSprintStarted } from '../enforcement/sprint-start';

/** Trigger `sprint-start-check` on `avi:jira-software:started:sprint`. */
export async function sprintStartCheck(event: unknown): Promise<InvocationError | undefined> {
  const result = await handleSprintStarted(event);
  return isInvocationError(result) ? result : undefined;
}
