import * as handlers from '../../src/index';
import { useEmulator, COMPLETE_OUTCOME } from '../helpers/emulator';
import { runAutomation, runValidator } from '../helpers/invoke';
import { seedSecuritySite, type World } from '../security/security-site';
import { EVIDENCE_KEYS, KEYS } from '../../src/storage/key-families';

/**
 * The four Automation actions, driven through their exported handlers with the inputs a rule
 * renders (smart values as text) and Forge's context naming the rule actor: each answers its
 * declared outputs, or `{ errors: [{ message }] }` for the rule owner, and reads Jira as the
 * actor, so a rule actor who may not see the item gets an error and no data.
 */

const ctx = useEmulator();
let w: World;

beforeEach(() => {
  w = seedSecuritySite(ctx.em);
});

const run = (
  handler: (payload: unknown, context?: unknown) => Promise<unknown>,
  inputs: Record<string, unknown>,
  actor: string | undefined = 'user-member',
) => runAutomation(ctx.em, handler, inputs, actor);

const scopedOutcomeId = () =>
  (ctx.em.kvs.peek(KEYS.jiraFields) as { scopedOutcome: string }).scopedOutcome;

const errorOf = (answer: unknown): string => {
  const errors = (answer as { errors?: Array<{ message: string }> }).errors;
  if (!errors || errors.length === 0)
    throw new Error(`expected errors, got ${JSON.stringify(answer)}`);
  return errors.map((e) => e.message).join(' ');
};

describe('check an item’s readiness', () => {
  it('an enabler without a scoped outcome: not ready, with the rule and what it needs', async () => {
    const answer = await run(handlers.autoItemReadiness, { issueKey: w.spike.key });
    expect(answer).toMatchObject({
      issueKey: w.spike.key,
      ready: false,
      track: 'discovery',
      rule: 'Scoped outcome',
    });
    expect((answer as { verdict: string }).verdict).toMatch(/^(move-back|flag)$/);
    expect((answer as { reasons: string }).reasons).toMatch(/outcome/i);
  });

  it('an item with a complete scoped outcome is ready', async () => {
    const enabler = ctx.em.addIssue({
      projectKey: 'DT',
      type: 'Enabler',
      summary: 'Scoped',
      custom: { [scopedOutcomeId()]: COMPLETE_OUTCOME },
    });
    await expect(run(handlers.autoItemReadiness, { issueKey: enabler.key })).resolves.toMatchObject(
      { ready: true, verdict: 'ready', reasons: '' },
    );
  });

  it('a waiver lets a not-ready item stay: ready, verdict waived, reasons kept', async () => {
    const answer = await run(handlers.autoItemReadiness, { issueKey: w.enabler.key });
    expect(answer).toMatchObject({ ready: true, verdict: 'waived', rule: 'Scoped outcome' });
  });

  it('costs no more Jira calls than the enabler gate on the same item', async () => {
    ctx.em.resetCalls();
    await run(handlers.autoItemReadiness, { issueKey: w.story.key });
    const action = ctx.em.jiraCalls().length;
    ctx.em.resetCalls();
    await runValidator(ctx.em, handlers.enablerGate, {
      issue: { key: w.story.key },
      configuration: {},
    });
    expect(action).toBeGreaterThan(0);
    expect(action).toBeLessThanOrEqual(ctx.em.jiraCalls().length);
  });

  it('a rule actor who may not browse the item gets an error the rule owner reads, no verdict', async () => {
    const answer = await run(
      handlers.autoItemReadiness,
      { issueKey: w.spike.key },
      'user-outsider',
    );
    expect(errorOf(answer)).toMatch(/does not exist or the rule actor may not browse it/);
    expect(answer).not.toHaveProperty('ready');
  });

  it('an item of a project not set up: says so plainly', async () => {
    const answer = await run(
      handlers.autoItemReadiness,
      { issueKey: w.otherIssue.key },
      'user-site-admin',
    );
    expect(errorOf(answer)).toContain('OTHER is not set up for Dual Track');
  });

  it('no rule actor, or inputs that are no issue key: a clear error', async () => {
    expect(
      errorOf(
        await runAutomation(
          ctx.em,
          handlers.autoItemReadiness,
          { issueKey: w.spike.key },
          undefined,
        ),
      ),
    ).toMatch(/rule has no actor/);
    expect(errorOf(await run(handlers.autoItemReadiness, { issueKey: '{{issue.key}}' }))).toMatch(
      /issueKey must be an issue key such as DT-12/,
    );
  });
});

