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

/**
 * Whether `accountId` may sign off feasibility: a named lead, a member of a named lead group
 * (`memberOf`: the named groups Jira says they are in), or anyone when no lead or group is named.
 */
export function maySignOff(
  accountId: string,
  rules: Config['feasibility'],
  memberOf: ReadonlySet<string> = new Set(),
): { allowed: true } | { allowed: false; why: string } {
  const { leadAccountIds: people, leadGroupIds: groups } = rules;
  if (people.length === 0 && groups.length === 0) return { allowed: true };
  if (people.includes(accountId) || groups.some((g) => memberOf.has(g))) return { allowed: true };
  const named = [
    people.length > 0 ? (people.length === 1 ? 'one person' : `${people.length} people`) : '',
    groups.length > 0 ? (groups.length === 1 ? 'one group' : `${groups.length} groups`) : '',
  ].filter(Boolean);
  return {
    allowed: false,
    why: `Only this project's lead engineers may sign off feasibility (${named.join(' and ')} named in the project settings under "Engineers in early"), and you are not one of them. Ask a lead engineer to review it.`,
  };
}

/** Whether deciding `maySignOff` needs Jira's word on group membership (not a named lead). */
export function needsGroupCheck(accountId: string, rules: Config['feasibility']): boolean {
  return rules.leadGroupIds.length > 0 && !rules.leadAccountIds.includes(accountId);
}

/** Whether the project names any lead engineer, by person or group. */
export function hasLeads(rules: Config['feasibility']): boolean {
  return rules.leadAccountIds.length > 0 || rules.leadGroupIds.length > 0;
}

/**
 * The comment that asks the lead engineers in (the caller adds the mentions before the text):
 * why the item needs them and what to do.
 */
export function leadRequestText(because: string): string {
  return ` please review the feasibility of this idea: ${because}, so it needs a "feasible" sign-off from a lead engineer before it is promoted to delivery. Sign off in the Dual Track panel of this issue.`;
}
