import { DEFAULT_CONFIG, type Config } from '../../src/domain/config';
import {
  atLeast,
  checkEntry,
  covers,
  describeEntry,
  describeTriage,
  entryBlocks,
  entryReasons,
  nameKeys,
  projectOfKey,
  readersOf,
  inProgress,
  readTriage,
  TriageInputSchema,
  type EntryFacts,
  type EntryVerdict,
  type LinkedDiscovery,
} from '../../src/domain/entry-criteria';
import type { Track } from '../../src/domain/track';

/** The discovery entry criteria: which items belong in discovery first, and what covers them. */

function config(entry: Partial<Config['entry']> = {}): Config {
  return { ...DEFAULT_CONFIG, entry: { ...DEFAULT_CONFIG.entry, ...entry } };
}

function facts(overrides: Partial<EntryFacts> = {}): EntryFacts {
  return { triage: undefined, labels: [], components: [], ...overrides };
}

function linked(overrides: Partial<LinkedDiscovery> = {}): LinkedDiscovery {
  return {
    key: 'DT-9',
    kind: 'idea',
    track: 'discovery',
    statusCategory: 'indeterminate',
    validation: undefined,
    ...overrides,
  };
}

function verdict(
  f: Partial<EntryFacts>,
  links: LinkedDiscovery[] = [],
  entry: Partial<Config['entry']> = {},
  track: Track = 'delivery',
): EntryVerdict {
  return checkEntry({ track, facts: facts(f), linked: links, config: config(entry) });
}

const texts = (f: Partial<EntryFacts>, entry: Partial<Config['entry']> = {}) =>
  entryReasons(facts(f), config(entry).entry).map((r) => r.text);

describe('thresholds', () => {
  it.each([
    ['low', 'medium', false],
    ['medium', 'medium', true],
    ['high', 'medium', true],
    ['medium', 'high', false],
    ['high', 'high', true],
    ['high', 'off', false],
    [undefined, 'medium', false],
  ] as const)('%s at least %s: %s', (level, threshold, expected) => {
    expect(atLeast(level, threshold)).toBe(expected);
  });

  it('defaults: uncertainty high or risk high count, medium does not', () => {
    expect(texts({ triage: { uncertainty: 'high', risk: 'low' } })).toEqual(['uncertainty high']);
    expect(texts({ triage: { uncertainty: 'low', risk: 'high' } })).toEqual(['risk high']);
    expect(texts({ triage: { uncertainty: 'medium', risk: 'medium' } })).toEqual([]);
  });

  it('medium thresholds catch medium levels', () => {
    expect(
      texts(
        { triage: { uncertainty: 'medium', risk: 'medium' } },
        { uncertaintyAtLeast: 'medium', riskAtLeast: 'medium' },
      ),
    ).toEqual(['uncertainty medium', 'risk medium']);
  });

  it('off: the level alone never sends an item to discovery', () => {
    expect(
      texts(
        { triage: { uncertainty: 'high', risk: 'high' } },
        { uncertaintyAtLeast: 'off', riskAtLeast: 'off' },
      ),
    ).toEqual([]);
    expect(
      texts({ triage: { uncertainty: 'high', risk: 'high' } }, { riskAtLeast: 'off' }),
    ).toEqual(['uncertainty high']);
  });

  it('an item without triage meets no level criterion', () => {
    expect(texts({})).toEqual([]);
  });
});

describe('labels and components', () => {
  it('match case-insensitively and ignore surrounding spaces', () => {
    expect(texts({ labels: ['Architecture'] })).toEqual(['label "architecture"']);
    expect(texts({ labels: [' ARCHITECTURE '] })).toEqual(['label "architecture"']);
    expect(texts({ components: ['payments'] }, { components: ['Payments'] })).toEqual([
      'component "Payments"',
    ]);
  });

  it('other labels and components do not count; an empty list counts nothing', () => {
    expect(texts({ labels: ['architect', 'ui'] })).toEqual([]);
    expect(texts({ labels: ['architecture'] }, { labels: [] })).toEqual([]);
    expect(texts({ components: ['Payments'] })).toEqual([]);
  });

  it('lists every reason, levels first', () => {
    expect(
      texts(
        {
          triage: { uncertainty: 'high', risk: 'high' },
          labels: ['architecture'],
          components: ['Ledger'],
        },
        { components: ['ledger'] },
      ),
    ).toEqual(['uncertainty high', 'risk high', 'label "architecture"', 'component "ledger"']);
  });
});

