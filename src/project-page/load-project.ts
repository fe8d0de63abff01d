import type { Config } from '../domain/config';
import { entryBlocks, type EntryVerdict } from '../domain/entry-criteria';
import type { ValidationState } from '../domain/readiness';
import {
  averageVelocity,
  VELOCITY_SPRINTS,
  type ClosedSprintResult,
  type EntryFlagRead,
  type EstimateUnit,
  type FlaggedItem,
  type ProjectItem,
} from '../domain/signals';
import { entryCriteriaJql, hasEntryCriteria } from '../domain/entry-query';
import { entryIssueFields, entryVerdictsOf, type EntryFieldIds } from '../items/entry-reader';
import { explainJiraFailure, isJiraError } from '../jira/errors';
import type { JiraGateway, RawIssue } from '../jira/jira-gateway';
import { getProjectIssueTypes } from '../jira/issue-types';
import { ProjectKeySchema } from '../contract/bridge-contract';
import type { ProjectOverview } from '../contract/project-overview';
import { loadDecisionContext } from '../storage/config-store';
import { readTrackMapping } from '../storage/track-mapping-store';
import { buildOverview, type OverviewInput } from './build-overview';
import { pageFieldIds } from '../items/field-ids';
import {
  activeAndClosedSprints,
  approximateCount,
  boardEstimation,
  firstScrumBoard,
  LIST_PAGE_SIZE,
  projectName,
  readIssuesInPages,
  readUntil,
  searchAll,
  type Estimation,
  type IssueReader,
  type Sprint,
} from '../items/project-jira';
import {
  describeEvidence,
  searchFields,
  sprintsOf,
  toProjectItem,
  trackResolver,
  type ItemFieldIds,
  type TrackResolver,
} from '../items/project-items';
import { LIST_LIMIT, readsOfAllItems, readyReadSuffices, type ProjectReads } from './project-reads';

/**
 * Loads what the project page shows for one project, as the calling user. It does not read
 * every open item: each column and signal is one targeted JQL query that reads only what it
 * needs, and long lists are counted instead of read. All calls are made as the user.
 *
 *   GET  /rest/api/3/field                         only while a field id is not yet remembered
 *   GET  /rest/agile/1.0/board                     the project's first Scrum board     } in
 *   GET  /rest/api/3/issuetype/project             which types are on which track      } parallel
 *   GET  /rest/agile/1.0/board/{id}/configuration  its estimation field   } in parallel
 *   GET  /rest/agile/1.0/board/{id}/sprint         active + closed sprints }
 *   then, in parallel (the queries of `pageQueries`):
 *   POST /rest/api/3/search/jql   discovery: every open discovery item (stages, open-ended
 *                                 discovery, unscoped enablers)
 *   POST /rest/api/3/search/jql   active sprint: its delivery items, done or not, and its
 *                                 finished discovery items (with the open discovery items read
 *                                 above: all of the sprint's work, for capacity and its column)
 *   POST /rest/api/3/search/jql   ready: the first ready items in rank order, enough for the
 *                                 list and for runway (see readyReadSuffices)
 *   POST /rest/api/3/search/jql   in progress: the first LIST_LIMIT items
 *   POST /rest/api/3/search/approximate-count   ready / in progress: how many, when not all
 *                                 were read
 *   POST /rest/api/3/search/jql   velocity of the last 3 closed sprints
 *   POST /rest/api/3/search/jql   needs discovery first: open delivery items meeting the
 *                                 discovery entry criteria, in rank order, until LIST_LIMIT of
 *                                 them are flagged (none when no criterion is configured)
 *   POST /rest/api/3/issue/bulkfetch  the evidence of ideas linked to those items, per 100, only
 *                                 for ideas not on the discovery track's open items just read
 *   POST /rest/api/3/search/approximate-count   needs discovery first: how many meet the
 *                                 criteria, when not all were read
 *   GET  /rest/api/3/project/{key}               only without a board (for the name)
 *
 * Velocity: one search for done issues in the last three closed sprints, each attributed to
 * the latest sprint in its Sprint field (the sprint it was completed in; an issue carried over
 * into a later sprint counts there). One request instead of one per sprint, and it needs no
 * changelog. Estimates are today's values, not the values when the sprint closed.
 */

