import type { z } from 'zod';
import type { SprintReportSchema } from '../../src/contract/retro-report';
import { RETRO_FIGURE_KEYS } from '../../src/storage/key-families';
import {
  FIGURES_KEPT,
  figuresOf,
  readFigures,
  readParts,
  removeParts,
  saveFigures,
  writePart,
  type RetroFigures,
} from '../../src/storage/retro-figures-store';
import { useEmulator } from '../helpers/emulator';
import { inInvocation } from '../helpers/invoke';

/**
 * Closed sprints' stored retro figures: the newest FIGURES_KEPT sprints by completion are kept,
 * read back by sprint id; and a running retro job's parts: read back in order across batches of
 * storage reads, a missing part named, removed by generation.
 */
const ctx = useEmulator();
const run = <T>(fn: () => Promise<T>) => inInvocation(ctx.em, 'trigger', 'retro-job: figures', fn);

type Report = z.infer<typeof SprintReportSchema>;
const keys: string[] = [];
function report(id: number, completeDate: string): Report {
  return {
    sprint: { id, name: `Sprint ${id}`, startDate: '2026-01-01', completeDate },
    completed: { discovery: 1, delivery: 3, total: 4, discoveryPercent: 25 },
    ideas: { validated: keys, invalidated: keys, promoted: keys },
    promotedDelivered: keys,
    enablers: { delivered: keys, withinBound: keys },
    spikes: { finished: keys, withinTimebox: keys },
    movedBack: keys,
    uncertainWithoutDiscovery: keys,
    runwayAtStart: { readyWork: 5, velocitySprints: 0 },
    flow: {
      cycleTimeDays: { measured: 0 },
      carryOver: keys,
      committed: 4,
      completedOfCommitted: 4,
    },
    thresholds: { targetPercent: 20, runwayMin: 1, runwayMax: 3, touchpointsPerSprint: 3 },
    atEnd: { overrunSpikes: 0, idleDiscovery: 0, unscopedEnablers: 0 },
    outcomes: { hit: 0, partly: 0, missed: 0, 'too-early': 0, unrecorded: 0, judged: 0 },
  };
}

/** Figures of `count` sprints, ids 1..count, sprint n completed on day n of 2026. */
function figures(count: number): RetroFigures {
  const sprints: RetroFigures['sprints'] = {};
  for (let id = 1; id <= count; id++) {
    const day = new Date(Date.UTC(2026, 0, id)).toISOString();
    sprints[String(id)] = { report: report(id, day), candidates: [] };
  }
  return {
    board: { id: 1, name: 'DT board' },
    projectName: 'Dual Track',
    unit: 'points',
    estimationFieldId: null,
    triageRead: true,
    available: count,
    notes: [],
    sprints,
  };
}

describe('stored retro figures', () => {
  it(`keep the newest ${FIGURES_KEPT} sprints by completion, whatever order they came in`, async () => {
    const all = figures(FIGURES_KEPT + 3);
    const shuffled = Object.fromEntries(Object.entries(all.sprints).reverse());
    await run(() => saveFigures('DT', { ...all, sprints: shuffled }));
    const read = await run(() => readFigures('DT'));
    const ids = Object.keys(read?.sprints ?? {})
      .map(Number)
      .sort((a, b) => a - b);
    expect(ids).toEqual(Array.from({ length: FIGURES_KEPT }, (_, i) => i + 4));
    expect(read?.available).toBe(FIGURES_KEPT + 3);
  });

  it('keep every sprint when there are fewer, and read back as saved', async () => {
    const few = figures(3);
    await run(() => saveFigures('DT', few));
    await expect(run(() => readFigures('DT'))).resolves.toEqual(few);
    await expect(run(() => readFigures('OTHER'))).resolves.toBeUndefined();
  });

  it('are given by sprint id in the order asked, leaving out sprints not stored', () => {
    const stored = figures(3);
    const shown = figuresOf(stored, [3, 9, 1]);
    expect(shown.map((f) => f.report.sprint.id)).toEqual([3, 1]);
  });

  it('refuse a value that is not retro figures', async () => {
    ctx.em.kvs.seed(RETRO_FIGURE_KEYS.figures('DT'), { board: 'nope' });
    await expect(run(() => readFigures('DT'))).rejects.toThrow(RETRO_FIGURE_KEYS.figures('DT'));
  });
});

describe('a running retro job’s parts', () => {
  it('are read back in order, across more parts than one storage read takes', async () => {
    for (let part = 0; part < 45; part++)
      await run(() => writePart('DT', 2, part, [part, part + 100]));
    const items = await run(() => readParts('DT', 2, 45));
    expect(items).toEqual(Array.from({ length: 45 }, (_, i) => [i, i + 100]).flat());
  });

  it('a missing part is named, not skipped', async () => {
    await run(() => writePart('DT', 2, 0, [1]));
    await run(() => writePart('DT', 2, 2, [3]));
    await expect(run(() => readParts('DT', 2, 3))).rejects.toThrow(
      `retro job: part ${RETRO_FIGURE_KEYS.scratch('DT', 2, 1)} is missing`,
    );
  });

  it('are removed for the parts named, leaving other generations', async () => {
    for (const part of [0, 1, 2]) await run(() => writePart('DT', 2, part, [part]));
    await run(() => writePart('DT', 3, 0, ['next']));
    await run(() => removeParts('DT', 2, 2));
    const left = ctx.em.kvs.keys().filter((k) => k.startsWith('retro-scratch:'));
    expect(left.sort()).toEqual(
      [RETRO_FIGURE_KEYS.scratch('DT', 2, 2), RETRO_FIGURE_KEYS.scratch('DT', 3, 0)].sort(),
    );
  });
});