describe('what covers an item', () => {
  it.each([
    ['a validated idea', { validation: 'validated' }, true],
    ['a validated idea still open', { validation: 'validated', statusCategory: 'new' }, true],
    ['an unvalidated idea', { validation: 'unvalidated' }, false],
    ['an idea without evidence, even done', { statusCategory: 'done' }, false],
    ['an invalidated idea', { validation: 'invalidated', statusCategory: 'done' }, false],
    ['a finished spike', { kind: 'spike', statusCategory: 'done' }, true],
    ['a spike under way', { kind: 'spike', statusCategory: 'indeterminate' }, false],
    ['a finished enabler', { kind: 'enabler', statusCategory: 'done' }, true],
    [
      'a delivery item, done',
      { kind: 'delivery', track: 'delivery', statusCategory: 'done' },
      false,
    ],
  ] as Array<[string, Partial<LinkedDiscovery>, boolean]>)('%s: %s', (_label, link, expected) => {
    expect(covers(linked(link))).toBe(expected);
  });

  it('under way: open discovery that does not cover yet; invalidated and finished are not', () => {
    expect(inProgress(linked())).toBe(true);
    expect(inProgress(linked({ kind: 'spike', statusCategory: 'new' }))).toBe(true);
    expect(inProgress(linked({ validation: 'invalidated' }))).toBe(false);
    expect(inProgress(linked({ validation: 'validated' }))).toBe(false);
    expect(inProgress(linked({ statusCategory: 'done' }))).toBe(false);
    expect(inProgress(linked({ track: 'delivery', kind: 'delivery' }))).toBe(false);
  });
});

describe('checkEntry', () => {
  const high = { triage: { uncertainty: 'high', risk: 'low' } } as const;

  it('needs discovery: meets the criteria, nothing linked', () => {
    const v = verdict(high);
    expect(v).toEqual({
      state: 'needs-discovery',
      reasons: [{ kind: 'uncertainty', text: 'uncertainty high' }],
    });
    expect(entryBlocks(v)).toBe(true);
  });

  it('covered by a validated idea or a finished spike (the first that covers is named)', () => {
    const v = verdict(high, [
      linked({ key: 'DT-1' }),
      linked({ key: 'DT-2', kind: 'spike', statusCategory: 'done' }),
    ]);
    expect(v).toMatchObject({ state: 'covered', coveredBy: 'DT-2' });
    expect(entryBlocks(v)).toBe(false);
    expect(verdict(high, [linked({ validation: 'validated' })])).toMatchObject({
      state: 'covered',
      coveredBy: 'DT-9',
    });
  });

  it('waiting: discovery linked and under way', () => {
    const v = verdict(high, [
      linked({ key: 'DT-3' }),
      linked({ key: 'DT-4', kind: 'spike', statusCategory: 'new' }),
    ]);
    expect(v).toMatchObject({ state: 'waiting', waitingOn: ['DT-3', 'DT-4'] });
    expect(entryBlocks(v)).toBe(true);
  });

  it('invalidated ideas neither cover nor count as waiting', () => {
    expect(
      verdict(high, [linked({ validation: 'invalidated', statusCategory: 'done' })]).state,
    ).toBe('needs-discovery');
    expect(verdict(high, [linked({ validation: 'invalidated' })]).state).toBe('needs-discovery');
  });

  it('not applicable: discovery items, and delivery items meeting no criterion', () => {
    const discovery = verdict(high, [], {}, 'discovery');
    expect(discovery).toEqual({ state: 'not-applicable', reasons: [] });
    expect(entryBlocks(discovery)).toBe(false);
    expect(verdict({ labels: ['ui'] }).state).toBe('not-applicable');
  });
});

describe('describeEntry', () => {
  it('one sentence per state, naming the reasons and what clears it', () => {
    expect(describeEntry(verdict({ labels: ['architecture'] }))).toBe(
      'Meets the discovery entry criteria (label "architecture") but no validated discovery item or finished spike is linked: explore it first.',
    );
    expect(
      describeEntry(verdict({ triage: { uncertainty: 'high', risk: 'high' } }, [linked()])),
    ).toBe(
      'Meets the discovery entry criteria (uncertainty high, risk high) and is waiting on discovery DT-9: link a validated idea or a finished spike before delivery starts.',
    );
    expect(
      describeEntry(verdict({ labels: ['architecture'] }, [linked({ validation: 'validated' })])),
    ).toBe('Meets the discovery entry criteria (label "architecture") and is covered by DT-9.');
    expect(describeEntry(verdict({}))).toBe(
      'This item meets none of the discovery entry criteria.',
    );
  });
});