export interface LoadInput {
  jira: JiraGateway;
  project: { id: string; key: string };
  now: Date;
  /**
   * Reads every open item with this reader instead of the targeted queries (the bench's plain
   * baseline, and the reference the targeted reads are checked against); velocity too.
   */
  readEverything?: IssueReader;
}

/** Milliseconds of an ISO date; 0 when absent or unreadable (sorts last). */
const timeOf = (iso: string | undefined): number => {
  const t = iso === undefined ? NaN : Date.parse(iso);
  return Number.isNaN(t) ? 0 : t;
};

/** The JQL of each targeted read: `where` for a count, `ordered` (by rank) for a search. */
export interface PageQuery {
  where: string;
  ordered: string;
}

export interface PageQueries {
  /** Every open discovery item; undefined when no type of the project is on that track. */
  discovery: PageQuery | undefined;
  /**
   * The active sprint(s)' items that the discovery read does not hold: delivery items, done or
   * not, and finished discovery items. Undefined without an active sprint.
   */
  activeSprint: PageQuery | undefined;
  /** The sprint column: delivery items of the active sprint(s), done or not. */
  sprintColumn: PageQuery | undefined;
  /** Delivery items not started, outside the active sprint. */
  ready: PageQuery;
  /** Delivery items in progress, outside the active sprint. */
  inProgress: PageQuery;
  /** Open delivery items meeting the entry criteria; undefined without a criterion. */
  needsDiscovery: PageQuery | undefined;
}

/**
 * The targeted queries of one load. Tracks are told apart by issue type id: `discoveryTypeIds`
 * are the project's types the track model puts on discovery; every other type is delivery.
 * As in Jira, `sprint not in (…)` never matches an issue in no sprint, hence the EMPTY.
 */
export function pageQueries(
  projectKey: string,
  discoveryTypeIds: readonly string[],
  activeSprintIds: readonly number[],
  /** The entry criteria as one JQL condition (see entryCriteriaJql). */
  entryCriteria?: string,
): PageQueries {
  const query = (...clauses: Array<string | undefined>): PageQuery => {
    const where = clauses.filter((c): c is string => c !== undefined).join(' AND ');
    return { where, ordered: `${where} ORDER BY Rank ASC` };
  };
  const project = `project = "${projectKey}"`;
  const types = discoveryTypeIds.join(', ');
  const sprints = activeSprintIds.join(', ');
  const delivery = types ? `issuetype not in (${types})` : undefined;
  const outsideSprint = sprints ? `(sprint is EMPTY OR sprint not in (${sprints}))` : undefined;
  return {
    discovery: types
      ? query(project, 'statusCategory != Done', `issuetype in (${types})`)
      : undefined,
    // Finished work counts for the capacity split as much as open work: a sprint's share is
    // planned on all of it (Jira's board shows done items in the sprint too).
    activeSprint: sprints
      ? query(
          project,
          `sprint in (${sprints})`,
          delivery ? `(${delivery} OR statusCategory = Done)` : undefined,
        )
      : undefined,
    sprintColumn: sprints ? query(project, delivery, `sprint in (${sprints})`) : undefined,
    ready: query(project, 'statusCategory = "To Do"', delivery, outsideSprint),
    inProgress: query(project, 'statusCategory = "In Progress"', delivery, outsideSprint),
    needsDiscovery: entryCriteria
      ? query(project, 'statusCategory != Done', delivery, entryCriteria)
      : undefined,
  };
}

export async function loadProjectOverview(input: LoadInput): Promise<ProjectOverview> {
  return buildOverview(await loadProjectData(input));
}

