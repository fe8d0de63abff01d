import { z } from 'zod';
import type { Config } from '../domain/config';
import { readTriage, type EntryVerdict } from '../domain/entry-criteria';
import { validationOf } from '../domain/evidence-log';
import { draftSpikeOutcome } from '../domain/spike-draft';
import type { Track } from '../domain/track';
import { entryVerdictsOf, type EntryFieldIds } from '../items/entry-reader';
import { kindOf, type TrackResolver } from '../items/project-items';
import type { JiraGateway, RawIssue } from '../jira/jira-gateway';
import type { EntryView, LinkedItem } from '../contract/issue-readiness';
import { readEvidence } from '../storage/evidence-store';
import { readSpikeNotes } from '../storage/issue-notes-store';
import { entryView } from './panel-views';
import { isJpdLink } from '../domain/jpd';

/** An item's links as the panel reads them: where a delivery item comes from, what an idea became. */

/** Linked discovery items whose validation a delivery item's panel looks up. */
export const MAX_LINKED = 10;

const LinkedIssueSchema = z
  .object({
    id: z.string(),
    key: z.string(),
    fields: z
      .object({
        summary: z.string().optional(),
        issuetype: z.object({ id: z.string(), name: z.string() }).passthrough().optional(),
        status: z
          .object({
            name: z.string().optional(),
            statusCategory: z.object({ key: z.string() }).passthrough().optional(),
          })
          .passthrough()
          .optional(),
      })
      .passthrough()
      .optional(),
  })
  .passthrough();

export const IssueLinkSchema = z
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

export type IssueLink = z.infer<typeof IssueLinkSchema>;
type LinkedIssue = z.infer<typeof LinkedIssueSchema>;

const norm = (text: string | undefined) => text?.trim().toLowerCase() ?? '';

/**
 * Promote links the new delivery item as the outward issue ("DT-5 implements DT-1"); a Relates
 * link reads the same both ways. So a delivery item comes from the discovery items on the other
 * end of an implements-style link it is the outward issue of, or of any Relates link.
 */
function originOf(link: IssueLink): LinkedIssue | undefined {
  // JPD's delivery link: the other end is the idea, whichever way round (docs/jpd.md).
  if (isJpdLink(link.type)) return link.inwardIssue ?? link.outwardIssue;
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
  if (isJpdLink(link.type)) return link.outwardIssue ?? link.inwardIssue;
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

/**
 * A delivery item's origin (the discovery items it comes from, with whether each is validated)
 * and its discovery entry verdict, from its links and the linked ideas' evidence.
 */
export async function deliveryLinks(args: {
  raw: RawIssue;
  links: readonly IssueLink[];
  tracks: TrackResolver;
  config: Config;
  entryIds: EntryFieldIds;
  jira: JiraGateway;
}): Promise<{ origin: LinkedItem[]; entry: EntryView | null }> {
  const { links, tracks, config } = args;
  // The other end of JPD's delivery link is an idea of a connected space, whatever its type's
  // track in this project (docs/jpd.md).
  const discovery = links
    .flatMap((link) => {
      const other = originOf(link);
      if (!other) return [];
      return isJpdLink(link.type) || trackOfLinked(other, tracks) === 'discovery' ? [other] : [];
    })
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
  const origin = discovery.map((l) => ({
    key: l.key,
    summary: l.fields?.summary ?? '',
    validated: validation.get(l.key) === 'validated',
  }));
  const { readings } = await entryVerdictsOf({
    issues: [args.raw],
    ids: args.entryIds,
    tracks,
    config,
    jira: args.jira,
    known: validation,
  });
  const verdict = readings[0]?.verdict;
  if (!verdict) return { origin, entry: null };
  const summary = typeof args.raw.fields.summary === 'string' ? args.raw.fields.summary : '';
  const triage = args.entryIds.entryTriage
    ? readTriage(args.raw.fields[args.entryIds.entryTriage])
    : undefined;
  const draft = draftSpikeOutcome(
    { key: args.raw.key, summary },
    { reasons: verdict.reasons, triage },
    config.spike,
  );
  return {
    origin,
    entry: entryView(verdict, links, await decisionsOf(verdict, links), draft),
  };
}

/**
 * The decisions recorded on the items the verdict names, by issue id: one storage read. Only
 * items on the caller's own read of the links are looked up, and Jira leaves out of that read
 * any linked issue the caller may not see.
 */
async function decisionsOf(verdict: EntryVerdict, links: readonly IssueLink[]) {
  const named = new Set(
    verdict.state === 'waiting'
      ? verdict.waitingOn
      : verdict.state === 'covered'
        ? [verdict.coveredBy]
        : [],
  );
  const ids = links
    .map((l) => l.inwardIssue ?? l.outwardIssue)
    .filter((l): l is LinkedIssue => l !== undefined && named.has(l.key))
    .map((l) => l.id);
  return readSpikeNotes(ids);
}

/** The delivery items an idea was promoted to. */
export function promotedToOf(links: readonly IssueLink[], tracks: TrackResolver): LinkedItem[] {
  return links
    .flatMap((link) => {
      const other = promotedOf(link);
      if (!other) return [];
      return isJpdLink(link.type) || trackOfLinked(other, tracks) === 'delivery' ? [other] : [];
    })
    .map((l) => ({ key: l.key, summary: l.fields?.summary ?? '', validated: false }));
}
