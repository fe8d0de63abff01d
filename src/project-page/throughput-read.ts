import { z } from 'zod';
import type { TrackResolver } from '../items/project-items';
import type { Estimation } from '../jira/boards';
import type { JiraGateway, RawIssue } from '../jira/jira-gateway';
import type { IssueReader } from '../jira/search';
import { timeOf } from './velocity-read';

/**
 * A Kanban board's throughput: the delivery work finished in each of the last weeks, read with
 * one search of the items whose status category became Done since the first of those weeks
 * (Jira's `statusCategoryChangedDate`), tallied by the week they were finished in.
 */

const WEEK_MS = 7 * 24 * 60 * 60 * 1000;

const TypeSchema = z.object({ id: z.string(), name: z.string() }).passthrough();

export interface ThroughputInput {
  /** The project keys the board's items come from (the page's own first). */
  scope: readonly string[];
  weeks: number;
  now: Date;
  estimation: Estimation | undefined;
  tracks: TrackResolver;
}

/** The day the first counted week starts (UTC, `yyyy-MM-dd`, as JQL takes a date). */
export function throughputSince(now: Date, weeks: number): string {
  return new Date(now.getTime() - weeks * WEEK_MS).toISOString().slice(0, 10);
}

export function throughputJql(input: Pick<ThroughputInput, 'scope' | 'weeks' | 'now'>): string {
  const projects = input.scope.map((k) => `"${k}"`).join(', ');
  return `project in (${projects}) AND statusCategory = Done AND statusCategoryChangedDate >= "${throughputSince(input.now, input.weeks)}"`;
}

/**
 * Finished delivery work per week, the newest week first (week 0 ends now). An item counts in
 * the week its status category last changed, which for a Done item is when it was finished.
 */
export function throughputTally(input: ThroughputInput) {
  const { weeks, now, estimation, tracks } = input;
  const done = new Array<number>(weeks).fill(0);
  const fields = [
    'issuetype',
    'statuscategorychangedate',
    ...(estimation ? [estimation.fieldId] : []),
  ];
  const take = (issues: readonly RawIssue[]): void => {
    for (const issue of issues) {
      const type = TypeSchema.safeParse(issue.fields['issuetype']);
      if (type.success && tracks.trackOf(type.data.id, type.data.name) !== 'delivery') continue;
      const changed = issue.fields['statuscategorychangedate'];
      const at = timeOf(typeof changed === 'string' ? changed : undefined);
      const week = Math.floor((now.getTime() - at) / WEEK_MS);
      if (at === 0 || week < 0 || week >= weeks) continue;
      const raw = estimation ? issue.fields[estimation.fieldId] : 1;
      done[week] = (done[week] ?? 0) + (typeof raw === 'number' && Number.isFinite(raw) ? raw : 0);
    }
  };
  return { fields, take, result: (): number[] => done };
}

/** The throughput of the last `weeks` weeks, with its own search. */
export async function readThroughput(
  readIssues: IssueReader,
  jira: JiraGateway,
  input: ThroughputInput,
): Promise<number[]> {
  const tally = throughputTally(input);
  await readIssues(jira, throughputJql(input), tally.fields, tally.take);
  return tally.result();
}
