import { route } from '@forge/api';
import { z } from 'zod';
import {
  describeReasons,
  describeTriage,
  type EntryReason,
  type Triage,
} from '../domain/entry-criteria';
import type { Track } from '../domain/track';
import { explainJiraFailure, isJiraError } from '../jira/errors';
import type { JiraGateway } from '../jira/jira-gateway';
import { kindOf, trackResolver, type TrackResolver } from '../items/project-items';
import type { ExploreFirstInput, ExploreKind } from '../contract/bridge-contract';
import { loadDecisionContext } from '../storage/config-store';
import {
  claimExplore,
  markExploreLinked,
  peekExplore,
  readExploreState,
  recordExplore,
  releaseExplore,
  type ExploreRecord,
  type ExploreState,
} from '../storage/explore-store';
import { readTrackMapping } from '../storage/track-mapping-store';
import { appFieldIds } from '../items/app-fields';
import { entryIssueFields, entryVerdictOf } from '../items/entry-reader';

/**
 * "Explore first": from a delivery item that meets the discovery entry criteria with nothing
 * linked that answers them, create a Spike or a Discovery item (idea) in the same project with
 * the question to answer, and link it so that the delivery item is blocked by it ("Blocks" when
 * the site has it, else "Relates"). The new item carries the delivery item's Entry triage. All
 * of it as the user: Jira applies its own permissions and screens as well.
 *
 * Idempotent: the item created is remembered in storage for the delivery item
 * (src/storage/explore-store.ts). While it is linked and not done, another call (a double
 * click, a second person, a retry) answers it instead of creating another; a creation in
 * progress is waited for. Nothing is half-written silently: when the link fails after the item
 * was created, the item is kept (deleting needs the Delete issues permission many users lack,
 * and the item may already be useful), the answer says so and names it, and the next call links
 * that item instead of creating a second one.
 *
 * Cost, as the user: GET issue (the delivery item: summary, status, type, labels, components,
 * links, triage), plus POST issue/bulkfetch when linked ideas decide the verdict; to create:
 * GET issuetype/project, GET issueLinkType, POST issue, POST issueLink. Storage: settings,
 * track mapping and the record with its version (3 reads), a claim and the record (2 writes: the
 * record's is conditioned on the version read at the start; a record changed meanwhile costs a
 * read and a retry, see versioned-record.ts).
 */

export interface ExploreFirstResult {
  /** `created` now, or `existing`: an item Explore first created before. */
  outcome: 'created' | 'existing';
  item: { id: string; key: string; kind: ExploreKind };
  /** Whether the delivery item is linked to it (blocked by it). */
  linked: boolean;
  linkType: { id: string; name: string } | null;
  /** Whether the new item got the delivery item's Entry triage. */
  triageCopied: boolean;
  message: string;
}

export type ExploreAnswer =
  | { ok: true; result: ExploreFirstResult }
  | { ok: false; code: 'conflict'; message: string; details?: unknown };

export interface ExploreWait {
  sleep: (ms: number) => Promise<void>;
  /** How long to wait for a creation another call has under way. */
  maxWaitMs: number;
}

const DEFAULT_WAIT: ExploreWait = {
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  maxWaitMs: 8000,
};
const POLL_MS = 250;

const IssueTypesSchema = z.array(
  z.object({ id: z.string(), name: z.string(), subtask: z.boolean().optional() }).passthrough(),
);

const LinkTypesSchema = z
  .object({
    issueLinkTypes: z.array(
      z
        .object({
          id: z.string(),
          name: z.string(),
          inward: z.string().optional(),
          outward: z.string().optional(),
        })
        .passthrough(),
    ),
  })
  .passthrough();
type LinkType = z.infer<typeof LinkTypesSchema>['issueLinkTypes'][number];

const CreatedSchema = z.object({ id: z.string(), key: z.string() }).passthrough();

const ItemFieldsSchema = z
  .object({
    summary: z.string().optional(),
    status: z
      .object({ statusCategory: z.object({ key: z.string() }).passthrough() })
      .passthrough()
      .optional(),
    issuetype: z.object({ id: z.string(), name: z.string() }).passthrough().optional(),
  })
  .passthrough();

const norm = (value: string | undefined) => value?.trim().toLowerCase() ?? '';

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

