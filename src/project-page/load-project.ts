import type { Config } from '../domain/config';
import { entryCriteriaJql, hasEntryCriteria } from '../domain/entry-query';
import { averageVelocity, VELOCITY_SPRINTS, type EstimateUnit } from '../domain/signals';
import { ProjectKeySchema } from '../contract/bridge-contract';
import type { ProjectOverview } from '../contract/project-overview';
import { pageFieldIds } from '../items/site-fields';
import { readIssuesInPages, type IssueReader } from '../jira/search';
import {
  activeAndClosedSprints,
  boardEstimation,
  firstScrumBoard,
  type Sprint,
} from '../jira/boards';
import { projectName } from '../jira/projects';
import {
  searchFields,
  trackResolver,
  type ItemFieldIds,
  type TrackResolver,
} from '../items/project-items';
import { getProjectIssueTypes } from '../jira/projects';
import type { JiraGateway } from '../jira/jira-gateway';
import { readProjectContextWithWaivers } from '../storage/project-context';
import { isWaiverActive, type Waiver } from '../domain/sprint-readiness';
import { displayNames } from '../jira/user-names';
import { readSprintTouchpoints } from './touchpoints-read';
import { buildOverview, type OverviewInput } from './build-overview';
import type { ItemReader } from './item-reader';
import { readEveryOpenItem, readTargeted } from './item-reads';
import type { EntryRead } from './needs-discovery-read';
import { pageNotes } from './page-notes';
import { pageQueries, type PageQueries } from './page-queries';
import { timeOf, velocity } from './velocity-read';

/**
 * Loads what the project page shows for one project, as the calling user. It does not read every
 * open item: each column and signal is one targeted JQL query (page-queries.ts) that reads only
 * what it needs, run in parallel, and long lists are counted instead of read. The calls each
 * load makes are listed in docs/costs.md.
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

export async function loadProjectOverview(input: LoadInput): Promise<ProjectOverview> {
  return buildOverview(await loadProjectData(input));
}

/** Everything the page is built from (reads, sprints, settings, notes), read from Jira. */
export async function loadProjectData(input: LoadInput): Promise<OverviewInput> {
  const { jira, now } = input;
  const key = ProjectKeySchema.parse(input.project.key);
  const site = await readSite(input, key);
  const { decision, ids, found, estimation } = site;
  const unit: EstimateUnit = estimation ? 'points' : 'issues';
  const { closed, recent, activeSprints, active } = sortSprints(site.sprints);
  const fieldIds: ItemFieldIds = {
    sprint: ids.sprint,
    estimate: estimation?.fieldId,
    scopedOutcome: ids.scopedOutcome,
    discoveryEvidence: ids.discoveryEvidence,
  };
  const reader: ItemReader = {
    jira,
    fields: searchFields(fieldIds),
    fieldIds,
    tracks: site.tracks,
  };
  const entry = entryReadOf(key, decision.config, ids, site.discoveryTypeIds);
  const readIssues = input.readEverything ?? readIssuesInPages;
  const closedSprints = velocity(readIssues, jira, {
    key,
    recent,
    sprintFieldId: ids.sprint,
    estimation,
    tracks: site.tracks,
  });
  const activeSprintIds = activeSprints.map((s) => s.id);
  const queries = input.readEverything
    ? undefined
    : pageQueries(key, site.discoveryTypeIds, activeSprintIds);
  const runway = { unit, config: decision.config, velocity: closedSprints.then(averageVelocity) };
  const [reads, velocityResult, name, waiverNames] = await Promise.all([
    queries
      ? readTargeted(reader, queries, runway, entry)
      : readEveryOpenItem(reader, readIssues, key, activeSprintIds, entry, unit),
    closedSprints,
    found?.board.location?.projectName ?? projectName(jira, key),
    grantorNames(jira, decision.waivers, now),
  ]);
  const touchpoints = active?.startDate
    ? await readSprintTouchpoints([...reads.discovery, ...reads.activeSprint], active.startDate)
    : undefined;
  const notes = pageNotes({
    key,
    config: decision.config,
    tracksGuessed: site.tracks.guessed,
    fields: ids,
    board: found ? { name: found.board.name, more: found.more } : undefined,
    estimation,
    closed,
    active,
    unit,
    reads,
    readNotes: entry.notes,
  });
  return {
    project: { id: input.project.id, key, name },
    now,
    unit,
    board: found ? { id: found.board.id, name: found.board.name } : null,
    activeSprint: active
      ? { id: active.id, name: active.name, startDate: active.startDate, endDate: active.endDate }
      : null,
    ...(touchpoints ? { touchpoints } : {}),
    closedSprints: velocityResult,
    reads,
    config: decision.config,
    waivers: decision.waivers,
    waiverNames,
    notes,
    columnJql: columnJqlOf(queries),
  };
}

/**
 * Who granted the project's active waivers, by name (the signals list waived items with it): one
 * user lookup, only when a waiver is active.
 */
function grantorNames(
  jira: JiraGateway,
  waivers: readonly Waiver[],
  now: Date,
): Promise<Map<string, string>> {
  const active = waivers.filter((w) => isWaiverActive(w, now));
  return displayNames(
    jira,
    active.map((w) => w.grantedBy),
  );
}

/** Settings, track mapping, field ids, the board with its estimation and sprints. */
async function readSite(input: LoadInput, key: string) {
  const { jira } = input;
  const decision = await readProjectContextWithWaivers(key);
  const { mapping } = decision;
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
  return { decision, tracks, ids, found, discoveryTypeIds, estimation, sprints };
}

/** Closed sprints newest first, the recent ones velocity is measured on, the active ones. */
function sortSprints(sprints: readonly Sprint[]) {
  const closed = sprints
    .filter((s) => s.state === 'closed')
    .sort((a, b) => timeOf(b.completeDate) - timeOf(a.completeDate));
  const activeSprints = sprints.filter((s) => s.state === 'active');
  return {
    closed,
    recent: closed.slice(0, VELOCITY_SPRINTS),
    activeSprints,
    active: activeSprints[0],
  };
}

/** What the "needs discovery first" read needs: its fields, settings and query. */
function entryReadOf(
  key: string,
  config: Config,
  ids: { entryTriage?: string | undefined; discoveryEvidence?: string | undefined },
  discoveryTypeIds: readonly string[],
): EntryRead {
  return {
    ids: { entryTriage: ids.entryTriage, discoveryEvidence: ids.discoveryEvidence },
    config,
    on: hasEntryCriteria(config.entry),
    query: (components) =>
      pageQueries(
        key,
        discoveryTypeIds,
        [],
        entryCriteriaJql(config.entry, { triage: ids.entryTriage !== undefined, components }),
      ).needsDiscovery,
    notes: [],
    shared: new Map(),
  };
}

function columnJqlOf(queries: PageQueries | undefined): OverviewInput['columnJql'] {
  return {
    discovery: queries?.discovery?.ordered ?? null,
    delivery: {
      activeSprint: queries?.sprintColumn?.ordered ?? null,
      ready: queries?.ready.ordered ?? null,
      inProgress: queries?.inProgress.ordered ?? null,
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
