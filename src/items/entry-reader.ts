import { z } from 'zod';
import type { Config } from '../domain/config';
import type { ValidationState } from '../domain/readiness';
import {
  checkEntry,
  readTriage,
  type EntryFacts,
  type EntryVerdict,
  type LinkedDiscovery,
  type Triage,
} from '../domain/entry-criteria';
import type { ItemKind, Track } from '../domain/track';
import { BULK_FETCH_MAX, bulkFetchIssues } from '../jira/issues';
import type { JiraGateway, RawIssue } from '../jira/jira-gateway';
import { evidenceOf, kindOf, type TrackResolver } from './project-items';

/**
 * Reads what the discovery entry criteria need of one issue and decides its verdict:
 * More: docs/internals.md#items-entry-reader-ts.
 */

export interface EntryFieldIds {
  entryTriage: string | undefined;
  discoveryEvidence: string | undefined;
}

/** The fields the issue read must include for `entryVerdictOf`. */
export function entryIssueFields(ids: EntryFieldIds): string[] {
  return ['issuetype', 'labels', 'components', 'issuelinks', ids.entryTriage].filter(
    (f): f is string => f !== undefined,
  );
}

const CategorySchema = z.enum(['new', 'indeterminate', 'done', 'undefined']);

const LinkedIssueSchema = z
  .object({
    id: z.string(),
    key: z.string(),
    fields: z
      .object({
        issuetype: z.object({ id: z.string(), name: z.string() }).passthrough(),
        status: z
          .object({ statusCategory: z.object({ key: CategorySchema }).passthrough() })
          .passthrough(),
      })
      .passthrough(),
  })
  .passthrough();

const EntryFieldsSchema = z
  .object({
    issuetype: z.object({ id: z.string(), name: z.string() }).passthrough(),
    labels: z.array(z.string()).nullish(),
    components: z.array(z.object({ name: z.string() }).passthrough()).nullish(),
    issuelinks: z
      .array(
        z
          .object({
            inwardIssue: LinkedIssueSchema.optional(),
            outwardIssue: LinkedIssueSchema.optional(),
          })
          .passthrough(),
      )
      .nullish(),
  })
  .passthrough();

export interface EntryReading {
  track: Track;
  kind: ItemKind;
  triage: Triage | undefined;
  facts: EntryFacts;
  linked: LinkedDiscovery[];
  verdict: EntryVerdict;
  /** Jira requests this reading made beyond the caller's read of the issue (0 or 1). */
  requests: number;
}

const category = (key: z.infer<typeof CategorySchema>): LinkedDiscovery['statusCategory'] =>
  key === 'undefined' ? 'indeterminate' : key;

type EntryParts = Omit<EntryReading, 'verdict' | 'requests'>;

/** What an issue read with `entryIssueFields` says, before any linked idea's evidence is read. */
function entryPartsOf(issue: RawIssue, ids: EntryFieldIds, tracks: TrackResolver): EntryParts {
  const parsed = EntryFieldsSchema.safeParse(issue.fields);
  if (!parsed.success) {
    throw new Error(
      `Jira's answer for ${issue.key} lacks what the discovery entry criteria need (issue type, labels, components, links).`,
    );
  }
  const f = parsed.data;
  const track = tracks.trackOf(f.issuetype.id, f.issuetype.name);
  const kind = kindOf(f.issuetype.name, track);
  const triage = ids.entryTriage ? readTriage(issue.fields[ids.entryTriage]) : undefined;
  const facts: EntryFacts = {
    triage,
    labels: f.labels ?? [],
    components: (f.components ?? []).map((c) => c.name),
  };
  const seen = new Set<string>();
  const linked: LinkedDiscovery[] = [];
  for (const link of f.issuelinks ?? []) {
    const other = link.inwardIssue ?? link.outwardIssue;
    if (!other || seen.has(other.id)) continue;
    seen.add(other.id);
    const otherTrack = tracks.trackOf(other.fields.issuetype.id, other.fields.issuetype.name);
    if (otherTrack !== 'discovery') continue;
    linked.push({
      key: other.key,
      kind: kindOf(other.fields.issuetype.name, otherTrack),
      track: otherTrack,
      statusCategory: category(other.fields.status.statusCategory.key),
      validation: undefined,
    });
  }
  return { track, kind, triage, facts, linked };
}

/**
 * Linked ideas whose evidence is read: those that could change the verdict (it is neither
 * decided nor covered), or every linked idea when the caller needs them all (runway).
 */
function ideasToRead(parts: EntryParts, verdict: EntryVerdict, all = false): LinkedDiscovery[] {
  if (!all && (verdict.state === 'not-applicable' || verdict.state === 'covered')) return [];
  return parts.linked.filter((l) => l.kind === 'idea');
}

