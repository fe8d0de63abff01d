import { DEFAULT_CONFIG } from '../../src/domain/config';
import {
  completedSprint,
  computeRetro,
  describeTrend,
  signalsAt,
  validatedOn,
  valueAt,
  withinBound,
  withinTimebox,
  type HistoryChange,
  type RetroIssue,
  type RetroSprint,
} from '../../src/domain/retro';
import { csvField, retroCsv, RETRO_CSV_HEADER } from '../../src/contract/retro-report';
import { RETRO_CATEGORIES, SPRINT_1, SPRINT_2 } from '../helpers/factories';

const CATS = RETRO_CATEGORIES;
const S1 = SPRINT_1;
const S2 = SPRINT_2;

function makeIssue(overrides: Partial<RetroIssue> = {}): RetroIssue {
  return {
    id: '100',
    key: 'DT-1',
    summary: 'Item',
    kind: 'delivery',
    track: 'delivery',
    created: '2026-01-01T00:00:00.000Z',
    estimate: 3,
    statusId: '9',
    sprintIds: [1],
    scopedOutcome: undefined,
    statusCategoryChanged: undefined,
    changes: [],
    activity: [],
    promotedFrom: [],
    ...overrides,
  };
}

const change = (
  field: HistoryChange['field'],
  at: string,
  from: string | null,
  to: string | null,
) => ({
  field,
  at,
  from,
  to,
});

describe('valueAt undoes every later change', () => {
  const changes = [
    change('status', '2026-01-06T00:00:00Z', '1', '3'),
    change('status', '2026-01-08T00:00:00Z', '3', '9'),
  ];
  it.each([
    ['before any change', '2026-01-05T00:00:00Z', '1'],
    ['between the changes', '2026-01-07T00:00:00Z', '3'],
    ['after the last change', '2026-01-09T00:00:00Z', '9'],
  ])('%s', (_name, at, expected) => {
    expect(valueAt('9', changes, 'status', at)).toBe(expected);
  });
});

describe('completedSprint', () => {
  it.each<[string, Partial<RetroIssue>, number | undefined]>([
    [
      'done inside the sprint while in it',
      {
        changes: [
          change('sprint', '2026-01-05T08:00:00Z', null, '1'),
          change('status', '2026-01-10T00:00:00Z', '3', '9'),
        ],
      },
      1,
    ],
    [
      'carried over: finished in the second sprint',
      {
        sprintIds: [1, 2],
        changes: [
          change('sprint', '2026-01-05T08:00:00Z', null, '1'),
          change('sprint', '2026-01-19T10:00:00Z', '1', '1,2'),
          change('status', '2026-01-22T00:00:00Z', '3', '9'),
        ],
      },
      2,
    ],
    [
      'done before the sprint started',
      { changes: [change('status', '2026-01-02T00:00:00Z', '3', '9')] },
      undefined,
    ],
    [
      'no history: done since statuscategorychangedate',
      { statusCategoryChanged: '2026-01-12T00:00:00Z' },
      1,
    ],
    ['not done', { statusId: '3' }, undefined],
  ])('%s', (_name, overrides, expected) => {
    expect(completedSprint(makeIssue(overrides), [S1, S2], CATS)?.id).toBe(expected);
  });
});

describe('bounds of finished spikes and enablers', () => {
  const worked = (startDay: number, doneDay: number) => [
    change('status', `2026-01-${String(startDay).padStart(2, '0')}T10:00:00Z`, '1', '3'),
    change('status', `2026-01-${String(doneDay).padStart(2, '0')}T10:00:00Z`, '3', '9'),
  ];
  it.each<[string, Partial<RetroIssue>, boolean]>([
    [
      'spike within its own timebox',
      { kind: 'spike', scopedOutcome: { timeboxDays: 3 }, changes: worked(6, 9) },
      true,
    ],
    [
      'spike over its own timebox',
      { kind: 'spike', scopedOutcome: { timeboxDays: 2 }, changes: worked(6, 9) },
      false,
    ],
    ['spike with the default timebox (3)', { kind: 'spike', changes: worked(6, 10) }, false],
    [
      // The spike rule: a 10-day timebox is past the limit (3), so 4 days is an overrun.
      'spike with a 10-day timebox, judged against the limit',
      { kind: 'spike', scopedOutcome: { timeboxDays: 10 }, changes: worked(6, 10) },
      false,
    ],
    [
      // A target date is not converted into days: the default timebox (3) applies.
      'spike with a target date only, judged against the default',
      { kind: 'spike', scopedOutcome: { targetDate: '2026-01-31' }, changes: worked(6, 10) },
      false,
    ],
  ])('%s', (_name, overrides, expected) => {
    expect(withinTimebox(makeIssue(overrides), CATS, DEFAULT_CONFIG.spike)).toBe(expected);
  });
  it.each<[string, Partial<RetroIssue>, boolean]>([
    [
      'enabler done by its target date',
      { kind: 'enabler', scopedOutcome: { targetDate: '2026-01-09' }, changes: worked(6, 9) },
      true,
    ],
    [
      'enabler after its target date',
      { kind: 'enabler', scopedOutcome: { targetDate: '2026-01-08' }, changes: worked(6, 9) },
      false,
    ],
    [
      'enabler within its timebox',
      { kind: 'enabler', scopedOutcome: { timeboxDays: 5 }, changes: worked(6, 9) },
      true,
    ],
    ['enabler without a bound', { kind: 'enabler', changes: worked(6, 9) }, false],
  ])('%s', (_name, overrides, expected) => {
    expect(withinBound(makeIssue(overrides), CATS)).toBe(expected);
  });
});