/** Everything the page is built from (reads, sprints, settings, notes), read from Jira. */
export async function loadProjectData(input: LoadInput): Promise<OverviewInput> {
  const { jira, now } = input;
  const key = ProjectKeySchema.parse(input.project.key);
  const notes: string[] = [];

  const [decision, mapping] = await Promise.all([loadDecisionContext(key), readTrackMapping(key)]);
  const tracks = trackResolver(mapping, decision.config.tracks.discoveryTypeNames);
  const [ids, found, discoveryTypeIds] = await Promise.all([
    pageFieldIds(decision.fields, jira),
    firstScrumBoard(jira, key),
    input.readEverything ? [] : discoveryTypesOf(jira, input.project.id, tracks),
  ]);
  const [estimation, sprints] = found
    ? await Promise.all([
        boardEstimation(jira, found.board.id),
        activeAndClosedSprints(jira, found.board.id),
      ])
    : [undefined, [] as Sprint[]];

  const unit: EstimateUnit = estimation ? 'points' : 'issues';
  const closed = sprints
    .filter((s) => s.state === 'closed')
    .sort((a, b) => timeOf(b.completeDate) - timeOf(a.completeDate));
  const recent = closed.slice(0, VELOCITY_SPRINTS);
  const activeSprints = sprints.filter((s) => s.state === 'active');
  const active = activeSprints[0];

  const fieldIds: ItemFieldIds = {
    sprint: ids.sprint,
    estimate: estimation?.fieldId,
    scopedOutcome: ids.scopedOutcome,
    discoveryEvidence: ids.discoveryEvidence,
  };
  const reader: ItemReader = { jira, fields: searchFields(fieldIds), fieldIds, tracks };
  const entry: EntryRead = {
    ids: { entryTriage: ids.entryTriage, discoveryEvidence: ids.discoveryEvidence },
    config: decision.config,
    on: hasEntryCriteria(decision.config.entry),
    query: (components) =>
      pageQueries(
        key,
        discoveryTypeIds,
        [],
        entryCriteriaJql(decision.config.entry, {
          triage: ids.entryTriage !== undefined,
          components,
        }),
      ).needsDiscovery,
    notes: [],
  };
  const closedSprints = velocity(
    input.readEverything ?? readIssuesInPages,
    jira,
    key,
    recent,
    ids.sprint,
    estimation,
  );
  const activeSprintIds = activeSprints.map((s) => s.id);
  const queries = input.readEverything
    ? undefined
    : pageQueries(key, discoveryTypeIds, activeSprintIds);
  const [reads, velocityResult, name] = await Promise.all([
    queries
      ? readTargeted(
          reader,
          queries,
          { unit, config: decision.config, velocity: closedSprints.then(averageVelocity) },
          entry,
        )
      : readEveryOpenItem(
          reader,
          input.readEverything ?? readIssuesInPages,
          key,
          activeSprintIds,
          entry,
        ),
    closedSprints,
    found?.board.location?.projectName ?? projectName(jira, key),
  ]);

  if (tracks.guessed) {
    notes.push(
      'Dual Track is not set up for this project yet, so tracks are guessed from issue type names: Discovery, Spike and Enabler are discovery, every other type is delivery. A project admin can run setup in the project settings.',
    );
  }
  if (!ids.scopedOutcome) {
    notes.push(
      'The app’s Scoped outcome field is not on this Jira site, so every enabler counts as unscoped. Reinstalling or upgrading Dual Track registers it.',
    );
  }
  if (!ids.discoveryEvidence) {
    notes.push(
      'The app’s Discovery evidence field is not on this Jira site, so ideas show no evidence. Reinstalling or upgrading Dual Track registers it.',
    );
  }
  const { entry: criteria } = decision.config;
  if (
    !ids.entryTriage &&
    (criteria.uncertaintyAtLeast !== 'off' || criteria.riskAtLeast !== 'off')
  ) {
    notes.push(
      'The app’s Entry triage field is not on this Jira site, so the discovery entry criteria look at labels and components only, not at uncertainty or risk. Reinstalling or upgrading Dual Track registers it.',
    );
  }
  notes.push(...entry.notes);
  if (!found) {
    notes.push(
      `No Scrum board shows ${key}, so there is no velocity, no runway and no sprint to split: add the project to a Scrum board. Work is counted in issues.`,
    );
  } else {
    if (found.more) {
      notes.push(
        `More than one Scrum board shows ${key}; the signals use the first one, "${found.board.name}".`,
      );
    }
    if (!estimation) {
      notes.push(
        `The board "${found.board.name}" has no estimation field, so work is counted in issues, not points.`,
      );
    }
    if (closed.length === 0) {
      notes.push(
        `The board "${found.board.name}" has no closed sprints yet, so there is no velocity: runway appears once a sprint is completed.`,
      );
    }
    if (!active) {
      notes.push(
        `No sprint is active on "${found.board.name}": the capacity split is measured on the sprint in progress.`,
      );
    }
  }
  const open =
    reads.discovery.length +
    reads.activeSprint.filter((i) => i.track === 'delivery' && i.statusCategory !== 'done').length +
    reads.ready.count +
    reads.inProgress.count;
  if (open === 0) {
    notes.push(`${key} has no open items: nothing is waiting in discovery or delivery.`);
  } else if (
    unit === 'points' &&
    estimation &&
    reads.ready.items.length > 0 &&
    !reads.ready.items.some((i) => i.estimate !== undefined)
  ) {
    notes.push(
      reads.ready.complete
        ? `No ready delivery item has a ${estimation.displayName} value, so ready work counts as 0 ${unit}.`
        : `None of the first ${reads.ready.items.length} ready delivery items has a ${estimation.displayName} value: they count as 0 ${unit}.`,
    );
  }

  return {
    project: { id: input.project.id, key, name },
    now,
    unit,
    board: found ? { id: found.board.id, name: found.board.name } : null,
    activeSprint: active ? { id: active.id, name: active.name } : null,
    closedSprints: velocityResult,
    reads,
    config: decision.config,
    notes,
    columnJql: {
      discovery: queries?.discovery?.ordered ?? null,
      delivery: {
        activeSprint: queries?.sprintColumn?.ordered ?? null,
        ready: queries?.ready.ordered ?? null,
        inProgress: queries?.inProgress.ordered ?? null,
      },
    },
  };
}