/**
 * The entry verdict of an issue the caller has read with `entryIssueFields`. `jira` is used only
 * for the linked items' evidence, as whoever the caller acts for.
 */
export async function entryVerdictOf(args: {
  issue: RawIssue;
  ids: EntryFieldIds;
  tracks: TrackResolver;
  config: Config;
  jira: JiraGateway;
}): Promise<EntryReading> {
  const { issue, ids, tracks, config } = args;
  const { track, kind, triage, facts, linked } = entryPartsOf(issue, ids, tracks);

  let verdict = checkEntry({ track, facts, linked, config });
  let requests = 0;
  const ideas = linked.filter((l) => l.kind === 'idea');
  if (verdict.state !== 'not-applicable' && verdict.state !== 'covered' && ideas.length > 0) {
    if (ids.discoveryEvidence) {
      const evidenceField = ids.discoveryEvidence;
      const issues = await bulkFetchIssues(
        args.jira,
        ideas.slice(0, BULK_FETCH_MAX).map((l) => l.key),
        [evidenceField],
      );
      requests = 1;
      const byKey = new Map(issues.map((i) => [i.key, i]));
      for (const idea of ideas) {
        const raw = byKey.get(idea.key);
        idea.validation = raw ? evidenceOf(raw.fields[evidenceField])?.state : undefined;
      }
      verdict = checkEntry({ track, facts, linked, config });
    }
  }
  return { track, kind, triage, facts, linked, verdict, requests };
}

/**
 * The entry verdicts of many issues read with `entryIssueFields`, in their order. The evidence of
 * every linked idea that could change a verdict is read together, in bulkfetches of at most 100
 * (in parallel), except for ideas in `known`: validation states the caller has already read, by
 * issue key (null: read, no evidence). Each reading's `requests` is 0; `requests` is the total.
 */
export async function entryVerdictsOf(args: {
  issues: readonly RawIssue[];
  ids: EntryFieldIds;
  tracks: TrackResolver;
  config: Config;
  jira: JiraGateway;
  known?: ReadonlyMap<string, ValidationState | null>;
  /** Read the evidence of every linked idea, whatever the verdict. */
  allLinkedIdeas?: boolean;
  /**
   * Evidence reads shared by the callers of one load, by idea key: an idea another read is
   * fetching (or has fetched) is not fetched again.
   */
  shared?: Map<string, Promise<ValidationState | null>>;
}): Promise<{ readings: EntryReading[]; requests: number }> {
  const { ids, tracks, config } = args;
  const known = args.known ?? new Map<string, ValidationState | null>();
  const drafts = args.issues.map((issue) => {
    const parts = entryPartsOf(issue, ids, tracks);
    return { parts, verdict: checkEntry({ ...parts, config }) };
  });
  const toFetch = new Set<string>();
  for (const { parts, verdict } of drafts) {
    for (const idea of ideasToRead(parts, verdict, args.allLinkedIdeas)) {
      if (!known.has(idea.key) && ids.discoveryEvidence) toFetch.add(idea.key);
    }
  }
  const evidenceField = ids.discoveryEvidence;
  const shared = args.shared ?? new Map<string, Promise<ValidationState | null>>();
  const keys = [...toFetch].filter((k) => !shared.has(k));
  const batches: string[][] = [];
  for (let i = 0; i < keys.length; i += BULK_FETCH_MAX) {
    batches.push(keys.slice(i, i + BULK_FETCH_MAX));
  }
  if (evidenceField) {
    for (const batch of batches) {
      const answer = bulkFetchIssues(args.jira, batch, [evidenceField]).then(
        (issues) =>
          new Map(issues.map((raw) => [raw.key, evidenceOf(raw.fields[evidenceField])?.state])),
      );
      for (const key of batch)
        shared.set(
          key,
          answer.then((states) => states.get(key) ?? null),
        );
    }
  }
  const fetched = new Map<string, ValidationState | null>();
  await Promise.all(
    [...toFetch].map(async (key) => {
      const state = shared.get(key);
      if (state) fetched.set(key, await state);
    }),
  );
  const readings = drafts.map(({ parts, verdict }): EntryReading => {
    const ideas = ideasToRead(parts, verdict, args.allLinkedIdeas);
    if (ideas.length === 0 || !evidenceField) return { ...parts, verdict, requests: 0 };
    for (const idea of ideas) {
      idea.validation = known.get(idea.key) ?? fetched.get(idea.key) ?? undefined;
    }
    return { ...parts, verdict: checkEntry({ ...parts, config }), requests: 0 };
  });
  return { readings, requests: evidenceField ? batches.length : 0 };
}
