import type { EmField, EmIssue } from '../../dev/emulator/model';
import * as handlers from '../../src/index';
import type { ResolverKey, Result } from '../../src/contract/bridge-contract';
import { useEmulator } from '../helpers/emulator';
import { callResolver, runTrigger, runValidator } from '../helpers/invoke';
import {
  seedEnforcementSite,
  sprintChangeEvent,
  sprintStartedEvent,
  type EnforcementSite,
} from '../enforcement/enforcement-site';
import { ENFORCEMENT_KEYS, KEYS } from '../../src/storage/key-families';

/**
 * The gates decide on the evidence log, not on the Discovery evidence field that summarises it:
 * when the field write fails after a change (here: an idea invalidated while Jira answers 503),
 * the field still says "validated", and the validator, the sprint guard and the sprint-start
 * check must still see the idea as invalidated.
 */
const ctx = useEmulator();

/** Each call is one invocation of the real handler, as Forge makes it (test/helpers/invoke.ts). */
const discoveryGate = (args: unknown, context?: unknown) =>
  runValidator(ctx.em, handlers.discoveryGate, args, context);
const sprintGuard = (event: unknown) => runTrigger(ctx.em, handlers.sprintGuard, event);
const sprintStartCheck = (event: unknown) => runTrigger(ctx.em, handlers.sprintStartCheck, event);
let site: EnforcementSite;
let evidence: EmField;
let idea: EmIssue;

beforeEach(() => {
  site = seedEnforcementSite(ctx.em);
  evidence = ctx.em.addAppField('discovery-evidence', 'Discovery evidence');
  ctx.em.kvs.seed(KEYS.jiraFields, {
    scopedOutcome: site.scopedOutcome.id,
    sprint: ctx.em.sprintField.id,
    discoveryEvidence: evidence.id,
  });
  ctx.em.kvs.seed(ENFORCEMENT_KEYS.fields, { flagged: null });
  idea = ctx.em.addIssue({ projectKey: 'DT', type: 'Discovery', summary: 'One-click reorder' });
});

async function call(key: ResolverKey, payload: unknown): Promise<Result<unknown>> {
  return callResolver(ctx.em, key, site.member, payload, {
    extension: {
      project: { id: site.projectId, key: 'DT' },
      issue: { id: idea.id, key: idea.key },
    },
  });
}

const date = new Date(Date.now() - 3 * 86_400_000).toISOString().slice(0, 10);
const entry = (type: string) => ({ type, date, summary: `A ${type}`, positive: true });
const fieldState = () =>
  (ctx.em.findIssue(idea.key)?.custom.get(evidence.id) as { state?: string } | undefined)?.state;

/** Validated through the resolvers, then invalidated while the field write fails. */
async function invalidatedBehindAStaleField(): Promise<void> {
  for (const type of ['interview', 'interview', 'interview', 'usability-test']) {
    expect((await call('evidence/add', { entry: entry(type) })).ok).toBe(true);
  }
  expect(fieldState()).toBe('validated');
  ctx.em.injectFault({ match: /^PUT \/rest\/api\/3\/app\/field\//, status: 503 });
  const decided = await call('evidence/decide', { invalidated: true, reason: 'Nobody needs it' });
  expect(decided).toMatchObject({ ok: true, data: { summaryField: { status: 'stale' } } });
  expect(fieldState()).toBe('validated');
}

describe('a stale Discovery evidence field does not open a gate', () => {
  it('the discovery validator refuses the invalidated idea', async () => {
    await invalidatedBehindAStaleField();
    const answer = await discoveryGate({ issue: { key: idea.key } });
    expect(answer.result).toBe(false);
    expect(answer.errorMessage).toContain('invalidated');
  });

  it('the sprint guard moves the invalidated idea back out of the sprint', async () => {
    await invalidatedBehindAStaleField();
    ctx.em.setSprint(idea.key, site.active.id);
    await sprintGuard(sprintChangeEvent(ctx.em, idea, { to: site.active, changelogId: '50001' }));
    const sprints = ctx.em.findIssue(idea.key)?.custom.get(ctx.em.sprintField.id) as unknown[];
    expect(sprints ?? []).toHaveLength(0);
  });

  it('the sprint-start check counts the invalidated idea as not ready', async () => {
    await invalidatedBehindAStaleField();
    ctx.em.setSprint(idea.key, site.active.id);
    await sprintStartCheck(sprintStartedEvent(site.active));
    const sprints = ctx.em.findIssue(idea.key)?.custom.get(ctx.em.sprintField.id) as unknown[];
    expect(sprints ?? []).toHaveLength(0);
  });

  it('a validated idea whose field lags behind still passes (the log decides both ways)', async () => {
    ctx.em.injectFault({ match: /^PUT \/rest\/api\/3\/app\/field\//, status: 503, times: 10 });
    for (const type of ['interview', 'interview', 'interview', 'usability-test']) {
      expect((await call('evidence/add', { entry: entry(type) })).ok).toBe(true);
    }
    expect(fieldState()).toBeUndefined();
    await expect(discoveryGate({ issue: { key: idea.key } })).resolves.toEqual({ result: true });
  });

  it('opening the issue panel repairs the stale field from the log', async () => {
    await invalidatedBehindAStaleField();
    const panel = await call('issue/readiness', {});
    expect(panel.ok).toBe(true);
    expect(fieldState()).toBe('invalidated');
    expect(JSON.stringify(panel)).not.toContain('could not be updated');
  });
});
