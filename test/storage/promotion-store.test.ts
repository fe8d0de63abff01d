import { STOPPED_CLAIM_MS } from '../../src/storage/kvs-store';
import { KEYS } from '../../src/storage/key-families';
import {
  claimPromotion,
  promotionDone,
  releasePromotion,
  type PromotionRecord,
} from '../../src/storage/promotion-store';
import { kvsRequest, useEmulator } from '../helpers/emulator';
import { inInvocation } from '../helpers/invoke';

/**
 * Promote's record and claim: a promotion is done when every item is created and linked, or was
 * sent without an answer (never sent again); one invocation holds an idea's claim at a time, a
 * fresh claim is answered busy with who holds it, and a claim older than any invocation can run
 * is taken over.
 */
const ctx = useEmulator();
const at = new Date('2026-11-20T10:00:00.000Z');

type Item = PromotionRecord['items'][number];
const item = (state: Item['state'], linked = false): Item => ({
  summary: 'One-page checkout',
  issueTypeId: '10001',
  state,
  linked,
});
const record = (...items: Item[]): PromotionRecord => ({
  version: 1,
  by: 'mia',
  at: at.toISOString(),
  linkType: { id: '10000', name: 'Implements' },
  items: items.length > 0 ? items : [item('pending')],
});

const claim = (by: string, when: Date) =>
  inInvocation(ctx.em, 'resolver', 'promote/run: claimPromotion', () =>
    claimPromotion('10042', { by, at: when.toISOString() }),
  );

describe('promotionDone', () => {
  it.each([
    ['every item created and linked', [item('created', true), item('created', true)], true],
    [
      'an item sent and never answered (left to the user)',
      [item('created', true), item('sent')],
      true,
    ],
    ['an item created but not linked yet', [item('created', true), item('created', false)], false],
    ['an item still pending', [item('created', true), item('pending')], false],
  ])('%s', (_, items, done) => {
    expect(promotionDone(record(...items))).toBe(done);
  });
});

describe('the promotion claim', () => {
  it('is claimed once: a second claimant is told who holds it', async () => {
    await expect(claim('mia', at)).resolves.toEqual({ status: 'claimed' });
    const later = new Date(at.getTime() + 5_000);
    await expect(claim('ada', later)).resolves.toEqual({
      status: 'busy',
      claim: { by: 'mia', at: at.toISOString() },
    });
    expect(ctx.em.kvs.peek(KEYS.promotionClaim('10042'))).toEqual({
      by: 'mia',
      at: at.toISOString(),
    });
  });

  it('is taken over once older than any invocation that could hold it', async () => {
    await claim('mia', at);
    const stopped = new Date(at.getTime() + STOPPED_CLAIM_MS + 1);
    await expect(claim('ada', stopped)).resolves.toEqual({ status: 'claimed' });
    expect(ctx.em.kvs.peek(KEYS.promotionClaim('10042'))).toEqual({
      by: 'ada',
      at: stopped.toISOString(),
    });
  });

  it('is free again once released', async () => {
    await claim('mia', at);
    await inInvocation(ctx.em, 'resolver', 'promote/run: releasePromotion', () =>
      releasePromotion('10042'),
    );
    expect(ctx.em.kvs.peek(KEYS.promotionClaim('10042'))).toBeUndefined();
    await expect(claim('ada', new Date(at.getTime() + 1_000))).resolves.toEqual({
      status: 'claimed',
    });
  });

  describe('released by its holder between the refused create and the read of who holds it', () => {
    const key = KEYS.promotionClaim('10042');
    const holdNext = (op: string) => ctx.em.kvs.hold(kvsRequest(op, key));
    const held = { by: 'mia', at: at.toISOString() };

    it('is claimed on the second try', async () => {
      ctx.em.kvs.seed(key, held);
      const read = holdNext('get');
      const answer = claim('ada', new Date(at.getTime() + 1_000));
      await read.arrived;
      ctx.em.kvs.unseed(key);
      read.release();
      await expect(answer).resolves.toEqual({ status: 'claimed' });
      expect(ctx.em.kvs.peek(key)).toMatchObject({ by: 'ada' });
    });

    it('twice over, claimed by another in between: busy after two tries, nothing written', async () => {
      ctx.em.kvs.seed(key, held);
      const firstRead = holdNext('get');
      const later = new Date(at.getTime() + 1_000);
      const answer = claim('ada', later);
      await firstRead.arrived;
      ctx.em.kvs.unseed(key);
      const secondCreate = holdNext('set');
      firstRead.release();
      await secondCreate.arrived;
      ctx.em.kvs.seed(key, held);
      const secondRead = holdNext('get');
      secondCreate.release();
      await secondRead.arrived;
      ctx.em.kvs.unseed(key);
      secondRead.release();
      // Two tries only: it answers busy rather than chase a claim that keeps changing hands.
      await expect(answer).resolves.toEqual({
        status: 'busy',
        claim: { by: 'ada', at: later.toISOString() },
      });
      expect(ctx.em.kvs.peek(key)).toBeUndefined();
    });
  });
});
