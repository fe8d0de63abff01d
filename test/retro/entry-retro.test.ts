import {
  addDemoItem,
  DEMO_USERS,
  seedDemoProject,
  type DemoProject,
} from '../../dev/emulator/demo-project';
import { issueLinkSite } from '../../dev/emulator/routes/issue-writes';
import type { EmIssue } from '../../dev/emulator/model';
import { DEFAULT_CONFIG } from '../../src/domain/config';
import {
  computeRetro,
  enteredSprint,
  type RetroIssue,
  type RetroSprint,
} from '../../src/domain/retro';
import type { StatusCategory } from '../../src/domain/signals';
import { retroCsv, RETRO_CSV_HEADER, type RetroAnswer } from '../../src/contract/retro-report';
import { useEmulator } from '../helpers/emulator';
import { callResolver } from '../helpers/invoke';

/**
 * The retro's "technical risk decreases" signal: per sprint, the delivery items with uncertainty
 * high that entered it without a validated idea or finished spike linked (current triage value
 * and current links).
 */

const CATS = new Map<string, StatusCategory>([
  ['1', 'new'],
  ['9', 'done'],
]);
const S1: RetroSprint = {
  id: 1,
  name: 'S1',
  startDate: '2026-01-05T09:00:00.000Z',
  completeDate: '2026-01-19T09:00:00.000Z',
};
const S2: RetroSprint = {
  id: 2,
  name: 'S2',
  startDate: '2026-01-19T10:00:00.000Z',
  completeDate: '2026-02-02T09:00:00.000Z',
};

let seq = 0;
function item(overrides: Partial<RetroIssue> = {}): RetroIssue {
  seq += 1;
  return {
    id: String(100 + seq),
    key: `DT-${seq}`,
    summary: 'Item',
    kind: 'delivery',
    track: 'delivery',
    created: '2026-01-01T00:00:00.000Z',
    estimate: 3,
    statusId: '1',
    sprintIds: [1],
    scopedOutcome: undefined,
    statusCategoryChanged: undefined,
    changes: [],
    activity: [],
    promotedFrom: [],
    uncertainty: 'high',
    discoveryCovered: false,
    ...overrides,
  };
}

const addedTo = (at: string, from: string, to: string) => ({
  field: 'sprint' as const,
  at,
  from,
  to,
});

describe('high-uncertainty items entering sprints without discovery (domain)', () => {
  const inS1 = [item(), item(), item({ sprintIds: [1, 2] })];
  const covered = item({ discoveryCovered: true });
  const medium = item({ uncertainty: 'medium' });
  const unset = item({ uncertainty: undefined });
  const discovery = item({ kind: 'idea', track: 'discovery' });
  // Added to S2 while it ran (it was in no sprint before).
  const addedLater = item({
    sprintIds: [2],
    changes: [addedTo('2026-01-25T00:00:00Z', '', '2')],
  });
  // Created into S2 while it ran.
  const createdIn = item({ sprintIds: [2], created: '2026-01-22T00:00:00Z' });
  // Added to S2 only after it closed: did not enter it.
  const afterClose = item({
    sprintIds: [2],
    changes: [addedTo('2026-02-05T00:00:00Z', '', '2')],
  });
  const issues = [...inS1, covered, medium, unset, discovery, addedLater, createdIn, afterClose];

  it('counts, per sprint, delivery items with uncertainty high that entered it uncovered', () => {
    const report = computeRetro({
      sprints: [S1, S2],
      count: 2,
      issues,
      ideas: [],
      guardMoves: [],
      outcomes: [],
      statusCategories: CATS,
      unit: 'points',
      config: DEFAULT_CONFIG,
    });
    expect(report.sprints.map((s) => s.uncertainWithoutDiscovery)).toEqual([
      inS1.map((i) => i.key),
      [inS1[2]?.key, addedLater.key, createdIn.key],
    ]);
    const trend = report.trends.find((t) => t.metric === 'uncertainWithoutDiscovery');
    expect(trend?.values).toEqual([3, 3]);
    expect(trend?.summary).toBe(
      'High-uncertainty items entering without discovery steady at 3 items.',
    );
  });

  it('says "technical risk decreases" when the count falls, and not when it rises', () => {
    const run = (list: RetroIssue[]) =>
      computeRetro({
        sprints: [S1, S2],
        count: 2,
        issues: list,
        ideas: [],
        guardMoves: [],
        outcomes: [],
        statusCategories: CATS,
        unit: 'points',
        config: DEFAULT_CONFIG,
      }).trends.find((t) => t.metric === 'uncertainWithoutDiscovery')?.summary;
    expect(run(inS1.slice(0, 2))).toBe(
      'High-uncertainty items entering without discovery down from 2 to 0 items (better). Technical risk decreases.',
    );
    expect(run([addedLater])).toBe(
      'High-uncertainty items entering without discovery up from 0 to 1 items (worse).',
    );
  });

  it('entered: at the start, added while it ran, or created into it; not after it closed', () => {
    expect(enteredSprint(addedLater, S2)).toBe(true);
    expect(enteredSprint(createdIn, S2)).toBe(true);
    expect(enteredSprint(afterClose, S2)).toBe(false);
    expect(enteredSprint(addedLater, S1)).toBe(false);
  });
});