describe('signals rebuilt for a past moment', () => {
  it('counts an overrunning spike, an idle idea and an enabler whose outcome came later', () => {
    const at = '2026-01-19T09:00:00Z';
    const issues = [
      makeIssue({
        id: '1',
        kind: 'spike',
        track: 'discovery',
        statusId: '9',
        changes: [
          change('status', '2026-01-10T00:00:00Z', '1', '3'),
          change('status', '2026-01-25T00:00:00Z', '3', '9'),
        ],
      }),
      makeIssue({
        id: '2',
        kind: 'idea',
        track: 'discovery',
        statusId: '1',
        created: '2025-12-01T00:00:00Z',
      }),
      makeIssue({
        id: '3',
        kind: 'idea',
        track: 'discovery',
        statusId: '1',
        activity: ['2026-01-15T00:00:00Z'],
      }),
      makeIssue({
        id: '4',
        kind: 'enabler',
        track: 'discovery',
        statusId: '1',
        activity: ['2026-01-18T00:00:00Z'],
        scopedOutcome: {
          outcome: 'A complete outcome statement for the enabler',
          successMeasure: 'Measured weekly',
          timeboxDays: 3,
        },
        changes: [change('scopedOutcome', '2026-01-20T00:00:00Z', null, '{}')],
      }),
    ];
    expect(signalsAt(issues, at, CATS, DEFAULT_CONFIG)).toEqual({
      overrunSpikes: 1,
      idleDiscovery: 1,
      unscopedEnablers: 1,
    });
  });
});

describe('validatedOn', () => {
  const e = (type: string, date: string, positive = true) => ({
    type,
    date,
    positive,
    recordedAt: `${date}T10:00:00Z`,
  });
  it.each([
    [
      'the day the last needed evidence came in',
      [
        e('interview', '2026-01-02'),
        e('interview', '2026-01-03'),
        e('usability-test', '2026-01-04'),
        e('interview', '2026-01-06'),
      ],
      '2026-01-06',
    ],
    [
      'negative evidence does not count',
      [
        e('interview', '2026-01-02'),
        e('interview', '2026-01-03', false),
        e('interview', '2026-01-04'),
        e('usability-test', '2026-01-05'),
      ],
      undefined,
    ],
  ])('%s', (_name, entries, expected) => {
    expect(validatedOn(entries, DEFAULT_CONFIG.validation)).toBe(expected);
  });
});

describe('describeTrend', () => {
  it.each<[string, Array<number | undefined>, string, boolean, string]>([
    ['Runway', [1.5, 2, 1.8], 'sprints', false, 'Runway steady at 1.5-2 sprints.'],
    [
      'Overrun spikes',
      [3, 2, 1],
      'spikes',
      true,
      'Overrun spikes down from 3 to 1 spikes (better).',
    ],
    [
      'Open-ended discovery',
      [1, 4],
      'items',
      true,
      'Open-ended discovery up from 1 to 4 items (worse).',
    ],
    [
      'Runway',
      [undefined, undefined],
      'sprints',
      false,
      'Runway: not measurable in these sprints.',
    ],
    [
      'Enablers without outcome',
      [1, 1],
      'enablers',
      true,
      'Enablers without outcome steady at 1 enabler.',
    ],
  ])('%s %j', (label, values, unit, lower, expected) => {
    expect(describeTrend(label, values, unit, lower)).toBe(expected);
  });
});