describe('is this idea validated', () => {
  it('the idea with four confirming interviews and a usability test is validated', async () => {
    await expect(run(handlers.autoIdeaValidated, { issueKey: w.idea.key })).resolves.toMatchObject({
      issueKey: w.idea.key,
      validated: true,
      state: 'validated',
      missing: '',
    });
  });

  it('a spike with no evidence: not validated, with the evidence it still needs', async () => {
    const answer = await run(handlers.autoIdeaValidated, { issueKey: w.spike.key });
    expect(answer).toMatchObject({ validated: false, state: 'unvalidated' });
    expect((answer as { missing: string }).missing).toMatch(/interview/);
  });

  it('a delivery item: refused, saying only discovery items are validated', async () => {
    expect(errorOf(await run(handlers.autoIdeaValidated, { issueKey: w.story.key }))).toMatch(
      /only discovery items are validated/,
    );
  });

  it('costs no more Jira calls than the discovery gate', async () => {
    ctx.em.resetCalls();
    await run(handlers.autoIdeaValidated, { issueKey: w.idea.key });
    const action = ctx.em.jiraCalls().length;
    ctx.em.resetCalls();
    await runValidator(ctx.em, handlers.discoveryGate, {
      issue: { key: w.idea.key },
      configuration: {},
    });
    expect(action).toBeLessThanOrEqual(ctx.em.jiraCalls().length);
  });

  it('a rule actor without Browse: an error, no state', async () => {
    const answer = await run(handlers.autoIdeaValidated, { issueKey: w.idea.key }, 'user-outsider');
    expect(errorOf(answer)).toMatch(/may not browse/);
  });
});

describe('record discovery evidence', () => {
  it('adds the entry to the log, as the panel does, and answers the new state', async () => {
    const answer = await run(
      handlers.autoRecordEvidence,
      {
        issueKey: w.spike.key,
        type: 'interview',
        summary: 'Ops lead: cache misses hurt',
        positive: 'true',
      },
      'user-project-admin',
    );
    expect(answer).toMatchObject({ issueKey: w.spike.key, state: 'unvalidated' });
    const log = ctx.em.kvs.peek(EVIDENCE_KEYS.log(w.spike.id)) as {
      entries: Array<{ summary: string; recordedBy: string; positive: boolean }>;
    };
    expect(log.entries).toEqual([
      expect.objectContaining({
        summary: 'Ops lead: cache misses hurt',
        recordedBy: 'user-project-admin',
        positive: true,
      }),
    ]);
  });

  it('a rule actor with Browse but not Edit issues: refused, nothing recorded', async () => {
    const answer = await run(
      handlers.autoRecordEvidence,
      { issueKey: w.spike.key, type: 'interview', summary: 'x' },
      'user-viewer',
    );
    expect(errorOf(answer)).toMatch(/needs the Browse projects and Edit issues permissions/);
    expect(ctx.em.kvs.peek(EVIDENCE_KEYS.log(w.spike.id))).toBeUndefined();
  });

  it('an unknown kind of evidence: the inputs are named in the error', async () => {
    const answer = await run(handlers.autoRecordEvidence, {
      issueKey: w.spike.key,
      type: 'survey',
      summary: 'x',
    });
    expect(errorOf(answer)).toMatch(/inputs are not usable: type/);
  });
});

describe('check a sprint’s readiness', () => {
  it('names the items the guard would act on, by track, with reasons', async () => {
    const active = [...ctx.em.sprints.values()].find((s) => s.state === 'active')!;
    ctx.em.setSprint(w.spike.key, active.id);
    ctx.em.setSprint(w.delivered.key, active.id);
    const answer = await run(handlers.autoSprintReadiness, { sprintId: String(active.id) });
    expect(answer).toMatchObject({
      sprintName: active.name,
      ready: false,
      notReadyCount: 1,
      discoveryNotReady: 1,
      deliveryNotReady: 0,
      notReadyKeys: w.spike.key,
      unread: 0,
    });
    expect((answer as { reasons: string }).reasons).toContain(`${w.spike.key}: `);
  });

  it('a rule actor who may not see the board’s project: an error', async () => {
    const active = [...ctx.em.sprints.values()].find((s) => s.state === 'active')!;
    const answer = await run(
      handlers.autoSprintReadiness,
      { sprintId: active.id },
      'user-outsider',
    );
    expect(errorOf(answer)).toMatch(/Dual Track \(check a sprint’s readiness\)/);
  });

  it('a sprint id that is not a number: a clear error', async () => {
    expect(errorOf(await run(handlers.autoSprintReadiness, { sprintId: 'next' }))).toMatch(
      /must be a sprint id/,
    );
  });
});

describe('in Rovo: the same actions, called from the chat', () => {
  const chatOn = (issueKey: string) => ({ context: { jira: { issueKey, projectKey: 'DT' } } });

  it('without a key, the work item the chat is open on is the one checked', async () => {
    const answer = await run(handlers.autoIdeaValidated, chatOn(w.idea.key));
    expect(answer).toMatchObject({ issueKey: w.idea.key, validated: true });
  });

  it('a key the agent gave wins over the chat’s work item', async () => {
    const answer = await run(handlers.autoItemReadiness, {
      issueKey: w.spike.key,
      ...chatOn(w.idea.key),
    });
    expect(answer).toMatchObject({ issueKey: w.spike.key, ready: false });
  });

  it('the chat’s work item is read as the chatting user: one they may not browse is an error', async () => {
    const answer = await run(handlers.autoItemReadiness, chatOn(w.spike.key), 'user-outsider');
    expect(errorOf(answer)).toMatch(/does not exist or the rule actor may not browse it/);
    expect(answer).not.toHaveProperty('ready');
  });

  it('no key and no work item in the chat: the missing input is named', async () => {
    const answer = await run(handlers.autoIdeaValidated, { context: { jira: {} } });
    expect(errorOf(answer)).toMatch(/issueKey is required/);
  });
});
