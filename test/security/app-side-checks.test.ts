import type { ResolverKey, Result } from '../../src/contract/bridge-contract';
import { useEmulator } from '../helpers/emulator';
import { callResolver } from '../helpers/invoke';
import { seedSecuritySite, type World } from './security-site';
import { WAIVER_KEYS } from '../../src/storage/key-families';

/**
 * Checks the app makes itself, which Jira's own answers would hide if they were removed: each
 * test fails when the app-side check goes, not only when the error code changes.
 */
const ctx = useEmulator();
let w: World;

beforeEach(() => {
  w = seedSecuritySite(ctx.em);
});

async function call(
  key: ResolverKey,
  accountId: string,
  payload: unknown,
  extension: Record<string, unknown>,
): Promise<Result<unknown>> {
  return callResolver(ctx.em, key, accountId, payload, { extension });
}

const inDays = (days: number) =>
  new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

describe('app-side checks that Jira would not make for the app', () => {
  it("a waiver from one project's settings page cannot name an issue of another project, even for an admin of both", async () => {
    const dtBook = ctx.em.kvs.peek(WAIVER_KEYS.book(w.dt.key));
    const result = await call(
      'waiver/grant',
      'user-site-admin',
      { issueKey: w.otherIssue.key, reason: 'Ship it', expiresOn: inDays(30) },
      { project: { id: w.dt.id, key: w.dt.key } },
    );
    expect(result).toMatchObject({
      ok: false,
      error: {
        code: 'invalid-input',
        message: `issueKey: ${w.otherIssue.key} is not in project DT.`,
      },
    });
    expect(ctx.em.kvs.peek(WAIVER_KEYS.book(w.other.key))).toBeUndefined();
    expect(ctx.em.kvs.peek(WAIVER_KEYS.book(w.dt.key))).toEqual(dtBook);
  });
});
