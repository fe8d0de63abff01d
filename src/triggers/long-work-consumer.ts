import type { InvocationError } from '@forge/events';
import { z } from 'zod';
import { classifyFailure, retryRequestOf } from '../enforcement/failures';
import { StepEventSchema } from '../queue/job-queue';
import { runRetroStep } from '../retro/retro-job-steps';
import { auditStoppedSprintCheck, runSprintStartStep } from '../enforcement/sprint-start-job';
import { failJob } from '../storage/job-store';
import { errorText, logger } from '../runtime/log';
import { invocationErrorOf } from './retry';

/**
 * Consumer `long-work-consumer` of the `long-work` queue (function `long-work`, timeoutSeconds
 * in manifest.yml): runs one step of a job. Jira's 429, a 5xx or a storage hiccup ask Forge to
 * deliver the same event again (InvocationError, `retryAfter` ≤ 900 s); the step recorded
 * nothing, so the retry starts where it stopped. A failure waiting cannot mend ends the job
 * (a sprint-start check's moves and flags so far audited first).
 */

const AsyncEventSchema = z.object({ body: z.unknown() }).passthrough();
const log = logger('long-work');

export async function longWork(event: unknown): Promise<InvocationError | undefined> {
  const parsed = StepEventSchema.safeParse(AsyncEventSchema.safeParse(event).data?.body);
  if (!parsed.success) {
    log.warn('ignored an event that is not a job step');
    return undefined;
  }
  try {
    if (parsed.data.kind === 'retro') await runRetroStep(parsed.data);
    else await runSprintStartStep(parsed.data);
    return undefined;
  } catch (error) {
    const verdict = classifyFailure(error);
    const { kind, scope, step, generation } = parsed.data;
    log.warn(`${kind} ${scope} step ${step}: ${errorText(error)}`);
    if (verdict.kind === 'retry') return invocationErrorOf(retryRequestOf(verdict));
    if (kind === 'sprint-start') {
      // What the stopped check did is audited before the job is closed.
      await auditStoppedSprintCheck(parsed.data, verdict.reason).catch((auditError: unknown) =>
        log.warn(`${scope}: could not audit the stopped check: ${errorText(auditError)}`),
      );
    }
    await failJob(kind, scope, generation, `The job could not finish (${verdict.reason}).`);
    return undefined;
  }
}
