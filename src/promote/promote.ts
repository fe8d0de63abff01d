import { route } from '@forge/api';
import { z } from 'zod';
import { promotionBlockers } from '../domain/item-checklist';
import { validationOf } from '../domain/evidence-log';
import { explainJiraFailure, isJiraError } from '../jira/errors';
import type { JiraGateway } from '../jira/jira-gateway';
import { loadDecisionContext } from '../storage/config-store';
import { EVIDENCE_KEYS, readEvidenceState } from '../storage/evidence-store';
import { ISSUE_NOTE_KEYS, readFeasibilityState } from '../storage/issue-notes-store';
import { claimOutlived } from '../storage/kvs-store';
import { confirmUnchanged } from '../storage/versioned-record';
import {
  claimPromotion,
  promotionDone,
  removePromotionRecord,
  readPromotion,
  releasePromotion,
  savePromotion,
  type PromotionClaim,
  type PromotionItem,
  type PromotionRecord,
} from '../storage/promotion-store';
import { readTrackMapping } from '../storage/track-mapping-store';
import { trackResolver } from '../items/project-items';
import { AppFieldMissingError, scopedOutcomeFieldId } from '../items/app-fields';
import { readScopedOutcome } from '../items/scoped-outcome-field';
import type { ScopedOutcome } from '../domain/track';
import { deliveryDescription } from './delivery-description';
import { chooseLinkType, type LinkTypeInfo } from '../domain/link-type';

/**
 * Promote a validated discovery item to delivery: create the delivery items in its project as
 * the user, carry the scoped outcome into their descriptions, and link each back to the
 * discovery item. Everything that can refuse the promotion (the item's track, validation, the
 * feasibility sign-off, issue types, link type) is checked before the first item is created;
 * the track, validation and sign-off rules are the domain's promotionBlockers, which the issue
 * panel shows instead of the button.
 *
 * The evidence and the sign-off the decision rests on are pinned down before the first item is
 * created: one storage transaction that lands only if neither changed since it was read
 * (versioned-record.ts confirmUnchanged). An idea invalidated, or a sign-off withdrawn, while the
 * promotion was being prepared answers a conflict and creates nothing; one that lands after the
 * pin is ordered after the promotion.
 *
 * Cost: storage: 5 reads in parallel (settings with field ids; evidence log and feasibility
 * review, each with its version; track mapping; the promotion record and its claim), and 1
 * transaction (the pin). Jira, as the user, after the resolver's permission check: GET issue
 * (summary, issue type and scoped outcome), GET issue types of the project, GET link types, then
 * per item POST issue and POST issueLink (plus GET /field once per site to find the scoped
 * outcome field). A refusal for the track, evidence or sign-off costs the GET issue only.
 *
 * Never twice (storage/promotion-store.ts): one invocation at a time holds the idea's claim; the
 * promotion's record says, per item, whether it was sent to Jira and created, and is saved
 * before and after each creation. A second click with the same request id gets the first
 * click's answer; a retry after a partial failure resumes the recorded promotion, creating only
 * what is missing and linking what is unlinked; an item whose creation was sent but never
 * recorded (the invocation was stopped mid-call) is never sent again: the answer tells the user
 * to look for it. Storage: one more read, the claim, two writes per item and one at the end.
 */

export interface PromoteItem {
  summary: string;
  issueTypeId?: string | undefined;
}

export interface CreatedItem {
  id: string;
  key: string;
  summary: string;
  issueTypeId: string;
  linked: boolean;
  linkProblem?: string | undefined;
}

export interface PromoteResult {
  outcome: 'complete' | 'partial';
  linkType: { id: string; name: string };
  created: CreatedItem[];
  notCreated: Array<{ summary: string; reason: string }>;
  message: string;
  /** Whether this answer finished a promotion an earlier request started. */
  resumed: boolean;
}

export type PromoteAnswer =
  | { ok: true; result: PromoteResult }
  | { ok: false; code: 'conflict' | 'invalid-input'; message: string; details?: unknown };

