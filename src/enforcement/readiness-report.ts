import { refuse } from '../domain/failure';
import { checkValidated, describeShortfall, type ValidationState } from '../domain/readiness';
import { RULE_WORDING, type EnforcementRule } from '../domain/sprint-readiness';
import type { Track } from '../domain/track';
import { boardSprints, getSprint, type Sprint } from '../jira/boards';
import type { JiraGateway } from '../jira/jira-gateway';
import { JiraFieldIdsSchema } from '../storage/config-store';
import { parseStored, readOne } from '../storage/kvs-store';
import { KEYS } from '../storage/key-families';
import type { EnforcementFieldIds } from '../items/site-fields';
import {
  readItem,
  readSprintItems,
  trackOfItem,
  withLoggedEvidence,
  type Item,
} from '../items/item-facts';
import {
  contextsOf,
  entryVerdictsByItem,
  fieldIds,
  onDiscoveryTrack,
  verdictOf,
} from './sprint-start-plan';

/**
 * What the sprint guard would say about items now, without acting: one item (Automation's "check
 * an item's readiness"), a sprint, or a board's active and next sprint by track (the board
 * action). The verdicts are the guard's own (`verdictOf`); Jira is read through the gateway given,
 * as the person asking, so nobody learns of an item they cannot see.
 */

export type ReadinessVerdictKind = 'ready' | 'waived' | 'move-back' | 'flag' | 'not-set-up';

export interface ItemReadinessRow {
  key: string;
  summary: string;
  typeName: string;
  /** The item's track in its Dual Track project; null when the project is not set up. */
  track: Track | null;
  verdict: ReadinessVerdictKind;
  rule: EnforcementRule | null;
  /** What the rule asks for, in words (empty when ready). */
  missing: string[];
}

/** The rule's name as the panel and the guard word it. */
export function ruleName(rule: EnforcementRule | null): string | null {
  return rule ? RULE_WORDING[rule].name : null;
}

/**
 * The field ids a verdict reads with. Judging acts on nothing, so Jira's Flagged field is not
 * needed: with the Sprint and Scoped outcome ids remembered, no field list is read (as the gates
 * read none); otherwise the guard's lookup runs once and remembers them.
 */
async function readingFieldIds(jira: JiraGateway): Promise<EnforcementFieldIds> {
  const known = parseStored(KEYS.jiraFields, JiraFieldIdsSchema, await readOne(KEYS.jiraFields));
  if (known?.sprint && known.scopedOutcome) {
    return {
      sprint: known.sprint,
      scopedOutcome: known.scopedOutcome,
      discoveryEvidence: known.discoveryEvidence,
      track: known.track,
      entryTriage: known.entryTriage,
      flagged: null,
    };
  }
  return fieldIds(jira);
}

async function judge(
  items: readonly Item[],
  ids: EnforcementFieldIds,
  jira: JiraGateway,
  now: Date,
) {
  const contexts = await contextsOf(items);
  const withEvidence = await withLoggedEvidence(items, onDiscoveryTrack(contexts));
  const entries = await entryVerdictsByItem(withEvidence, contexts, ids, jira);
  return withEvidence.map((item): ItemReadinessRow => {
    const context = contexts.get(item.projectKey);
    const base = { key: item.key, summary: item.summary, typeName: item.typeName };
    const mapping = context?.mapping;
    if (!context || !mapping || mapping.projectId !== item.projectId) {
      return { ...base, track: null, verdict: 'not-set-up', rule: null, missing: [] };
    }
    const track = trackOfItem(item, mapping, context.config);
    const verdict = verdictOf(item, context, entries.get(item.id), now);
    if (verdict.kind === 'ready')
      return { ...base, track, verdict: 'ready', rule: null, missing: [] };
    if (verdict.kind === 'waived') {
      const { rule, missing } = verdict.waived;
      return { ...base, track, verdict: 'waived', rule, missing };
    }
    const { rule, missing, action } = verdict.planned;
    return { ...base, track, verdict: action, rule, missing };
  });
}

/** One item as the guard would judge it now: one Jira read of the item (plus its linked ideas). */
export async function itemReadiness(
  jira: JiraGateway,
  issueKey: string,
  now: Date,
): Promise<ItemReadinessRow> {
  const ids = await readingFieldIds(jira);
  const item = await readItem(jira, issueKey, ids);
  const [row] = await judge([item], ids, jira, now);
  if (!row) throw new Error(`no verdict for ${issueKey}`);
  return row;
}

