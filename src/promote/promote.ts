import { ideaPromotion } from '../domain/promotion-rule';
import { JPD_PROJECT_TYPE, JPD_PROMOTE_ELSEWHERE, jpdLinkType } from '../domain/jpd';
import { chooseLinkType, type LinkTypeInfo } from '../domain/link-type';
import { JPD_SPACE_TRACKS, trackResolver } from '../items/project-items';
import { issueLinkTypes } from '../jira/issues';
import { createItem } from '../items/create-and-link';
import type { JiraGateway } from '../jira/jira-gateway';
import { projectIssueTypes } from '../jira/projects';
import { readProjectContext, type ProjectContext } from '../storage/project-context';
import { readEvidenceState } from '../storage/evidence-store';
import { readFeasibilityState } from '../storage/issue-notes-store';
import { claimOutlived } from '../storage/kvs-store';
import {
  claimPromotion,
  promotionDone,
  readPromotion,
  releasePromotion,
  removePromotionRecord,
  savePromotion,
  type PromotionClaim,
  type PromotionItem,
  type PromotionRecord,
} from '../storage/promotion-store';
import { draftAcceptanceCriteria, evidenceLines } from '../domain/promotion-draft';
import { confirmUnchanged } from '../storage/versioned-record';
import { deliveryDescription } from './delivery-description';
import { readDiscovery, reasonFor, tryLink } from './promote-jira';
import { answered, busy, resultOf } from './promote-result';
import type { PromoteAnswer, PromoteItem } from './promote-types';
import { EVIDENCE_KEYS, ISSUE_NOTE_KEYS } from '../storage/key-families';

export type { CreatedItem, PromoteAnswer, PromoteItem, PromoteResult } from './promote-types';

/**
 * Promote a validated discovery item to delivery: create the delivery items in its project as
 * the user, carry the scoped outcome into their descriptions, and link each back. Everything that
 * can refuse is checked before the first item is created; the evidence and sign-off it rests on
 * are pinned first (versioned-record.ts confirmUnchanged). Never twice: one invocation holds the
 * idea's claim and a per-item record resumes a partial promotion (storage/promotion-store.ts).
 * Its calls are listed in docs/costs.md.
 */

export interface PromoteArgs {
  jira: JiraGateway;
  discovery: { id: string; key: string };
  project: { id: string; key: string };
  items: readonly PromoteItem[];
  /** The panel's id for one click: the same id is answered once, whatever arrives twice. */
  requestId?: string | undefined;
  accountId: string;
  now: Date;
  /**
   * `jpd-idea`: an idea of a JPD space connected to `project` (checked by the caller). It is on
   * the discovery track by being an idea there, and its items are linked with the site's JPD
   * delivery link type, which must exist (docs/jpd.md).
   */
  source?: 'project-item' | 'jpd-idea' | undefined;
}

type Refused = Extract<PromoteAnswer, { ok: false }>;
type Resolved = PromoteItem & { issueTypeId: string };
type StoredState = Awaited<ReturnType<typeof readStoredState>>;

export async function promoteToDelivery(args: PromoteArgs): Promise<PromoteAnswer> {
  const { jira, discovery, project } = args;
  const state = await readStoredState(args);
  const replay = answered(state.earlier.record, args.requestId, discovery.key);
  if (replay) return replay;
  if (state.earlier.claim && !claimOutlived(state.earlier.claim.at, args.now)) {
    return busy(discovery.key, state.earlier.claim);
  }
  const source = await readDiscovery(jira, discovery.key, state.context.fields);
  const refusal = sourceRefusal(args, state, source);
  if (refusal) return refusal;
  const config = state.context.config;
  const tracks = trackResolver(state.mapping, config.tracks.discoveryTypeNames);
  const resolving = await resolveTypes(jira, project, args.items, tracks);
  if ('ok' in resolving) return resolving;
  const resolved = resolving.resolved;
  const links = await chooseLink(jira, args.source === 'jpd-idea');
  if ('ok' in links) return links;
  const entries = state.evidence.stored.content.entries;
  const evidence = evidenceLines(entries);
  const idea = { key: discovery.key, summary: source.summary ?? '' };
  const drafted = draftAcceptanceCriteria(idea, source.outcome, entries);
  const describe = (item: PromotionItem) =>
    deliveryDescription({
      discovery: { key: discovery.key, summary: source.summary },
      outcome: source.outcome,
      evidence,
      acceptanceCriteria: item.acceptanceCriteria ?? drafted,
      estimate: item.estimate,
    });
  const types = resolved.map((item) => ({
    ...item,
    acceptanceCriteria: item.acceptanceCriteria ?? drafted,
  }));
  const claim: PromotionClaim = {
    by: args.accountId,
    at: args.now.toISOString(),
    ...(args.requestId !== undefined ? { requestId: args.requestId } : {}),
  };
  const claimed = await claimPromotion(discovery.id, claim);
  if (claimed.status === 'busy') return busy(discovery.key, claimed.claim);
  try {
    return await promoteUnderClaim(args, state, { types, links, describe });
  } finally {
    await releasePromotion(discovery.id);
  }
}

