import type { ValidationState } from '../domain/readiness';
import { notReadyOf } from '../domain/ready-work';
import { isReadyDelivery, type EstimateUnit, type ProjectItem } from '../domain/signals';
import { entryIssueFields, entryVerdictsOf } from '../items/entry-reader';
import { describeEvidence, toProjectItem } from '../items/project-items';
import type { RawIssue } from '../jira/jira-gateway';
import { approximateCount, LIST_PAGE_SIZE, readUntil } from '../jira/search';
import type { ItemReader } from './item-reader';
import type { EntryRead } from './needs-discovery-read';
import type { PageQuery } from './page-queries';
import { LIST_LIMIT, type ProjectReads } from './project-reads';

/**
 * The ready column's read: not-started delivery items outside the sprint in rank order, each
 * judged ready or not (ready-work.ts) from its entry facts and linked ideas, read with it.
 */

/** The fields a read must include for `judgeReady`. */
export const readyFields = (reader: ItemReader, entry: EntryRead): string[] => [
  ...new Set([...reader.fields, ...entryIssueFields(entry.ids)]),
];

/**
 * Sets `notReady` on the not-started delivery items among `read` (raw issues and their items),
 * or clears it. The evidence of linked ideas comes from `known` where the page has it, else one
 * bulkfetch per 100 ideas.
 */
export async function judgeReady(
  reader: ItemReader,
  entry: EntryRead,
  read: ReadonlyArray<{ raw: RawIssue; item: ProjectItem }>,
  known: ReadonlyMap<string, ValidationState | null>,
  unit: EstimateUnit,
): Promise<void> {
  const open = read.filter((r) => isReadyDelivery(r.item));
  if (open.length === 0) return;
  const { readings } = await entryVerdictsOf({
    issues: open.map((o) => o.raw),
    ids: entry.ids,
    tracks: reader.tracks,
    config: entry.config,
    jira: reader.jira,
    known,
    allLinkedIdeas: true,
    shared: entry.shared,
  });
  readings.forEach((reading, i) => {
    const item = open[i]?.item;
    if (!item) return;
    const linkedIdeas = reading.linked
      .filter((l) => l.kind === 'idea')
      .map((l) => ({ key: l.key, validation: l.validation }));
    const notReady = notReadyOf(item, { verdict: reading.verdict, linkedIdeas }, unit);
    if (notReady) item.notReady = notReady;
    else delete item.notReady;
  });
}

/** The ready items with an estimate read past the list: how many, and whether every one. */
export interface EstimatedRead {
  items: number;
  complete: boolean;
}

/** What the ready read is asked to read, and how it knows it has enough. */
export interface ReadyReadPlan {
  query: PageQuery;
  known: Promise<ReadonlyMap<string, ValidationState | null>>;
  unit: EstimateUnit;
  evidenceText: Map<string, string>;
  enough: (items: readonly ProjectItem[]) => Promise<boolean>;
  /** The same items with an estimate (page-queries.ts); undefined: none read past the list. */
  estimated?: PageQuery | undefined;
  /**
   * The project's issues the whole sets' search brought with the estimated ones folded into it
   * (item-reads.ts); undefined when that search was refused, and they are read apart.
   */
  estimatedWhole?: Promise<RawIssue[] | undefined> | undefined;
}

/**
 * The first ready items in rank order, judged page by page, until `enough` (see
 * readyReadSuffices), and how many the list holds. With `estimated` (the same items with an
 * estimate), once the list has its first LIST_LIMIT and most items read so far have no estimate,
 * it reads on through the estimated ones only: an item without an estimate adds nothing to the
 * ready work runway sums, so runway reaches the same verdict from fewer items. Folded into the
 * whole sets (`estimatedWhole`), every estimated one is taken from there.
 */
export async function readReady(
  reader: ItemReader,
  entry: EntryRead,
  plan: ReadyReadPlan,
): Promise<{ ready: ProjectReads['ready']; estimated: EstimatedRead | undefined }> {
  const { query, estimated, enough } = plan;
  const items: ProjectItem[] = [];
  const seen = new Set<string>();
  let pending: Array<{ raw: RawIssue; item: ProjectItem }> = [];
  const judgePending = async () => {
    const batch = pending;
    pending = [];
    await judgeReady(reader, entry, batch, await plan.known, plan.unit);
  };
  const take = (issues: readonly RawIssue[], keep = (_item: ProjectItem) => true) => {
    let taken = 0;
    for (const raw of issues) {
      const { item, evidence } = toProjectItem(raw, reader.fieldIds, reader.tracks);
      if (item.statusCategory === 'done' || !keep(item)) continue;
      taken += 1;
      if (seen.has(item.key)) continue;
      seen.add(item.key);
      items.push(item);
      pending.push({ raw, item });
      const text = describeEvidence(evidence);
      if (text) plan.evidenceText.set(item.key, text);
    }
    return taken;
  };
  const fields = readyFields(reader, entry);
  const mostlyUnestimated = () =>
    items.length >= LIST_LIMIT &&
    2 * items.filter((i) => i.estimate !== undefined).length < items.length;
  let switched = false;
  const { complete } = await readUntil(
    reader.jira,
    query.ordered,
    fields,
    LIST_PAGE_SIZE,
    (issues) => void take(issues),
    async () => {
      await judgePending();
      if (await enough(items)) return true;
      switched = estimated !== undefined && mostlyUnestimated();
      return switched;
    },
  );
  await judgePending();
  const rest =
    switched && estimated
      ? await readEstimated(reader, plan, { query: estimated, fields, items, take, judgePending })
      : undefined;
  await judgePending();
  const count = complete ? items.length : await approximateCount(reader.jira, query.where);
  const estimatesComplete = rest?.complete === true;
  return {
    ready: { items, complete, count, ...(estimatesComplete ? { estimatesComplete } : {}) },
    estimated: rest,
  };
}

type Take = (issues: readonly RawIssue[], keep?: (item: ProjectItem) => boolean) => number;

/**
 * The estimated ready items past the list: every one from the whole sets when folded into them,
 * else read in rank order until the list has enough.
 */
async function readEstimated(
  reader: ItemReader,
  plan: ReadyReadPlan,
  read: {
    query: PageQuery;
    fields: readonly string[];
    /** The ready items read so far, which `take` adds to. */
    items: readonly ProjectItem[];
    take: Take;
    judgePending: () => Promise<void>;
  },
): Promise<EstimatedRead> {
  const whole = await plan.estimatedWhole;
  if (whole) {
    const ready = (item: ProjectItem) => isReadyDelivery(item) && item.estimate !== undefined;
    return { items: read.take(whole, ready), complete: true };
  }
  let taken = 0;
  const { complete } = await readUntil(
    reader.jira,
    read.query.ordered,
    read.fields,
    LIST_PAGE_SIZE,
    (issues) => {
      taken += read.take(issues);
    },
    async () => {
      await read.judgePending();
      return plan.enough(read.items);
    },
  );
  return { items: taken, complete };
}
