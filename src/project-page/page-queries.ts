import type { Config } from '../domain/config';

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
  /** The same with an estimate (ready-read.ts); undefined when the estimate is not a custom field. */
  readyEstimated: PageQuery | undefined;
  /** Delivery items in progress, outside the active sprint. */
  inProgress: PageQuery;
  /** Open delivery items meeting the entry criteria; undefined without a criterion. */
  needsDiscovery: PageQuery | undefined;
  /**
   * The sets read whole, in one search (wholeSetsQuery): `discovery`, `activeSprint` and the
   * done items of the recent closed sprints (velocity); undefined when there is none of them.
   */
  wholeSets: PageQuery | undefined;
  /**
   * The unscoped backlog (backlog-read.ts) and the whole sets without it; undefined when the
   * load cannot count it (no spike or enabler type, or no Scoped outcome field).
   */
  backlog?:
    { query: UnscopedBacklog; wholeSets: PageQuery; waivedIds: readonly string[] } | undefined;
}

/** The unscoped backlog's JQL: the whole condition in rank order, and each kind's own. */
export interface UnscopedBacklog extends PageQuery {
  /** The condition alone, without the project clause (the whole sets leave it out). */
  condition: string;
  byKind: { enabler: string | undefined; spike: string | undefined };
}

/** What the unscoped backlog's JQL is built from (backlog-read.ts). */
export interface BacklogTerms {
  enablerTypeIds: readonly string[];
  spikeTypeIds: readonly string[];
  rules: Pick<Config['scopedOutcome'], 'requireSuccessMeasure' | 'requireBound'>;
  /** Issue ids of the active waivers: a waived item is never counted. */
  waivedIds: readonly string[];
}

/** The JQL clause naming the page's project, or every project its board shows. */
export function projectClause(keys: readonly string[]): string {
  return keys.length === 1
    ? `project = "${keys[0] ?? ''}"`
    : `project in (${keys.map((k) => `"${k}"`).join(', ')})`;
}

/**
 * The targeted queries of one load. Tracks are told apart by issue type id: `discoveryTypeIds`
 * are the project's types the track model puts on discovery; every other type is delivery.
 * As in Jira, `sprint not in (…)` never matches an issue in no sprint, hence the EMPTY.
 */
export function pageQueries(
  /** The project, or the projects a board spans (the page's own first). */
  scope: string | readonly string[],
  discoveryTypeIds: readonly string[],
  activeSprintIds: readonly number[],
  /** The entry criteria as one JQL condition (see entryCriteriaJql). */
  entryCriteria?: string,
  /** The recent closed sprints velocity is measured on. */
  recentSprintIds: readonly number[] = [],
  /** The board's estimation field id (e.g. customfield_10016), when it has one. */
  estimateFieldId?: string,
  /** What the unscoped backlog's JQL is built from, when the load may count it. */
  backlogTerms?: BacklogTerms,
): PageQueries {
  const query = (...clauses: Array<string | undefined>): PageQuery => {
    const where = clauses.filter((c): c is string => c !== undefined).join(' AND ');
    return { where, ordered: `${where} ORDER BY Rank ASC` };
  };
  const project = projectClause(typeof scope === 'string' ? [scope] : scope);
  const types = discoveryTypeIds.join(', ');
  const sprints = activeSprintIds.join(', ');
  const delivery = types ? `issuetype not in (${types})` : undefined;
  const outsideSprint = sprints ? `(sprint is EMPTY OR sprint not in (${sprints}))` : undefined;
  // JQL names a custom field cf[id]; a system estimate (time tracking) gets no such read.
  const customId = /^customfield_(\d+)$/.exec(estimateFieldId ?? '')?.[1];
  const estimated = customId ? `cf[${customId}] is not EMPTY` : undefined;
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
    readyEstimated: estimated
      ? query(project, 'statusCategory = "To Do"', delivery, outsideSprint, estimated)
      : undefined,
    inProgress: query(project, 'statusCategory = "In Progress"', delivery, outsideSprint),
    needsDiscovery: entryCriteria
      ? query(project, 'statusCategory != Done', delivery, entryCriteria)
      : undefined,
    wholeSets: wholeSetsQuery(project, types, sprints, recentSprintIds.join(', ')),
    backlog:
      backlogTerms && types
        ? backlogQueries(project, types, sprints, recentSprintIds, backlogTerms)
        : undefined,
  };
}

