import { SPRINT_JOB_KEYS } from '../../src/storage/key-families';
import {
  readSprintPart,
  removeSprintParts,
  writeSprintPart,
} from '../../src/storage/sprint-job-store';
import { useEmulator } from '../helpers/emulator';
import { inInvocation } from '../helpers/invoke';

/** The queued sprint-start check's parts: read back as written, removed by part and generation. */
const ctx = useEmulator();

describe('the sprint-start job’s parts', () => {
  const job = { sprintId: 7, generation: 3 };
  const run = <T>(fn: () => Promise<T>) =>
    inInvocation(ctx.em, 'trigger', 'sprint-start: job parts', fn);

  it('are read back as written, by list and part', async () => {
    await run(() => writeSprintPart(job, 'items', 0, ['DT-1']));
    await run(() => writeSprintPart(job, 'plan', 0, { move: ['DT-1'] }));
    await expect(run(() => readSprintPart(job, 'items', 0))).resolves.toEqual(['DT-1']);
    await expect(run(() => readSprintPart(job, 'plan', 0))).resolves.toEqual({ move: ['DT-1'] });
    await expect(run(() => readSprintPart(job, 'items', 1))).resolves.toBeUndefined();
  });

  it('are removed for the parts named, both lists, leaving other generations', async () => {
    for (const part of [0, 1, 2]) {
      await run(() => writeSprintPart(job, 'items', part, [part]));
      await run(() => writeSprintPart(job, 'plan', part, [part]));
    }
    await run(() => writeSprintPart({ sprintId: 7, generation: 4 }, 'items', 0, ['next']));
    await run(() => removeSprintParts(job, 2));
    const left = ctx.em.kvs.keys().filter((k) => k.startsWith('sprint-job:'));
    expect(left.sort()).toEqual(
      [
        SPRINT_JOB_KEYS.part(7, 3, 'items', 2),
        SPRINT_JOB_KEYS.part(7, 3, 'plan', 2),
        SPRINT_JOB_KEYS.part(7, 4, 'items', 0),
      ].sort(),
    );
  });
});
