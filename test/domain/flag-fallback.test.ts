import {
  flagNote,
  flagNoteLines,
  knowledgeFrom,
  nextFlagNotes,
  type FlagOutcome,
} from '../../src/domain/flag-fallback';

const outcome = (over: Partial<FlagOutcome> = {}): FlagOutcome => ({
  via: 'field',
  refused: [],
  overrideRefused: false,
  siteHasFlagged: true,
  ...over,
});

describe('flagNote: what the project admin is told', () => {
  it.each<[string, Partial<FlagOutcome>, string[]]>([
    [
      'flagged through the override',
      { via: 'field-override', refused: ['field'] },
      ['Flagged field is not on the edit screen of Story items in DT', 'screen override'],
    ],
    [
      'label because the override was refused',
      { via: 'label', refused: ['field'], overrideRefused: true },
      ['does not let Dual Track override screens', 'added the label dual-track-flagged instead'],
    ],
    [
      'label because Flagged has no context here, even with the override',
      { via: 'label', refused: ['field', 'field-override'] },
      ['not even with Jira', 'field context that includes DT'],
    ],
    [
      'label with the override, Labels off the screen too',
      { via: 'label-override', refused: ['field', 'field-override', 'label'] },
      ['Labels is not on that screen either'],
    ],
    [
      'nothing could be set',
      { via: null, refused: ['field', 'label'], overrideRefused: true },
      [
        'could not flag Story items in DT',
        'Add Flagged (or Labels) to the edit screen',
        'back to the backlog',
      ],
    ],
    [
      'no Flagged field on the site, Labels off the screen',
      { via: null, siteHasFlagged: false, refused: ['label'], overrideRefused: true },
      ['This site has no Flagged field', 'Add Labels to the edit screen of Story items in DT'],
    ],
  ])('%s', (_name, over, phrases) => {
    const note = flagNote(outcome(over), 'DT', 'Story');
    for (const p of phrases) expect(note).toContain(p);
  });

  it.each<Partial<FlagOutcome>>([{ via: 'field' }, { via: 'label', siteHasFlagged: false }])(
    'says nothing about an ordinary flag (%o)',
    (over) => expect(flagNote(outcome(over), 'DT', 'Story')).toBeUndefined(),
  );
});

describe('knowledgeFrom', () => {
  it('takes refusals from the same screen and the override refusal from any item', () => {
    const known = knowledgeFrom(
      [outcome({ via: 'label', refused: ['field'] })],
      [outcome({ via: 'label', refused: ['field'] }), outcome({ overrideRefused: true })],
    );
    expect([...known.refused]).toEqual(['field']);
    expect(known.overrideRefused).toBe(true);
  });
});

describe('nextFlagNotes', () => {
  const now = new Date('2026-12-01T10:00:00.000Z');
  const later = new Date('2026-12-02T10:00:00.000Z');
  const label = outcome({ via: 'label', refused: ['field'], overrideRefused: true });

  it('adds a note for an unusual outcome, keeps its date while nothing changes, drops it after an ordinary flag', () => {
    const first = nextFlagNotes(undefined, [{ typeName: 'Story', outcome: label }], now);
    expect(first.changed).toBe(true);
    const same = nextFlagNotes(first.notes, [{ typeName: 'Story', outcome: label }], later);
    expect(same.changed).toBe(false);
    expect(same.notes.types['Story']?.since).toBe(now.toISOString());
    const fixed = nextFlagNotes(same.notes, [{ typeName: 'Story', outcome: outcome() }], later);
    expect(fixed).toEqual({ notes: { version: 1, types: {} }, changed: true });
  });

  it('an ordinary flag with no note is no change', () => {
    expect(nextFlagNotes(undefined, [{ typeName: 'Bug', outcome: outcome() }], now).changed).toBe(
      false,
    );
  });

  it('lines name the project and issue type only, oldest first', () => {
    const notes = nextFlagNotes(
      nextFlagNotes(undefined, [{ typeName: 'Story', outcome: label }], now).notes,
      [{ typeName: 'Bug', outcome: label }],
      later,
    ).notes;
    const lines = flagNoteLines(notes, 'DT');
    expect(lines.map((l) => l.typeName)).toEqual(['Story', 'Bug']);
    expect(lines[1]?.message).toContain('the edit screen of Bug items in DT');
  });
});
