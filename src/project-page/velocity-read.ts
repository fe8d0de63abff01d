import type { ClosedSprintResult } from '../domain/signals';
import { z } from 'zod';
import { sprintsOf, type TrackResolver } from '../items/project-items';
import type { Estimation, Sprint } from '../jira/boards';
import type { IssueReader } from '../jira/search';
import type { JiraGateway, RawIssue } from '../jira/jira-gateway';
import { projectClause } from './page-queries';

const TypeSchema = z.object({ id: z.string(), name: z.string() }).passthrough();
const StatusSchema = z
  .object({ statusCategory: z.object({ key: z.string() }).passthrough().optional() })
  .passthrough();

/** Milliseconds of an ISO date; 0 when absent or unreadable (sorts last). */
export const timeOf = (iso: string | undefined): number => {
  const t = iso === undefined ? NaN : Date.parse(iso);
  return Number.isNaN(t) ? 0 : t;
};

export interface VelocitySprints {
  /** The projects the board shows, the page's own first: their done issues count. */
  scope: readonly string[];
  recent: readonly Sprint[];
  sprintFieldId: string | undefined;
  estimation: Estimation | undefined;
  tracks: TrackResolver;
}

/**
 * What each of the recent closed sprints completed of delivery work (points, or issues without
 * estimation), tallied from the done issues of those sprints handed to `take` (read with
 * `fields`): runway divides ready delivery work by it, so finished discovery does not count.
 * `take` ignores any other issue, so it can be fed a search that reads more than these.
 */
export function velocityTally(sprints: VelocitySprints) {
  const { recent, sprintFieldId, estimation, tracks } = sprints;
  const completed = new Map<number, number>(recent.map((s) => [s.id, 0]));
  const completeDate = new Map(recent.map((s) => [s.id, s.completeDate ?? '']));
  const fields = sprintFieldId
    ? ['issuetype', 'status', sprintFieldId, ...(estimation ? [estimation.fieldId] : [])]
    : [];
  const take = (issues: readonly RawIssue[]): void => {
    if (!sprintFieldId) return;
    for (const issue of issues) {
      const status = StatusSchema.safeParse(issue.fields['status']);
      if (status.success && status.data.statusCategory?.key !== 'done') continue;
      const type = TypeSchema.safeParse(issue.fields['issuetype']);
      if (type.success && tracks.trackOf(type.data.id, type.data.name) !== 'delivery') continue;
      const sprintId = completedIn(sprintsOf(issue.fields[sprintFieldId]), completeDate);
      if (sprintId === undefined) continue;
      const raw = estimation ? issue.fields[estimation.fieldId] : 1;
      const size = typeof raw === 'number' && Number.isFinite(raw) ? raw : 0;
      completed.set(sprintId, (completed.get(sprintId) ?? 0) + size);
    }
  };
  const result = (): ClosedSprintResult[] =>
    !sprintFieldId
      ? []
      : recent.map((s) => ({
          id: s.id,
          name: s.name,
          completeDate: s.completeDate ?? '',
          completed: completed.get(s.id) ?? 0,
        }));
  return { fields, take, result };
}

/** The velocity of the recent closed sprints, read with its own search (the plain load). */
export async function velocity(
  readIssues: IssueReader,
  jira: JiraGateway,
  sprints: VelocitySprints,
): Promise<ClosedSprintResult[]> {
  const { scope, recent, sprintFieldId } = sprints;
  if (recent.length === 0 || !sprintFieldId) return [];
  const tally = velocityTally(sprints);
  await readIssues(
    jira,
    `${projectClause(scope)} AND sprint in (${recent.map((s) => s.id).join(', ')}) AND statusCategory = Done`,
    tally.fields,
    tally.take,
  );
  return tally.result();
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
