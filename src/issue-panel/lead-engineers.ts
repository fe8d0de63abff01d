import { doc, mention, paragraph, text } from '../domain/adf';
import { readTriage } from '../domain/entry-criteria';
import {
  hasLeads,
  leadRequestText,
  maySignOff,
  needsGroupCheck,
  noveltyOf,
  type Novelty,
} from '../domain/feasibility';
import type { Config } from '../domain/config';
import { explainJiraFailure, isJiraError } from '../jira/errors';
import { readGroupMembers } from '../jira/people';
import type { FeasibilityVerdict } from '../domain/item-checklist';
import { appFieldIds } from '../items/app-fields';
import { IssueTypeRefSchema, trackResolver } from '../items/project-items';
import { addComment } from '../jira/issues';
import { jiraAsApp, type JiraGateway } from '../jira/jira-gateway';
import { logger } from '../runtime/log';
import { readFeasibility, type FeasibilityRecord } from '../storage/issue-notes-store';
import { readProjectContext, type ProjectContext } from '../storage/project-context';
import {
  flagNovel,
  markLeadsAsked,
  signOffFeasibility,
  unmarkLeadsAsked,
  type Author,
  type NoteAnswer,
} from './issue-notes';

/**
 * Engineers in early: the feasibility writes that depend on the item's Entry triage and the
 * project's lead engineers. An idea is technically novel by its flag or its uncertainty
 * (domain/feasibility.ts); only a named lead engineer, or a member of a named lead group (Jira
 * asked as the signer), signs off when leads are named; the leads are mentioned once, in one
 * comment the app writes, when an item comes to need them.
 */

const log = logger('lead-engineers');

export interface ItemRef {
  id: string;
  key: string;
}

interface ItemState {
  context: ProjectContext;
  track: 'discovery' | 'delivery';
  /** Novelty by the Entry triage alone (the flag is in the stored review). */
  byTriage: Novelty;
}

/** The item's track and Entry triage (read as the caller) under the project's settings. */
async function readItemState(
  jira: JiraGateway,
  issue: ItemRef,
  context: ProjectContext,
): Promise<ItemState> {
  const { ids } = await appFieldIds(['entryTriage'], context.fields, jira);
  const triageId = ids.entryTriage;
  const raw = await jira.getIssue(issue.key, triageId ? ['issuetype', triageId] : ['issuetype']);
  const type = IssueTypeRefSchema.parse(raw.fields.issuetype);
  const track = trackResolver(context.mapping, context.config.tracks.discoveryTypeNames).trackOf(
    type.id,
    type.name,
  );
  const triage = triageId ? readTriage(raw.fields[triageId]) : undefined;
  return { context, track, byTriage: noveltyOf(false, triage, context.config.feasibility) };
}

/** Signs off feasibility: only a lead engineer when the project names any. */
export async function signOffAsLead(args: {
  jira: JiraGateway;
  issue: ItemRef;
  projectKey: string;
  verdict: FeasibilityVerdict;
  note: string;
  author: Author;
}): Promise<NoteAnswer<FeasibilityRecord> | { ok: false; code: 'forbidden'; message: string }> {
  const state = await readItemState(
    args.jira,
    args.issue,
    await readProjectContext(args.projectKey),
  );
  const may = await leadVerdict(args.jira, args.author.accountId, state.context.config.feasibility);
  if (!may.allowed) return { ok: false, code: 'forbidden', message: may.why };
  const byTriage = state.track === 'discovery' && state.byTriage.novel;
  return signOffFeasibility(args.issue.id, args.verdict, args.note, args.author, byTriage);
}

/** Flags or un-flags the item, then asks the leads in if it now needs them. */
export async function flagAndAsk(args: {
  jira: JiraGateway;
  issue: ItemRef;
  projectKey: string;
  novel: boolean;
  author: Author;
}) {
  const state = await readItemState(
    args.jira,
    args.issue,
    await readProjectContext(args.projectKey),
  );
  const byTriage = state.track === 'discovery' && state.byTriage.novel;
  const record = await flagNovel(args.issue.id, args.novel, args.author, byTriage);
  if (args.novel || byTriage) {
    await askLeadsOnce(
      args.jira,
      args.issue,
      state,
      args.author,
      'it is flagged technically novel',
    );
  }
  return record;
}

/**
 * After an Entry triage change: asks the leads in if the item is now novel by it. Reads the item
 * only when the project names lead engineers (otherwise there is nobody to ask).
 */
