import type { FeasibilityVerdict } from '../domain/item-checklist';
import {
  changeFeasibility,
  saveSpikeNote,
  type FeasibilityRecord,
  type SpikeNote,
} from '../storage/issue-notes-store';

/**
 * The issue panel's own records: the feasibility review of a technically novel discovery item
 * and the note that closes a spike. The resolvers check Edit issues before calling these.
 */

export interface Author {
  accountId: string;
  now: Date;
}

export type NoteAnswer<T> =
  { ok: true; value: T } | { ok: false; code: 'conflict'; message: string };

/**
 * Flags (or unflags) an item as technically novel. Un-flagging removes the sign-off: it was
 * given for the item as it was then, so flagging the item again asks engineering for a new one
 * instead of silently reviving the old verdict. Flagging an item that is already flagged keeps
 * its sign-off. Saved only against the review it read (a racing sign-off is re-read, not lost).
 */
export async function flagNovel(
  issueId: string,
  novel: boolean,
  author: Author,
): Promise<FeasibilityRecord> {
  const saved = await changeFeasibility<never>(issueId, (current) => {
    const keep = novel && current?.novel === true ? current.signOff : undefined;
    return {
      ok: true,
      record: {
        novel,
        ...(keep ? { signOff: keep } : {}),
        updatedBy: author.accountId,
        updatedAt: author.now.toISOString(),
      },
    };
  });
  if (!saved.ok) throw new Error('flagNovel never refuses');
  return saved.record;
}

/**
 * Records engineering's verdict; only on an item flagged technically novel, judged on the review
 * as it is when the verdict is saved (an un-flag that lands first turns the sign-off down).
 */
export async function signOffFeasibility(
  issueId: string,
  verdict: FeasibilityVerdict,
  note: string,
  author: Author,
): Promise<NoteAnswer<FeasibilityRecord>> {
  const at = author.now.toISOString();
  const saved = await changeFeasibility<string>(issueId, (current) => {
    if (!current?.novel) {
      return {
        ok: false,
        refusal:
          'This item is not flagged technically novel, so it needs no feasibility sign-off. Flag it first if engineering should review it.',
      };
    }
    return {
      ok: true,
      record: {
        novel: true,
        signOff: { by: author.accountId, at, verdict, note },
        updatedBy: author.accountId,
        updatedAt: at,
      },
    };
  });
  return saved.ok
    ? { ok: true, value: saved.record }
    : { ok: false, code: 'conflict', message: saved.refusal };
}

export async function recordSpikeNote(
  issueId: string,
  note: string,
  author: Author,
): Promise<SpikeNote> {
  const value: SpikeNote = { note, by: author.accountId, at: author.now.toISOString() };
  await saveSpikeNote(issueId, value);
  return value;
}