/** The ids of the project's issue types that the track model puts on discovery. */
async function discoveryTypesOf(
  jira: JiraGateway,
  projectId: string,
  tracks: TrackResolver,
): Promise<string[]> {
  const types = await getProjectIssueTypes(jira, projectId);
  return types.filter((t) => tracks.trackOf(t.id, t.name) === 'discovery').map((t) => t.id);
}

/** What turns search results into the page's items. */
interface ItemReader {
  jira: JiraGateway;
  fields: string[];
  fieldIds: ItemFieldIds;
  tracks: TrackResolver;
}

/**
 * A page handler that turns each issue into an item (and its evidence text) in `into`. Done
 * items are dropped unless `keep` says otherwise (the active sprint's finished work).
 */
function collect(
  reader: ItemReader,
  into: ProjectItem[],
  evidenceText: Map<string, string>,
  keep: (item: ProjectItem) => boolean = (item) => item.statusCategory !== 'done',
): (issues: readonly RawIssue[]) => void {
  return (issues) => {
    for (const raw of issues) {
      const { item, evidence } = toProjectItem(raw, reader.fieldIds, reader.tracks);
      // A search may see an item change under it; only what the read is for counts.
      if (!keep(item)) continue;
      into.push(item);
      const text = describeEvidence(evidence);
      if (text) evidenceText.set(item.key, text);
    }
  };
}

/**
 * What the active sprint read keeps: delivery items, done or not, and finished discovery items
 * (its open discovery items come with the discovery read).
 */
const inSprintRead = (item: ProjectItem): boolean =>
  item.track === 'delivery' || item.statusCategory === 'done';

/** The plain read keeps what its JQL found: open items and the active sprint's done work. */
const keptByPlainRead = (): boolean => true;

