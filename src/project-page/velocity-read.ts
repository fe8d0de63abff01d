import type { ClosedSprintResult } from '../domain/signals';
import { z } from 'zod';
import { sprintsOf, type TrackResolver } from '../items/project-items';
import type { Estimation, Sprint } from '../jira/boards';
import type { IssueReader } from '../jira/search';
import type { JiraGateway } from '../jira/jira-gateway';

const TypeSchema = z.object({ id: z.string(), name: z.string() }).passthrough();

/** Milliseconds of an ISO date; 0 when absent or unreadable (sorts last). */
export const timeOf = (iso: string | undefined): number => {
  const t = iso === undefined ? NaN : Date.parse(iso);
  return Number.isNaN(t) ? 0 : t;
};

/**
 * What each of the recent closed sprints completed of delivery work (points, or issues without
 * estimation): runway divides ready delivery work by it, so finished discovery does not count.
 */
export async function velocity(
  readIssues: IssueReader,
  jira: JiraGateway,
  sprints: {
    key: string;
    recent: readonly Sprint[];
    sprintFieldId: string | undefined;
    estimation: Estimation | undefined;
    tracks: TrackResolver;
  },
): Promise<ClosedSprintResult[]> {
  const { key, recent, sprintFieldId, estimation, tracks } = sprints;
  if (recent.length === 0 || !sprintFieldId) return [];
  const completed = new Map<number, number>(recent.map((s) => [s.id, 0]));
  const completeDate = new Map(recent.map((s) => [s.id, s.completeDate ?? '']));
  const fields = ['issuetype', sprintFieldId, ...(estimation ? [estimation.fieldId] : [])];
  await readIssues(
    jira,
    `project = "${key}" AND sprint in (${recent.map((s) => s.id).join(', ')}) AND statusCategory = Done`,
    fields,
    (issues) => {
      for (const issue of issues) {
        const type = TypeSchema.safeParse(issue.fields['issuetype']);
        if (type.success && tracks.trackOf(type.data.id, type.data.name) !== 'delivery') continue;
        const sprintId = completedIn(sprintsOf(issue.fields[sprintFieldId]), completeDate);
        if (sprintId === undefined) continue;
        const raw = estimation ? issue.fields[estimation.fieldId] : 1;
        const size = typeof raw === 'number' && Number.isFinite(raw) ? raw : 0;
        completed.set(sprintId, (completed.get(sprintId) ?? 0) + size);
      }
    },
  );
  return recent.map((s) => ({
    id: s.id,
    name: s.name,
    completeDate: s.completeDate ?? '',
    completed: completed.get(s.id) ?? 0,
  }));
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
