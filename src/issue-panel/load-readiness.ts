import { z } from 'zod';
import type { Config } from '../domain/config';
import { Refusal } from '../domain/failure';
import {
  buildChecklist,
  promotionBlockers,
  spikeTimebox,
  type FeasibilityReview,
} from '../domain/item-checklist';
import type { StatusCategory } from '../domain/signals';
import { readTriage } from '../domain/entry-criteria';
import { JPD_PROJECT_TYPE, JPD_PROMOTE_ELSEWHERE } from '../domain/jpd';
import { noveltyOf } from '../domain/feasibility';
import type {
  EntryView,
  IssueEvidence,
  IssueReadiness,
  LinkedItem,
} from '../contract/issue-readiness';
import { appFieldIds } from '../items/app-fields';
import { repairSummaryField } from '../items/evidence-field';
import { entryIssueFields } from '../items/entry-reader';
import {
  IssueStatusSchema,
  IssueTypeRefSchema,
  isoOf,
  kindOf,
  JPD_SPACE_TRACKS,
  trackResolver,
} from '../items/project-items';
import { readScopedOutcome } from '../items/scoped-outcome-field';
import type { JiraGateway } from '../jira/jira-gateway';
import { myPermissions, type PermissionKey } from '../jira/permissions';
import { displayNames } from '../jira/user-names';
import { groupNames } from '../jira/people';
import { isJiraError } from '../jira/errors';
import { readProjectContext, type ProjectContext } from '../storage/project-context';
import { readEvidence } from '../storage/evidence-store';
import { readIssueNotesAndWaivers } from '../storage/issue-notes-store';
import { deliveryLinks, IssueLinkSchema, promotedToOf } from './panel-links';
import {
  discoveryFirstCheck,
  evidenceView,
  headlineOf,
  promotionView,
  waiverView,
  triageView,
} from './panel-views';
import { spikeStartBeforeClose } from './spike-history';
import { leadVerdict } from './lead-engineers';

/**
 * Everything the issue panel shows for one issue, as the calling user: its readiness checks,
 * evidence, timebox, feasibility sign-off, links and discovery entry verdict. Settings are read
 * beside the permission check; nothing is read for a user who cannot browse the issue. The calls
 * it makes are listed in docs/costs.md.
 */

export const PANEL_PERMISSIONS: readonly PermissionKey[] = [
  'BROWSE_PROJECTS',
  'EDIT_ISSUES',
  'CREATE_ISSUES',
  'LINK_ISSUES',
];

export class NoBrowseError extends Refusal {
  constructor() {
    super({
      code: 'forbidden',
      message: 'You need the Browse projects permission on this issue to see it.',
    });
    this.name = 'NoBrowseError';
  }
}

const PanelFieldsSchema = z
  .object({
    summary: z.string(),
    issuetype: IssueTypeRefSchema,
    status: IssueStatusSchema,
    statuscategorychangedate: z.string().nullish(),
    issuelinks: z.array(IssueLinkSchema).nullish(),
    project: z.object({ projectTypeKey: z.string().optional() }).passthrough().optional(),
  })
  .passthrough();

export interface LoadReadinessInput {
  jira: JiraGateway;
  issue: { id: string; key: string };
  projectKey: string;
  /** The caller: whether they may sign off feasibility. */
  accountId: string;
  now: Date;
}

type PanelRead = Awaited<ReturnType<typeof readPanelIssue>>;

export async function loadIssueReadiness(input: LoadReadinessInput): Promise<IssueReadiness> {
  const { jira, issue, projectKey } = input;
  const [held, decision] = await Promise.all([
    myPermissions(jira, { kind: 'issue', issueKey: issue.key }, PANEL_PERMISSIONS),
    readProjectContext(projectKey),
  ]);
  if (!held.has('BROWSE_PROJECTS')) throw new NoBrowseError();
  const { config } = decision;
  const notes: string[] = [];
  const read = await readPanelIssue(input, decision, notes);
  const { raw, core, tracks, track, kind, statusCategory, issueNotes } = read;
  const evidence = await evidenceOf(read, decision, input.now, notes);
  const [{ timebox, feasibility, signOff }, waiver] = await Promise.all([
    spikeAndFeasibility(read, input, config),
    waiverView(read.issueNotes.waivers, read.raw.id, input.jira, input.now),
  ]);
  if (feasibility && !held.has('EDIT_ISSUES')) feasibility.maySignOff = false;
  const links = core.issuelinks ?? [];
  const { origin, entry } =
    track === 'delivery'
      ? await deliveryLinks({ raw, links, tracks, config, entryIds: read.entryIds, jira })
      : { origin: null, entry: null };
  const promotedTo = track !== 'delivery' && kind === 'idea' ? promotedToOf(links, tracks) : null;
  const canPromote = held.has('CREATE_ISSUES') && held.has('LINK_ISSUES');
  const { checks, promotion } = checksOf(read, config, {
    evidence,
    timebox,
    feasibility,
    signOff,
    origin,
    entry,
    canPromote,
  });
  if (tracks.guessed) {
    notes.push(
      'Dual Track is not set up for this project yet, so the track is guessed from the issue type name. A project admin can run setup in the project settings.',
    );
  }
  return {
    issue: {
      id: raw.id,
      key: raw.key,
      summary: core.summary,
      issueType: core.issuetype.name,
      status: core.status.name,
    },
    statusCategory,
    track,
    kind,
    trackGuessed: tracks.guessed,
    ready: checks.every((c) => c.passed || !c.required),
    waiver,
    headline: headlineOf(kind, statusCategory, checks, evidence, entry, waiver),
    checks,
    scopedOutcome: read.scopedOutcome ?? null,
    evidence,
    timebox,
    feasibility,
    learned: kind === 'spike' ? (issueNotes.spikeNote ?? null) : null,
    origin,
    promotedTo,
    canEdit: held.has('EDIT_ISSUES'),
    canPromote,
    promotion,
    triage: triageView(raw, read.entryIds.entryTriage),
    entry,
    notes,
  };
}