/** What the "needs discovery first" read needs, and the notes it leaves. */
interface EntryRead {
  ids: EntryFieldIds;
  config: Config;
  /** Whether any criterion is configured. */
  on: boolean;
  /** The query of open delivery items meeting the criteria, searching these components. */
  query: (components?: readonly string[]) => PageQuery | undefined;
  notes: string[];
}

/** Validation states of the open ideas read (null: no evidence), by key. */
function validationsOf(discovery: readonly ProjectItem[]): Map<string, ValidationState | null> {
  return new Map(
    discovery.filter((i) => i.kind === 'idea').map((i) => [i.key, i.validation ?? null]),
  );
}

function flaggedItem(item: ProjectItem, verdict: EntryVerdict): FlaggedItem | undefined {
  if (!entryBlocks(verdict) || verdict.state === 'not-applicable') return undefined;
  return {
    key: item.key,
    summary: item.summary,
    state: verdict.state === 'waiting' ? 'waiting' : 'needs-discovery',
    reasons: verdict.reasons.map((r) => r.text),
    waitingOn: verdict.state === 'waiting' ? verdict.waitingOn : [],
    inSprint: item.sprint?.state === 'active',
  };
}

/**
 * Decides the entry verdicts of open delivery issues (read with the entry fields) in their order:
 * adds the flagged ones to `flagged` and returns how many meet the criteria.
 */
async function judge(
  reader: ItemReader,
  entry: EntryRead,
  issues: readonly RawIssue[],
  known: ReadonlyMap<string, ValidationState | null>,
  flagged: FlaggedItem[],
): Promise<number> {
  const open: Array<{ raw: RawIssue; item: ProjectItem }> = [];
  for (const raw of issues) {
    const { item } = toProjectItem(raw, reader.fieldIds, reader.tracks);
    if (item.statusCategory !== 'done' && item.track === 'delivery') open.push({ raw, item });
  }
  if (open.length === 0) return 0;
  const { readings } = await entryVerdictsOf({
    issues: open.map((o) => o.raw),
    ids: entry.ids,
    tracks: reader.tracks,
    config: entry.config,
    jira: reader.jira,
    known,
  });
  let meeting = 0;
  readings.forEach((reading, i) => {
    const item = open[i]?.item;
    if (!item || reading.verdict.state === 'not-applicable') return;
    meeting += 1;
    const flag = flaggedItem(item, reading.verdict);
    if (flag) flagged.push(flag);
  });
  return meeting;
}

/**
 * The plain way: every open item and the active sprint's finished work, then sorted into the
 * page's reads.
 */
async function readEveryOpenItem(
  reader: ItemReader,
  readIssues: IssueReader,
  key: string,
  activeSprintIds: readonly number[],
  entry: EntryRead,
): Promise<ProjectReads> {
  const items: ProjectItem[] = [];
  const evidenceText = new Map<string, string>();
  const delivery: RawIssue[] = [];
  const toItems = collect(reader, items, evidenceText, keptByPlainRead);
  const sprintWork =
    activeSprintIds.length > 0 ? ` OR sprint in (${activeSprintIds.join(', ')})` : '';
  await readIssues(
    reader.jira,
    `project = "${key}" AND (statusCategory != Done${sprintWork}) ORDER BY Rank ASC`,
    entry.on ? [...new Set([...reader.fields, ...entryIssueFields(entry.ids)])] : reader.fields,
    (issues) => {
      toItems(issues);
      if (entry.on) delivery.push(...issues);
    },
  );
  let needsDiscovery: EntryFlagRead = { kind: 'off' };
  if (entry.on) {
    const flagged: FlaggedItem[] = [];
    const known = validationsOf(
      items.filter((i) => i.track === 'discovery' && i.statusCategory !== 'done'),
    );
    const meetingCriteria = await judge(reader, entry, delivery, known, flagged);
    needsDiscovery = {
      kind: 'read',
      flagged,
      complete: true,
      meetingCriteria,
      triage: entry.ids.entryTriage !== undefined,
    };
  }
  return readsOfAllItems(items, evidenceText, needsDiscovery);
}

