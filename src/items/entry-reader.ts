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
import { BULK_FETCH_MAX, bulkFetchIssues, hasSecurityLevel } from '../jira/issues';
import type { JiraGateway, RawIssue } from '../jira/jira-gateway';
import { evidenceOf, kindOf, type TrackResolver } from './project-items';
import { isJpdLink } from '../domain/jpd';

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
            type: z.object({ name: z.string().optional() }).passthrough().optional(),
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
  /**
   * Linked discovery items this reading read and found without an issue security level: the
   * only ones a text written as the app may name (with `forText`; otherwise empty).
   */
  unrestricted: ReadonlySet<string>;
  /** Jira requests this reading made beyond the caller's read of the issue (0 or 1). */
  requests: number;
}

const isUnrestricted = (raw: RawIssue): boolean => !hasSecurityLevel(raw.fields);

const category = (key: z.infer<typeof CategorySchema>): LinkedDiscovery['statusCategory'] =>
  key === 'undefined' ? 'indeterminate' : key;

type EntryParts = Omit<EntryReading, 'verdict' | 'requests' | 'unrestricted'>;

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
    // The other end of JPD's delivery link is an idea of a discovery space (docs/jpd.md).
    const jpdIdea = isJpdLink(link.type);
    const otherTrack = jpdIdea
      ? 'discovery'
      : tracks.trackOf(other.fields.issuetype.id, other.fields.issuetype.name);
    if (otherTrack !== 'discovery') continue;
    linked.push({
      key: other.key,
      kind: jpdIdea ? 'idea' : kindOf(other.fields.issuetype.name, otherTrack),
      track: otherTrack,
      statusCategory: category(other.fields.status.statusCategory.key),
      validation: undefined,
    });
  }
  return { track, kind, triage, facts, linked };
}

/**
 * Linked items to read: the ideas whose evidence could change the verdict (it is neither
 * decided nor covered), or every linked idea when the caller needs them all (runway); with
 * `forText`, every linked discovery item of such a verdict, for its issue security level.
 */
function linkedToRead(
  parts: EntryParts,
  verdict: EntryVerdict,
  opts: { all?: boolean | undefined; forText?: boolean | undefined },
): LinkedDiscovery[] {
  const open = verdict.state !== 'not-applicable' && verdict.state !== 'covered';
  if (!open && !opts.all) return [];
  if (open && opts.forText) return parts.linked;
  return parts.linked.filter((l) => l.kind === 'idea');
}

/** The fields a read of linked items asks for: their evidence, and their level for texts. */
function linkedFields(ids: EntryFieldIds, forText: boolean | undefined): string[] {
  return [ids.discoveryEvidence, forText ? 'security' : undefined].filter(
    (f): f is string => f !== undefined,
  );
}

/**
 * The entry verdict of an issue the caller has read with `entryIssueFields`. `jira` is used only
 * for the linked items (their evidence; with `forText`, their issue security level too), as
 * whoever the caller acts for: one bulkfetch at most.
 */
export async function entryVerdictOf(args: {
  issue: RawIssue;
  ids: EntryFieldIds;
  tracks: TrackResolver;
  config: Config;
  jira: JiraGateway;
  /** The verdict will be told as the app (refusal, comment): read what it may name. */
  forText?: boolean;
}): Promise<EntryReading> {
  const { issue, ids, tracks, config } = args;
  const parts = entryPartsOf(issue, ids, tracks);
  const first = checkEntry({ ...parts, config });
  const toRead = linkedToRead(parts, first, { forText: args.forText });
  const fields = linkedFields(ids, args.forText);
  if (toRead.length === 0 || fields.length === 0) {
    return { ...parts, verdict: first, unrestricted: new Set(), requests: 0 };
  }
  const issues = await bulkFetchIssues(
    args.jira,
    toRead.slice(0, BULK_FETCH_MAX).map((l) => l.key),
    fields,
  );
  const byKey = new Map(issues.map((i) => [i.key, i]));
  const evidenceField = ids.discoveryEvidence;
  if (evidenceField) {
    for (const idea of toRead.filter((l) => l.kind === 'idea')) {
      const raw = byKey.get(idea.key);
      idea.validation = raw ? evidenceOf(raw.fields[evidenceField])?.state : undefined;
    }
  }
  const unrestricted = new Set(args.forText ? issues.filter(isUnrestricted).map((i) => i.key) : []);
  return { ...parts, verdict: checkEntry({ ...parts, config }), unrestricted, requests: 1 };
}

