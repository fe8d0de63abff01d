import { z } from 'zod';
import type { Track } from '../domain/track';
import type { Triage } from '../domain/entry-criteria';
import type { ExploreKind } from '../contract/bridge-contract';
import { kindOf, type TrackResolver } from '../items/project-items';
import { explainJiraFailure, isJiraError } from '../jira/errors';
import { issueLinkTypes, type LinkType } from '../jira/issues';
import { createWithOptionalField, linkItems, refusedField } from '../items/create-and-link';
import type { JiraGateway } from '../jira/jira-gateway';
import type { ProjectIssueType } from '../jira/projects';
import { logger } from '../runtime/log';
import { markExploreLinked, type ExploreRecord, type ExploreState } from '../storage/explore-store';
import { conflict, existing, type ExploreAnswer } from './explore-answers';

/** Explore first's Jira work: which type and link type, creating the item, linking it. */

const log = logger('explore-first');

export const ItemFieldsSchema = z
  .object({
    summary: z.string().optional(),
    status: z
      .object({ statusCategory: z.object({ key: z.string() }).passthrough() })
      .passthrough()
      .optional(),
    issuetype: z.object({ id: z.string(), name: z.string() }).passthrough().optional(),
  })
  .passthrough();

export const norm = (value: string | undefined) => value?.trim().toLowerCase() ?? '';

/**
 * The link type that makes the new item block the delivery item: "Blocks" (or a type described
 * "blocks" / "is blocked by"), else "Relates". Undefined when the site has neither.
 */
export function chooseBlockingLinkType<
  T extends { name: string; inward?: string | undefined; outward?: string | undefined },
>(types: readonly T[]): T | undefined {
  return (
    types.find((t) => norm(t.name) === 'blocks') ??
    types.find((t) => norm(t.outward) === 'blocks' || norm(t.inward) === 'is blocked by') ??
    types.find((t) => norm(t.name) === 'relates')
  );
}

export const KIND_NAMES: Record<ExploreKind, string> = { spike: 'Spike', idea: 'Discovery' };

export /** The issue type to create: a standard type of the project on the discovery track of this kind. */
function chooseType(
  types: readonly ProjectIssueType[],
  kind: ExploreKind,
  tracks: TrackResolver,
): { id: string; name: string } | undefined {
  const candidates = types.filter((t) => {
    if (t.subtask === true) return false;
    const track: Track = tracks.trackOf(t.id, t.name);
    return track === 'discovery' && kindOf(t.name, track) === kind;
  });
  return candidates.find((t) => norm(t.name) === norm(KIND_NAMES[kind])) ?? candidates[0];
}

export async function createItem(
  jira: JiraGateway,
  args: {
    project: { id: string };
    typeId: string;
    question: string;
    description: unknown;
    triageField: string | undefined;
    triage: Triage | undefined;
    /** A spike's scoped outcome, in the app's Scoped outcome field. */
    outcome?: { fieldId: string; value: unknown } | undefined;
  },
): Promise<{ issue: { id: string; key: string }; triageCopied: boolean; triageNote: string }> {
  const item = {
    project: args.project,
    typeId: args.typeId,
    summary: args.question,
    description: args.description,
  };
  const optional =
    args.triageField && args.triage ? { fieldId: args.triageField, value: args.triage } : undefined;
  const outcome = args.outcome;
  if (!outcome) return describeCreated(await createWithOptionalField(jira, item, optional));
  try {
    const made = await createWithOptionalField(
      jira,
      { ...item, extra: { [outcome.fieldId]: outcome.value } },
      optional,
    );
    return describeCreated(made);
  } catch (error) {
    // The Scoped outcome field is not on the create screen: the spike matters more; say so.
    if (!refusedField(error, outcome.fieldId)) throw error;
    const made = describeCreated(await createWithOptionalField(jira, item, optional));
    return {
      ...made,
      triageNote: `${made.triageNote} Its scoped outcome was NOT set (${explainJiraFailure(error)}): enter it on the spike before planning it into a sprint.`,
    };
  }
}

function describeCreated(made: Awaited<ReturnType<typeof createWithOptionalField>>): {
  issue: { id: string; key: string };
  triageCopied: boolean;
  triageNote: string;
} {
  if (made.fieldSet) {
    return {
      issue: made.issue,
      triageCopied: true,
      triageNote: ' The Entry triage was copied to it.',
    };
  }
  return {
    issue: made.issue,
    triageCopied: false,
    triageNote: made.refusal
      ? ` The Entry triage was not copied (${explainJiraFailure(made.refusal)}): a Jira admin can add the Entry triage field to its create screen.`
      : '',
  };
}

/** The new item blocks the delivery item: "DT-90 blocks DT-5". */
export async function blockWith(
  jira: JiraGateway,
  linkType: LinkType,
  discoveryId: string,
  deliveryId: string,
): Promise<void> {
  await linkItems(jira, linkType.id, { id: discoveryId }, { id: deliveryId });
}

/**
 * An earlier Explore first created an item but could not link it: link that item now, if it
 * still exists, is open and is on the discovery track. Undefined when it is gone or done (a new
 * item may then be created).
 */
export async function relink(
  jira: JiraGateway,
  delivery: { id: string; key: string },
  { record, state }: { record: ExploreRecord; state: ExploreState },
  tracks: TrackResolver,
  who: { accountId: string; now: Date },
): Promise<ExploreAnswer | undefined> {
  let fields: z.infer<typeof ItemFieldsSchema>;
  try {
    const raw = await jira.getIssue(record.created.key, ['summary', 'status', 'issuetype']);
    fields = ItemFieldsSchema.parse(raw.fields);
  } catch (error) {
    if (isJiraError(error) && error.kind === 'not-found') return undefined;
    throw error;
  }
  const type = fields.issuetype;
  if (!type || tracks.trackOf(type.id, type.name) !== 'discovery') return undefined;
  if (fields.status?.statusCategory.key === 'done') return undefined;
  const linkType = chooseBlockingLinkType(await issueLinkTypes(jira));
  if (!linkType) {
    return conflict(
      `${record.created.key} (created with Explore first) is still not linked to ${delivery.key}, and this Jira site has neither a "Blocks" nor a "Relates" issue link type: link it by hand.`,
    );
  }
  try {
    await blockWith(jira, linkType, record.created.id, delivery.id);
  } catch (error) {
    return conflict(
      `${record.created.key} (created with Explore first) is still not linked to ${delivery.key}: ${reasonFor(error)}. Link it by hand; no second item was created.`,
    );
  }
  const marked = await markExploreLinked(delivery.id, record.generation, who.now, state);
  // Another Explore first recorded a newer item meanwhile: that is the one to answer with.
  if (marked.status === 'superseded' && marked.current) {
    return { ok: true, result: existing(marked.current) };
  }
  const how = linkType.outward ?? linkType.name;
  return {
    ok: true,
    result: {
      outcome: 'existing',
      item: { id: record.created.id, key: record.created.key, kind: record.kind },
      linked: true,
      linkType: { id: linkType.id, name: linkType.name },
      triageCopied: false,
      message: `Linked ${record.created.key}, created earlier with Explore first: ${record.created.key} ${how} ${delivery.key}. No second item was created.`,
    },
  };
}

export function reasonFor(error: unknown): string {
  if (isJiraError(error)) return explainJiraFailure(error);
  log.error('unexpected failure', {
    error: error instanceof Error ? error.message : String(error),
  });
  return 'an unexpected error; the details are in the app logs';
}