export interface IdeaValidation {
  key: string;
  state: ValidationState;
  /** What is still needed (empty when validated). */
  missing: string[];
}

/**
 * Is this discovery item validated, by the project's thresholds and its evidence log (as the
 * discovery gate decides): one Jira read of the item. Refused for a delivery item or a project
 * that is not set up.
 */
export async function ideaValidation(jira: JiraGateway, issueKey: string): Promise<IdeaValidation> {
  const ids = await readingFieldIds(jira);
  const read = await readItem(jira, issueKey, ids);
  const contexts = await contextsOf([read]);
  const context = contexts.get(read.projectKey);
  const mapping = context?.mapping;
  if (!context || !mapping || mapping.projectId !== read.projectId) {
    return refuse('invalid-input', `${read.projectKey} is not set up for Dual Track.`);
  }
  if (trackOfItem(read, mapping, context.config) !== 'discovery') {
    return refuse(
      'invalid-input',
      `${read.key} (${read.typeName}) is on the delivery track: only discovery items are validated.`,
    );
  }
  const [item = read] = await withLoggedEvidence([read], () => true);
  const evidence = item.facts.evidence;
  const check = checkValidated(
    evidence?.counts ?? {
      interview: 0,
      'usability-test': 0,
      'prototype-review': 0,
      'concierge-test': 0,
      experiment: 0,
    },
    context.config.validation,
    evidence?.invalidated ?? false,
  );
  const missing =
    check.state === 'invalidated'
      ? ['the idea was invalidated: it should not be built']
      : check.shortfalls.map(describeShortfall);
  return { key: item.key, state: check.state, missing };
}

export interface TrackTally {
  ready: number;
  notReady: number;
}

export interface SprintReadiness {
  id: number;
  name: string;
  state: string;
  items: ItemReadinessRow[];
  /** Ready and not-ready counts by track (items of projects not set up are left out). */
  byTrack: Record<Track, TrackTally>;
  /** Items of the sprint past the scan limit that were not read (0: all were). */
  unread: number;
}

const notReady = (row: ItemReadinessRow) => row.verdict === 'move-back' || row.verdict === 'flag';

function tally(rows: readonly ItemReadinessRow[]): Record<Track, TrackTally> {
  const out: Record<Track, TrackTally> = {
    discovery: { ready: 0, notReady: 0 },
    delivery: { ready: 0, notReady: 0 },
  };
  for (const row of rows) {
    if (!row.track) continue;
    if (notReady(row)) out[row.track].notReady += 1;
    else out[row.track].ready += 1;
  }
  return out;
}

/** A sprint's items judged as the sprint-start check would (at most its scan limit of items). */
export async function sprintReadiness(
  jira: JiraGateway,
  sprint: Pick<Sprint, 'id' | 'name' | 'state'>,
  now: Date,
): Promise<SprintReadiness> {
  const ids = await readingFieldIds(jira);
  const read = await readSprintItems(jira, sprint.id, ids);
  const rows = await judge(read.items, ids, jira, now);
  return {
    id: sprint.id,
    name: sprint.name,
    state: sprint.state,
    items: rows,
    byTrack: tally(rows),
    unread: read.unread,
  };
}

/** A sprint by id, read as the gateway's user (Jira refuses one they may not see). */
export async function sprintByIdReadiness(
  jira: JiraGateway,
  sprintId: number,
  now: Date,
): Promise<SprintReadiness> {
  return sprintReadiness(jira, await getSprint(jira, sprintId), now);
}

export interface BoardReadiness {
  boardId: number;
  active: SprintReadiness | null;
  next: SprintReadiness | null;
}

/** The board's active sprint and the first future one, each judged (the board's sprint list once). */
export async function boardReadiness(
  jira: JiraGateway,
  boardId: number,
  now: Date,
): Promise<BoardReadiness> {
  const sprints = await boardSprints(jira, boardId, ['active', 'future']);
  const active = sprints.find((s) => s.state === 'active');
  const next = sprints.find((s) => s.state === 'future');
  return {
    boardId,
    active: active ? await sprintReadiness(jira, active, now) : null,
    next: next ? await sprintReadiness(jira, next, now) : null,
  };
}

/** The rows the guard would act on: the items it would move back or flag. */
export const wouldAct = (report: SprintReadiness): ItemReadinessRow[] =>
  report.items.filter(notReady);
