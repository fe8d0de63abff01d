import type { Result, ResultOf } from '@contract/bridge-contract';
import type { OutcomeResult } from '@domain/retro';
import { callResolver } from '@ui/bridge-client';

/** How the retro page talks to the outside: its two resolvers. */
export interface RetroApi {
  report: (sprints: number) => Promise<Result<ResultOf<'retro/report'>>>;
  record: (issueKey: string, result: OutcomeResult, note: string) => Promise<Result<unknown>>;
}

export const retroApi: RetroApi = {
  report: (sprints) => callResolver('retro/report', { sprints }),
  record: (issueKey, result, note) =>
    callResolver('retro/outcome/record', { issueKey, result, note }),
};
