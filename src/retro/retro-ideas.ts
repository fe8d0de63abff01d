import type { Config } from '../domain/config';
import { covers, readTriage } from '../domain/entry-criteria';
import { validationOf, type EvidenceEntry } from '../domain/evidence-log';
import type { ValidationState } from '../domain/readiness';
import { touchpointsOf } from '../domain/discovery-cadence';
import { validatedOn, type GuardMove, type RetroIdea, type RetroIssue } from '../domain/retro';
import type { StatusCategory } from '../domain/signals';
import { AUDIT_PAGE_MAX, listAudit } from '../storage/audit-store';
import { readEvidenceLogs } from '../storage/evidence-store';
import { timeOf, type RetroRaw } from './retro-items';

/** What the retro reads from the app's own storage: ideas' evidence and the guard's moves. */

/** The ideas with their validation, invalidation and promotion dates, from their evidence logs. */
export async function readIdeas(issues: readonly RetroIssue[], config: Config) {
  const ideaItems = issues.filter((i) => i.kind === 'idea');
  const validationById = new Map<string, ValidationState>();
  const logs = await readEvidenceLogs(ideaItems.map((i) => i.id));
  const ideas: RetroIdea[] = ideaItems.map((item) => {
    const log = logs.get(item.id);
    const entries: EvidenceEntry[] = log?.entries ?? [];
    item.activity = entries.map((e) => e.recordedAt);
    const state = log ? validationOf(log, config.validation).state : 'unvalidated';
    validationById.set(item.id, state);
    const validatedDay =
      state === 'validated' ? validatedOn(entries, config.validation) : undefined;
    const promotedAt = issues
      .filter((d) => d.promotedFrom.includes(item.id))
      .map((d) => d.created)
      .sort((a, b) => timeOf(a) - timeOf(b))[0];
    return {
      id: item.id,
      key: item.key,
      summary: item.summary,
      validatedAt: validatedDay ? `${validatedDay}T12:00:00.000Z` : undefined,
      invalidatedAt: log?.invalidated?.decidedAt,
      promotedAt,
      evidence: [...entries]
        .sort((a, b) => b.date.localeCompare(a.date))
        .slice(0, 10)
        .map((e) => ({ date: e.date, type: e.type, summary: e.summary })),
    };
  });
  // Every evidence entry, by the day it happened: the product discovery activities per sprint.
  const touchpoints = ideaItems.flatMap((item) =>
    touchpointsOf(item.key, logs.get(item.id)?.entries ?? []),
  );
  return { ideas, validationById, touchpoints };
}

/**
 * High-uncertainty delivery items and whether discovery covers them: the Entry triage value and
 * the links as they are now (their history is not read), to items of this project or ideas of
 * connected JPD spaces (linkPromotions' stubs, validated by their evidence logs).
 */
export function markUncertainty(
  raw: readonly RetroRaw[],
  issues: readonly RetroIssue[],
  triageField: string,
  categories: ReadonlyMap<string, StatusCategory>,
  validationById: ReadonlyMap<string, ValidationState>,
): void {
  const byId = new Map(issues.map((i) => [i.id, i]));
  for (const { issue, fields: f } of raw) {
    const item = byId.get(issue.id);
    if (!item || item.track !== 'delivery') continue;
    item.uncertainty = readTriage(issue.fields[triageField])?.uncertainty;
    if (item.uncertainty !== 'high') continue;
    const linkedIds = (f.issuelinks ?? []).map((l) => l.inwardIssue?.id ?? l.outwardIssue?.id);
    item.discoveryCovered = linkedIds.some((id) => {
      const other = id === undefined ? undefined : byId.get(id);
      if (!other) return false;
      const category = categories.get(other.statusId) ?? 'indeterminate';
      return covers({
        key: other.key,
        kind: other.kind,
        track: other.track,
        statusCategory: category,
        validation: validationById.get(other.id),
      });
    });
  }
}

/** Every move-back the sprint guard logged since `since` (newest pages first). */
export async function guardMovesSince(projectKey: string, since: number): Promise<GuardMove[]> {
  const moves: GuardMove[] = [];
  let cursor: string | undefined;
  for (;;) {
    const page = await listAudit(projectKey, cursor, AUDIT_PAGE_MAX);
    for (const e of page.entries) {
      if (e.action === 'moved-back') {
        moves.push({ at: e.at, issueKey: e.issueKey, sprintId: e.sprintId });
      }
    }
    const oldest = page.entries.at(-1);
    if (!page.nextCursor || !oldest || timeOf(oldest.at) < since) return moves;
    cursor = page.nextCursor;
  }
}
