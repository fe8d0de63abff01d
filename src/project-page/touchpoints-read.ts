import { touchpointsOf, type Touchpoint } from '../domain/discovery-cadence';
import type { ProjectItem } from '../domain/signals';
import { readEvidenceLogs } from '../storage/evidence-store';

/**
 * The product discovery activities of the active sprint: the evidence entries of the ideas read
 * (the open ones and those in the sprint), dated from the sprint's first day. Only ideas whose
 * latest evidence (from the Discovery evidence field) is that recent can have one, so only their
 * logs are read from storage: none on a sprint without new evidence.
 */
export async function readSprintTouchpoints(
  items: readonly ProjectItem[],
  sprintStart: string,
): Promise<Touchpoint[]> {
  const from = sprintStart.slice(0, 10);
  const recent = new Map<string, string>();
  for (const item of items) {
    if (item.kind === 'idea' && item.id && item.latestEvidence && item.latestEvidence >= from) {
      recent.set(item.id, item.key);
    }
  }
  if (recent.size === 0) return [];
  const logs = await readEvidenceLogs([...recent.keys()]);
  return [...logs].flatMap(([id, log]) =>
    touchpointsOf(recent.get(id) ?? id, log.entries).filter((t) => t.date >= from),
  );
}
