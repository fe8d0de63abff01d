import type { Config } from './config';
import { atLeast, type Triage } from './entry-criteria';

/**
 * Engineers in early (the practice: "invite the lead engineer into discovery for any technically
 * novel idea"): when a discovery item counts as technically novel (the manual flag, or its Entry
 * triage uncertainty at the configured level), and who may sign off its feasibility. Pure.
 */

export interface Novelty {
  /** Technically novel: it needs a "feasible" sign-off before promotion. */
  novel: boolean;
  /** Someone ticked "technically novel" on it. */
  flagged: boolean;
  /** Why it is novel, in plain words ("it has high Entry triage uncertainty"); null when not. */
  because: string | null;
}

export function noveltyOf(
  flagged: boolean,
  triage: Triage | undefined,
  rules: Config['feasibility'],
): Novelty {
  const u = triage?.uncertainty;
  if (u && atLeast(u, rules.novelUncertaintyAtLeast)) {
    return { novel: true, flagged, because: `it has ${u} Entry triage uncertainty` };
  }
  if (flagged) return { novel: true, flagged, because: 'it is flagged technically novel' };
  return { novel: false, flagged, because: null };
}

/** Whether `accountId` may sign off feasibility: a named lead, or anyone when none is named. */
export function maySignOff(
  accountId: string,
  rules: Config['feasibility'],
): { allowed: true } | { allowed: false; why: string } {
  if (rules.leadAccountIds.length === 0 || rules.leadAccountIds.includes(accountId)) {
    return { allowed: true };
  }
  return {
    allowed: false,
    why: `Only this project's lead engineers may sign off feasibility (${rules.leadAccountIds.length === 1 ? 'one is' : `${rules.leadAccountIds.length} are`} named in the project settings under "Engineers in early"), and you are not one of them. Ask a lead engineer to review it.`,
  };
}

/**
 * The comment that asks the lead engineers in (the caller adds the mentions before the text):
 * why the item needs them and what to do.
 */
export function leadRequestText(because: string): string {
  return ` please review the feasibility of this idea: ${because}, so it needs a "feasible" sign-off from a lead engineer before it is promoted to delivery. Sign off in the Dual Track panel of this issue.`;
}
