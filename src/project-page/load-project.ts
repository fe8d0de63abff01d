import type { Config } from '../domain/config';
import { entryCriteriaJql, hasEntryCriteria } from '../domain/entry-query';
import { VELOCITY_SPRINTS, type ClosedSprintResult, type EstimateUnit } from '../domain/signals';
import { ProjectKeySchema } from '../contract/bridge-contract';
import type { ProjectOverview } from '../contract/project-overview';
import { pageFieldIds } from '../items/site-fields';
import { readIssuesInPages, type IssueReader } from '../jira/search';
import type { Sprint } from '../jira/boards';
import type { BoardList, ChosenBoard } from '../jira/board-choice';
import { projectName } from '../jira/projects';
import { kindOf, searchFields, trackResolver, type ItemFieldIds } from '../items/project-items';
import { readJpdIdeas, withJpdIdeas } from './jpd-read';
import { getProjectIssueTypes } from '../jira/projects';
import type { JiraGateway } from '../jira/jira-gateway';
import { PAGE_CACHE_KEYS } from '../storage/key-families';
import {
  pageSiteOf,
  pickToSave,
  rememberedTypes,
  savePageSite,
  type PageSite,
} from '../storage/page-cache-store';
import { readProjectContextWithWaivers } from '../storage/project-context';
import { isWaiverActive, type Waiver } from '../domain/sprint-readiness';
import { displayNames } from '../jira/user-names';
import { readSprintTouchpoints } from './touchpoints-read';
import { buildOverview, type OverviewInput } from './build-overview';
import type { ItemReader } from './item-reader';
import { readEveryOpenItem } from './item-reads';
import type { EntryRead } from './needs-discovery-read';
import { pageNotes } from './page-notes';
import { pageQueries, type BacklogTerms, type PageQueries } from './page-queries';
import type { ProjectReads } from './project-reads';
import { timeOf, velocity, type VelocitySprints } from './velocity-read';
import { readSiteBoard, type SiteBoard } from './board-pick';
import { readThroughput } from './throughput-read';
import { readPlanned } from './read-plan';

/**
 * Loads what the project page shows for one project, as the calling user. It does not read every
 * open item: the sets read whole come in one JQL search, each long list in one targeted query
 * that stops when it has enough (page-queries.ts), in parallel, and the rest is counted. The
 * calls each load makes are listed in docs/costs.md.
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
  /** The project context as the caller read it already, with the remembered site shape. */
  context?: PageContext;
  /** The project's boards as the viewer sees them, read already: the default pick's list. */
  projectBoards?: BoardList;
}

/** What a load reads from storage first: settings, waivers, and what the page remembers. */
export type PageContext = Awaited<ReturnType<typeof readProjectContextWithWaivers>>;

/** The storage keys a page load reads with the project context. */
export const pageContextKeys = (projectKey: string): string[] => [PAGE_CACHE_KEYS.site(projectKey)];

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
  const { tracks } = site;
  const reader: ItemReader = { jira, fields: searchFields(fieldIds), fieldIds, tracks };
  const entry = entryReadOf(key, decision.config, ids, site.discoveryTypeIds);
  const { scope } = site.board;
  const velocitySprints = { scope, recent, sprintFieldId: ids.sprint, estimation, tracks };
  const activeSprintIds = activeSprints.map((s) => s.id);
  const queries = input.readEverything
    ? undefined
    : pageQueries(
        site.board.scope,
        site.discoveryTypeIds,
        activeSprintIds,
        undefined,
        recent.map((s) => s.id),
        estimation?.fieldId,
        backlogTermsOf(site, now),
      );
  const spaceKeys = decision.config.jpd.spaceKeys;
  const [{ reads, closedSprints }, name, waiverNames, weeks] = await Promise.all([
    queries
      ? readPlanned(reader, queries, {
          key,
          now,
          site,
          entry,
          unit,
          spaceKeys,
          plan: { activeSprintIds, velocity: velocitySprints },
        })
      : readPlain(input.readEverything ?? readIssuesInPages, reader, {
          entry,
          activeSprintIds,
          unit,
          sprints: velocitySprints,
          spaceKeys,
        }),
    nameOf(jira, key, found),
    grantorNames(jira, decision.waivers, now),
    kanbanThroughput(input, site),
  ]);
  const touchpoints = active?.startDate
    ? await readSprintTouchpoints([...reads.discovery, ...reads.activeSprint], active.startDate)
    : undefined;
  const notes = notesOf(key, site, { closed, active, unit, reads, readNotes: entry.notes });
  return {
    project: { id: input.project.id, key, name },
    now,
    unit,
    board: found ? { id: found.board.id, name: found.board.name } : null,
    ...boardFlowOf(site.board.scope, weeks, reads),
    activeSprint: active
      ? { id: active.id, name: active.name, startDate: active.startDate, endDate: active.endDate }
      : null,
    ...(touchpoints ? { touchpoints } : {}),
    closedSprints,
    reads,
    config: decision.config,
    waivers: decision.waivers,
    waiverNames,
    notes,
    columnJql: columnJqlOf(queries),
  };
}

