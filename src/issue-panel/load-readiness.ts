import { z } from 'zod';
import type { Config } from '../domain/config';
import {
  describeEntry,
  describeTriage,
  readTriage,
  type EntryVerdict,
} from '../domain/entry-criteria';
import {
  buildChecklist,
  promotionBlockers,
  spikeTimebox,
  type ChecklistItem,
} from '../domain/item-checklist';
import { describeShortfall } from '../domain/readiness';
import type { StatusCategory } from '../domain/signals';
import type { ItemKind, Track } from '../domain/track';
import { entryIssueFields, entryVerdictsOf } from '../items/entry-reader';
import { countEvidence, newestFirst, validationOf } from '../domain/evidence-log';
import type { JiraGateway, RawIssue } from '../jira/jira-gateway';
import { myPermissions, type PermissionKey } from '../jira/permissions';
import { displayNames } from '../jira/user-names';
import { isoOf, kindOf, trackResolver, type TrackResolver } from '../items/project-items';
import type {
  EntryView,
  IssueEvidence,
  IssueReadiness,
  IssueRef,
  LinkedItem,
  PromotionView,
  TriageView,
} from '../contract/issue-readiness';
import { repairSummaryField } from '../evidence/evidence-service';
import { loadDecisionContext } from '../storage/config-store';
import { readEvidence, type StoredEvidence } from '../storage/evidence-store';
import { readIssueNotes } from '../storage/issue-notes-store';
import { readTrackMapping } from '../storage/track-mapping-store';
import { appFieldIds } from '../items/app-fields';
import { readScopedOutcome } from '../items/scoped-outcome-field';
import { spikeStartBeforeClose } from './spike-history';

/**
 * Everything the issue panel shows for one issue, as the calling user:
 *
 *   GET /rest/api/3/mypermissions?issueKey=...   Browse (else nothing), Edit, Create, Link
 *   GET /rest/api/3/issue/{key}?fields=summary,issuetype,status,statuscategorychangedate,
 *       issuelinks,labels,components,<scoped outcome field>,<entry triage field>
 *   (GET /rest/api/3/field once per site, while an app field id is not remembered)
 *
 * A done spike adds its status history and the project's status categories (two calls, see
 * spike-history.ts) for the final timebox figure; a feasibility sign-off adds one
 * GET /rest/api/3/user/bulk for the signer's display name. Both run in parallel.
 *
 * Storage: settings with field ids (read beside the permission check: no user data), then the
 * track mapping, the evidence log and the issue's notes in parallel; for a delivery item, one
 * evidence read per linked discovery item (at most MAX_LINKED of each: the items it comes from,
 * and the ideas whose validation decides its discovery entry verdict). So the entry verdict of
 * a delivery item costs no Jira request beyond the issue read, unless it has more than
 * MAX_LINKED linked ideas (then one POST /rest/api/3/issue/bulkfetch for the others).
 */

export const PANEL_PERMISSIONS: readonly PermissionKey[] = [
  'BROWSE_PROJECTS',
  'EDIT_ISSUES',
  'CREATE_ISSUES',
  'LINK_ISSUES',
];

/** Linked discovery items whose validation a delivery item's panel looks up. */
export const MAX_LINKED = 10;

export class NoBrowseError extends Error {
  constructor() {
    super('You need the Browse projects permission on this issue to see it.');
    this.name = 'NoBrowseError';
  }
}

const LinkedIssueSchema = z
  .object({
    id: z.string(),
    key: z.string(),
    fields: z
      .object({
        summary: z.string().optional(),
        issuetype: z.object({ id: z.string(), name: z.string() }).passthrough().optional(),
      })
      .passthrough()
      .optional(),
  })
  .passthrough();

