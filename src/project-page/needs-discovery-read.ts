import type { Config } from '../domain/config';
import { entryBlocks, type EntryVerdict } from '../domain/entry-criteria';
import type { ValidationState } from '../domain/readiness';
import type { EntryFlagRead, FlaggedItem, ProjectItem } from '../domain/signals';
import { entryIssueFields, entryVerdictsOf, type EntryFieldIds } from '../items/entry-reader';
import { approximateCount, LIST_PAGE_SIZE, readUntil } from '../jira/search';
import { toProjectItem } from '../items/project-items';
import { explainJiraFailure, isJiraError } from '../jira/errors';
import type { RawIssue } from '../jira/jira-gateway';
import type { ItemReader } from './item-reader';
import type { PageQuery } from './page-queries';
import { LIST_LIMIT } from './project-reads';

/** What the "needs discovery first" read needs, and the notes it leaves. */
export interface EntryRead {
  ids: EntryFieldIds;
  config: Config;
  /** Whether any criterion is configured. */
  on: boolean;
  /** The query of open delivery items meeting the criteria, searching these components. */
  query: (components?: readonly string[]) => PageQuery | undefined;
  notes: string[];
  /** Linked ideas' evidence read once per load, whichever read needs it first. */
  shared: Map<string, Promise<ValidationState | null>>;
}

/** Validation states of the open ideas read (null: no evidence), by key. */
export function validationsOf(
  discovery: readonly ProjectItem[],
): Map<string, ValidationState | null> {
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
    started: item.statusCategory === 'indeterminate',
  };
}

/**
 * Decides the entry verdicts of open delivery issues (read with the entry fields) in their order:
 * adds the flagged ones to `flagged` and returns how many meet the criteria.
 */
export async function judge(
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
    shared: entry.shared,
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
export async function readNeedsDiscovery(
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
      if (dropped.length === 0) return failedRead(error);
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

/**
 * The entry verdicts of open delivery issues the whole-sets search brought (it read the items
 * meeting the criteria with its sets: item-reads.ts), as the read above would give them: every
 * one is judged, in rank order. A linked idea Jira refuses to show fails the signal only.
 */
export async function judgeWholeRead(
  reader: ItemReader,
  entry: EntryRead,
  issues: readonly RawIssue[],
  known: ReadonlyMap<string, ValidationState | null>,
): Promise<EntryFlagRead> {
  const flagged: FlaggedItem[] = [];
  try {
    const meetingCriteria = await judge(reader, entry, issues, known, flagged);
    const triage = entry.ids.entryTriage !== undefined;
    return { kind: 'read', flagged, complete: true, meetingCriteria, triage };
  } catch (error) {
    return failedRead(error);
  }
}

/** One signal Jira cannot answer does not take the page down with it: only a refusal is kept. */
function failedRead(error: unknown): EntryFlagRead {
  if (!isJiraError(error) || error.kind !== 'bad-request') throw error;
  return {
    kind: 'failed',
    reason: `The discovery entry criteria could not be checked: ${explainJiraFailure(error)}.`,
  };
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