const KIND_NAMES: Record<ExploreKind, string> = { spike: 'Spike', idea: 'Discovery' };

function conflict(message: string, details?: unknown): ExploreAnswer {
  return { ok: false, code: 'conflict', message, ...(details === undefined ? {} : { details }) };
}

export async function exploreFirst(args: {
  jira: JiraGateway;
  delivery: { id: string; key: string };
  project: { id: string; key: string };
  input: ExploreFirstInput;
  who: { accountId: string; now: Date };
  wait?: ExploreWait;
}): Promise<ExploreAnswer> {
  const { jira, delivery, project, input, who } = args;
  const [decision, mapping, state] = await Promise.all([
    loadDecisionContext(project.key),
    readTrackMapping(project.key),
    readExploreState(delivery.id),
  ]);
  const config = decision.config;
  const { ids } = await appFieldIds(['entryTriage', 'discoveryEvidence'], decision.fields, jira);
  const raw = await jira.getIssue(delivery.key, ['summary', 'status', ...entryIssueFields(ids)]);
  const tracks = trackResolver(mapping, config.tracks.discoveryTypeNames);
  const reading = await entryVerdictOf({ issue: raw, ids, tracks, config, jira });
  const summary = ItemFieldsSchema.parse(raw.fields).summary ?? '';

  if (reading.track !== 'delivery') {
    return conflict(
      `${delivery.key} is on the discovery track: Explore first starts discovery for delivery items.`,
    );
  }
  const verdict = reading.verdict;
  if (verdict.state === 'covered') {
    return conflict(
      `${delivery.key} is already covered by ${verdict.coveredBy} (a validated idea or a finished spike): there is nothing to explore first.`,
    );
  }

  // What an earlier Explore first created for this item.
  const record = state.value;
  if (record) {
    const linked = reading.linked.find((l) => l.key === record.created.key);
    if (linked && linked.statusCategory !== 'done') return { ok: true, result: existing(record) };
    if (!linked && !record.linked) {
      const relinked = await relink(jira, delivery, { record, state }, tracks, who);
      if (relinked) return relinked;
    }
  }

  if (verdict.state === 'not-applicable') {
    return conflict(
      `${delivery.key} meets none of the discovery entry criteria, so there is nothing to explore first.`,
    );
  }
  if (verdict.state === 'waiting') {
    return conflict(
      `${delivery.key} is already waiting on discovery ${verdict.waitingOn.join(', ')}: nothing was created.`,
      { waitingOn: verdict.waitingOn },
    );
  }

  // Everything that can refuse is checked before anything is created.
  const types = await jira.request(
    IssueTypesSchema,
    route`/rest/api/3/issuetype/project?projectId=${project.id}`,
  );
  const type = chooseType(types, input.kind, tracks);
  if (!type) {
    return conflict(
      `${project.key} has no ${KIND_NAMES[input.kind]} issue type on the discovery track, so Explore first cannot create one. Choose the other kind, or ask a project admin to run Dual Track setup.`,
    );
  }
  const linkTypes = await jira.request(LinkTypesSchema, route`/rest/api/3/issueLinkType`);
  const linkType = chooseBlockingLinkType(linkTypes.issueLinkTypes);
  if (!linkType) {
    return conflict(
      'This Jira site has neither a "Blocks" nor a "Relates" issue link type, so the new item could not be linked. Ask a Jira admin to add one; nothing was created.',
    );
  }

  const claim = await claimExplore(delivery.id, record?.generation ?? 0, who);
  if (claim.status === 'busy') {
    return waitForOther(delivery, claim.generation, args.wait ?? DEFAULT_WAIT);
  }

  let created: { id: string; key: string };
  let triageNote: string;
  let triageCopied: boolean;
  try {
    const made = await createItem(jira, {
      project,
      typeId: type.id,
      question: input.question,
      description: description({
        kind: input.kind,
        question: input.question,
        details: input.details,
        delivery: { key: delivery.key, summary },
        reasons: verdict.reasons,
        triage: reading.triage,
        blocks: norm(linkType.name) !== 'relates',
      }),
      triageField: reading.triage ? ids.entryTriage : undefined,
      triage: reading.triage,
    });
    created = made.issue;
    triageCopied = made.triageCopied;
    triageNote = made.triageNote;
  } catch (error) {
    // Nothing was created: give the claim back so that the next click may try again.
    await releaseExplore(delivery.id, claim.generation);
    throw error;
  }

  let linkProblem: string | undefined;
  try {
    await link(jira, linkType, created.id, delivery.id);
  } catch (error) {
    linkProblem = reasonFor(error);
  }
  const saved: ExploreRecord = {
    version: 1,
    generation: claim.generation,
    deliveryKey: delivery.key,
    created: { id: created.id, key: created.key },
    kind: input.kind,
    linked: linkProblem === undefined,
    by: who.accountId,
    at: who.now.toISOString(),
  };
  const recorded = await recordExplore(delivery.id, saved, state);
  // This call's claim was judged stale and another Explore first recorded its item meanwhile.
  const superseded =
    recorded.status === 'superseded' && recorded.current
      ? ` Meanwhile another Explore first for ${delivery.key} recorded ${recorded.current.created.key}: that is the item ${delivery.key} waits on, and ${created.key} can be closed.`
      : '';

  const how = linkType.outward ?? linkType.name;
  const message =
    (linkProblem === undefined
      ? `Created ${created.key} (${type.name}) and linked it: ${created.key} ${how} ${delivery.key}. ${delivery.key} now waits on it.${triageNote}`
      : `Created ${created.key} (${type.name}) but could NOT link it to ${delivery.key} (${linkProblem}). Link it by hand (${created.key} ${how} ${delivery.key}), or press Explore first again to retry the link: no second item is created.${triageNote}`) +
    superseded;
  return {
    ok: true,
    result: {
      outcome: 'created',
      item: { id: created.id, key: created.key, kind: input.kind },
      linked: linkProblem === undefined,
      linkType: { id: linkType.id, name: linkType.name },
      triageCopied,
      message,
    },
  };
}

