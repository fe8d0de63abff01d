import { z } from 'zod';
import { CandidateSchema, SprintReportSchema } from '../contract/retro-report';
import { BoardRefSchema, EstimateUnitSchema } from '../contract/result-atoms';
import type { StoredSprintFigures } from '../domain/retro-assemble';
import { RETRO_FIGURE_KEYS } from './key-families';
import { parseStored, readMany, readOne, removeOne, writeOne } from './kvs-store';

/**
 * Closed sprints' retro figures, stored when first computed (a closed sprint's history does not
 * change; recorded outcomes are read apart), and the items a running retro job has read so far,
 * in parts of at most PART_ITEMS (a KVS value holds at most 240 KiB).
 */

/** Closed sprints kept: the 12 a report shows at most, and as many again. */
export const FIGURES_KEPT = 24;
export const PART_ITEMS = 250;

const StoredCandidateSchema = CandidateSchema.omit({ outcome: true }).extend({
  evidence: z.array(
    z.object({ ideaKey: z.string(), date: z.string(), type: z.string(), summary: z.string() }),
  ),
});

export const RetroFiguresSchema = z
  .object({
    board: BoardRefSchema,
    projectName: z.string(),
    unit: EstimateUnitSchema,
    /** The board's estimation field, so that a later load need not ask for it. */
    estimationFieldId: z.string().nullable(),
    triageRead: z.boolean(),
    /** Closed sprints the board had when the figures were last computed. */
    available: z.number().int().min(0),
    notes: z.array(z.string()),
    /** A Kanban board's figures: the length of its periods (figures of other lengths are dropped). */
    periodDays: z.number().int().min(1).optional(),
    sprints: z.record(
      z.string(),
      z.object({ report: SprintReportSchema, candidates: z.array(StoredCandidateSchema) }),
    ),
  })
  .strict();
export type RetroFigures = z.infer<typeof RetroFiguresSchema>;

export async function readFigures(projectKey: string): Promise<RetroFigures | undefined> {
  const key = RETRO_FIGURE_KEYS.figures(projectKey);
  return parseStored(key, RetroFiguresSchema, await readOne(key));
}

/** Saves the figures, keeping the newest FIGURES_KEPT sprints (by completion). */
export async function saveFigures(projectKey: string, figures: RetroFigures): Promise<void> {
  const kept = Object.entries(figures.sprints)
    .sort(([, a], [, b]) =>
      b.report.sprint.completeDate.localeCompare(a.report.sprint.completeDate),
    )
    .slice(0, FIGURES_KEPT);
  await writeOne(
    RETRO_FIGURE_KEYS.figures(projectKey),
    RetroFiguresSchema.parse({ ...figures, sprints: Object.fromEntries(kept) }),
  );
}

export function figuresOf(
  figures: RetroFigures,
  sprintIds: readonly number[],
): StoredSprintFigures[] {
  return sprintIds.flatMap((id) => {
    const stored = figures.sprints[String(id)];
    return stored ? [stored as unknown as StoredSprintFigures] : [];
  });
}

// A running job's items between steps: opaque JSON the job parses (src/retro/retro-job.ts).

export async function writePart(
  projectKey: string,
  generation: number,
  part: number,
  items: readonly unknown[],
): Promise<void> {
  await writeOne(RETRO_FIGURE_KEYS.scratch(projectKey, generation, part), items);
}

export async function readParts(
  projectKey: string,
  generation: number,
  parts: number,
): Promise<unknown[]> {
  const keys = Array.from({ length: parts }, (_, i) =>
    RETRO_FIGURE_KEYS.scratch(projectKey, generation, i),
  );
  const out: unknown[] = [];
  for (let i = 0; i < keys.length; i += 20) {
    const values = await readMany(keys.slice(i, i + 20));
    for (const key of keys.slice(i, i + 20)) {
      const value = values.get(key);
      if (!Array.isArray(value)) throw new Error(`retro job: part ${key} is missing`);
      out.push(...(value as unknown[]));
    }
  }
  return out;
}

export async function removeParts(projectKey: string, generation: number, parts: number) {
  for (let i = 0; i < parts; i += 1) {
    await removeOne(RETRO_FIGURE_KEYS.scratch(projectKey, generation, i));
  }
}
