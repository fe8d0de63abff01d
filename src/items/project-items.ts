import { z } from 'zod';
import type { ValidationState } from '../domain/readiness';
import type { ProjectItem, StatusCategory } from '../domain/signals';
import { trackOfTypeName, type ItemKind, type Track } from '../domain/track';
import type { RawIssue } from '../jira/jira-gateway';
import { sameName } from '../domain/setup-plan';
import type { TrackMapping } from '../storage/track-mapping-store';
import { readScopedOutcome } from './scoped-outcome-field';

/**
 * Turns one issue of the search answer into the domain's ProjectItem: its track (from the
 * project's recorded mapping, or guessed from the type name when the project is not set up),
 * its kind, estimate, open sprint, scoped outcome and evidence summary.
 */

export interface ItemFieldIds {
  sprint: string | undefined;
  estimate: string | undefined;
  scopedOutcome: string | undefined;
  discoveryEvidence: string | undefined;
}

/** The fields the page asks the search for. */
export function searchFields(ids: ItemFieldIds): string[] {
  const fields = [
    'summary',
    'issuetype',
    'status',
    'created',
    'updated',
    'statuscategorychangedate',
    'issuelinks',
    ids.sprint,
    ids.estimate,
    ids.scopedOutcome,
    ids.discoveryEvidence,
  ].filter((f): f is string => f !== undefined);
  return [...new Set(fields)];
}

/** Which track an issue type is on. */
export interface TrackResolver {
  trackOf(issueTypeId: string, issueTypeName: string): Track;
  /** True when the project has no recorded mapping and names decide. */
  guessed: boolean;
}

/** Every item of a Jira Product Discovery space is an idea on the discovery track (docs/jpd.md). */
export const JPD_SPACE_TRACKS: TrackResolver = { guessed: false, trackOf: () => 'discovery' };

export function trackResolver(
  mapping: TrackMapping | undefined,
  discoveryTypeNames: readonly string[],
): TrackResolver {
  const byName = (name: string): Track => trackOfTypeName(name, discoveryTypeNames);
  if (!mapping) return { guessed: true, trackOf: (_id, name) => byName(name) };
  const byId = new Map(mapping.types.map((t) => [t.issueTypeId, t.track]));
  return { guessed: false, trackOf: (id, name) => byId.get(id) ?? byName(name) };
}

export function kindOf(issueTypeName: string, track: Track): ItemKind {
  if (track === 'delivery') return 'delivery';
  if (sameName(issueTypeName, 'Spike')) return 'spike';
  if (sameName(issueTypeName, 'Enabler')) return 'enabler';
  return 'idea';
}

/** An issue's type and status as Jira answers them (the fields every item read asks for). */
export const IssueTypeRefSchema = z.object({ id: z.string(), name: z.string() }).passthrough();
export const IssueStatusSchema = z
  .object({
    name: z.string(),
    statusCategory: z
      .object({ key: z.enum(['new', 'indeterminate', 'done', 'undefined']) })
      .passthrough(),
  })
  .passthrough();

const CoreFieldsSchema = z
  .object({
    summary: z.string(),
    issuetype: IssueTypeRefSchema,
    status: IssueStatusSchema,
    created: z.string(),
    updated: z.string(),
    statuscategorychangedate: z.string().nullish(),
  })
  .passthrough();

const SprintValueSchema = z
  .object({ id: z.number().int(), state: z.string(), completeDate: z.string().optional() })
  .passthrough();
export type SprintValue = z.infer<typeof SprintValueSchema>;
const SprintFieldSchema = z.array(SprintValueSchema).nullish();

export const EvidenceSummarySchema = z
  .object({
    interviews: z.number().int().min(0),
    usabilityTests: z.number().int().min(0),
    prototypeReviews: z.number().int().min(0),
    conciergeTests: z.number().int().min(0),
    experiments: z.number().int().min(0),
    latest: z.string().nullable().optional(),
    state: z.enum(['unvalidated', 'validated', 'invalidated']),
  })
  .passthrough();
export type EvidenceSummary = z.infer<typeof EvidenceSummarySchema>;

