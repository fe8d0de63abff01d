import type { Result, ResultOf } from '@contract/bridge-contract';
import type { RetroAnswer, RetroJobAnswer } from '@contract/retro-report';
import type { OutcomeResult } from '@domain/retro';
import { callResolver } from '@ui/bridge-client';

/**
 * How the retro page talks to the outside: the retro job (started or joined, then followed until
 * its report is ready) and the outcome record.
 */
export interface RetroApi {
  start: (sprints: number) => Promise<Result<ResultOf<'retro/job/start'>>>;
  status: (sprints: number) => Promise<Result<ResultOf<'retro/job/status'>>>;
  record: (issueKey: string, result: OutcomeResult, note: string) => Promise<Result<unknown>>;
  /** How long to wait between two looks at a running job. */
  pollMs: number;
}

export const retroApi: RetroApi = {
  start: (sprints) => callResolver('retro/job/start', { sprints }),
  status: (sprints) => callResolver('retro/job/status', { sprints }),
  record: (issueKey, result, note) =>
    callResolver('retro/outcome/record', { issueKey, result, note }),
  pollMs: 1500,
};

export type RetroProgress = Pick<RetroJobAnswer, 'progress' | 'joined' | 'span'>;

/**
 * The report: from the stored figures at once, or after following the job, telling `onProgress`
 * each time it moves ("N of M sprints read"). `isCurrent` false: the page asked for something
 * else meanwhile, so the following stops.
 */
export async function loadRetroReport(
  api: RetroApi,
  sprints: number,
  onProgress: (progress: RetroProgress) => void,
  isCurrent: () => boolean,
): Promise<Result<RetroAnswer>> {
  let answer = await api.start(sprints);
  const joined = answer.ok && answer.data.joined;
  for (;;) {
    if (!answer.ok) return answer;
    const job = answer.data;
    if (job.state === 'done' && job.report) return { ok: true, data: job.report };
    if (job.state !== 'running') {
      return {
        ok: false,
        error: { code: 'internal', message: job.failure ?? 'The retro could not be computed.' },
      };
    }
    if (!isCurrent()) return { ok: false, error: { code: 'conflict', message: 'superseded' } };
    onProgress({ progress: job.progress, joined, ...(job.span ? { span: job.span } : {}) });
    await new Promise((resolve) => setTimeout(resolve, api.pollMs));
    answer = await api.status(sprints);
  }
}
