import type { AdfDoc } from '../../src/domain/adf';
import { plainFlag, type FlagOutcome } from '../../src/domain/flag-fallback';
import {
  auditActionOf,
  interventionDetail,
  rememberFlagOutcomes,
} from '../../src/enforcement/intervention-audit';
import { ENFORCEMENT_KEYS } from '../../src/storage/key-families';
import { useEmulator } from '../helpers/emulator';
import { inInvocation } from '../helpers/invoke';
import { guardComment, sprintStartSummary } from '../../src/enforcement/interventions';

/**
 * What the app writes as itself after acting on items that are not sprint-ready: the comment on
 * one item (who put it in which sprint, what it needs, how it was flagged), the one summary of a
 * sprint start, and the audit entry's action and detail. Each text in full, as a reader sees it.
 */

/** A comment as its reader sees it: one line a paragraph, "- " a bullet, "@id" a mention. */
function read(doc: AdfDoc): string[] {
  const inline = (nodes: ReadonlyArray<{ type: string; text?: string; attrs?: { id?: string } }>) =>
    nodes.map((n) => (n.type === 'mention' ? `@${n.attrs?.id}` : (n.text ?? ''))).join('');
  return (doc.content as Array<{ type: string; content: never[] }>).flatMap((block) =>
    block.type === 'bulletList'
      ? block.content.map(
          (item: { content: Array<{ content: never[] }> }) =>
            `- ${inline(item.content[0]?.content ?? [])}`,
        )
      : [inline(block.content)],
  );
}

const item = {
  key: 'DT-4',
  typeName: 'Enabler',
  rule: 'scoped-outcome' as const,
  missing: ['an outcome', 'a bound'],
};
const labelled: FlagOutcome = {
  via: 'label',
  refused: ['field'],
  overrideRefused: true,
  siteHasFlagged: true,
};
const notFlagged: FlagOutcome = {
  via: null,
  refused: ['field', 'label'],
  overrideRefused: true,
  siteHasFlagged: true,
};
const WAIVER =
  'If this item must go ahead as it is, a project admin can grant a time-limited waiver under Project settings → Dual Track → Waivers and audit log.';

describe("the guard's comment on an item", () => {
  it('says the item went back to the backlog, who added it to which sprint, and what it needs', () => {
    const doc = guardComment({
      item,
      action: 'move-back',
      sprintName: 'S 7',
      actor: 'u-1',
      created: false,
    });
    expect(read(doc)).toEqual([
      'Dual Track moved this item back to the backlog. This Enabler was added to sprint "S 7" by @u-1, but it needs a complete scoped outcome before it can be planned into a sprint.',
      'To fix:',
      '- an outcome',
      '- a bound',
      WAIVER,
    ]);
  });

  it('says "someone" created it in the sprint when Jira does not say who', () => {
    const doc = guardComment({
      item,
      action: 'move-back',
      sprintName: 'S 7',
      actor: undefined,
      created: true,
    });
    expect(read(doc)[0]).toContain('This Enabler was created in sprint "S 7" by someone, but');
  });

  it.each([
    [
      undefined,
      'Dual Track flagged this item. ',
      ' It stays in the sprint; this project only flags such items.',
    ],
    [
      plainFlag(true),
      'Dual Track flagged this item. ',
      ' It stays in the sprint; this project only flags such items.',
    ],
    [
      labelled,
      'Dual Track flagged this item with the label dual-track-flagged. ',
      ' It stays in the sprint; this project only flags such items.',
    ],
    [
      notFlagged,
      'Dual Track could not flag this item. ',
      " It stays in the sprint; this project only flags such items, and Jira's edit screen for this item does not let the app set a flag (a project admin can see why under Project settings → Dual Track).",
    ],
  ])('says how a flag went (%j)', (flag, lead, tail) => {
    const doc = guardComment({
      item,
      action: 'flag',
      sprintName: 'S 7',
      actor: 'u-1',
      created: false,
      flag,
    });
    expect(read(doc)[0]).toBe(
      `${lead}This Enabler was added to sprint "S 7" by @u-1, but it needs a complete scoped outcome before it is sprint-ready.${tail}`,
    );
  });
});