describe('retro/report: the count from the site', () => {
  const ctx = useEmulator();
  const now = new Date();
  let demo: DemoProject;

  beforeEach(() => {
    demo = seedDemoProject(ctx.em, { now });
  });

  async function report(): Promise<RetroAnswer> {
    const result = await callResolver<RetroAnswer>(
      ctx.em,
      'retro/report',
      DEMO_USERS.member,
      {},
      {
        extension: { project: { id: demo.projectId, key: demo.projectKey } },
      },
    );
    if (!result.ok) throw new Error(JSON.stringify(result.error));
    return result.data;
  }

  function riskyStoryIn(sprintIndex: number, summary: string): EmIssue {
    const sprint = demo.closedSprints[sprintIndex];
    if (!sprint) throw new Error('no such sprint');
    return addDemoItem(ctx.em, demo.projectKey, now, {
      type: 'Story',
      summary,
      points: 2,
      createdDaysAgo: 200,
      sprints: [sprint],
      custom: {
        [demo.entryTriage.id]: { uncertainty: 'high', risk: 'low', reason: 'New vendor' },
      },
    });
  }

  const counts = (r: RetroAnswer) => r.sprints.map((s) => s.uncertainWithoutDiscovery.length);

  it('the demo history: fewer such items each sprint, the covered one not counted; technical risk decreases', async () => {
    const answer = await report();
    expect(counts(answer)).toEqual([3, 2, 2, 1, 1, 0]);
    expect(answer.summary).toContain(
      'High-uncertainty items entering without discovery down from 3 to 0 items (better). Technical risk decreases.',
    );
    expect(answer.notes.join(' ')).not.toContain('Entry triage');
    const covered = [...ctx.em.issues.values()].find(
      (i) =>
        (i.custom.get(demo.entryTriage.id) as { reason?: string } | undefined)?.reason ===
        'New search engine; the spike chose it',
    );
    expect(covered).toBeDefined();
    expect(answer.sprints[2]?.uncertainWithoutDiscovery).not.toContain(covered?.key);
  });

  it('an uncovered high-uncertainty story in a closed sprint adds one to that sprint; a finished spike linked to it removes it', async () => {
    const before = counts(await report());
    const story = riskyStoryIn(5, 'Pay by bank transfer');
    const covered = riskyStoryIn(4, 'Card vault');
    const spike = addDemoItem(ctx.em, demo.projectKey, now, {
      type: 'Spike',
      summary: 'Spike: which card vault?',
      status: 'Done',
    });
    const links = issueLinkSite(ctx.em);
    const relates = [...links.types.values()].find((t) => t.name === 'Relates');
    if (!relates) throw new Error('no Relates link type');
    links.addLink(relates.id, covered.id, spike.id);

    const after = await report();
    const expected = [...before];
    expected[5] = (expected[5] ?? 0) + 1;
    expect(counts(after)).toEqual(expected);
    expect(after.sprints[5]?.uncertainWithoutDiscovery).toContain(story.key);
    expect(after.sprints[4]?.uncertainWithoutDiscovery).not.toContain(covered.key);
    expect(after.summary).toHaveLength(10);

    const csv = retroCsv(after).split('\r\n');
    const column = RETRO_CSV_HEADER.indexOf('high_uncertainty_without_discovery');
    expect(csv[6]?.split(',')[column]).toBe(String(expected[5]));
  });
});