/** The unscoped backlog, and the whole sets without it (their discovery clause leaves it out). */
function backlogQueries(
  project: string,
  types: string,
  sprints: string,
  recentSprintIds: readonly number[],
  terms: BacklogTerms,
): PageQueries['backlog'] {
  const query = unscopedBacklogQuery(project, terms);
  if (!query) return undefined;
  const wholeSets = wholeSetsQuery(
    project,
    types,
    sprints,
    recentSprintIds.join(', '),
    query.condition,
  );
  return wholeSets ? { query, wholeSets, waivedIds: terms.waivedIds } : undefined;
}

/** The Scoped outcome field's name and its properties' search aliases, as in manifest.yml. */
const OUTCOME = {
  outcome: '"Scoped outcome".Outcome',
  measure: '"Scoped outcome".SuccessMeasure',
  days: '"Scoped outcome".TimeboxDays',
  date: '"Scoped outcome".TargetDate',
};

/**
 * Spikes and enablers not started, in no open sprint and without a waiver, with a part of their
 * scoped outcome empty: unscoped whatever else they hold (readiness.ts: an absent outcome; an
 * absent measure or bound where the rules require one; a spike always needs its timebox days).
 * A negated sprint clause never matches an issue in no sprint, hence the EMPTY.
 */
export function unscopedBacklogQuery(
  project: string,
  terms: BacklogTerms,
): UnscopedBacklog | undefined {
  const empty = (part: string) => `${part} IS EMPTY`;
  const missing = (bound: string | undefined) =>
    [
      empty(OUTCOME.outcome),
      terms.rules.requireSuccessMeasure ? empty(OUTCOME.measure) : undefined,
      bound,
    ].filter((c): c is string => c !== undefined);
  const kind = (ids: readonly string[], bound: string | undefined) =>
    ids.length === 0
      ? undefined
      : `issuetype in (${ids.join(', ')}) AND (${missing(bound).join(' OR ')})`;
  const enabler = kind(
    terms.enablerTypeIds,
    terms.rules.requireBound ? `(${empty(OUTCOME.days)} AND ${empty(OUTCOME.date)})` : undefined,
  );
  const spike = kind(terms.spikeTypeIds, empty(OUTCOME.days));
  const kinds = [enabler, spike].filter((c): c is string => c !== undefined);
  if (kinds.length === 0) return undefined;
  const common = [
    'statusCategory = "To Do"',
    '(sprint is EMPTY OR sprint not in openSprints())',
    ...(terms.waivedIds.length > 0 ? [`id not in (${terms.waivedIds.join(', ')})`] : []),
  ].join(' AND ');
  const condition = `${common} AND (${kinds.map((k) => `(${k})`).join(' OR ')})`;
  const where = `${project} AND ${condition}`;
  const of = (k: string | undefined) => (k ? `${project} AND ${common} AND (${k})` : undefined);
  return {
    where,
    ordered: `${where} ORDER BY Rank ASC`,
    condition,
    byKind: { enabler: of(enabler), spike: of(spike) },
  };
}

/**
 * One search for every set the page reads whole: open discovery items, everything in the active
 * sprint(s), and the done items of the recent closed sprints. Each item is sorted into its set
 * by the loader (src/project-page/whole-sets-read.ts), so the sets cost the pages of their sum
 * instead of at least one request each.
 */
function wholeSetsQuery(
  project: string,
  types: string,
  activeSprints: string,
  recentSprints: string,
  /** A part of the discovery track counted instead of read (the unscoped backlog). */
  counted?: string,
): PageQuery | undefined {
  const leftOut = counted ? ` AND NOT (${counted})` : '';
  const sets = [
    types ? `(statusCategory != Done AND issuetype in (${types})${leftOut})` : undefined,
    activeSprints ? `sprint in (${activeSprints})` : undefined,
    recentSprints ? `(sprint in (${recentSprints}) AND statusCategory = Done)` : undefined,
  ].filter((c): c is string => c !== undefined);
  if (sets.length === 0) return undefined;
  const where = `${project} AND (${sets.join(' OR ')})`;
  return { where, ordered: `${where} ORDER BY Rank ASC` };
}

/**
 * One search for the items of both queries (JQL's OR), in rank order; `a` may be absent. The
 * loader tells the sets apart by their fields, as it does the whole sets'.
 */
export function orQueries(a: PageQuery | undefined, b: PageQuery): PageQuery {
  const where = a ? `(${a.where}) OR (${b.where})` : b.where;
  return { where, ordered: `${where} ORDER BY Rank ASC` };
}