/** The issue with the fields the panel needs, its track and kind, its notes and evidence. */
async function readPanelIssue(
  input: LoadReadinessInput,
  decision: ProjectContext,
  notes: string[],
) {
  const { jira, issue } = input;
  const { ids } = await appFieldIds(
    ['scopedOutcome', 'entryTriage', 'discoveryEvidence'],
    decision.fields,
    jira,
  );
  const outcomeFieldId = ids.scopedOutcome;
  if (!outcomeFieldId) {
    notes.push(
      'The app’s Scoped outcome field is not on this Jira site, so no scoped outcome can be read. Reinstalling or upgrading Dual Track registers it.',
    );
  }
  if (!ids.entryTriage) {
    notes.push(
      'The app’s Entry triage field is not on this Jira site, so uncertainty and risk can be neither read nor set. Reinstalling or upgrading Dual Track registers it.',
    );
  }
  const entryIds = { entryTriage: ids.entryTriage, discoveryEvidence: ids.discoveryEvidence };
  const fields = [
    ...new Set([
      'summary',
      'issuetype',
      'status',
      'statuscategorychangedate',
      'issuelinks',
      'project',
      ...entryIssueFields(entryIds),
      ...(outcomeFieldId ? [outcomeFieldId] : []),
    ]),
  ];
  const [raw, stored, issueNotes] = await Promise.all([
    jira.getIssue(issue.key, fields),
    readEvidence(issue.id),
    readIssueNotesAndWaivers(issue.id, input.projectKey),
  ]);
  const core = PanelFieldsSchema.parse(raw.fields);
  // An item of a JPD space is an idea, whatever its type is called; promoted from a connected
  // project's page, not here (docs/jpd.md).
  const jpdIdea = core.project?.projectTypeKey === JPD_PROJECT_TYPE;
  const tracks = jpdIdea
    ? JPD_SPACE_TRACKS
    : trackResolver(decision.mapping, decision.config.tracks.discoveryTypeNames);
  const track = tracks.trackOf(core.issuetype.id, core.issuetype.name);
  const category = core.status.statusCategory.key;
  const statusCategory: StatusCategory = category === 'undefined' ? 'new' : category;
  const reading = outcomeFieldId
    ? readScopedOutcome(raw.fields, outcomeFieldId)
    : { kind: 'empty' as const };
  if (reading.kind === 'unreadable') {
    notes.push(`The Scoped outcome field could not be read (${reading.detail}).`);
  }
  return {
    raw,
    core,
    tracks,
    track,
    kind: kindOf(core.issuetype.name, track),
    statusCategory,
    scopedOutcome: reading.kind === 'present' ? reading.value : undefined,
    entryIds,
    stored,
    issueNotes,
    jpdIdea,
  };
}

/** An idea's evidence, repairing its summary field first when a write left it stale. */
async function evidenceOf(
  read: PanelRead,
  decision: ProjectContext,
  now: Date,
  notes: string[],
): Promise<IssueEvidence | null> {
  const { stored } = read;
  if (read.kind !== 'idea') return null;
  const evidence = evidenceView(stored, decision.config.validation);
  if (stored.summaryStale) {
    const repaired = await repairSummaryField(
      stored,
      decision.config.validation,
      decision.fields,
      now,
    );
    if (repaired?.status !== 'written') notes.push(stored.summaryStale.reason);
  }
  return evidence;
}

