import { Queue } from '@forge/events';
import { z } from 'zod';

/**
 * The app's one queue for long work (`@forge/events`; manifest `consumer` module `long-work`):
 * each event says "run step N of job G of this kind and project"; what the step does is in the
 * job record (src/storage/job-store.ts), so events stay a few bytes, far below the 100 KB an
 * event for a long-running consumer may hold
 * (https://developer.atlassian.com/platform/forge/limits-async-events).
 */

export const LONG_WORK_QUEUE = 'long-work';

export const StepEventSchema = z
  .object({
    kind: z.enum(['retro', 'sprint-start']),
    /** The job's scope: a project key (retro) or `sprint-<id>` (sprint-start check). */
    scope: z.string().regex(/^(?:[A-Z][A-Z0-9_]{0,254}|sprint-[0-9]{1,18})$/),
    generation: z.number().int().min(1),
    /** The job's step count when this event was pushed: a repeat delivery finds it moved on. */
    step: z.number().int().min(0),
  })
  .strict();
export type StepEvent = z.infer<typeof StepEventSchema>;

/** Queues the next step of a job. */
export async function pushStep(event: StepEvent): Promise<void> {
  await new Queue({ key: LONG_WORK_QUEUE }).push({ body: StepEventSchema.parse(event) });
}