/** Settings, evidence and sign-off with their versions, the track mapping, an earlier promotion. */
async function readStoredState(args: PromoteArgs) {
  const [context, evidence, review, earlier] = await Promise.all([
    readProjectContext(args.project.key),
    readEvidenceState(args.discovery.id),
    readFeasibilityState(args.discovery.id),
    readPromotion(args.discovery.id),
  ]);
  return { context, evidence, mapping: context.mapping, review, earlier };
}

/**
 * Why the item may not be promoted, if it may not: not on the discovery track, or the domain's
 * promotion blockers (validation, sign-off), the rules the issue panel shows.
 */
function sourceRefusal(
  { discovery, project, source }: PromoteArgs,
  { context, evidence, mapping, review }: StoredState,
  { type, triage, projectType }: Awaited<ReturnType<typeof readDiscovery>>,
): Refused | undefined {
  // From the issue panel, an idea of a JPD space would get its delivery items in the space.
  if (source !== 'jpd-idea' && projectType === JPD_PROJECT_TYPE) {
    return {
      ok: false,
      code: 'conflict',
      message: `${discovery.key}: ${JPD_PROMOTE_ELSEWHERE} Nothing was created.`,
    };
  }
  const config: ProjectContext['config'] = context.config;
  // The same track resolution as the panel and the project page; an idea of a connected JPD
  // space is discovery by being one.
  const tracks =
    source === 'jpd-idea'
      ? JPD_SPACE_TRACKS
      : trackResolver(mapping, config.tracks.discoveryTypeNames);
  const track = tracks.trackOf(type.id, type.name);
  if (track !== 'discovery') {
    return {
      ok: false,
      code: 'invalid-input',
      message: `${discovery.key} is a ${type.name}, which is on the delivery track in ${project.key}: only discovery items are promoted to delivery.`,
      details: { track, issueType: type.name },
    };
  }
  const { validation, blockers } = ideaPromotion({
    track,
    log: evidence.stored.content,
    review: review.record,
    triage,
    config,
  });
  if (blockers.length === 0) return undefined;
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

/**
 * Each item's issue type: the one asked for if it is a standard type on the delivery track, else
 * the project's Story.
 */
async function resolveTypes(
  jira: JiraGateway,
  project: { id: string; key: string },
  items: readonly PromoteItem[],
  tracks: ReturnType<typeof trackResolver>,
): Promise<{ resolved: Resolved[] } | Refused> {
  const types = await projectIssueTypes(jira, project.id);
  const standard = types.filter(
    (t) => t.subtask !== true && tracks.trackOf(t.id, t.name) === 'delivery',
  );
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
        message: `issue type ${item.issueTypeId} is not a delivery issue type of ${project.key}`,
      });
    }
    return { ...item, issueTypeId: item.issueTypeId };
  });
  if (typeProblems.length === 0) return { resolved };
  return {
    ok: false,
    code: 'invalid-input',
    message: typeProblems.map((p) => `${p.path}: ${p.message}`).join('; '),
    details: { fields: typeProblems },
  };
}

/**
 * The link type to link back with (Implements, else Relates; for a JPD idea JPD's delivery link
 * type, or none), and the site's link types.
 */