const IssueLinkSchema = z
  .object({
    type: z
      .object({
        name: z.string().optional(),
        inward: z.string().optional(),
        outward: z.string().optional(),
      })
      .passthrough()
      .optional(),
    inwardIssue: LinkedIssueSchema.optional(),
    outwardIssue: LinkedIssueSchema.optional(),
  })
  .passthrough();

const PanelFieldsSchema = z
  .object({
    summary: z.string(),
    issuetype: z.object({ id: z.string(), name: z.string() }).passthrough(),
    status: z
      .object({
        name: z.string(),
        statusCategory: z
          .object({ key: z.enum(['new', 'indeterminate', 'done', 'undefined']) })
          .passthrough(),
      })
      .passthrough(),
    statuscategorychangedate: z.string().nullish(),
    issuelinks: z.array(IssueLinkSchema).nullish(),
  })
  .passthrough();

type IssueLink = z.infer<typeof IssueLinkSchema>;
type LinkedIssue = z.infer<typeof LinkedIssueSchema>;

const norm = (text: string | undefined) => text?.trim().toLowerCase() ?? '';

/**
 * Promote links the new delivery item as the outward issue ("DT-5 implements DT-1"); a Relates
 * link reads the same both ways. So a delivery item comes from the discovery items on the other
 * end of an implements-style link it is the outward issue of, or of any Relates link.
 */
function originOf(link: IssueLink): LinkedIssue | undefined {
  const relates = norm(link.type?.name) === 'relates';
  if (link.inwardIssue) {
    const implementsType =
      norm(link.type?.name) === 'implements' || norm(link.type?.outward) === 'implements';
    return implementsType || relates ? link.inwardIssue : undefined;
  }
  return relates ? link.outwardIssue : undefined;
}

/** The delivery items promoted from an idea: the mirror of originOf. */
function promotedOf(link: IssueLink): LinkedIssue | undefined {
  const relates = norm(link.type?.name) === 'relates';
  if (link.outwardIssue) {
    const implementsType =
      norm(link.type?.name) === 'implements' || norm(link.type?.inward) === 'is implemented by';
    return implementsType || relates ? link.outwardIssue : undefined;
  }
  return relates ? link.inwardIssue : undefined;
}

function trackOfLinked(linked: LinkedIssue, tracks: TrackResolver): Track | undefined {
  const type = linked.fields?.issuetype;
  return type ? tracks.trackOf(type.id, type.name) : undefined;
}

function evidenceView(stored: StoredEvidence, rules: Config['validation']): IssueEvidence {
  const { counting } = countEvidence(stored.content.entries);
  const validation = validationOf(stored.content, rules);
  const progress = [
    { type: 'interview' as const, have: counting.interview, need: rules.minInterviews },
    {
      type: 'usability-test' as const,
      have: counting['usability-test'],
      need: rules.minUsabilityTests,
    },
  ]
    .filter((p) => p.need > 0)
    .map((p) => ({ ...p, text: describeShortfall(p) }));
  return {
    state: validation.state,
    progress,
    summary: progress.map((p) => p.text).join(', '),
    entries: newestFirst(stored.content.entries).map((e) => ({
      id: e.id,
      type: e.type,
      date: e.date,
      summary: e.summary,
      ...(e.link === undefined ? {} : { link: e.link }),
      positive: e.positive,
      recordedBy: e.recordedBy,
      recordedAt: e.recordedAt,
    })),
    invalidated: validation.invalidated,
  };
}

/** The readiness check a delivery item meeting the discovery entry criteria adds. */
function discoveryFirstCheck(entry: EntryView): ChecklistItem {
  const reasons = entry.reasons.join(', ');
  switch (entry.state) {
    case 'covered':
      return {
        id: 'discoveryFirst',
        label: `Discovery before delivery (covered by ${entry.coveredBy?.key ?? 'linked discovery'})`,
        passed: true,
        required: true,
      };
    case 'waiting':
      return {
        id: 'discoveryFirst',
        label: 'Discovery before delivery',
        passed: false,
        fix: `Waiting on discovery ${entry.waitingOn.map((w) => w.key).join(', ')} (it meets the entry criteria: ${reasons}): delivery starts once that is validated or finished`,
        required: true,
      };
    case 'needs-discovery':
      return {
        id: 'discoveryFirst',
        label: 'Discovery before delivery',
        passed: false,
        fix: `Meets the discovery entry criteria (${reasons}) with no validated idea or finished spike linked: explore it first, or link the discovery that answers it`,
        required: true,
      };
  }
}

