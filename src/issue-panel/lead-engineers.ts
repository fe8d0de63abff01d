import { doc, mention, paragraph, text } from '../domain/adf';
import { readTriage } from '../domain/entry-criteria';
import { leadRequestText, maySignOff, noveltyOf, type Novelty } from '../domain/feasibility';
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
 * (domain/feasibility.ts); only a named lead engineer signs off when leads are named; the leads
 * are mentioned once, in one comment the app writes, when an item comes to need them.
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
  const may = maySignOff(args.author.accountId, state.context.config.feasibility);
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
    await askLeadsOnce(args.issue, state, args.author, 'it is flagged technically novel');
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
  if (context.config.feasibility.leadAccountIds.length === 0) return;
  const state = await readItemState(args.jira, args.issue, context);
  if (state.track !== 'discovery' || !state.byTriage.novel) return;
  await askLeadsOnce(args.issue, state, args.author, undefined);
}

/**
 * One comment as the app mentioning every lead engineer, at most once per item (a mark in its
 * feasibility review, set before the comment and taken back if Jira refuses it). Nothing when
 * no lead is named, the item is not on the discovery track, or it is already signed off feasible.
 */
async function askLeadsOnce(
  issue: ItemRef,
  state: ItemState,
  author: Author,
  /** Why it needs them when its triage does not say (the flag). */
  otherwise: string | undefined,
): Promise<void> {
  const leads = state.context.config.feasibility.leadAccountIds;
  if (leads.length === 0 || state.track !== 'discovery') return;
  const stored = await readFeasibility(issue.id);
  if (stored?.leadsAskedAt || stored?.signOff?.verdict === 'feasible') return;
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
