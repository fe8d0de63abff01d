import type { ExploreFirstInput } from '../contract/bridge-contract';
import { checkWorkOutcome, describeOutcomeProblem } from '../domain/readiness';
import { draftSpikeOutcome } from '../domain/spike-draft';
import type { ScopedOutcome } from '../domain/track';
import { appFieldIds } from '../items/app-fields';
import { entryIssueFields, entryVerdictOf } from '../items/entry-reader';
import { trackResolver, type TrackResolver } from '../items/project-items';
import { issueLinkTypes, type LinkType } from '../jira/issues';
import type { JiraGateway } from '../jira/jira-gateway';
import { projectIssueTypes } from '../jira/projects';
import { readProjectContext } from '../storage/project-context';
import {
  claimExplore,
  readExploreState,
  recordExplore,
  releaseExplore,
  type ExploreRecord,
  type ExploreState,
} from '../storage/explore-store';
import {
  conflict,
  DEFAULT_WAIT,
  existing,
  waitForOther,
  type ExploreAnswer,
  type ExploreWait,
} from './explore-answers';
import { description } from './explore-description';
import {
  blockWith,
  chooseBlockingLinkType,
  chooseType,
  createItem,
  ItemFieldsSchema,
  KIND_NAMES,
  norm,
  reasonFor,
  relink,
} from './explore-jira';

export type { ExploreAnswer, ExploreFirstResult, ExploreWait } from './explore-answers';
export { chooseBlockingLinkType } from './explore-jira';

/**
 * "Explore first": from a delivery item that meets the discovery entry criteria with nothing
 * linked that answers them, create a Spike or a Discovery item in the same project with the
 * question to answer, linked so that the delivery item is blocked by it, all as the user.
 * Idempotent through its record in storage (storage/explore-store.ts): a second call answers the
 * item already made, or links it when an earlier link failed. Its calls are in docs/costs.md.
 */

export interface ExploreFirstArgs {
  jira: JiraGateway;
  delivery: { id: string; key: string };
  project: { id: string; key: string };
  input: ExploreFirstInput;
  who: { accountId: string; now: Date };
  wait?: ExploreWait;
}

type Reading = Awaited<ReturnType<typeof entryVerdictOf>>;
interface Context {
  reading: Reading;
  summary: string;
  tracks: TrackResolver;
  state: ExploreState;
  entryTriage: string | undefined;
  scopedOutcomeField: string | undefined;
  config: Awaited<ReturnType<typeof readProjectContext>>['config'];
}

export async function exploreFirst(args: ExploreFirstArgs): Promise<ExploreAnswer> {
  const { jira, delivery, project, input } = args;
  const context = await readContext(args);
  const { reading, tracks, state } = context;
  const before = await answerWithout(args, context);
  if (before) return before;
  // Everything that can refuse is checked before anything is created.
  const type = chooseType(await projectIssueTypes(jira, project.id), input.kind, tracks);
  if (!type) {
    return conflict(
      `${project.key} has no ${KIND_NAMES[input.kind]} issue type on the discovery track, so Explore first cannot create one. Choose the other kind, or ask a project admin to run Dual Track setup.`,
    );
  }
  const outcome = spikeOutcome(args, context);
  if (outcome && 'ok' in outcome) return outcome;
  const linkType = chooseBlockingLinkType(await issueLinkTypes(jira));
  if (!linkType) {
    return conflict(
      'This Jira site has neither a "Blocks" nor a "Relates" issue link type, so the new item could not be linked. Ask a Jira admin to add one; nothing was created.',
    );
  }
  const claim = await claimExplore(delivery.id, state.value?.generation ?? 0, args.who);
  if (claim.status === 'busy') {
    return waitForOther(delivery, claim.generation, args.wait ?? DEFAULT_WAIT);
  }
  let made: Awaited<ReturnType<typeof createItem>>;
  try {
    made = await createItem(jira, {
      project,
      typeId: type.id,
      question: input.question,
      description: description({
        kind: input.kind,
        question: input.question,
        details: input.details,
        delivery: { key: delivery.key, summary: context.summary },
        reasons: reading.verdict.state === 'not-applicable' ? [] : reading.verdict.reasons,
        triage: reading.triage,
        blocks: norm(linkType.name) !== 'relates',
      }),
      triageField: reading.triage ? context.entryTriage : undefined,
      triage: reading.triage,
      outcome:
        outcome && context.scopedOutcomeField
          ? { fieldId: context.scopedOutcomeField, value: outcome.value }
          : undefined,
    });
  } catch (error) {
    // Nothing was created: give the claim back so that the next click may try again.
    await releaseExplore(delivery.id, claim.generation);
    throw error;
  }
  return linkAndRecord(args, { made, type, linkType, generation: claim.generation, state });
}

/**
 * A spike's scoped outcome: the one the person reviewed, else the draft; refused (nothing is
 * created) when it would not pass the enabler gate, naming the payload path of each problem.
 */