function headlineOf(
  kind: ItemKind,
  statusCategory: StatusCategory,
  checks: readonly ChecklistItem[],
  evidence: IssueEvidence | null,
  entry: EntryView | null,
): string {
  if (entry?.state === 'needs-discovery') {
    return `Belongs in discovery first: ${entry.reasons.join(', ')}.`;
  }
  if (entry?.state === 'waiting') {
    return `Waiting on discovery ${entry.waitingOn.map((w) => w.key).join(', ')} before delivery starts.`;
  }
  const failing = checks.filter((c) => c.required && !c.passed);
  const required = checks.filter((c) => c.required).length;
  const failed = `${failing.length} of ${required} ${required === 1 ? 'check fails' : 'checks fail'}`;
  switch (kind) {
    case 'idea':
      if (evidence?.state === 'invalidated') return 'Invalidated: this idea should not be built.';
      if (failing.length === 0) return 'Validated: ready to promote to delivery.';
      return evidence?.state === 'validated'
        ? `Validated, but not ready to promote: ${failed}.`
        : `Not validated yet: ${evidence?.summary ?? 'no evidence recorded'}.`;
    case 'spike':
      if (statusCategory === 'done') {
        return failing.length === 0
          ? 'Done, with what was learned recorded.'
          : `Done, but not closed properly: ${failed}.`;
      }
      return failing.length === 0
        ? 'Scoped and within its timebox.'
        : `Needs attention: ${failed}.`;
    case 'enabler':
      return failing.length === 0
        ? 'Ready for a sprint: the scoped outcome is complete.'
        : `Not ready for a sprint: ${failed}.`;
    case 'delivery': {
      if (required === 0 && checks.length === 0) return 'Delivery item.';
      if (failing.length > 0) return `Not ready for a sprint: ${failed}.`;
      const origin = checks.find((c) => c.id === 'origin');
      return origin?.passed
        ? 'Delivery item built from validated discovery.'
        : 'Delivery item with no validated discovery behind it.';
    }
  }
}

export interface LoadReadinessInput {
  jira: JiraGateway;
  issue: { id: string; key: string };
  projectKey: string;
  now: Date;
}

