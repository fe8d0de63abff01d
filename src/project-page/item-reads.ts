import type { Config } from '../domain/config';
import {
  isReadyDelivery,
  type EntryFlagRead,
  type EstimateUnit,
  type FlaggedItem,
  type ProjectItem,
} from '../domain/signals';
import { approximateCount, readUntil, searchAll, type IssueReader } from '../jira/search';
import type { RawIssue } from '../jira/jira-gateway';
import { collect, inSprintRead, keptByPlainRead, type ItemReader } from './item-reader';
import { judgeReady, readReady, readyFields } from './ready-read';
import { judge, readNeedsDiscovery, validationsOf, type EntryRead } from './needs-discovery-read';
import type { PageQueries, PageQuery } from './page-queries';
import { LIST_LIMIT, readsOfAllItems, readyReadSuffices, type ProjectReads } from './project-reads';

/**
 * The plain way: every open item and the active sprint's finished work, then sorted into the
 * page's reads.
 */
export async function readEveryOpenItem(
  reader: ItemReader,
  readIssues: IssueReader,
  key: string,
  activeSprintIds: readonly number[],
  entry: EntryRead,
  unit: EstimateUnit,
): Promise<ProjectReads> {
  const items: ProjectItem[] = [];
  const evidenceText = new Map<string, string>();
  const delivery: RawIssue[] = [];
  const readyRead: Array<{ raw: RawIssue; item: ProjectItem }> = [];
  const toItems = collect(reader, items, evidenceText, keptByPlainRead);
  const sprintWork =
    activeSprintIds.length > 0 ? ` OR sprint in (${activeSprintIds.join(', ')})` : '';
  await readIssues(
    reader.jira,
    `project = "${key}" AND (statusCategory != Done${sprintWork}) ORDER BY Rank ASC`,
    readyFields(reader, entry),
    (issues) => {
      const from = items.length;
      toItems(issues);
      issues.forEach((raw, i) => {
        const item = items[from + i];
        if (item && isReadyDelivery(item)) readyRead.push({ raw, item });
      });
      if (entry.on) delivery.push(...issues);
    },
  );
  const openIdeas = validationsOf(
    items.filter((i) => i.track === 'discovery' && i.statusCategory !== 'done'),
  );
  await judgeReady(reader, entry, readyRead, openIdeas, unit);
  let needsDiscovery: EntryFlagRead = { kind: 'off' };
  if (entry.on) {
    const flagged: FlaggedItem[] = [];
    const meetingCriteria = await judge(reader, entry, delivery, openIdeas, flagged);
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

/**
 * The targeted reads, independent of each other and run in parallel (one more list or signal
 * is one more entry here). Only the ready read waits for velocity, to know when to stop.
 */
export async function readTargeted(
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
  const known = discoveryRead.then(validationsOf);
  const [discovery, activeSprint, ready, inProgress, needsDiscovery] = await Promise.all([
    discoveryRead,
    readAll(queries.activeSprint, inSprintRead),
    readReady(reader, entry, queries.ready, known, runway.unit, evidenceText, async (items) =>
      readyReadSuffices(items, runway.unit, await runway.velocity, runway.config),
    ),
    readFirst(queries.inProgress, LIST_LIMIT, (items) => items.length >= LIST_LIMIT),
    readNeedsDiscovery(reader, entry, known),
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