describe('computeRetro and its CSV', () => {
  const report = computeRetro({
    sprints: [S2, S1],
    count: 1,
    issues: [
      makeIssue({ id: '1', estimate: 5, statusCategoryChanged: '2026-01-10T00:00:00Z' }),
      makeIssue({
        id: '2',
        kind: 'spike',
        track: 'discovery',
        estimate: 2,
        sprintIds: [2],
        statusCategoryChanged: '2026-01-25T00:00:00Z',
      }),
      makeIssue({
        id: '3',
        estimate: 8,
        sprintIds: [2],
        statusCategoryChanged: '2026-01-26T00:00:00Z',
      }),
      makeIssue({ id: '4', statusId: '1', sprintIds: [], estimate: 10 }),
    ],
    ideas: [],
    guardMoves: [{ at: '2026-01-20T00:00:00Z', issueKey: 'DT-9', sprintId: 2 }],
    outcomes: [],
    statusCategories: CATS,
    unit: 'points',
    config: DEFAULT_CONFIG,
  });

  it('reports the last sprint with velocity from the one before', () => {
    const [s] = report.sprints;
    // S2 completed the spike (2, discovery) and the story (8, delivery): 2 / 10 = 20 %.
    expect(s?.completed).toEqual({ discovery: 2, delivery: 8, total: 10, discoveryPercent: 20 });
    // Ready at S2's start: the open item (10) only; S1 completed 5 points → 2 sprints.
    expect(s?.runwayAtStart).toEqual({
      sprints: 2,
      readyWork: 10,
      velocity: 5,
      velocitySprints: 1,
    });
    expect(s?.movedBack).toEqual(['DT-9']);
  });

  it('CSV: header and one row per sprint, fields quoted and formulas defused', () => {
    const csv = retroCsv(report);
    const lines = csv.split('\r\n');
    expect(lines[0]).toBe(RETRO_CSV_HEADER.join(','));
    expect(lines[1]?.startsWith('S2,2026-01-19,2026-02-02,points,2,8,20,20,')).toBe(true);
    expect(lines).toHaveLength(3);
    expect(csvField('a,"b"')).toBe('"a,""b"""');
    expect(csvField('=SUM(A1)')).toBe("'=SUM(A1)");
    expect(csvField(undefined)).toBe('');
  });
});

describe('hit rate of validated ideas over time', () => {
  const S3: RetroSprint = {
    id: 3,
    name: 'S3',
    startDate: '2026-02-02T10:00:00.000Z',
    completeDate: '2026-02-16T09:00:00.000Z',
  };
  const doneIn = (sprint: RetroSprint) => ({
    sprintIds: [sprint.id],
    statusCategoryChanged: new Date(Date.parse(sprint.startDate) + 3 * 86_400_000).toISOString(),
  });
  const recorded = (issueId: string, result: 'hit' | 'partly' | 'missed' | 'too-early') => ({
    issueId,
    result,
    note: '',
    recordedAt: '2026-03-01T00:00:00.000Z',
    recordedBy: 'u',
  });
  const run = (outcomes: ReturnType<typeof recorded>[]) =>
    computeRetro({
      sprints: [S1, S2, S3],
      count: 3,
      issues: [
        makeIssue({ id: 'idea', key: 'DT-1', kind: 'idea', track: 'discovery', sprintIds: [] }),
        ...['a', 'b', 'c', 'd', 'e'].map((id, i) =>
          makeIssue({
            id,
            key: `DT-${i + 2}`,
            promotedFrom: ['idea'],
            ...doneIn([S1, S2, S2, S3, S3][i] ?? S1),
          }),
        ),
      ],
      ideas: [
        {
          id: 'idea',
          key: 'DT-1',
          summary: 'Idea',
          validatedAt: '2026-01-02T12:00:00.000Z',
          invalidatedAt: undefined,
          promotedAt: undefined,
          evidence: [],
        },
      ],
      guardMoves: [],
      outcomes,
      statusCategories: CATS,
      unit: 'points',
      config: DEFAULT_CONFIG,
    });

  it.each([
    {
      name: 'hit, then missed and partly, then too early and unrecorded',
      outcomes: [
        recorded('a', 'hit'),
        recorded('b', 'missed'),
        recorded('c', 'partly'),
        recorded('d', 'too-early'),
      ],
      judged: [1, 2, 0],
      perSprint: [100, 0, undefined],
      toDate: [100, 33, 33],
      overall: { hits: 1, rated: 3, rate: 33 },
    },
    {
      name: 'nothing judged until the last sprint',
      outcomes: [recorded('a', 'too-early'), recorded('d', 'hit'), recorded('e', 'missed')],
      judged: [0, 0, 2],
      perSprint: [undefined, undefined, 50],
      toDate: [undefined, undefined, 50],
      overall: { hits: 1, rated: 2, rate: 50 },
    },
    {
      name: 'no outcome recorded',
      outcomes: [],
      judged: [0, 0, 0],
      perSprint: [undefined, undefined, undefined],
      toDate: [undefined, undefined, undefined],
      overall: { hits: 0, rated: 0, rate: undefined },
    },
  ])('$name', ({ outcomes, judged, perSprint, toDate, overall }) => {
    const report = run(outcomes);
    expect(report.sprints.map((s) => s.outcomes.judged)).toEqual(judged);
    expect(report.sprints.map((s) => s.outcomes.hitRate)).toEqual(perSprint);
    expect(report.sprints.map((s) => s.outcomes.hitRateToDate)).toEqual(toDate);
    expect(report.hitRate).toEqual(overall);
    // The last sprint's hit rate to date is the report's.
    expect(report.sprints.at(-1)?.outcomes.hitRateToDate).toBe(overall.rate);
    const csv = retroCsv(report).split('\r\n');
    const column = RETRO_CSV_HEADER.indexOf('hit_rate_to_date_percent');
    expect(csv.slice(1, 4).map((l) => l.split(',')[column])).toEqual(
      toDate.map((v) => (v === undefined ? '' : String(v))),
    );
  });
});