export async function loadIssueReadiness(input: LoadReadinessInput): Promise<IssueReadiness> {
  const { jira, issue, projectKey, now } = input;
  const [held, decision] = await Promise.all([
    myPermissions(jira, { kind: 'issue', issueKey: issue.key }, PANEL_PERMISSIONS),
    loadDecisionContext(projectKey),
  ]);
  if (!held.has('BROWSE_PROJECTS')) throw new NoBrowseError();
  const config = decision.config;
  const notes: string[] = [];

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
      ...entryIssueFields(entryIds),
      ...(outcomeFieldId ? [outcomeFieldId] : []),
    ]),
  ];
  const [raw, mapping, stored, issueNotes] = await Promise.all([
    jira.getIssue(issue.key, fields),
    readTrackMapping(projectKey),
    readEvidence(issue.id),
    readIssueNotes(issue.id),
  ]);
  const core = PanelFieldsSchema.parse(raw.fields);
  const tracks = trackResolver(mapping, config.tracks.discoveryTypeNames);
  const track = tracks.trackOf(core.issuetype.id, core.issuetype.name);
  const kind = kindOf(core.issuetype.name, track);
  const category = core.status.statusCategory.key;
  const statusCategory: StatusCategory = category === 'undefined' ? 'new' : category;
  const reading = outcomeFieldId
    ? readScopedOutcome(raw.fields, outcomeFieldId)
    : { kind: 'empty' as const };
  if (reading.kind === 'unreadable') {
    notes.push(`The Scoped outcome field could not be read (${reading.detail}).`);
  }
  const scopedOutcome = reading.kind === 'present' ? reading.value : undefined;

  const evidence = kind === 'idea' ? evidenceView(stored, config.validation) : null;
  if (evidence && stored.summaryStale) {
    const repaired = await repairSummaryField(stored, config.validation, decision.fields, now);
    if (repaired?.status !== 'written') notes.push(stored.summaryStale.reason);
  }
  const categoryChanged = core.statuscategorychangedate
    ? isoOf(core.statuscategorychangedate)
    : undefined;
  const storedFeasibility = track === 'discovery' ? issueNotes.feasibility : undefined;
  const signer = storedFeasibility?.novel ? storedFeasibility.signOff?.by : undefined;
  const [startedBeforeClose, names] = await Promise.all([
    kind === 'spike' && statusCategory === 'done' && categoryChanged
      ? spikeStartBeforeClose(jira, { id: raw.id, projectKey }, categoryChanged)
      : undefined,
    signer ? displayNames(jira, [signer]) : new Map<string, string>(),
  ]);
  const timebox =
    kind === 'spike'
      ? spikeTimebox({
          statusCategory,
          statusCategoryChanged: categoryChanged,
          startedBeforeClose,
          scopedOutcome,
          rules: config.spike,
          now,
        })
      : null;

  const links = core.issuelinks ?? [];
  let origin: LinkedItem[] | null = null;
  let promotedTo: LinkedItem[] | null = null;
  let entry: EntryView | null = null;
  if (track === 'delivery') {
    const discovery = links
      .map(originOf)
      .filter((l): l is LinkedIssue => l !== undefined && trackOfLinked(l, tracks) === 'discovery')
      .slice(0, MAX_LINKED);
    // Every linked idea, either direction and any link type: the entry verdict's evidence.
    const ideas = links
      .map((l) => l.inwardIssue ?? l.outwardIssue)
      .filter((l): l is LinkedIssue => {
        const type = l?.fields?.issuetype;
        if (!l || !type) return false;
        const linkedTrack = tracks.trackOf(type.id, type.name);
        return linkedTrack === 'discovery' && kindOf(type.name, linkedTrack) === 'idea';
      })
      .slice(0, MAX_LINKED);
    const toRead = [...new Map([...discovery, ...ideas].map((l) => [l.id, l])).values()];
    const logs = await Promise.all(toRead.map((l) => readEvidence(l.id)));
    const validation = new Map(
      toRead.map((l, i) => {
        const log = logs[i];
        return [l.key, log ? validationOf(log.content, config.validation).state : null] as const;
      }),
    );
    origin = discovery.map((l) => ({
      key: l.key,
      summary: l.fields?.summary ?? '',
      validated: validation.get(l.key) === 'validated',
    }));
    const { readings } = await entryVerdictsOf({
      issues: [raw],
      ids: entryIds,
      tracks,
      config,
      jira,
      known: validation,
    });
    const verdict = readings[0]?.verdict;
    if (verdict) entry = entryView(verdict, links);
  } else if (kind === 'idea') {
    promotedTo = links
      .map(promotedOf)
      .filter((l): l is LinkedIssue => l !== undefined && trackOfLinked(l, tracks) === 'delivery')
      .map((l) => ({ key: l.key, summary: l.fields?.summary ?? '', validated: false }));
  }

  // An item no longer flagged novel carries no sign-off (un-flagging removes it).
  const signOff = storedFeasibility?.novel ? storedFeasibility.signOff : undefined;
  const feasibility =
    track === 'discovery'
      ? {
          novel: storedFeasibility?.novel ?? false,
          signOff: signOff ? { ...signOff, byName: names.get(signOff.by) ?? null } : null,
        }
      : null;
  const checklist = buildChecklist({
    kind,
    track,
    issueType: core.issuetype.name,
    statusCategory,
    scopedOutcome,
    validation: evidence
      ? {
          state: evidence.state,
          shortfalls: evidence.progress.filter((p) => p.have < p.need),
          ...(evidence.invalidated ? { reason: evidence.invalidated.reason } : {}),
        }
      : undefined,
    feasibility: feasibility ? { novel: feasibility.novel, signOff } : undefined,
    timebox: timebox ?? undefined,
    learnedNote: issueNotes.spikeNote !== undefined,
    origin: origin
      ? {
          validated: origin.filter((o) => o.validated).map((o) => o.key),
          linkedDiscovery: origin.map((o) => o.key),
        }
      : undefined,
    config,
  });
  const checks = entry ? [...checklist.items, discoveryFirstCheck(entry)] : checklist.items;
  const canPromote = held.has('CREATE_ISSUES') && held.has('LINK_ISSUES');
  const promotion =
    kind === 'idea' && evidence
      ? promotionView(
          promotionBlockers({
            track,
            validation: {
              state: evidence.state,
              shortfalls: evidence.progress.filter((p) => p.have < p.need),
              ...(evidence.invalidated ? { reason: evidence.invalidated.reason } : {}),
            },
            feasibility: feasibility ? { novel: feasibility.novel, signOff } : undefined,
          }).map((b) => b.text),
          canPromote,
        )
      : null;
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
    headline: headlineOf(kind, statusCategory, checks, evidence, entry),
    checks,
    scopedOutcome: scopedOutcome ?? null,
    evidence,
    timebox,
    feasibility,
    learned: kind === 'spike' ? (issueNotes.spikeNote ?? null) : null,
    origin,
    promotedTo,
    canEdit: held.has('EDIT_ISSUES'),
    canPromote,
    promotion,
    triage: triageView(raw, ids.entryTriage),
    entry,
    notes,
  };
}