/** Components Jira names as unknown in a refused search ("The value 'X' does not exist …"). */
function unknownComponents(error: unknown): string[] {
  if (!isJiraError(error) || error.kind !== 'bad-request') return [];
  return [
    ...error.message.matchAll(/The value '([^']*)' does not exist for the field 'component'/g),
  ]
    .map((m) => m[1] ?? '')
    .filter((c) => c.length > 0);
}

/**
 * Open delivery items meeting the entry criteria, in rank order, until LIST_LIMIT of them are
 * flagged; the evidence of their linked ideas is taken from the discovery read (`known`) where it
 * has them. A component the criteria name that Jira does not know is left out, with a note.
 */
async function readNeedsDiscovery(
  reader: ItemReader,
  entry: EntryRead,
  known: Promise<ReadonlyMap<string, ValidationState | null>>,
): Promise<EntryFlagRead> {
  if (!entry.on) return { kind: 'off' };
  const triage = entry.ids.entryTriage !== undefined;
  let components = entry.config.entry.components;
  for (let attempt = 0; ; attempt++) {
    const query = entry.query(components);
    if (!query) return { kind: 'read', flagged: [], complete: true, meetingCriteria: 0, triage };
    try {
      return { kind: 'read', triage, ...(await readFlagged(reader, entry, query, known)) };
    } catch (error) {
      const unknown = attempt === 0 ? unknownComponents(error).map((c) => c.toLowerCase()) : [];
      const dropped = components.filter((c) => unknown.includes(c.toLowerCase()));
      if (dropped.length === 0) {
        // One signal Jira cannot answer does not take the page down with it.
        if (!isJiraError(error) || error.kind !== 'bad-request') throw error;
        return {
          kind: 'failed',
          reason: `The discovery entry criteria could not be checked: ${explainJiraFailure(error)}.`,
        };
      }
      components = components.filter((c) => !unknown.includes(c.toLowerCase()));
      const names = dropped.map((c) => `"${c}"`).join(', ');
      entry.notes.push(
        dropped.length === 1
          ? `Jira knows no component ${names}, named in the discovery entry criteria, so the page does not look for it.`
          : `Jira knows no components ${names}, named in the discovery entry criteria, so the page does not look for them.`,
      );
    }
  }
}

async function readFlagged(
  reader: ItemReader,
  entry: EntryRead,
  query: PageQuery,
  known: Promise<ReadonlyMap<string, ValidationState | null>>,
): Promise<{ flagged: FlaggedItem[]; complete: boolean; meetingCriteria: number }> {
  const flagged: FlaggedItem[] = [];
  let meeting = 0;
  let pending: RawIssue[] = [];
  const judgePending = async () => {
    const batch = pending;
    pending = [];
    meeting += await judge(reader, entry, batch, await known, flagged);
  };
  const fields = [...new Set([...reader.fields, ...entryIssueFields(entry.ids)])];
  const { complete } = await readUntil(
    reader.jira,
    query.ordered,
    fields,
    LIST_PAGE_SIZE,
    (issues) => pending.push(...issues),
    async () => {
      await judgePending();
      return flagged.length >= LIST_LIMIT;
    },
  );
  await judgePending();
  const meetingCriteria = complete ? meeting : await approximateCount(reader.jira, query.where);
  return { flagged, complete, meetingCriteria };
}

/**
 * The targeted reads, independent of each other and run in parallel (one more list or signal
 * is one more entry here). Only the ready read waits for velocity, to know when to stop.
 */