const IssueTypesSchema = z.array(
  z
    .object({
      id: z.string(),
      name: z.string(),
      subtask: z.boolean().optional(),
      hierarchyLevel: z.number().optional(),
    })
    .passthrough(),
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

const CreatedIssueSchema = z.object({ id: z.string(), key: z.string() }).passthrough();

const DiscoveryFieldsSchema = z
  .object({
    summary: z.string().optional(),
    issuetype: z.object({ id: z.string(), name: z.string() }).passthrough(),
  })
  .passthrough();

export async function promoteToDelivery(args: {
  jira: JiraGateway;
  discovery: { id: string; key: string };
  project: { id: string; key: string };
  items: readonly PromoteItem[];
  /** The panel's id for one click: the same id is answered once, whatever arrives twice. */
  requestId?: string | undefined;
  accountId: string;
  now: Date;
}): Promise<PromoteAnswer> {
  const { jira, discovery, project, items } = args;

  const [context, evidence, mapping, review, earlier] = await Promise.all([
    loadDecisionContext(project.key),
    readEvidenceState(discovery.id),
    readTrackMapping(project.key),
    readFeasibilityState(discovery.id),
    readPromotion(discovery.id),
  ]);
  const stored = evidence.stored;
  const feasibility = review.record;
  const replay = answered(earlier.record, args.requestId, discovery.key);
  if (replay) return replay;
  if (earlier.claim && !claimOutlived(earlier.claim.at, args.now)) {
    return busy(discovery.key, earlier.claim);
  }
  const source = await readDiscovery(jira, discovery.key, context.fields);
  // The same track resolution as the panel and the project page: the project's type-to-track
  // mapping, else the configured discovery type names.
  const track = trackResolver(mapping, context.config.tracks.discoveryTypeNames).trackOf(
    source.type.id,
    source.type.name,
  );
  if (track !== 'discovery') {
    return {
      ok: false,
      code: 'invalid-input',
      message: `${discovery.key} is a ${source.type.name}, which is on the delivery track in ${project.key}: only discovery items are promoted to delivery.`,
      details: { track, issueType: source.type.name },
    };
  }
  const validation = validationOf(stored.content, context.config.validation);
  const blockers = promotionBlockers({
    track,
    validation: {
      state: validation.state,
      shortfalls: validation.shortfalls,
      ...(validation.invalidated ? { reason: validation.invalidated.reason } : {}),
    },
    feasibility,
  });
  if (blockers.length > 0) {
    return {
      ok: false,
      code: 'conflict',
      message: `${discovery.key} cannot be promoted to delivery: ${blockers.map((b) => b.text).join('; ')}.`,
      details: {
        state: validation.state,
        shortfalls: validation.shortfalls,
        blockedBy: blockers.map((b) => b.kind),
      },
    };
  }

  const types = await jira.request(
    IssueTypesSchema,
    route`/rest/api/3/issuetype/project?projectId=${project.id}`,
  );
  const standard = types.filter((t) => t.subtask !== true);
  const story = standard.find((t) => t.name.trim().toLowerCase() === 'story');
  const typeProblems: Array<{ path: string; message: string }> = [];
  const resolved = items.map((item, index) => {
    if (item.issueTypeId === undefined) {
      if (!story) {
        typeProblems.push({
          path: `items.${index}.issueTypeId`,
          message: `is required: ${project.key} has no "Story" issue type to use by default`,
        });
      }
      return { ...item, issueTypeId: story?.id ?? '' };
    }
    if (!standard.some((t) => t.id === item.issueTypeId)) {
      typeProblems.push({
        path: `items.${index}.issueTypeId`,
        message: `issue type ${item.issueTypeId} is not a standard issue type of ${project.key}`,
      });
    }
    return { ...item, issueTypeId: item.issueTypeId };
  });
  if (typeProblems.length > 0) {
    return {
      ok: false,
      code: 'invalid-input',
      message: typeProblems.map((p) => `${p.path}: ${p.message}`).join('; '),
      details: { fields: typeProblems },
    };
  }

  const linkTypes = await jira.request(LinkTypesSchema, route`/rest/api/3/issueLinkType`);
  const linkType = chooseLinkType(linkTypes.issueLinkTypes);
  if (!linkType) {
    return {
      ok: false,
      code: 'conflict',
      message:
        'This Jira site has neither an "Implements" nor a "Relates" issue link type, so the delivery items could not be linked back. Ask a Jira admin to add one; nothing was created.',
    };
  }

  const description = deliveryDescription(
    { key: discovery.key, summary: source.summary },
    source.outcome,
  );

  const claim: PromotionClaim = {
    by: args.accountId,
    at: args.now.toISOString(),
    ...(args.requestId !== undefined ? { requestId: args.requestId } : {}),
  };
  const claimed = await claimPromotion(discovery.id, claim);
  if (claimed.status === 'busy') return busy(discovery.key, claimed.claim);
  try {
    // Read again under the claim: a promotion may have ended since the first read.
    const { record: latest } = await readPromotion(discovery.id);
    const again = answered(latest, args.requestId, discovery.key);
    if (again) return again;
    // Under the claim, so that a second click is told a promotion is running, not that the
    // evidence changed.
    const unchanged = await confirmUnchanged([
      {
        key: EVIDENCE_KEYS.log(discovery.id),
        read: evidence.read,
        legacyKeys: [
          EVIDENCE_KEYS.legacyRevision(discovery.id, evidence.read.version),
          EVIDENCE_KEYS.legacyRevision(discovery.id, evidence.read.version + 1),
        ],
      },
      { key: ISSUE_NOTE_KEYS.feasibility(discovery.id), read: review.read },
    ]);
    if (!unchanged) {
      return {
        ok: false,
        code: 'conflict',
        message: `The evidence or the feasibility review of ${discovery.key} changed while it was being promoted, so nothing was created. Look at it again and promote it if it is still ready.`,
      };
    }
    const resumed = latest !== undefined && !promotionDone(latest);
    const record: PromotionRecord = resumed
      ? latest
      : {
          version: 1,
          ...(args.requestId !== undefined ? { requestId: args.requestId } : {}),
          by: args.accountId,
          at: args.now.toISOString(),
          linkType: {
            id: linkType.id,
            name: linkType.name,
            ...(linkType.outward !== undefined ? { outward: linkType.outward } : {}),
          },
          items: resolved.map((item) => ({
            summary: item.summary,
            issueTypeId: item.issueTypeId,
            state: 'pending' as const,
            linked: false,
          })),
        };
    if (args.requestId !== undefined) record.requestId = args.requestId;
    const recordLinkType =
      linkTypes.issueLinkTypes.find((t) => t.id === record.linkType.id) ?? linkType;

    let failed = false;
    for (const item of record.items) {
      if (item.state === 'created') {
        if (!item.linked && item.created) await tryLink(jira, recordLinkType, item, discovery.id);
        continue;
      }
      if (item.state === 'sent' || failed) continue;
      item.state = 'sent';
      await savePromotion(discovery.id, record);
      let issue: { id: string; key: string };
      try {
        issue = await jira.request(CreatedIssueSchema, route`/rest/api/3/issue`, {
          method: 'POST',
          body: {
            fields: {
              project: { id: project.id },
              issuetype: { id: item.issueTypeId },
              summary: item.summary,
              description,
            },
          },
        });
      } catch (error) {
        failed = true;
        item.state = 'pending';
        // Jira answered: nothing was created. With nothing created by this promotion at all,
        // it is an ordinary failure with nothing partial to report or resume.
        if (!record.items.some((i) => i.state !== 'pending')) {
          await releaseNothingDone(discovery.id, latest);
          throw error;
        }
        item.problem = reasonFor(error);
        await savePromotion(discovery.id, record);
        continue;
      }
      item.state = 'created';
      item.created = { id: issue.id, key: issue.key };
      delete item.problem;
      await savePromotion(discovery.id, record);
      await tryLink(jira, recordLinkType, item, discovery.id);
    }
    // The last item's link, and what is left, for the next request.
    await savePromotion(discovery.id, record);
    return { ok: true, result: resultOf(record, discovery.key, project.key, resumed) };
  } finally {
    await releasePromotion(discovery.id);
  }
}

/** The stored answer when this request was already answered in full. */
function answered(
  record: PromotionRecord | undefined,
  requestId: string | undefined,
  discoveryKey: string,
): PromoteAnswer | undefined {
  if (!record || !promotionDone(record) || requestId === undefined) return undefined;
  if (record.requestId !== requestId) return undefined;
  return { ok: true, result: resultOf(record, discoveryKey, undefined, false) };
}

function busy(discoveryKey: string, claim: PromotionClaim): PromoteAnswer {
  return {
    ok: false,
    code: 'conflict',
    message: `${discoveryKey} is being promoted right now (a request started at ${claim.at}). Nothing more was created; reload the panel in a moment to see the items it creates.`,
  };
}

/** A failure before anything was created: the record goes back to what it was before. */
async function releaseNothingDone(
  issueId: string,
  before: PromotionRecord | undefined,
): Promise<void> {
  if (before) await savePromotion(issueId, before);
  else await removePromotionRecord(issueId);
}

async function tryLink(
  jira: JiraGateway,
  linkType: LinkTypeInfo,
  item: PromotionItem,
  discoveryId: string,
): Promise<void> {
  if (!item.created) return;
  try {
    await link(jira, linkType, item.created.id, discoveryId);
    item.linked = true;
    delete item.problem;
  } catch (error) {
    item.problem = reasonFor(error);
  }
}

function resultOf(
  record: PromotionRecord,
  discoveryKey: string,
  projectKey: string | undefined,
  resumed: boolean,
): PromoteResult {
  const created: CreatedItem[] = record.items.flatMap((i) =>
    i.state === 'created' && i.created
      ? [
          {
            id: i.created.id,
            key: i.created.key,
            summary: i.summary,
            issueTypeId: i.issueTypeId,
            linked: i.linked,
            ...(i.linked ? {} : { linkProblem: i.problem ?? 'not linked yet' }),
          },
        ]
      : [],
  );
  const where = projectKey ?? 'the project';
  const notCreated = record.items.flatMap((i) => {
    if (i.state === 'pending') {
      return [
        { summary: i.summary, reason: i.problem ?? 'not attempted after an earlier failure' },
      ];
    }
    if (i.state === 'sent') {
      return [
        {
          summary: i.summary,
          reason: `the app was stopped while Jira was creating it, so it may exist: look for it in ${where} before promoting it again`,
        },
      ];
    }
    return [];
  });
  const unlinked = created.filter((c) => !c.linked);
  const complete = unlinked.length === 0 && notCreated.length === 0;
  const message = describeResult(discoveryKey, record.linkType, created, unlinked, notCreated);
  const linkType = { id: record.linkType.id, name: record.linkType.name };
  return {
    outcome: complete ? 'complete' : 'partial',
    linkType,
    created,
    notCreated,
    message: resumed ? `Resumed the promotion started at ${record.at}. ${message}` : message,
    resumed,
  };
}

/**
 * The delivery item implements the discovery item. POST /issueLink reads as "outwardIssue
 * <outward description> inwardIssue" (the outward issue is the one the link is made from), so
 * the new item is the outward issue: "DT-5 implements DT-1". Relates reads the same both ways.
 */
async function link(
  jira: JiraGateway,
  linkType: LinkTypeInfo,
  deliveryId: string,
  discoveryId: string,
): Promise<void> {
  await jira.request(z.unknown(), route`/rest/api/3/issueLink`, {
    method: 'POST',
    body: {
      type: { id: linkType.id },
      outwardIssue: { id: deliveryId },
      inwardIssue: { id: discoveryId },
    },
  });
}

async function readDiscovery(
  jira: JiraGateway,
  key: string,
  knownFields: Parameters<typeof scopedOutcomeFieldId>[0],
): Promise<{
  summary: string | undefined;
  type: { id: string; name: string };
  outcome: ScopedOutcome | undefined;
}> {
  let fieldId: string | undefined;
  try {
    fieldId = (await scopedOutcomeFieldId(knownFields, jira)).id;
  } catch (error) {
    // Without the app's field there is no outcome to carry over; the promotion still proceeds.
    if (!(error instanceof AppFieldMissingError)) throw error;
  }
  const issue = await jira.getIssue(
    key,
    fieldId ? ['summary', 'issuetype', fieldId] : ['summary', 'issuetype'],
  );
  const { summary, issuetype } = DiscoveryFieldsSchema.parse(issue.fields);
  const type = { id: issuetype.id, name: issuetype.name };
  if (!fieldId) return { summary, type, outcome: undefined };
  const reading = readScopedOutcome(issue.fields, fieldId);
  return { summary, type, outcome: reading.kind === 'present' ? reading.value : undefined };
}

function reasonFor(error: unknown): string {
  if (isJiraError(error)) return explainJiraFailure(error);
  console.error('promote: unexpected failure', error instanceof Error ? error.message : error);
  return 'an unexpected error; the details are in the app logs';
}

function list(keys: readonly string[]): string {
  if (keys.length <= 1) return keys.join('');
  return `${keys.slice(0, -1).join(', ')} and ${keys[keys.length - 1] ?? ''}`;
}

function describeResult(
  discoveryKey: string,
  linkType: LinkTypeInfo,
  created: readonly CreatedItem[],
  unlinked: readonly CreatedItem[],
  notCreated: PromoteResult['notCreated'],
): string {
  const how = linkType.outward ?? linkType.name;
  const parts = created.length > 0 ? [`Created ${list(created.map((c) => c.key))}.`] : [];
  const linked = created.filter((c) => c.linked);
  if (linked.length > 0) {
    parts.push(`Linked ${list(linked.map((c) => c.key))} to ${discoveryKey} (${how}).`);
  }
  for (const c of unlinked) {
    parts.push(
      `${c.key} is NOT linked to ${discoveryKey} (${c.linkProblem ?? 'unknown reason'}): link it by hand.`,
    );
  }
  for (const n of notCreated) parts.push(`"${n.summary}" was NOT created (${n.reason}).`);
  return parts.join(' ');
}