const PROMOTE_PERMISSIONS =
  'Promoting needs the Create issues and Link issues permissions in this project.';

/** Whether the panel offers Promote to delivery, and if not, why (the promote action's rules). */
function promotionView(blockers: string[], canPromote: boolean): PromotionView {
  if (blockers.length > 0) {
    return {
      allowed: false,
      reasons: blockers.map((b) => `${b.charAt(0).toUpperCase()}${b.slice(1)}.`),
    };
  }
  return canPromote
    ? { allowed: true, reasons: [] }
    : { allowed: false, reasons: [PROMOTE_PERMISSIONS] };
}

function triageView(raw: RawIssue, fieldId: string | undefined): TriageView {
  const value = fieldId ? readTriage(raw.fields[fieldId]) : undefined;
  return {
    available: fieldId !== undefined,
    value: value ?? null,
    text: value ? describeTriage(value) : null,
  };
}

/** The panel's view of a delivery item's entry verdict; null when it meets no criterion. */
function entryView(verdict: EntryVerdict, links: readonly IssueLink[]): EntryView | null {
  if (verdict.state === 'not-applicable') return null;
  const summaries = new Map<string, string>();
  for (const link of links) {
    const other = link.inwardIssue ?? link.outwardIssue;
    if (other) summaries.set(other.key, other.fields?.summary ?? '');
  }
  const ref = (key: string): IssueRef => ({ key, summary: summaries.get(key) ?? '' });
  return {
    state: verdict.state,
    reasons: verdict.reasons.map((r) => r.text),
    text: describeEntry(verdict),
    waitingOn: verdict.state === 'waiting' ? verdict.waitingOn.map(ref) : [],
    coveredBy: verdict.state === 'covered' ? ref(verdict.coveredBy) : null,
  };
}