/** Jira's "2026-11-01T09:00:00.000+0000" as an ISO timestamp; unreadable values stay as given. */
export function isoOf(jiraDate: string): string {
  const date = new Date(jiraDate.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
  return Number.isNaN(date.getTime()) ? jiraDate : date.toISOString();
}

/** The Sprint field's value as sprint references; an unreadable value counts as none. */
export function sprintsOf(raw: unknown): SprintValue[] {
  const parsed = SprintFieldSchema.safeParse(raw);
  return parsed.success ? (parsed.data ?? []) : [];
}

export function evidenceOf(raw: unknown): EvidenceSummary | undefined {
  let value = raw;
  if (typeof raw === 'string') {
    try {
      value = JSON.parse(raw);
    } catch {
      return undefined;
    }
  }
  const parsed = EvidenceSummarySchema.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}

export function evidenceTotal(e: EvidenceSummary): number {
  return e.interviews + e.usabilityTests + e.prototypeReviews + e.conciergeTests + e.experiments;
}

const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;

/** "2 interviews · 1 usability test"; null when nothing is recorded. */
export function describeEvidence(e: EvidenceSummary | undefined): string | null {
  if (!e) return null;
  const parts = [
    [e.interviews, 'interview'],
    [e.usabilityTests, 'usability test'],
    [e.prototypeReviews, 'prototype review'],
    [e.conciergeTests, 'concierge test'],
    [e.experiments, 'experiment'],
  ] as const;
  const text = parts.filter(([n]) => n > 0).map(([n, word]) => plural(n, word));
  return text.length > 0 ? text.join(' · ') : null;
}

const NUMBER = z.number().finite();

/** Links as a search answers them: the other issue's type is enough to know its track. */
const LinkedSchema = z
  .object({ fields: z.object({ issuetype: IssueTypeRefSchema }).passthrough() })
  .passthrough();
const LinksSchema = z
  .array(
    z
      .object({ inwardIssue: LinkedSchema.optional(), outwardIssue: LinkedSchema.optional() })
      .passthrough(),
  )
  .nullish();

export interface ParsedItem {
  item: ProjectItem;
  evidence: EvidenceSummary | undefined;
}

/** One search result as a ProjectItem; throws a ZodError when Jira's core fields are missing. */
export function toProjectItem(raw: RawIssue, ids: ItemFieldIds, tracks: TrackResolver): ParsedItem {
  const core = CoreFieldsSchema.parse(raw.fields);
  const track = tracks.trackOf(core.issuetype.id, core.issuetype.name);
  const kind = kindOf(core.issuetype.name, track);
  const category = core.status.statusCategory.key;
  const statusCategory: StatusCategory = category === 'undefined' ? 'new' : category;
  const estimateRaw = ids.estimate ? NUMBER.safeParse(raw.fields[ids.estimate]) : undefined;
  const sprints = ids.sprint ? sprintsOf(raw.fields[ids.sprint]) : [];
  const open =
    sprints.find((s) => s.state === 'active') ?? sprints.find((s) => s.state === 'future');
  const outcome = ids.scopedOutcome
    ? readScopedOutcome(raw.fields, ids.scopedOutcome)
    : { kind: 'empty' as const };
  const evidence =
    ids.discoveryEvidence && track === 'discovery'
      ? evidenceOf(raw.fields[ids.discoveryEvidence])
      : undefined;
  const validation: ValidationState | undefined = evidence?.state;
  const links = LinksSchema.safeParse(raw.fields['issuelinks']);
  const deliveryLinks = links.success
    ? (links.data ?? []).filter((link) => {
        const other = link.inwardIssue ?? link.outwardIssue;
        return other
          ? tracks.trackOf(other.fields.issuetype.id, other.fields.issuetype.name) === 'delivery'
          : false;
      }).length
    : undefined;
  return {
    evidence,
    item: {
      key: raw.key,
      id: raw.id,
      summary: core.summary,
      issueType: core.issuetype.name,
      kind,
      track,
      status: core.status.name,
      statusCategory,
      estimate: estimateRaw?.success ? estimateRaw.data : undefined,
      scopedOutcome: outcome.kind === 'present' ? outcome.value : undefined,
      validation,
      evidenceCount: evidence ? evidenceTotal(evidence) : 0,
      sprint: open
        ? { id: open.id, state: open.state === 'active' ? 'active' : 'future' }
        : undefined,
      created: isoOf(core.created),
      updated: isoOf(core.updated),
      statusCategoryChanged: core.statuscategorychangedate
        ? isoOf(core.statuscategorychangedate)
        : undefined,
      ...(evidence?.latest ? { latestEvidence: evidence.latest } : {}),
      ...(deliveryLinks === undefined ? {} : { deliveryLinks }),
    },
  };
}
