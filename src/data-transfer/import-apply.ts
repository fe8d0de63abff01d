import type { DataSection } from '../contract/bridge-contract';
import {
  operationsOf,
  restoreOne,
  restoreTogether,
  TRANSACTION_MAX_BYTES,
  TRANSACTION_MAX_OPS,
  type KeyState,
} from '../storage/versioned-record';

/**
 * Applying a checked import, all or nothing per section: a section that fits one storage
 * transaction is written in one; a larger one is written in batches and, if storage fails
 * midway, put back as it was before the import. Sections before it stay imported.
 */

/** One key an import changes: its state before, and the state the document gives it. */
export interface KeyChange {
  section: DataSection;
  before: KeyState;
  after: KeyState;
}

/** Keys written (or removed) per batch in a section too large for one transaction. */
export const IMPORT_BATCH_SIZE = 10;

/** Storage failed while applying: which sections were imported, and which was put back. */
export class ImportInterruptedError extends Error {
  constructor(
    readonly imported: readonly DataSection[],
    readonly failed: DataSection,
    readonly putBack: boolean,
    readonly notStarted: readonly DataSection[],
    cause: unknown,
  ) {
    const list = (s: readonly string[]) => (s.length > 0 ? s.join(', ') : 'none');
    super(
      `Storage failed while importing the ${failed} section (${cause instanceof Error ? cause.message : 'unknown error'}). ` +
        `Imported: ${list(imported)}. ${
          putBack
            ? `The ${failed} section is as it was before the import.`
            : `Putting the ${failed} section back failed too: some of its keys hold the imported values.`
        } Not started: ${list(notStarted)}. Nothing is lost: run the import again to finish it.`,
    );
    this.name = 'ImportInterruptedError';
  }
}

/** Applies the changes section by section, in `order`; returns the storage requests made. */
export async function applyBySection(
  changes: readonly KeyChange[],
  order: readonly DataSection[],
): Promise<number> {
  const sections = order.filter((s) => changes.some((c) => c.section === s));
  let requests = 0;
  for (const [i, section] of sections.entries()) {
    const mine = changes.filter((c) => c.section === section);
    const attempted: KeyChange[] = [];
    try {
      requests += await applySection(mine, attempted);
    } catch (error) {
      const putBack = await putBackAll(attempted);
      throw new ImportInterruptedError(
        sections.slice(0, i),
        section,
        putBack,
        sections.slice(i + 1),
        error,
      );
    }
  }
  return requests;
}

async function applySection(mine: readonly KeyChange[], attempted: KeyChange[]): Promise<number> {
  const ops = mine.reduce((n, c) => n + operationsOf(c.after), 0);
  const bytes = mine.reduce((n, c) => n + (JSON.stringify(c.after.value)?.length ?? 0), 0);
  if (ops <= TRANSACTION_MAX_OPS && bytes <= TRANSACTION_MAX_BYTES) {
    await restoreTogether(mine.map((c) => c.after));
    return 1;
  }
  let requests = 0;
  for (let i = 0; i < mine.length; i += IMPORT_BATCH_SIZE) {
    const batch = mine.slice(i, i + IMPORT_BATCH_SIZE);
    attempted.push(...batch);
    await Promise.all(batch.map((c) => restoreOne(c.after)));
    requests += batch.length;
  }
  return requests;
}

/** Puts every attempted key back as it was, newest first; false when storage failed again. */
async function putBackAll(attempted: readonly KeyChange[]): Promise<boolean> {
  let ok = true;
  for (const change of [...attempted].reverse()) {
    try {
      await restoreOne(change.before);
    } catch {
      ok = false;
    }
  }
  return ok;
}