async function chooseLink(
  jira: JiraGateway,
  jpdIdea: boolean,
): Promise<{ linkType: LinkTypeInfo; all: LinkTypeInfo[] } | Refused> {
  const all = await issueLinkTypes(jira);
  const linkType = jpdIdea ? jpdLinkType(all) : chooseLinkType(all);
  if (linkType) return { linkType, all };
  if (jpdIdea) {
    return {
      ok: false,
      code: 'conflict',
      message:
        'This Jira site has no Jira Product Discovery delivery link type ("Polaris work item link"), so JPD would not show the delivery items as the idea\'s delivery work. Nothing was created.',
    };
  }
  return {
    ok: false,
    code: 'conflict',
    message:
      'This Jira site has neither an "Implements" nor a "Relates" issue link type, so the delivery items could not be linked back. Ask a Jira admin to add one; nothing was created.',
  };
}

/**
 * Under the claim: read the record again, pin the evidence and sign-off, then create and link
 * what the record says is missing.
 */
async function promoteUnderClaim(
  args: PromoteArgs,
  { evidence, review }: StoredState,
  plan: {
    types: Resolved[];
    links: { linkType: LinkTypeInfo; all: LinkTypeInfo[] };
    describe: (item: PromotionItem) => unknown;
  },
): Promise<PromoteAnswer> {
  const { discovery, project } = args;
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
  const record = resumed ? latest : newRecord(args, plan.types, plan.links.linkType);
  if (args.requestId !== undefined) record.requestId = args.requestId;
  const linkType = plan.links.all.find((t) => t.id === record.linkType.id) ?? plan.links.linkType;
  await createItems(args, record, { linkType, describe: plan.describe, before: latest });
  // The last item's link, and what is left, for the next request.
  await savePromotion(discovery.id, record);
  return { ok: true, result: resultOf(record, discovery.key, project.key, resumed) };
}

function newRecord(args: PromoteArgs, types: Resolved[], linkType: LinkTypeInfo): PromotionRecord {
  return {
    version: 1,
    ...(args.requestId !== undefined ? { requestId: args.requestId } : {}),
    by: args.accountId,
    at: args.now.toISOString(),
    linkType: {
      id: linkType.id,
      name: linkType.name,
      ...(linkType.outward !== undefined ? { outward: linkType.outward } : {}),
    },
    items: types.map((item) => ({
      summary: item.summary,
      issueTypeId: item.issueTypeId,
      ...(item.estimate !== undefined ? { estimate: item.estimate } : {}),
      ...(item.acceptanceCriteria ? { acceptanceCriteria: item.acceptanceCriteria } : {}),
      state: 'pending' as const,
      linked: false,
    })),
  };
}

/**
 * Creates each pending item and links it, saving the record before and after each creation; an
 * item sent but never recorded is never sent again. A first creation that fails leaves the record
 * as it was and is thrown; a later one stops the run and is reported per item.
 */
async function createItems(
  { jira, discovery, project }: PromoteArgs,
  record: PromotionRecord,
  how: {
    linkType: LinkTypeInfo;
    describe: (item: PromotionItem) => unknown;
    before: PromotionRecord | undefined;
  },
): Promise<void> {
  let failed = false;
  for (const item of record.items) {
    if (item.state === 'created') {
      if (!item.linked && item.created) await tryLink(jira, how.linkType, item, discovery.id);
      continue;
    }
    if (item.state === 'sent' || failed) continue;
    item.state = 'sent';
    await savePromotion(discovery.id, record);
    let issue: { id: string; key: string };
    try {
      issue = await createItem(jira, {
        project,
        typeId: item.issueTypeId,
        summary: item.summary,
        description: how.describe(item),
      });
    } catch (error) {
      failed = true;
      item.state = 'pending';
      // Jira answered: nothing was created. With nothing created by this promotion at all, it is
      // an ordinary failure with nothing partial to report or resume.
      if (!record.items.some((i) => i.state !== 'pending')) {
        if (how.before) await savePromotion(discovery.id, how.before);
        else await removePromotionRecord(discovery.id);
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
    await tryLink(jira, how.linkType, item, discovery.id);
  }
}