describe('the summary of a sprint start', () => {
  const items = [
    { ...item, action: 'move-back' as const },
    {
      ...item,
      key: 'DT-5',
      rule: 'discovery-validated' as const,
      missing: ['evidence'],
      action: 'flag' as const,
    },
    { ...item, key: 'DT-6', action: 'flag' as const, flag: labelled },
    { ...item, key: 'DT-7', action: 'flag' as const, flag: notFlagged },
  ];

  it('lists each item with what was done and what it needs, and who started the sprint', () => {
    expect(read(sprintStartSummary({ sprintName: 'S 8', items, actor: 'u-2' }))).toEqual([
      'Dual Track checked sprint "S 8" when it started (started by @u-2): 4 item(s) were not sprint-ready.',
      '- DT-4 (Enabler, moved back to the backlog) needs a complete scoped outcome: an outcome; a bound.',
      '- DT-5 (Enabler, flagged, stays in the sprint) needs validated discovery evidence: evidence.',
      '- DT-6 (Enabler, flagged with the label dual-track-flagged, stays in the sprint) needs a complete scoped outcome: an outcome; a bound.',
      '- DT-7 (Enabler, could not be flagged, stays in the sprint) needs a complete scoped outcome: an outcome; a bound.',
      "Not every item could be flagged: Jira's edit screen did not let Dual Track set a flag on 1 item(s); a project admin can see why under Project settings → Dual Track.",
      'This is the only comment for this sprint start; each item is also in the Dual Track audit log.',
    ]);
  });

  it('words a flag set with the label by overriding the edit screen as a label flag too', () => {
    const overridden: FlagOutcome = { ...labelled, via: 'label-override', overrideRefused: false };
    const [, line] = read(
      sprintStartSummary({
        sprintName: 'S 8',
        items: [{ ...item, action: 'flag' as const, flag: overridden }],
        actor: undefined,
      }),
    );
    expect(line).toBe(
      '- DT-4 (Enabler, flagged with the label dual-track-flagged, stays in the sprint) needs a complete scoped outcome: an outcome; a bound.',
    );
  });

  it('says how many items were not read, or only that there were more when Jira gave no count', () => {
    const one = [items[0]!];
    const counted = read(
      sprintStartSummary({ sprintName: 'S 8', items: one, actor: undefined, unread: 12 }),
    );
    expect(counted[0]).toBe(
      'Dual Track checked sprint "S 8" when it started: 1 item(s) were not sprint-ready.',
    );
    expect(counted[2]).toBe(
      'Not every item was checked: the sprint holds 12 more item(s) than Dual Track reads at a sprint start; the sprint guard still checks each item that is added later.',
    );
    const uncounted = read(
      sprintStartSummary({
        sprintName: 'S 8',
        items: one,
        actor: undefined,
        unread: 1,
        unreadCounted: false,
      }),
    );
    expect(uncounted[2]).toContain('the sprint holds more items than Dual Track reads');
    expect(
      read(sprintStartSummary({ sprintName: 'S 8', items: one, actor: undefined, unread: 0 })),
    ).toHaveLength(3);
  });
});

describe('the audit entry of an intervention', () => {
  it('records a flag no way could set as failed', () => {
    expect(auditActionOf('move-back', undefined)).toBe('moved-back');
    expect(auditActionOf('flag', undefined)).toBe('flagged');
    expect(auditActionOf('flag', labelled)).toBe('flagged');
    expect(auditActionOf('flag', notFlagged)).toBe('failed');
  });

  it('says what was missing, what came after, and what the flag taught', () => {
    const base = {
      lead: 'Moved back',
      missing: ['an outcome', 'a bound'],
      projectKey: 'DT',
      typeName: 'Enabler',
    };
    expect(interventionDetail({ ...base, flag: undefined })).toBe(
      'Moved back; missing: an outcome; a bound.',
    );
    expect(interventionDetail({ ...base, flag: plainFlag(true), after: 'Sprint S 7.' })).toBe(
      'Moved back; missing: an outcome; a bound. Sprint S 7.',
    );
    expect(interventionDetail({ ...base, flag: notFlagged })).toMatch(
      /^Moved back; not flagged; missing: an outcome; a bound\. Dual Track could not flag Enabler items in DT\. /,
    );
    expect(interventionDetail({ ...base, flag: labelled })).toMatch(
      /^Moved back; missing: an outcome; a bound\. Jira's Flagged field is not on the edit screen of Enabler items in DT\. Jira does not let Dual Track override screens/,
    );
  });
});

describe("the project's flag notes", () => {
  const ctx = useEmulator();
  const now = new Date('2026-11-20T10:00:00.000Z');
  const remember = (current: Parameters<typeof rememberFlagOutcomes>[1], outcome: FlagOutcome) =>
    inInvocation(ctx.em, 'trigger', 'sprint-guard: rememberFlagOutcomes', () =>
      rememberFlagOutcomes('DT', current, [{ typeName: 'Enabler', outcome }], now),
    );

  it('are written when a flag teaches something new, and not again when it says the same', async () => {
    await remember(undefined, labelled);
    const notes = ctx.em.kvs.peek(ENFORCEMENT_KEYS.flagNotes('DT'));
    expect(notes).toEqual({
      version: 1,
      types: { Enabler: { since: now.toISOString(), outcome: labelled } },
    });
    ctx.em.kvs.resetCounts();
    await remember(notes as Parameters<typeof rememberFlagOutcomes>[1], labelled);
    expect(ctx.em.kvs.writes()).toBe(0);
  });
});