function existing(record: ExploreRecord): ExploreFirstResult {
  return {
    outcome: 'existing',
    item: { id: record.created.id, key: record.created.key, kind: record.kind },
    linked: record.linked,
    linkType: null,
    triageCopied: false,
    message: `${record.deliveryKey} already waits on ${record.created.key}, created with Explore first on ${record.at.slice(0, 10)}: nothing new was created.`,
  };
}

/** The issue type to create: a standard type of the project on the discovery track of this kind. */
function chooseType(
  types: z.infer<typeof IssueTypesSchema>,
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

async function createItem(
  jira: JiraGateway,
  args: {
    project: { id: string };
    typeId: string;
    question: string;
    description: AdfDoc;
    triageField: string | undefined;
    triage: Triage | undefined;
  },
): Promise<{ issue: { id: string; key: string }; triageCopied: boolean; triageNote: string }> {
  const fields: Record<string, unknown> = {
    project: { id: args.project.id },
    issuetype: { id: args.typeId },
    summary: args.question,
    description: args.description,
  };
  const post = (body: Record<string, unknown>) =>
    jira.request(CreatedSchema, route`/rest/api/3/issue`, {
      method: 'POST',
      body: { fields: body },
    });
  if (!args.triageField || !args.triage) {
    return { issue: await post(fields), triageCopied: false, triageNote: '' };
  }
  try {
    const issue = await post({ ...fields, [args.triageField]: args.triage });
    return { issue, triageCopied: true, triageNote: ' The Entry triage was copied to it.' };
  } catch (error) {
    // Jira refuses a field that is not on the create screen: create without it and say so.
    if (!isJiraError(error) || error.kind !== 'bad-request') throw error;
    if (!error.message.includes(args.triageField)) throw error;
    const issue = await post(fields);
    return {
      issue,
      triageCopied: false,
      triageNote: ` The Entry triage was not copied (${explainJiraFailure(error)}): a Jira admin can add the Entry triage field to its create screen.`,
    };
  }
}

/**
 * The new item blocks the delivery item. POST /issueLink reads "outwardIssue <outward
 * description> inwardIssue" (as in src/promote/promote.ts), so the new item is the outward issue:
 * "DT-90 blocks DT-5"; Relates reads the same both ways.
 */
async function link(
  jira: JiraGateway,
  linkType: LinkType,
  discoveryId: string,
  deliveryId: string,
): Promise<void> {
  await jira.request(z.unknown(), route`/rest/api/3/issueLink`, {
    method: 'POST',
    body: {
      type: { id: linkType.id },
      outwardIssue: { id: discoveryId },
      inwardIssue: { id: deliveryId },
    },
  });
}

/**
 * An earlier Explore first created an item but could not link it: link that item now, if it
 * still exists, is open and is on the discovery track. Undefined when it is gone or done (a new
 * item may then be created).
 */
async function relink(
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
  const linkTypes = await jira.request(LinkTypesSchema, route`/rest/api/3/issueLinkType`);
  const linkType = chooseBlockingLinkType(linkTypes.issueLinkTypes);
  if (!linkType) {
    return conflict(
      `${record.created.key} (created with Explore first) is still not linked to ${delivery.key}, and this Jira site has neither a "Blocks" nor a "Relates" issue link type: link it by hand.`,
    );
  }
  try {
    await link(jira, linkType, record.created.id, delivery.id);
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

/** Another call holds the claim: wait for its record (or its failure), a few seconds at most. */
async function waitForOther(
  delivery: { id: string; key: string },
  generation: number,
  wait: ExploreWait,
): Promise<ExploreAnswer> {
  for (let waited = 0; waited <= wait.maxWaitMs; waited += POLL_MS) {
    const { record, claimed } = await peekExplore(delivery.id, generation);
    if (record && record.generation >= generation) return { ok: true, result: existing(record) };
    if (!claimed) {
      return conflict(
        `Another Explore first for ${delivery.key} did not finish; nothing was created by it. Try again.`,
      );
    }
    await wait.sleep(POLL_MS);
  }
  return conflict(
    `Explore first is already creating a discovery item for ${delivery.key} (another click or person). Refresh the panel in a moment.`,
  );
}

function reasonFor(error: unknown): string {
  if (isJiraError(error)) return explainJiraFailure(error);
  console.error(
    'explore-first: unexpected failure',
    error instanceof Error ? error.message : error,
  );
  return 'an unexpected error; the details are in the app logs';
}

// ---------------------------------------------------------------------------------------------
// The new item's description, in Atlassian Document Format (Jira Cloud's v3 API takes no other).

type AdfText = { type: 'text'; text: string; marks?: Array<{ type: 'strong' }> };
type AdfBlock =
  | { type: 'paragraph'; content: AdfText[] }
  | { type: 'heading'; attrs: { level: number }; content: AdfText[] };
export interface AdfDoc {
  type: 'doc';
  version: 1;
  content: AdfBlock[];
}

const text = (value: string): AdfText => ({ type: 'text', text: value });
const strong = (value: string): AdfText => ({
  type: 'text',
  text: value,
  marks: [{ type: 'strong' }],
});
const paragraph = (...content: AdfText[]): AdfBlock => ({ type: 'paragraph', content });

/** The description of the item Explore first creates. Text nodes are never empty. */
export function description(args: {
  kind: ExploreKind;
  question: string;
  details: string | undefined;
  delivery: { key: string; summary: string };
  reasons: readonly EntryReason[];
  triage: Triage | undefined;
  blocks: boolean;
}): AdfDoc {
  const what = args.kind === 'spike' ? 'spike' : 'discovery item';
  const about = args.delivery.summary.trim()
    ? `${args.delivery.key} (${args.delivery.summary.trim()})`
    : args.delivery.key;
  const content: AdfBlock[] = [
    paragraph(strong('Question to answer: '), text(args.question)),
    paragraph(
      text(
        `${about} meets the discovery entry criteria (${describeReasons(args.reasons)}), so this ${what} answers the question before delivery starts.`,
      ),
    ),
  ];
  if (args.triage) {
    const line = describeTriage(args.triage);
    if (line) content.push(paragraph(strong('Entry triage: '), text(line)));
  }
  const details = (args.details ?? '')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '');
  if (details.length > 0) {
    content.push({ type: 'heading', attrs: { level: 3 }, content: [text('What we know so far')] });
    for (const line of details) content.push(paragraph(text(line)));
  }
  content.push(
    paragraph(
      text(
        args.blocks
          ? `Created with Dual Track's Explore first: ${args.delivery.key} is blocked by this ${what} until it is done.`
          : `Created with Dual Track's Explore first for ${args.delivery.key}.`,
      ),
    ),
  );
  return { type: 'doc', version: 1, content };
}
