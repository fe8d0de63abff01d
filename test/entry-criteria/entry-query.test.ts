import { readFileSync } from 'fs';
import { join } from 'path';
import { parse as parseYaml } from 'yaml';
import { DEFAULT_CONFIG, type Config } from '../../src/domain/config';
import {
  describeEntryCriteria,
  needsDiscoverySignal,
  type EntryFlagRead,
  type FlaggedItem,
} from '../../src/domain/signals';
import {
  ENTRY_TRIAGE_JQL,
  entryCriteriaJql,
  hasEntryCriteria,
  jqlString,
  levelsAtLeast,
} from '../../src/domain/entry-query';

/**
 * The discovery entry criteria as JQL and in words, and the "needs discovery first" signal's
 * verdicts, on plain data.
 */

const entry = (overrides: Partial<Config['entry']> = {}): Config['entry'] => ({
  ...DEFAULT_CONFIG.entry,
  ...overrides,
});

describe('entry criteria as JQL', () => {
  it('levels at or above a threshold', () => {
    expect(levelsAtLeast('medium')).toEqual(['medium', 'high']);
    expect(levelsAtLeast('high')).toEqual(['high']);
    expect(levelsAtLeast('off')).toEqual([]);
  });

  it('quotes strings with backslash escapes', () => {
    expect(jqlString('architecture')).toBe('"architecture"');
    expect(jqlString('say "hi" \\ bye')).toBe('"say \\"hi\\" \\\\ bye"');
  });

  it('ORs the triage properties (by their search aliases), labels and components', () => {
    expect(
      entryCriteriaJql(entry({ uncertaintyAtLeast: 'medium', components: ['Payments', 'Core'] }), {
        triage: true,
      }),
    ).toBe(
      '("Entry triage".uncertainty in ("medium", "high") OR "Entry triage".risk in ("high") OR labels in ("architecture") OR component in ("Payments", "Core"))',
    );
  });

  it('without the triage field: labels and components only; nothing left: no condition', () => {
    expect(entryCriteriaJql(entry(), { triage: false })).toBe('(labels in ("architecture"))');
    expect(entryCriteriaJql(entry({ labels: [] }), { triage: false })).toBeUndefined();
    const off = entry({ uncertaintyAtLeast: 'off', riskAtLeast: 'off', labels: [] });
    expect(entryCriteriaJql(off, { triage: true })).toBeUndefined();
    expect(hasEntryCriteria(off)).toBe(false);
    expect(hasEntryCriteria(entry())).toBe(true);
  });

  it('searches the components it is given (the ones Jira knows)', () => {
    expect(
      entryCriteriaJql(entry({ labels: [], components: ['A', 'B'] }), {
        triage: false,
        components: ['B'],
      }),
    ).toBe('(component in ("B"))');
  });

  it('names the Entry triage field and its string properties as manifest.yml declares them', () => {
    const manifest = parseYaml(
      readFileSync(join(__dirname, '..', '..', 'manifest.yml'), 'utf8'),
    ) as {
      modules: {
        'jira:customField': Array<{
          key: string;
          name: string;
          schema?: { properties?: Record<string, { type?: string; searchAlias?: string }> };
        }>;
      };
    };
    const field = manifest.modules['jira:customField'].find((f) => f.key === 'entry-triage');
    expect(field?.name).toBe(ENTRY_TRIAGE_JQL.fieldName);
    const properties = field?.schema?.properties ?? {};
    for (const part of ['uncertainty', 'risk'] as const) {
      // A `string` property is a JQL string: exact comparison of the level.
      expect(properties[part]).toMatchObject({
        type: 'string',
        searchAlias: ENTRY_TRIAGE_JQL[part],
      });
    }
  });
});

describe('entry criteria in words', () => {
  it('joins the configured criteria with "or"', () => {
    expect(describeEntryCriteria(entry())).toBe(
      'uncertainty high, risk high or label "architecture"',
    );
    expect(
      describeEntryCriteria(
        entry({ uncertaintyAtLeast: 'medium', riskAtLeast: 'off', labels: [], components: ['X'] }),
      ),
    ).toBe('uncertainty medium or high or component "X"');
    expect(describeEntryCriteria(entry({ labels: [] }), { triage: false })).toBe('');
  });
});

describe('the "needs discovery first" signal', () => {
  const flag = (key: string, overrides: Partial<FlaggedItem> = {}): FlaggedItem => ({
    key,
    summary: key,
    state: 'needs-discovery',
    reasons: ['uncertainty high'],
    waitingOn: [],
    inSprint: false,
    started: false,
    ...overrides,
  });
  const signal = (read: EntryFlagRead | undefined) =>
    needsDiscoverySignal({
      items: [],
      closedSprints: [],
      activeSprint: undefined,
      hasBoard: true,
      unit: 'points',
      config: DEFAULT_CONFIG,
      now: new Date('2026-11-01T00:00:00Z'),
      ...(read ? { entry: read } : {}),
    });
  type Read = Extract<EntryFlagRead, { kind: 'read' }>;
  const read = (flagged: FlaggedItem[], more: Partial<Read> = {}): Read => ({
    kind: 'read',
    flagged,
    complete: true,
    meetingCriteria: flagged.length,
    triage: true,
    ...more,
  });

  it('ok when nothing meets the criteria, or everything that does is covered', () => {
    expect(signal(read([]))).toMatchObject({ level: 'ok', count: 0, measured: true });
    expect(signal(read([])).reason).toBe(
      'No open delivery item meets the discovery entry criteria.',
    );
    expect(signal(read([], { meetingCriteria: 2 })).reason).toBe(
      'Each of the 2 open delivery items meeting the discovery entry criteria has a validated idea or a finished spike linked.',
    );
  });

  it('a warning for flagged backlog items; critical once one is in the active sprint, listed first', () => {
    expect(signal(read([flag('A-1')])).level).toBe('warning');
    const s = signal(
      read([flag('A-1'), flag('A-2', { inSprint: true }), flag('A-3', { state: 'waiting' })]),
    );
    expect(s.level).toBe('critical');
    expect(s.items.map((i) => i.key)).toEqual(['A-2', 'A-1', 'A-3']);
    expect(s.reason).toBe(
      '3 delivery items meet the discovery entry criteria without a validated idea or finished spike: 2 with no discovery linked, 1 waiting on discovery under way. 1 of them is in the active sprint.',
    );
  });

  it('"at least" when the read stopped at the list limit', () => {
    const s = signal(read([flag('A-1')], { complete: false, meetingCriteria: 120 }));
    expect(s).toMatchObject({ atLeast: true, count: 1, meetingCriteria: 120 });
    expect(s.reason).toMatch(/^At least 1 delivery item meets /);
  });

  it('not measured when no criterion is set, nothing was read, or Jira refused the search', () => {
    expect(signal({ kind: 'off' })).toMatchObject({ level: 'unknown', measured: false });
    expect(signal({ kind: 'failed', reason: 'Jira said no.' })).toMatchObject({
      level: 'unknown',
      measured: false,
      reason: 'Jira said no.',
    });
    expect(signal(undefined).reason).toBe('The discovery entry criteria were not checked.');
  });
});