export async function askLeadsIfNovel(args: {
  jira: JiraGateway;
  issue: ItemRef;
  projectKey: string;
  author: Author;
}): Promise<void> {
  const context = await readProjectContext(args.projectKey);
  if (!hasLeads(context.config.feasibility)) return;
  const state = await readItemState(args.jira, args.issue, context);
  if (state.track !== 'discovery' || !state.byTriage.novel) return;
  await askLeadsOnce(args.jira, args.issue, state, args.author, undefined);
}

/**
 * Whether `accountId` may sign off: a named lead, or (asked of Jira as the caller, one group at a
 * time, a page of 50 members at a time) a member of a named lead group. A group Jira no longer
 * has names nobody; a group Jira will not show the caller, or one too large to read through,
 * refuses with why; a throttled or failing Jira is thrown to the resolver's failure answer.
 */
export async function leadVerdict(
  jira: JiraGateway,
  accountId: string,
  rules: Config['feasibility'],
): Promise<{ allowed: true } | { allowed: false; why: string }> {
  if (!needsGroupCheck(accountId, rules)) return maySignOff(accountId, rules);
  const memberOf = new Set<string>();
  const unchecked: string[] = [];
  for (const groupId of rules.leadGroupIds) {
    try {
      const read = await readGroupMembers(jira, groupId, (m) => m.includes(accountId));
      if (read.members.includes(accountId)) {
        memberOf.add(groupId);
        break;
      }
      if (!read.complete) unchecked.push('a group has more members than the app reads through');
    } catch (error) {
      if (!isJiraError(error) || !['forbidden', 'unauthorized', 'not-found'].includes(error.kind)) {
        throw error;
      }
      if (error.kind !== 'not-found') unchecked.push(explainJiraFailure(error));
    }
  }
  const verdict = maySignOff(accountId, rules, memberOf);
  if (verdict.allowed || unchecked.length === 0) return verdict;
  return {
    allowed: false,
    why: `Jira could not confirm that you are in one of this project's lead engineer groups (${[...new Set(unchecked)].join('; ')}), so nothing was signed off. Ask a Jira admin for the "Browse users and groups" permission, or ask a lead engineer to review it.`,
  };
}

/** People mentioned at most when the leads are asked in: the named ones, then group members. */
export const MENTIONS_MAX = 10;

/**
 * Who the comment mentions: the named lead engineers, then the first active members of each lead
 * group (one `GET group/member` per group, as the caller), at most MENTIONS_MAX in all. A group
 * Jira will not read is left out (logged): the named people are still asked.
 */
export async function leadsToMention(
  jira: JiraGateway,
  rules: Config['feasibility'],
): Promise<string[]> {
  const people = new Set(rules.leadAccountIds.slice(0, MENTIONS_MAX));
  for (const groupId of rules.leadGroupIds) {
    if (people.size >= MENTIONS_MAX) break;
    try {
      const { members } = await readGroupMembers(jira, groupId, () => true, MENTIONS_MAX);
      for (const id of members) if (people.size < MENTIONS_MAX) people.add(id);
    } catch (error) {
      if (!isJiraError(error)) throw error;
      log.warn('could not read a lead engineer group', { groupId, error: error.message });
    }
  }
  return [...people];
}

/**
 * One comment as the app mentioning the lead engineers (leadsToMention), at most once per item
 * (a mark in its feasibility review, set before the comment and taken back if Jira refuses it).
 * Nothing when no lead is named or found, the item is not on the discovery track, or it is
 * already signed off feasible.
 */
async function askLeadsOnce(
  jira: JiraGateway,
  issue: ItemRef,
  state: ItemState,
  author: Author,
  /** Why it needs them when its triage does not say (the flag). */
  otherwise: string | undefined,
): Promise<void> {
  const rules = state.context.config.feasibility;
  if (!hasLeads(rules) || state.track !== 'discovery') return;
  const stored = await readFeasibility(issue.id);
  if (stored?.leadsAskedAt || stored?.signOff?.verdict === 'feasible') return;
  const leads = await leadsToMention(jira, rules);
  if (leads.length === 0) return;
  if (!(await markLeadsAsked(issue.id, author))) return;
  const because = state.byTriage.because ?? otherwise ?? 'it is technically novel';
  const body = doc([
    paragraph(
      ...leads.flatMap((id, i) => (i === 0 ? [mention(id)] : [text(' '), mention(id)])),
      text(leadRequestText(because)),
    ),
  ]);
  try {
    await addComment(jiraAsApp(), issue.key, body);
  } catch (error) {
    // The flag or triage stands; the next change that needs the leads tries the comment again.
    log.warn('could not mention the lead engineers', {
      issue: issue.key,
      error: error instanceof Error ? error.message : String(error),
    });
    await unmarkLeadsAsked(issue.id);
  }
}
