import type { Waiver } from '../../src/domain/sprint-readiness';
import { listAudit } from '../../src/storage/audit-store';
import { readEnforcementContext } from '../../src/storage/enforcement-store';
import { WAIVER_KEYS } from '../../src/storage/key-families';
import { actorOf, blockOrWaive } from '../../src/validators/validator-audit';
import { useEmulator } from '../helpers/emulator';
import { inInvocation } from '../helpers/invoke';

/**
 * A function validator's last step when it would refuse: an unexpired waiver lets the transition
 * through and the audit log says which checks it overrode; otherwise the refusal is logged as it
 * was given. A failed audit write never changes the answer.
 */
const ctx = useEmulator();
const now = new Date('2026-11-20T10:00:00.000Z');
const issue = { id: '10007', key: 'DT-7' };

const waiver: Waiver = {
  issueId: issue.id,
  issueKey: issue.key,
  reason: 'Agreed with the team',
  expiresOn: '2026-12-01',
  grantedBy: 'lead',
  grantedAt: '2026-11-19T09:00:00.000Z',
};

const decide = (refusal: { result: false; errorMessage?: string }) =>
  inInvocation(ctx.em, 'validator', 'enabler-gate: blockOrWaive', async () => {
    const context = await readEnforcementContext('DT');
    const args = {
      context,
      issue,
      actor: 'u-1',
      now,
      source: 'enabler-gate',
      rule: 'scoped-outcome' as const,
    };
    return blockOrWaive({ ...args, missing: ['no outcome', 'no bound'] }, refusal);
  });
const audit = () =>
  inInvocation(ctx.em, 'resolver', 'audit/list: listAudit', () => listAudit('DT', undefined, 10));

describe('blocking or waiving a transition', () => {
  it('lets a waived item through and logs which checks the waiver overrode', async () => {
    ctx.em.kvs.seed(WAIVER_KEYS.book('DT'), { version: 1, waivers: [waiver] });
    await expect(decide({ result: false, errorMessage: 'DT-7 has no outcome.' })).resolves.toEqual({
      result: true,
    });
    const [entry] = (await audit()).entries;
    expect(entry).toMatchObject({
      action: 'waived',
      actor: 'u-1',
      detail: 'Transition allowed by a waiver although: no outcome; no bound.',
      waiver: { grantedBy: 'lead', reason: 'Agreed with the team', expiresOn: '2026-12-01' },
    });
  });

  it('logs a refusal with its message, or as refused when it has none', async () => {
    await expect(decide({ result: false, errorMessage: 'DT-7 has no outcome.' })).resolves.toEqual({
      result: false,
      errorMessage: 'DT-7 has no outcome.',
    });
    await decide({ result: false });
    const { entries } = await audit();
    expect(entries.map((e) => [e.action, e.detail])).toEqual([
      ['blocked', 'refused'],
      ['blocked', 'DT-7 has no outcome.'],
    ]);
    expect(entries[0]).not.toHaveProperty('waiver');
  });

  it('keeps its answer when the audit cannot be written, and says so in the log', async () => {
    const warned = jest.spyOn(console, 'warn').mockImplementation(() => {});
    ctx.em.kvs.failWrites(503, 5);
    await expect(decide({ result: false, errorMessage: 'No.' })).resolves.toEqual({
      result: false,
      errorMessage: 'No.',
    });
    expect(warned).toHaveBeenCalledWith(
      expect.stringMatching(/^enabler-gate: DT-7: audit entry not written: .+/),
    );
    warned.mockRestore();
  });

  it('names the user who ran the transition only when Forge says who', () => {
    expect(actorOf({ accountId: 'u-1', cloudId: 'c' })).toBe('u-1');
    expect(actorOf({ accountId: '' })).toBeUndefined();
    expect(actorOf(undefined)).toBeUndefined();
  });
});
