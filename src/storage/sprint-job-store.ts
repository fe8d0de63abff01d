import { SPRINT_JOB_KEYS } from './key-families';
import { readOne, removeOne, writeOne } from './kvs-store';

/**
 * A queued sprint-start check's lists between its steps: the sprint's items in parts, and the
 * plan each part was decided into (so that a retried step acts on the decision already made).
 * Opaque JSON here; src/enforcement/sprint-start-job.ts parses it.
 */

export type SprintJobList = 'items' | 'plan';

export async function writeSprintPart(
  at: { sprintId: number; generation: number },
  list: SprintJobList,
  part: number,
  value: unknown,
): Promise<void> {
  await writeOne(SPRINT_JOB_KEYS.part(at.sprintId, at.generation, list, part), value);
}

export async function readSprintPart(
  at: { sprintId: number; generation: number },
  list: SprintJobList,
  part: number,
): Promise<unknown> {
  return readOne(SPRINT_JOB_KEYS.part(at.sprintId, at.generation, list, part));
}

export async function removeSprintParts(
  at: { sprintId: number; generation: number },
  parts: number,
): Promise<void> {
  for (let i = 0; i < parts; i += 1) {
    await removeOne(SPRINT_JOB_KEYS.part(at.sprintId, at.generation, 'items', i));
    await removeOne(SPRINT_JOB_KEYS.part(at.sprintId, at.generation, 'plan', i));
  }
}
