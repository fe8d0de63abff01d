import type { EntryVerdict } from '../../src/domain/entry-criteria';
import {
  describeExcluded,
  notReadyOf,
  notReadyText,
  type ReadinessFacts,
} from '../../src/domain/ready-work';
import { readyWorkOf, type ProjectItem } from '../../src/domain/signals';

const notApplicable: EntryVerdict = { state: 'not-applicable', reasons: [] };
const reason = { kind: 'label', text: 'label "architecture"' } as never;
const facts = (over: Partial<ReadinessFacts> = {}): ReadinessFacts => ({
  verdict: notApplicable,
  linkedIdeas: [],
  ...over,
});

describe('which not-started delivery work is ready for runway', () => {
  it.each<[string, Partial<ReadinessFacts>, number | undefined, string | undefined]>([
    ['estimated, nothing linked', {}, 5, undefined],
    ['estimated 0 is an estimate', {}, 0, undefined],
    ['unestimated (points)', {}, undefined, 'unestimated'],
    [
      'meets the entry criteria with nothing linked',
      { verdict: { state: 'needs-discovery', reasons: [reason] } },
      5,
      'needs-discovery',
    ],
    [
      'waits on linked discovery',
      { verdict: { state: 'waiting', reasons: [reason], waitingOn: ['DT-61'] } },
      5,
      'waiting-on-discovery',
    ],
    [
      'covered by a validated idea',
      {
        verdict: { state: 'covered', reasons: [reason], coveredBy: 'DT-1' },
        linkedIdeas: [{ key: 'DT-1', validation: 'validated' }],
      },
      5,
      undefined,
    ],
    [
      'linked only to an idea still unvalidated',
      { linkedIdeas: [{ key: 'DT-2', validation: 'unvalidated' }] },
      5,
      'idea-not-validated',
    ],
    [
      'linked to an invalidated idea and a validated one',
      {
        linkedIdeas: [
          { key: 'DT-2', validation: 'invalidated' },
          { key: 'DT-3', validation: 'validated' },
        ],
      },
      5,
      undefined,
    ],
    [
      'linked to an idea with no evidence read',
      { linkedIdeas: [{ key: 'DT-4', validation: undefined }] },
      5,
      'idea-not-validated',
    ],
    [
      'the entry criteria come before estimation',
      { verdict: { state: 'needs-discovery', reasons: [reason] } },
      undefined,
      'needs-discovery',
    ],
  ])('%s', (_name, over, estimate, expected) => {
    expect(notReadyOf({ estimate }, facts(over), 'points')?.reason).toBe(expected);
  });

  it('counted in issues, an item without an estimate is ready', () => {
    expect(notReadyOf({ estimate: undefined }, facts(), 'issues')).toBeUndefined();
  });

  it('names what it waits on in the badge', () => {
    expect(notReadyText({ reason: 'waiting-on-discovery', keys: ['DT-61', 'DT-70'] })).toBe(
      'Not ready: waiting on DT-61, DT-70',
    );
    expect(notReadyText({ reason: 'idea-not-validated', keys: ['DT-2'] })).toBe(
      'Not ready: DT-2 not validated',
    );
  });

  it('sums only the ready items and counts the rest by reason', () => {
    const item = (key: string, estimate: number | undefined, notReady?: ProjectItem['notReady']) =>
      ({
        key,
        summary: key,
        track: 'delivery',
        statusCategory: 'new',
        sprint: undefined,
        estimate,
        ...(notReady ? { notReady } : {}),
      }) as ProjectItem;
    const ready = readyWorkOf(
      [
        item('A', 3),
        item('B', 5, { reason: 'waiting-on-discovery', keys: ['DT-9'] }),
        item('C', undefined, { reason: 'unestimated', keys: [] }),
        item('D', 2),
      ],
      'points',
    );
    expect(ready.work).toBe(5);
    expect(ready.excluded.counts).toMatchObject({ 'waiting-on-discovery': 1, unestimated: 1 });
    expect(ready.excluded.items.map((i) => i.key)).toEqual(['B', 'C']);
    expect(describeExcluded(ready.excluded)).toBe('1 waiting on discovery, 1 not estimated');
  });
});