function spikeOutcome(
  { delivery, input }: ExploreFirstArgs,
  { reading, summary, config }: Context,
): { value: ScopedOutcome } | ExploreAnswer | undefined {
  if (input.kind !== 'spike') return undefined;
  const value: ScopedOutcome =
    input.scopedOutcome ??
    draftSpikeOutcome(
      { key: delivery.key, summary },
      { reasons: reading.verdict.reasons, triage: reading.triage },
      config.spike,
    );
  const scoped = {
    outcome: value.outcome,
    successMeasure: value.successMeasure,
    timeboxDays: value.timeboxDays,
  };
  const check = checkWorkOutcome(true, scoped, config);
  if (check.ready) return { value: scoped };
  const fields = check.problems.map((p) => ({
    path: `scopedOutcome.${OUTCOME_PATHS[p.part]}`,
    message: describeOutcomeProblem(p),
  }));
  return {
    ok: false,
    code: 'invalid-input',
    message: `The spike's scoped outcome would not pass the enabler gate, so nothing was created: ${fields.map((f) => `${f.path}: ${f.message}`).join('; ')}.`,
    details: { fields },
  };
}

const OUTCOME_PATHS = {
  outcome: 'outcome',
  successMeasure: 'successMeasure',
  bound: 'timeboxDays',
};

/** Settings, track mapping, the record of an earlier Explore first, and the item's verdict. */
async function readContext(args: ExploreFirstArgs): Promise<Context> {
  const { jira, delivery, project } = args;
  const [decision, state] = await Promise.all([
    readProjectContext(project.key),
    readExploreState(delivery.id),
  ]);
  const { config } = decision;
  const { ids } = await appFieldIds(
    ['entryTriage', 'discoveryEvidence', 'scopedOutcome'],
    decision.fields,
    jira,
  );
  const raw = await jira.getIssue(delivery.key, ['summary', 'status', ...entryIssueFields(ids)]);
  const tracks = trackResolver(decision.mapping, config.tracks.discoveryTypeNames);
  const reading = await entryVerdictOf({ issue: raw, ids, tracks, config, jira });
  const summary = ItemFieldsSchema.parse(raw.fields).summary ?? '';
  return {
    reading,
    summary,
    tracks,
    state,
    entryTriage: ids.entryTriage,
    scopedOutcomeField: ids.scopedOutcome,
    config,
  };
}

/**
 * The answer when nothing is to be created: the item is not delivery, is covered, already has
 * its open item from an earlier Explore first (linked again if need be), meets no criterion or
 * already waits on discovery.
 */
async function answerWithout(
  { jira, delivery, who }: ExploreFirstArgs,
  { reading, tracks, state }: Context,
): Promise<ExploreAnswer | undefined> {
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
  return undefined;
}

/** Links the new item, records it, and says what happened (and what to do if the link failed). */
async function linkAndRecord(
  { jira, delivery, input, who }: ExploreFirstArgs,
  done: {
    made: Awaited<ReturnType<typeof createItem>>;
    type: { id: string; name: string };
    linkType: LinkType;
    generation: number;
    state: ExploreState;
  },
): Promise<ExploreAnswer> {
  const { made, type, linkType } = done;
  const created = made.issue;
  let linkProblem: string | undefined;
  try {
    await blockWith(jira, linkType, created.id, delivery.id);
  } catch (error) {
    linkProblem = reasonFor(error);
  }
  const saved: ExploreRecord = {
    version: 1,
    generation: done.generation,
    deliveryKey: delivery.key,
    created: { id: created.id, key: created.key },
    kind: input.kind,
    linked: linkProblem === undefined,
    by: who.accountId,
    at: who.now.toISOString(),
  };
  const recorded = await recordExplore(delivery.id, saved, done.state);
  // This call's claim was judged stale and another Explore first recorded its item meanwhile.
  const superseded =
    recorded.status === 'superseded' && recorded.current
      ? ` Meanwhile another Explore first for ${delivery.key} recorded ${recorded.current.created.key}: that is the item ${delivery.key} waits on, and ${created.key} can be closed.`
      : '';
  const how = linkType.outward ?? linkType.name;
  const message =
    (linkProblem === undefined
      ? `Created ${created.key} (${type.name}) and linked it: ${created.key} ${how} ${delivery.key}. ${delivery.key} now waits on it.${made.triageNote}`
      : `Created ${created.key} (${type.name}) but could NOT link it to ${delivery.key} (${linkProblem}). Link it by hand (${created.key} ${how} ${delivery.key}), or press Explore first again to retry the link: no second item is created.${made.triageNote}`) +
    superseded;
  return {
    ok: true,
    result: {
      outcome: 'created',
      item: { id: created.id, key: created.key, kind: input.kind },
      linked: linkProblem === undefined,
      linkType: { id: linkType.id, name: linkType.name },
      triageCopied: made.triageCopied,
      message,
    },
  };
}
