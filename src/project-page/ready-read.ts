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

/**
 * The first ready items in rank order, judged page by page, until `enough` (see
 * readyReadSuffices), and how many the list holds. With `estimated` (the same items with an
 * estimate), once the list has its first LIST_LIMIT and most items read so far have no estimate,
 * it reads on through the estimated ones only: an item without an estimate adds nothing to the
 * ready work runway sums, so runway reaches the same verdict from fewer items.
 */
export async function readReady(
  reader: ItemReader,
  entry: EntryRead,
  query: PageQuery,
  known: Promise<ReadonlyMap<string, ValidationState | null>>,
  unit: EstimateUnit,
  evidenceText: Map<string, string>,
  enough: (items: readonly ProjectItem[]) => Promise<boolean>,
  estimated?: PageQuery,
): Promise<ProjectReads['ready']> {
  const items: ProjectItem[] = [];
  const seen = new Set<string>();
  let pending: Array<{ raw: RawIssue; item: ProjectItem }> = [];
  const judgePending = async () => {
    const batch = pending;
    pending = [];
    await judgeReady(reader, entry, batch, await known, unit);
  };
  const take = (issues: readonly RawIssue[]) => {
    for (const raw of issues) {
      const { item, evidence } = toProjectItem(raw, reader.fieldIds, reader.tracks);
      if (item.statusCategory === 'done' || seen.has(item.key)) continue;
      seen.add(item.key);
      items.push(item);
      pending.push({ raw, item });
      const text = describeEvidence(evidence);
      if (text) evidenceText.set(item.key, text);
    }
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
    take,
    async () => {
      await judgePending();
      if (await enough(items)) return true;
      switched = estimated !== undefined && mostlyUnestimated();
      return switched;
    },
  );
  await judgePending();
  let estimatesComplete = false;
  if (switched && estimated) {
    const rest = await readUntil(
      reader.jira,
      estimated.ordered,
      fields,
      LIST_PAGE_SIZE,
      take,
      async () => {
        await judgePending();
        return enough(items);
      },
    );
    estimatesComplete = rest.complete;
    await judgePending();
  }
  const count = complete ? items.length : await approximateCount(reader.jira, query.where);
  return { items, complete, count, ...(estimatesComplete ? { estimatesComplete } : {}) };
}