/** The project's name: from its own board's location, else asked of Jira. */
const nameOf = (jira: JiraGateway, key: string, found: ChosenBoard | undefined) =>
  (!found?.chosen ? found?.board.location?.projectName : undefined) ?? projectName(jira, key);

/** What the page says of a Kanban board's flow and of a board that spans projects. */
const boardFlowOf = (scope: string[], weeks: number[] | undefined, reads: ProjectReads) => ({
  ...(weeks ? { kanban: { weeks, deliveryInProgress: reads.inProgress.count } } : {}),
  ...(scope.length > 1 ? { boardProjects: scope } : {}),
});

/** A Kanban board's finished delivery work per week (undefined on a sprint board). */
function kanbanThroughput(
  input: LoadInput,
  site: Awaited<ReturnType<typeof readSite>>,
): Promise<number[]> | undefined {
  if (site.board.flow !== 'kanban') return undefined;
  return readThroughput(input.readEverything ?? readIssuesInPages, input.jira, {
    scope: site.board.scope,
    weeks: site.decision.config.kanban.throughputWeeks,
    now: input.now,
    estimation: site.estimation,
    tracks: site.tracks,
  });
}

/** The plain load: every open item, the JPD spaces' ideas, and velocity with its own search. */
async function readPlain(
  readIssues: IssueReader,
  reader: ItemReader,
  load: {
    entry: EntryRead;
    activeSprintIds: readonly number[];
    unit: EstimateUnit;
    sprints: VelocitySprints;
    spaceKeys: readonly string[];
  },
): Promise<{ reads: ProjectReads; closedSprints: ClosedSprintResult[] }> {
  const { entry, unit, sprints } = load;
  const [reads, closedSprints, jpd] = await Promise.all([
    readEveryOpenItem(reader, readIssues, sprints.scope, load.activeSprintIds, entry, unit),
    velocity(readIssues, reader.jira, sprints),
    readJpdIdeas(reader, load.spaceKeys, { readIssues }),
  ]);
  return { reads: withJpdIdeas(reads, jpd), closedSprints };
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

/**
 * Settings, track mapping, field ids, the board with its estimation and sprints. The project's
 * issue types and the board's estimation come from storage while remembered (page-cache-store).
 */
async function readSite(input: LoadInput, key: string) {
  const { jira, now } = input;
  const siteKey = PAGE_CACHE_KEYS.site(key);
  const decision = input.context ?? (await readProjectContextWithWaivers(key, [siteKey]));
  const remembered = pageSiteOf(key, decision.extra.get(siteKey));
  const { mapping } = decision;
  const tracks = trackResolver(mapping, decision.config.tracks.discoveryTypeNames);
  const cachedTypes = rememberedTypes(remembered, input.project.id, now);
  const plain = input.readEverything !== undefined;
  const choice = decision.config.board.boardId;
  const [ids, read, types] = await Promise.all([
    pageFieldIds(decision.fields, jira),
    readSiteBoard(jira, key, { choice, remembered, now, plain, boards: input.projectBoards }),
    plain ? [] : (cachedTypes ?? getProjectIssueTypes(jira, input.project.id).then(namesOf)),
  ]);
  const { estimation, rankFieldId, board } = read;
  const { found, sprints } = board;
  const toSave = plain
    ? undefined
    : siteToSave(remembered, {
        read,
        projectId: input.project.id,
        types,
        typesRead: !cachedTypes,
        now,
      });
  if (toSave) await savePageSite(key, toSave);
  const saved = toSave ?? remembered;
  const discoveryTypes = types.filter((t) => tracks.trackOf(t.id, t.name) === 'discovery');
  const discoveryTypeIds = discoveryTypes.map((t) => t.id);
  const ofKind = (kind: 'enabler' | 'spike') =>
    discoveryTypes.filter((t) => kindOf(t.name, 'discovery') === kind).map((t) => t.id);
  const knownTypeIds = new Set(types.map((t) => t.id));
  return {
    decision,
    tracks,
    ids,
    found,
    board,
    discoveryTypeIds,
    engineeringTypeIds: { enabler: ofKind('enabler'), spike: ofKind('spike') },
    knownTypeIds,
    estimation,
    rankFieldId,
    sprints,
    /** What the page remembers of the site, as stored after this read. */
    remembered: saved,
  };
}

/**
 * The site shape to remember after a load that read the issue types, a board's settings or a
 * different board pick from Jira; undefined when nothing new was read.
 */
function siteToSave(
  remembered: PageSite,
  load: { read: SiteBoard; projectId: string; types: TypeName[]; typesRead: boolean; now: Date },
): PageSite | undefined {
  const { read, now } = load;
  const pick = pickToSave(remembered, read.pick, now);
  if (!load.typesRead && !read.settingsRead && pick === 'unchanged') return undefined;
  const savedAt = now.toISOString();
  const { found } = read.board;
  return {
    ...remembered,
    ...(pick === 'unchanged' ? {} : pick),
    ...(load.typesRead
      ? { issueTypes: { projectId: load.projectId, savedAt, types: load.types } }
      : {}),
    boards: {
      ...remembered.boards,
      ...(found && read.settingsRead
        ? {
            [found.board.id]: {
              savedAt,
              estimation: read.estimation ?? null,
              rankFieldId: read.rankFieldId ?? null,
            },
          }
        : {}),
    },
  };
}

/** Waived items past this many: the backlog is read whole (its JQL would name each one). */
const BACKLOG_WAIVERS_MAX = 100;

/**
 * What the unscoped backlog's query is built from (backlog-read.ts); none without the Scoped
 * outcome field, or with more active waivers than its JQL should name.
 */
function backlogTermsOf(
  site: Awaited<ReturnType<typeof readSite>>,
  now: Date,
): BacklogTerms | undefined {
  const waived = site.decision.waivers.filter((w) => isWaiverActive(w, now));
  if (site.ids.scopedOutcome === undefined || waived.length > BACKLOG_WAIVERS_MAX) return undefined;
  return {
    enablerTypeIds: site.engineeringTypeIds.enabler,
    spikeTypeIds: site.engineeringTypeIds.spike,
    rules: site.decision.config.scopedOutcome,
    waivedIds: [...new Set(waived.map((w) => w.issueId))],
  };
}

type TypeName = NonNullable<PageSite['issueTypes']>['types'][number];

const namesOf = (types: ReadonlyArray<{ id: string; name: string }>) =>
  types.map((t) => ({ id: t.id, name: t.name }));

/** The page's notes on what it could not read or had to guess. */
function notesOf(
  key: string,
  site: Awaited<ReturnType<typeof readSite>>,
  read: Pick<Parameters<typeof pageNotes>[0], 'closed' | 'active' | 'unit' | 'reads' | 'readNotes'>,
) {
  const { decision, found, ids, estimation } = site;
  return pageNotes({
    key,
    config: decision.config,
    tracksGuessed: site.tracks.guessed,
    fields: ids,
    board: found
      ? {
          name: found.board.name,
          more: found.more,
          kanban: site.board.flow === 'kanban',
          missing: site.board.missing,
          hiddenProjects: site.board.hiddenProjects,
        }
      : undefined,
    estimation,
    ...read,
  });
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
