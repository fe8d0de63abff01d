import type { Config } from '../domain/config';
import {
  describeEntry,
  describeTriage,
  readTriage,
  type EntryVerdict,
} from '../domain/entry-criteria';
import { countEvidence, newestFirst, validationOf } from '../domain/evidence-log';
import type { ChecklistItem } from '../domain/item-checklist';
import { describeShortfall } from '../domain/readiness';
import type { StatusCategory } from '../domain/signals';
import type { SpikeOutcomeDraft } from '../domain/spike-draft';
import type { ItemKind } from '../domain/track';
import type { JiraGateway, RawIssue } from '../jira/jira-gateway';
import { displayNames } from '../jira/user-names';
import { activeWaiverFor, type Waiver } from '../domain/sprint-readiness';
import type {
  DiscoveryRef,
  EntryView,
  IssueEvidence,
  PromotionView,
  TriageView,
  WaiverView,
} from '../contract/issue-readiness';
import type { SpikeNote } from '../storage/issue-notes-store';
import type { StoredEvidence } from '../storage/evidence-store';
import type { IssueLink } from './panel-links';

/** How the panel words what was read: evidence, headline, entry verdict, promotion, triage. */

export function evidenceView(stored: StoredEvidence, rules: Config['validation']): IssueEvidence {
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
    rules: { minInterviews: rules.minInterviews, minUsabilityTests: rules.minUsabilityTests },
  };
}

/** The readiness check a delivery item meeting the discovery entry criteria adds. */
export function discoveryFirstCheck(entry: EntryView): ChecklistItem {
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

/** Required checks that fail: "3 of 3 checks fail". */
function failedText(checks: readonly ChecklistItem[]): string {
  const failing = checks.filter((c) => c.required && !c.passed).length;
  const required = checks.filter((c) => c.required).length;
  return `${failing} of ${required} ${required === 1 ? 'check fails' : 'checks fail'}`;
}

export function headlineOf(
  kind: ItemKind,
  statusCategory: StatusCategory,
  checks: readonly ChecklistItem[],
  evidence: IssueEvidence | null,
  entry: EntryView | null,
  waiver: WaiverView | null = null,
): string {
  const failing = checks.some((c) => c.required && !c.passed);
  if (waiver && failing) {
    const by = waiver.grantedByName ?? waiver.grantedBy;
    return `Waived until ${waiver.expiresOn} by ${by}: it may enter a sprint although ${failedText(checks)}.`;
  }
  return plainHeadlineOf(kind, statusCategory, checks, evidence, entry);
}

function plainHeadlineOf(
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
  const failed = failedText(checks);
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

const PROMOTE_PERMISSIONS =
  'Promoting needs the Create issues and Link issues permissions in this project.';

/**
 * Whether the panel offers Promote to delivery, and if not, why (the promote action's rules):
 * `canPromote` is false without the permissions, or the reason it is promoted elsewhere.
 */
export function promotionView(blockers: string[], canPromote: boolean | string): PromotionView {
  if (blockers.length > 0) {
    return {
      allowed: false,
      reasons: blockers.map((b) => `${b.charAt(0).toUpperCase()}${b.slice(1)}.`),
    };
  }
  if (typeof canPromote === 'string') return { allowed: false, reasons: [canPromote] };
  return canPromote
    ? { allowed: true, reasons: [] }
    : { allowed: false, reasons: [PROMOTE_PERMISSIONS] };
}

export function triageView(raw: RawIssue, fieldId: string | undefined): TriageView {
  const value = fieldId ? readTriage(raw.fields[fieldId]) : undefined;
  return {
    available: fieldId !== undefined,
    value: value ?? null,
    text: value ? describeTriage(value) : null,
  };
}

/**
 * The panel's view of a delivery item's entry verdict; null when it meets no criterion. Each
 * linked discovery item it names carries its status from the caller's read of the links and the
 * decision in `notes` (spike notes by issue id).
 */
export function entryView(
  verdict: EntryVerdict,
  links: readonly IssueLink[],
  notes: ReadonlyMap<string, SpikeNote> = new Map(),
  spikeDraft: SpikeOutcomeDraft | null = null,
): EntryView | null {
  if (verdict.state === 'not-applicable') return null;
  const linked = new Map<string, NonNullable<IssueLink['inwardIssue']>>();
  for (const link of links) {
    const other = link.inwardIssue ?? link.outwardIssue;
    if (other) linked.set(other.key, other);
  }
  const ref = (key: string): DiscoveryRef => {
    const other = linked.get(key);
    const status = other?.fields?.status;
    const category = status?.statusCategory?.key;
    const note = other ? notes.get(other.id) : undefined;
    return {
      key,
      summary: other?.fields?.summary ?? '',
      status: status?.name ?? '',
      statusCategory: category === 'done' || category === 'new' ? category : 'indeterminate',
      decision: note ? { note: note.note, at: note.at } : null,
    };
  };
  return {
    state: verdict.state,
    reasons: verdict.reasons.map((r) => r.text),
    text: describeEntry(verdict),
    waitingOn: verdict.state === 'waiting' ? verdict.waitingOn.map(ref) : [],
    coveredBy: verdict.state === 'covered' ? ref(verdict.coveredBy) : null,
    spikeDraft: verdict.state === 'needs-discovery' ? spikeDraft : null,
  };
}

/** The item's active waiver (an expired one no longer counts), with its granter's name. */
export async function waiverView(
  waivers: readonly Waiver[],
  issueId: string,
  jira: JiraGateway,
  now: Date,
): Promise<WaiverView | null> {
  const waiver = activeWaiverFor(waivers, issueId, now);
  if (!waiver) return null;
  const names = await displayNames(jira, [waiver.grantedBy]);
  return {
    grantedBy: waiver.grantedBy,
    grantedByName: names.get(waiver.grantedBy) ?? null,
    reason: waiver.reason,
    expiresOn: waiver.expiresOn,
    grantedAt: waiver.grantedAt,
  };
}