describe('TriageInputSchema', () => {
  it('accepts both levels, with a reason when one is high', () => {
    expect(TriageInputSchema.safeParse({ uncertainty: 'low', risk: 'medium' }).success).toBe(true);
    expect(
      TriageInputSchema.parse({ uncertainty: 'high', risk: 'low', reason: '  New vendor API  ' }),
    ).toEqual({ uncertainty: 'high', risk: 'low', reason: 'New vendor API' });
  });

  it.each([
    ['uncertainty high without a reason', { uncertainty: 'high', risk: 'low' }],
    ['risk high without a reason', { uncertainty: 'low', risk: 'high' }],
    ['a blank reason', { uncertainty: 'high', risk: 'low', reason: '   ' }],
    ['a reason of two lines', { uncertainty: 'high', risk: 'low', reason: 'one\ntwo' }],
    ['a reason too long', { uncertainty: 'high', risk: 'low', reason: 'x'.repeat(256) }],
    ['a missing level', { uncertainty: 'low' }],
    ['an unknown level', { uncertainty: 'extreme', risk: 'low' }],
    ['an unknown part', { uncertainty: 'low', risk: 'low', owner: 'me' }],
  ])('refuses %s', (_label, input) => {
    expect(TriageInputSchema.safeParse(input).success).toBe(false);
  });

  it('names the reason when it is missing', () => {
    const result = TriageInputSchema.safeParse({ uncertainty: 'high', risk: 'low' });
    expect(result.error?.issues[0]).toMatchObject({
      path: ['reason'],
      message: 'a one-line reason is required when uncertainty or risk is high',
    });
  });
});

describe('readTriage', () => {
  it('reads a stored value as it is', () => {
    expect(readTriage({ uncertainty: 'high', risk: 'low', reason: 'x' })).toEqual({
      uncertainty: 'high',
      risk: 'low',
      reason: 'x',
    });
  });

  it('is lenient: unknown parts dropped, levels in any case, long reasons cut', () => {
    expect(readTriage({ uncertainty: 'HIGH', risk: 'bogus', extra: 1 })).toEqual({
      uncertainty: 'high',
    });
    expect(readTriage({ risk: 'Medium', reason: 'y'.repeat(300) })?.reason).toHaveLength(255);
  });

  it('nothing usable is no triage', () => {
    for (const raw of [null, undefined, 'high', 3, [], ['high'], {}, { uncertainty: 'huge' }]) {
      expect(readTriage(raw)).toBeUndefined();
    }
  });
});

describe('describeTriage', () => {
  it('one line, as the field shows in lists', () => {
    expect(describeTriage({ uncertainty: 'high', risk: 'low', reason: ' New vendor ' })).toBe(
      'Uncertainty high · Risk low — New vendor',
    );
    expect(describeTriage({ risk: 'medium' })).toBe('Risk medium');
  });
});

describe('nameKeys: naming linked items for the readers of an item', () => {
  const readers = (project: string, ...unrestricted: string[]) => ({
    project,
    unrestricted: new Set(unrestricted),
  });
  it("names keys of the readers' project read without a security level, counts the others", () => {
    expect(nameKeys(['DT-1', 'SEC-2'], readers('DT', 'DT-1', 'SEC-2'))).toBe(
      'DT-1, an item you may not have access to',
    );
    expect(nameKeys(['SEC-2', 'OPS-3'], readers('DT', 'SEC-2', 'OPS-3'))).toBe(
      '2 items you may not have access to',
    );
    expect(nameKeys(['DT-1', 'DT-22'], readers('DT', 'DT-1', 'DT-22'))).toBe('DT-1, DT-22');
  });
  it('counts a key of the same project that has a security level or was not read', () => {
    expect(nameKeys(['DT-1', 'DT-2'], readers('DT', 'DT-1'))).toBe(
      'DT-1, an item you may not have access to',
    );
    expect(nameKeys(['DT-1'], readers('DT'))).toBe('an item you may not have access to');
  });
  it('names every key when no readers are given (texts read as the user)', () => {
    expect(nameKeys(['DT-1', 'SEC-2'])).toBe('DT-1, SEC-2');
  });
  it('takes the project from the key (letters, digits and underscores before the last dash)', () => {
    expect(projectOfKey('MY_PROJ2-12')).toBe('MY_PROJ2');
    expect(nameKeys(['MY_PROJ2-12'], readers('MY_PROJ2', 'MY_PROJ2-12'))).toBe('MY_PROJ2-12');
    expect(readersOf('MY_PROJ2-3', { unrestricted: new Set(['MY_PROJ2-12']) })).toEqual(
      readers('MY_PROJ2', 'MY_PROJ2-12'),
    );
  });
});
