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
  /** Novel by its Entry triage whatever the flag says: un-flagging then keeps the sign-off. */
  novelByTriage = false,
): Promise<FeasibilityRecord> {
  const saved = await changeFeasibility<never>(issueId, (current) => {
    const wasNovel = current?.novel === true || novelByTriage;
    const keep = (novel || novelByTriage) && wasNovel ? current?.signOff : undefined;
    return {
      ok: true,
      record: {
        novel,
        ...(keep ? { signOff: keep } : {}),
        updatedBy: author.accountId,
        updatedAt: author.now.toISOString(),
        ...asked(current),
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
  /** Novel by its Entry triage (see domain/feasibility.ts): a sign-off is wanted without a flag. */
  novelByTriage = false,
): Promise<NoteAnswer<FeasibilityRecord>> {
  const at = author.now.toISOString();
  const saved = await changeFeasibility<string>(issueId, (current) => {
    if (!current?.novel && !novelByTriage) {
      return {
        ok: false,
        refusal:
          'This item is not technically novel (not flagged, and its Entry triage uncertainty is below the project setting), so it needs no feasibility sign-off. Flag it first if engineering should review it.',
      };
    }
    return {
      ok: true,
      record: {
        novel: current?.novel ?? false,
        signOff: { by: author.accountId, at, verdict, note },
        updatedBy: author.accountId,
        updatedAt: at,
        ...asked(current),
      },
    };
  });
  return saved.ok
    ? { ok: true, value: saved.record }
    : { ok: false, code: 'conflict', message: saved.refusal };
}

/** The record's "leads were asked" mark, carried over by every change. */
function asked(current: FeasibilityRecord | undefined) {
  return current?.leadsAskedAt ? { leadsAskedAt: current.leadsAskedAt } : {};
}

/**
 * Marks the item's leads as asked, once: true when this call set the mark (the caller then posts
 * the comment), false when an earlier call did. Conditional on the version read, so of two racing
 * calls only one gets true.
 */
export async function markLeadsAsked(issueId: string, author: Author): Promise<boolean> {
  const saved = await changeFeasibility<'already'>(issueId, (current) => {
    if (current?.leadsAskedAt) return { ok: false, refusal: 'already' };
    return {
      ok: true,
      record: {
        novel: current?.novel ?? false,
        ...(current?.signOff ? { signOff: current.signOff } : {}),
        updatedBy: current?.updatedBy ?? author.accountId,
        updatedAt: current?.updatedAt ?? author.now.toISOString(),
        leadsAskedAt: author.now.toISOString(),
      },
    };
  });
  return saved.ok;
}

/** Takes the mark back (the comment could not be posted), so that a later call tries again. */
export async function unmarkLeadsAsked(issueId: string): Promise<void> {
  await changeFeasibility<'gone'>(issueId, (current) => {
    if (!current) return { ok: false, refusal: 'gone' };
    return {
      ok: true,
      record: {
        novel: current.novel,
        ...(current.signOff ? { signOff: current.signOff } : {}),
        updatedBy: current.updatedBy,
        updatedAt: current.updatedAt,
      },
    };
  });
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
