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
): PageQueries {
  const query = (...clauses: Array<string | undefined>): PageQuery => {
    const where = clauses.filter((c): c is string => c !== undefined).join(' AND ');
    return { where, ordered: `${where} ORDER BY Rank ASC` };
  };
  const keys = typeof scope === 'string' ? [scope] : scope;
  const project =
    keys.length === 1
      ? `project = "${keys[0] ?? ''}"`
      : `project in (${keys.map((k) => `"${k}"`).join(', ')})`;
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
): PageQuery | undefined {
  const sets = [
    types ? `(statusCategory != Done AND issuetype in (${types}))` : undefined,
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