async function readTargeted(
  reader: ItemReader,
  queries: PageQueries,
  runway: {
    unit: EstimateUnit;
    config: Config;
    velocity: Promise<number | undefined>;
  },
  entry: EntryRead,
): Promise<ProjectReads> {
  const { jira, fields } = reader;
  const evidenceText = new Map<string, string>();
  const readAll = async (
    query: PageQuery | undefined,
    keep?: (item: ProjectItem) => boolean,
  ): Promise<ProjectItem[]> => {
    const items: ProjectItem[] = [];
    if (query) {
      await searchAll(jira, query.ordered, fields, collect(reader, items, evidenceText, keep));
    }
    return items;
  };
  /** The first items of a list in rank order until `enough`, and how many the list holds. */
  const readFirst = async (
    query: PageQuery,
    pageSize: number,
    enough: (items: readonly ProjectItem[]) => boolean | Promise<boolean>,
  ) => {
    const items: ProjectItem[] = [];
    const { complete } = await readUntil(
      jira,
      query.ordered,
      fields,
      pageSize,
      collect(reader, items, evidenceText),
      () => enough(items),
    );
    const count = complete ? items.length : await approximateCount(jira, query.where);
    return { items, complete, count };
  };

  const discoveryRead = readAll(queries.discovery);
  const [discovery, activeSprint, ready, inProgress, needsDiscovery] = await Promise.all([
    discoveryRead,
    readAll(queries.activeSprint, inSprintRead),
    readFirst(
      queries.ready,
      runway.unit === 'points' ? LIST_PAGE_SIZE : LIST_LIMIT,
      async (items) => readyReadSuffices(items, runway.unit, await runway.velocity, runway.config),
    ),
    readFirst(queries.inProgress, LIST_LIMIT, (items) => items.length >= LIST_LIMIT),
    readNeedsDiscovery(reader, entry, discoveryRead.then(validationsOf)),
  ]);
  return {
    discovery,
    activeSprint,
    ready,
    inProgress: { items: inProgress.items, count: inProgress.count },
    evidenceText,
    needsDiscovery,
  };
}

/** What each of the recent closed sprints completed (points, or issues without estimation). */
async function velocity(
  readIssues: IssueReader,
  jira: JiraGateway,
  key: string,
  recent: readonly Sprint[],
  sprintFieldId: string | undefined,
  estimation: Estimation | undefined,
): Promise<ClosedSprintResult[]> {
  if (recent.length === 0 || !sprintFieldId) return [];
  const completed = new Map<number, number>(recent.map((s) => [s.id, 0]));
  const completeDate = new Map(recent.map((s) => [s.id, s.completeDate ?? '']));
  const fields = [sprintFieldId, ...(estimation ? [estimation.fieldId] : [])];
  await readIssues(
    jira,
    `project = "${key}" AND sprint in (${recent.map((s) => s.id).join(', ')}) AND statusCategory = Done`,
    fields,
    (issues) => {
      for (const issue of issues) {
        const sprintId = completedIn(sprintsOf(issue.fields[sprintFieldId]), completeDate);
        if (sprintId === undefined) continue;
        const raw = estimation ? issue.fields[estimation.fieldId] : 1;
        const size = typeof raw === 'number' && Number.isFinite(raw) ? raw : 0;
        completed.set(sprintId, (completed.get(sprintId) ?? 0) + size);
      }
    },
  );
  return recent.map((s) => ({
    id: s.id,
    name: s.name,
    completeDate: s.completeDate ?? '',
    completed: completed.get(s.id) ?? 0,
  }));
}

/**
 * The recent sprint an issue was completed in: the latest sprint in its Sprint field, when that
 * is one of the recent closed ones. An issue still in an open sprint was finished there.
 */
function completedIn(
  sprints: ReturnType<typeof sprintsOf>,
  recentCompleteDate: ReadonlyMap<number, string>,
): number | undefined {
  if (sprints.some((s) => s.state !== 'closed')) return undefined;
  let latest: { id: number; date: number } | undefined;
  for (const s of sprints) {
    const date = timeOf(s.completeDate ?? recentCompleteDate.get(s.id));
    if (!latest || date > latest.date) latest = { id: s.id, date };
  }
  return latest && recentCompleteDate.has(latest.id) ? latest.id : undefined;
}