/**
 * Starts the bulkfetches (at most 100 keys each) of linked items, recording each key's evidence
 * read in `shared`; `unrestricted` fills, as they answer, with the keys found without a level.
 */
function startLinkedReads(
  jira: JiraGateway,
  keys: readonly string[],
  fields: readonly string[],
  opts: {
    evidenceField: string | undefined;
    forText: boolean | undefined;
    shared: Map<string, Promise<ValidationState | null>>;
  },
): { batches: number; unrestricted: Set<string> } {
  const unrestricted = new Set<string>();
  let batches = 0;
  for (let i = 0; i < keys.length; i += BULK_FETCH_MAX) {
    const batch = keys.slice(i, i + BULK_FETCH_MAX);
    batches += 1;
    const answer = bulkFetchIssues(jira, batch, fields).then((issues) => {
      if (opts.forText) for (const raw of issues.filter(isUnrestricted)) unrestricted.add(raw.key);
      const field = opts.evidenceField;
      return new Map(
        issues.map((raw) => [raw.key, field ? evidenceOf(raw.fields[field])?.state : undefined]),
      );
    });
    for (const key of batch)
      opts.shared.set(
        key,
        answer.then((s) => s.get(key) ?? null),
      );
  }
  return { batches, unrestricted };
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
  /** The verdicts will be told as the app: read the linked items' issue security levels too. */
  forText?: boolean;
}): Promise<{ readings: EntryReading[]; requests: number }> {
  const { ids, tracks, config } = args;
  const known = args.known ?? new Map<string, ValidationState | null>();
  const opts = { all: args.allLinkedIdeas, forText: args.forText };
  const drafts = args.issues.map((issue) => {
    const parts = entryPartsOf(issue, ids, tracks);
    return { parts, verdict: checkEntry({ ...parts, config }) };
  });
  const fields = linkedFields(ids, args.forText);
  const toFetch = new Set<string>();
  for (const { parts, verdict } of drafts) {
    for (const l of linkedToRead(parts, verdict, opts)) {
      if (fields.length > 0 && (args.forText || !known.has(l.key))) toFetch.add(l.key);
    }
  }
  const evidenceField = ids.discoveryEvidence;
  // A read for texts needs each item's level, so it shares no other caller's reads.
  const shared = args.forText
    ? new Map<string, Promise<ValidationState | null>>()
    : (args.shared ?? new Map<string, Promise<ValidationState | null>>());
  const keys = [...toFetch].filter((k) => !shared.has(k));
  const { batches, unrestricted } = startLinkedReads(args.jira, keys, fields, {
    evidenceField,
    forText: args.forText,
    shared,
  });
  const fetched = new Map<string, ValidationState | null>();
  await Promise.all(
    [...toFetch].map(async (key) => {
      const state = shared.get(key);
      if (state) fetched.set(key, await state);
    }),
  );
  const readings = drafts.map(({ parts, verdict }): EntryReading => {
    const read = linkedToRead(parts, verdict, opts);
    const named = new Set(read.map((l) => l.key).filter((k) => unrestricted.has(k)));
    if (read.length === 0 || fields.length === 0) {
      return { ...parts, verdict, unrestricted: named, requests: 0 };
    }
    if (evidenceField) {
      for (const idea of read.filter((l) => l.kind === 'idea')) {
        idea.validation = known.get(idea.key) ?? fetched.get(idea.key) ?? undefined;
      }
    }
    return {
      ...parts,
      verdict: checkEntry({ ...parts, config }),
      unrestricted: named,
      requests: 0,
    };
  });
  return { readings, requests: batches };
}
