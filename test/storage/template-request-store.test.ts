import { KEYS } from '../../src/storage/key-families';
import {
  claimTemplateRequest,
  MAX_REQUESTS,
  recordTemplateRequest,
  releaseTemplateRequest,
  type CreatedRecord,
} from '../../src/storage/template-request-store';
import { loseEveryRace, useEmulator } from '../helpers/emulator';
import { inInvocation } from '../helpers/invoke';

/**
 * Each person's recent "new discovery item" requests: a request is claimed once, answered from the
 * record when it comes again, given back when nothing was created; the record keeps the last
 * MAX_REQUESTS requests and only the fields the answer is made of.
 */
const ctx = useEmulator();
const at = new Date('2026-11-20T10:00:00.000Z');
const run = <T>(fn: () => Promise<T>) =>
  inInvocation(ctx.em, 'resolver', 'templates/create: requests', fn);
const claim = (requestId: string, accountId = 'mia') =>
  run(() => claimTemplateRequest(accountId, requestId, at));
const stored = (accountId = 'mia') =>
  ctx.em.kvs.peek(KEYS.templateRequests(accountId)) as {
    version: number;
    requests: Array<{ requestId: string; at: string; created?: CreatedRecord }>;
  };

const created: CreatedRecord = {
  id: '10050',
  key: 'DT-50',
  kind: 'idea',
  issueType: { id: '10001', name: 'Discovery' },
  template: { id: 'idea', name: 'Discovery idea' },
  scopedOutcome: false,
  withPressRelease: false,
  message: 'Created DT-50 from the Discovery idea template.',
};

describe('template requests', () => {
  it('a new request is claimed and kept with its time', async () => {
    await expect(claim('r1')).resolves.toEqual({ status: 'claimed' });
    expect(stored()).toEqual({
      version: 1,
      requests: [{ requestId: 'r1', at: at.toISOString() }],
    });
  });

  it('the same request again is seen: in flight before it is recorded, answered after', async () => {
    await claim('r1');
    await expect(claim('r1')).resolves.toEqual({
      status: 'seen',
      request: { requestId: 'r1', at: at.toISOString() },
    });
    await run(() => recordTemplateRequest('mia', 'r1', created));
    await expect(claim('r1')).resolves.toEqual({
      status: 'seen',
      request: { requestId: 'r1', at: at.toISOString(), created },
    });
  });

  it('is kept per person: another person’s request of the same id is claimed', async () => {
    await claim('r1');
    await expect(claim('r1', 'ada')).resolves.toEqual({ status: 'claimed' });
  });

  it('records only what the answer is made of, on the request named', async () => {
    await claim('r1');
    await claim('r2');
    const fromJira = {
      ...created,
      issueType: { ...created.issueType, iconUrl: 'https://example.test/i.png' },
      template: { ...created.template, fields: ['summary'] },
    } as CreatedRecord;
    await run(() => recordTemplateRequest('mia', 'r2', fromJira));
    expect(stored().requests).toEqual([
      { requestId: 'r1', at: at.toISOString() },
      { requestId: 'r2', at: at.toISOString(), created },
    ]);
  });

  it('a request given back may be claimed again; one that created an item is never given back', async () => {
    await claim('r1');
    await claim('r2');
    await claim('r3');
    await run(() => recordTemplateRequest('mia', 'r2', created));
    await run(() => releaseTemplateRequest('mia', 'r1'));
    await run(() => releaseTemplateRequest('mia', 'r2'));
    // r3 is still in flight: giving r1 back leaves it claimed.
    expect(stored().requests.map((r) => r.requestId)).toEqual(['r2', 'r3']);
    await expect(claim('r1')).resolves.toEqual({ status: 'claimed' });
  });

  it(`keeps the last ${MAX_REQUESTS} requests`, async () => {
    for (let i = 0; i <= MAX_REQUESTS; i++) await claim(`r${i}`);
    const ids = stored().requests.map((r) => r.requestId);
    expect(ids).toHaveLength(MAX_REQUESTS);
    expect(ids[0]).toBe('r1');
    expect(ids.at(-1)).toBe(`r${MAX_REQUESTS}`);
    // The oldest fell out, so it would be claimed afresh.
    await expect(claim('r0')).resolves.toEqual({ status: 'claimed' });
  });

  it('recording or giving back a request of a person with no requests stored writes an empty list', async () => {
    await run(() => recordTemplateRequest('mia', 'r1', created));
    expect(stored()).toEqual({ version: 1, requests: [] });
    await run(() => releaseTemplateRequest('ada', 'r1'));
    expect(stored('ada')).toEqual({ version: 1, requests: [] });
  });

  it('a claim that loses every race: a conflict naming the recent template requests, nothing saved', async () => {
    const key = KEYS.templateRequests('mia');
    loseEveryRace(ctx.em, key);
    await expect(claim('r1')).rejects.toThrow(
      `The recent template requests (${key}) changed 6 times while this change was being saved; nothing of this change was saved. Try again.`,
    );
    expect(ctx.em.kvs.peek(key)).toBeUndefined();
  });

  it('two identical requests at once: exactly one claims it', async () => {
    const answers = await Promise.all([claim('r1'), claim('r1')]);
    expect(answers.map((a) => a.status).sort()).toEqual(['claimed', 'seen']);
    expect(stored().requests).toHaveLength(1);
  });
});