/** The readiness checks and whether the item may be promoted, from everything read. */
function checksOf(
  read: PanelRead,
  config: Config,
  found: {
    evidence: IssueEvidence | null;
    timebox: ReturnType<typeof spikeTimebox> | null;
    feasibility: { novel: boolean; because: string | null } | null;
    signOff: FeasibilityReview['signOff'];
    origin: LinkedItem[] | null;
    entry: EntryView | null;
    canPromote: boolean;
  },
) {
  const { evidence, feasibility, signOff, origin, entry } = found;
  const validation = evidence ? validationInput(evidence) : undefined;
  const signedOff = feasibility
    ? { novel: feasibility.novel, because: feasibility.because ?? undefined, signOff }
    : undefined;
  const checklist = buildChecklist({
    kind: read.kind,
    track: read.track,
    issueType: read.core.issuetype.name,
    statusCategory: read.statusCategory,
    scopedOutcome: read.scopedOutcome,
    validation,
    feasibility: signedOff,
    timebox: found.timebox ?? undefined,
    learnedNote: read.issueNotes.spikeNote !== undefined,
    origin: origin
      ? {
          validated: origin.filter((o) => o.validated).map((o) => o.key),
          linkedDiscovery: origin.map((o) => o.key),
        }
      : undefined,
    config,
  });
  const checks = entry ? [...checklist.items, discoveryFirstCheck(entry)] : checklist.items;
  const promotion =
    read.kind === 'idea' && validation
      ? promotionView(
          promotionBlockers({ track: read.track, validation, feasibility: signedOff }).map(
            (b) => b.text,
          ),
          read.jpdIdea ? JPD_PROMOTE_ELSEWHERE : found.canPromote,
        )
      : null;
  return { checks, promotion };
}

function validationInput(evidence: IssueEvidence) {
  return {
    state: evidence.state,
    shortfalls: evidence.progress.filter((p) => p.have < p.need),
    ...(evidence.invalidated ? { reason: evidence.invalidated.reason } : {}),
  };
}

/**
 * A spike's timebox (a done spike's from its status history) and a discovery item's feasibility
 * sign-off with the signer's name; the two Jira reads run in parallel.
 */
/** Whether the caller may sign off; false when Jira cannot say whether they are in a lead group. */
async function mayLeadOf(input: LoadReadinessInput, config: Config): Promise<boolean> {
  try {
    return (await leadVerdict(input.jira, input.accountId, config.feasibility)).allowed;
  } catch (error) {
    if (!isJiraError(error)) throw error;
    return false;
  }
}

async function spikeAndFeasibility(read: PanelRead, input: LoadReadinessInput, config: Config) {
  const { raw, core, kind, track, statusCategory, issueNotes } = read;
  const categoryChanged = core.statuscategorychangedate
    ? isoOf(core.statuscategorychangedate)
    : undefined;
  const storedFeasibility = track === 'discovery' ? issueNotes.feasibility : undefined;
  const novelty = noveltyOf(
    storedFeasibility?.novel === true,
    read.entryIds.entryTriage ? readTriage(raw.fields[read.entryIds.entryTriage]) : undefined,
    config.feasibility,
  );
  // An item no longer novel carries no sign-off (un-flagging removes it).
  const signOff = novelty.novel ? storedFeasibility?.signOff : undefined;
  const leads = track === 'discovery' ? config.feasibility.leadAccountIds : [];
  const groups = track === 'discovery' ? config.feasibility.leadGroupIds : [];
  const [startedBeforeClose, names, groupNamesById, mayLead] = await Promise.all([
    kind === 'spike' && statusCategory === 'done' && categoryChanged
      ? spikeStartBeforeClose(
          input.jira,
          { id: raw.id, projectKey: input.projectKey },
          categoryChanged,
        )
      : undefined,
    signOff || leads.length > 0
      ? displayNames(input.jira, [...(signOff ? [signOff.by] : []), ...leads])
      : new Map<string, string>(),
    groupNames(input.jira, groups),
    // Asked of Jira only for a novel idea and a caller not named (group membership).
    novelty.novel || groups.length === 0 ? mayLeadOf(input, config) : false,
  ]);
  const timebox =
    kind === 'spike'
      ? spikeTimebox({
          statusCategory,
          statusCategoryChanged: categoryChanged,
          startedBeforeClose,
          scopedOutcome: read.scopedOutcome,
          rules: config.spike,
          now: input.now,
        })
      : null;
  const feasibility =
    track === 'discovery'
      ? {
          novel: novelty.novel,
          flagged: novelty.flagged,
          because: novelty.because,
          leads: leads.map((accountId) => ({ accountId, name: names.get(accountId) ?? null })),
          leadGroups: groups.map((groupId) => ({
            groupId,
            name: groupNamesById.get(groupId) ?? null,
          })),
          maySignOff: mayLead,
          signOff: signOff ? { ...signOff, byName: names.get(signOff.by) ?? null } : null,
        }
      : null;
  return { timebox, feasibility, signOff };
}
