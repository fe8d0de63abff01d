import * as handlers from '../../src/index';
import { COMPLETE_OUTCOME, seedSite, useEmulator, type DemoSite } from '../helpers/emulator';
import { runValidator } from '../helpers/invoke';
import { KEYS } from '../../src/storage/key-families';

/**
 * Drives the exported validator handler with the argument shape Jira documents for
 * jira:workflowValidator functions, against the emulated site.
 */
const ctx = useEmulator();
let site: DemoSite;

/** Each call is one validator invocation, as Jira makes it (test/helpers/invoke.ts). */
const enablerGate = (args: unknown, context?: unknown) =>
  runValidator(ctx.em, handlers.enablerGate, args, context);

const transitionArgs = (key: string, extra: Record<string, unknown> = {}) => ({
  issue: { key },
  configuration: {},
  transition: { from: { id: '10000' }, to: { id: '10001' } },
  ...extra,
});

beforeEach(() => {
  site = seedSite(ctx.em);
  // The field id is known from an earlier decision (the usual case).
  ctx.em.kvs.seed(KEYS.jiraFields, { scopedOutcome: site.scopedOutcome.id });
});

function addEnabler(custom?: unknown, type = 'Enabler') {
  return ctx.em.addIssue({
    projectKey: 'DT',
    type,
    summary: 'Pick a cache',
    status: 'To Do',
    custom: custom === undefined ? {} : { [site.scopedOutcome.id]: custom },
  });
}

describe('enabler gate validator', () => {
  it('refuses an enabler without a scoped outcome and names every missing part', async () => {
    const issue = addEnabler();
    const answer = await enablerGate(transitionArgs(issue.key));
    expect(answer.result).toBe(false);
    expect(answer.errorMessage).toBe(
      `${issue.key} (Enabler) has no scoped outcome yet, so it cannot enter a sprint or start. To fix: ` +
        'add an outcome statement (what this work will produce); ' +
        'add a success measure (how we will know the outcome was reached); ' +
        'add a bound: a timebox in days or a target date.',
    );
  });

  it('refuses an incomplete outcome naming only what is missing', async () => {
    const issue = addEnabler({
      outcome: 'TBD',
      successMeasure: 'p95 under 20 ms',
      targetDate: '2026-12-01',
    });
    const answer = await enablerGate(transitionArgs(issue.key));
    expect(answer).toEqual({
      result: false,
      errorMessage: `${issue.key} (Enabler) has an incomplete scoped outcome, so it cannot enter a sprint or start. To fix: replace the placeholder outcome "TBD" with the concrete result this work will produce.`,
    });
  });

  it('on a Kanban transition into a column its refusals read right without a sprint', async () => {
    // Jira passes only the statuses' ids (To Do -> Selected for Development here): every refusal
    // says the item cannot start, none that a sprint is the only way in.
    const kanban = { transition: { from: { id: '10000' }, to: { id: '10002' } } };
    const bare = addEnabler();
    const spike = addEnabler({ ...COMPLETE_OUTCOME, timeboxDays: 9 }, 'Spike');
    const texts = await Promise.all(
      [bare, spike].map(
        async (i) => (await enablerGate(transitionArgs(i.key, kanban))).errorMessage,
      ),
    );
    for (const text of texts) {
      expect(text).toMatch(/cannot enter a sprint or start[. ]/);
      expect(text).not.toMatch(/cannot enter a sprint\./);
    }
  });

  it('allows an enabler with a complete scoped outcome', async () => {
    const issue = addEnabler(COMPLETE_OUTCOME);
    await expect(enablerGate(transitionArgs(issue.key))).resolves.toEqual({ result: true });
  });

  it('checks spikes too', async () => {
    const issue = addEnabler(undefined, 'Spike');
    const answer = await enablerGate(transitionArgs(issue.key));
    expect(answer.result).toBe(false);
    expect(answer.errorMessage).toContain('(Spike) has no scoped outcome');
  });

  it('refuses a spike whose timebox is past the limit, saying how to bound it', async () => {
    const issue = addEnabler({ ...COMPLETE_OUTCOME, timeboxDays: 5 }, 'Spike');
    const answer = await enablerGate(transitionArgs(issue.key));
    expect(answer).toEqual({
      result: false,
      errorMessage: `${issue.key} (Spike) cannot enter a sprint or start without a bounded timebox. To fix: shorten the spike's timebox to at most 3 days (it is 5).`,
    });
  });

  it("runs only the rule's chosen checks", async () => {
    const bare = addEnabler();
    const longSpike = addEnabler({ ...COMPLETE_OUTCOME, timeboxDays: 5 }, 'Spike');
    const only = (checks: string[]) => ({ configuration: JSON.stringify({ checks }) });
    // The timebox check alone says nothing of an enabler's missing outcome...
    await expect(enablerGate(transitionArgs(bare.key, only(['spike-timebox'])))).resolves.toEqual({
      result: true,
    });
    // ...and the outcome check alone lets a complete spike through whatever its timebox.
    await expect(
      enablerGate(transitionArgs(longSpike.key, only(['scoped-outcome']))),
    ).resolves.toEqual({ result: true });
  });

  it('refuses an outcome it cannot read, naming why', async () => {
    const issue = addEnabler();
    const answer = await enablerGate(
      transitionArgs(issue.key, { modifiedFields: { [site.scopedOutcome.id]: 'not a value' } }),
    );
    expect(answer).toEqual({
      result: false,
      errorMessage: `${issue.key} (Enabler) needs a scoped outcome before it can enter a sprint or start, but its Scoped outcome field could not be read (the stored value is text, not a scoped outcome). Re-enter the scoped outcome and try again.`,
    });
  });

  it('lets a story through untouched', async () => {
    const story = ctx.em.addIssue({ projectKey: 'DT', type: 'Story', summary: 'Checkout button' });
    await expect(enablerGate(transitionArgs(story.key))).resolves.toEqual({ result: true });
  });

  it('uses the outcome the user just entered on the transition screen', async () => {
    const issue = addEnabler();
    const answer = await enablerGate(
      transitionArgs(issue.key, {
        transition: {
          from: { id: '10000' },
          to: { id: '10001' },
          modifiedFields: { [site.scopedOutcome.id]: COMPLETE_OUTCOME },
        },
      }),
    );
    expect(answer).toEqual({ result: true });
  });

  it('applies the issue types configured on the workflow rule', async () => {
    const story = ctx.em.addIssue({ projectKey: 'DT', type: 'Story', summary: 'Refactor auth' });
    const answer = await enablerGate(
      transitionArgs(story.key, { configuration: JSON.stringify({ issueTypes: ['Story'] }) }),
    );
    expect(answer.result).toBe(false);
    expect(answer.errorMessage).toContain('(Story) has no scoped outcome');
  });

  it('applies the project override of the gated types', async () => {
    ctx.em.kvs.seed(KEYS.projectConfig('DT'), {
      version: 1,
      updatedAt: '2026-11-01T00:00:00.000Z',
      updatedBy: site.admin,
      projectId: ctx.em.projectByKey('DT').id,
      override: { gate: { issueTypes: ['Bug'] } },
    });
    const enabler = addEnabler();
    await expect(enablerGate(transitionArgs(enabler.key))).resolves.toEqual({ result: true });
  });

  it('makes one Jira call and one storage read per decision (and records a refusal)', async () => {
    const issue = addEnabler();
    ctx.em.resetCalls();
    await enablerGate(transitionArgs(issue.key));
    expect(ctx.em.jiraCalls().map((c) => `${c.method} ${c.operationId} as ${c.provider}`)).toEqual([
      'GET getIssue as app',
    ]);
    expect(ctx.em.jiraCalls()[0]?.path).toContain(
      `fields=issuetype%2Cproject%2C${site.scopedOutcome.id}`,
    );
    expect(ctx.em.kvs.reads()).toBe(1);
    // The refusal is recorded in the audit log: the entry's create and the log's head.
    expect(ctx.em.kvs.writes()).toBe(2);
  });

  it('finds its field once when the id is not yet known, then remembers it', async () => {
    ctx.em.kvs.seed(KEYS.jiraFields, {});
    const issue = addEnabler(COMPLETE_OUTCOME);
    ctx.em.resetCalls();
    await expect(enablerGate(transitionArgs(issue.key))).resolves.toEqual({ result: true });
    expect(ctx.em.jiraCalls().map((c) => c.operationId)).toEqual(['getFields', 'getIssue']);
    expect(ctx.em.kvs.peek(KEYS.jiraFields)).toEqual({ scopedOutcome: site.scopedOutcome.id });
    ctx.em.resetCalls();
    await enablerGate(transitionArgs(issue.key));
    expect(ctx.em.jiraCalls().map((c) => c.operationId)).toEqual(['getIssue']);
  });

  describe('fails closed with a reason when it cannot decide', () => {
    it('issue not found (deleted)', async () => {
      const issue = addEnabler();
      ctx.em.deleteIssue(issue.key);
      const answer = await enablerGate(transitionArgs(issue.key));
      expect(answer.result).toBe(false);
      expect(answer.errorMessage).toContain(`the check for ${issue.key} could not be completed`);
      expect(answer.errorMessage).toContain('does not exist or the app cannot see it');
    });

    it('app lacks Browse permission on the project (Jira answers 404)', async () => {
      const issue = addEnabler(COMPLETE_OUTCOME);
      ctx.em.projectByKey('DT').appPermissions.delete('BROWSE_PROJECTS');
      const answer = await enablerGate(transitionArgs(issue.key));
      expect(answer.result).toBe(false);
      expect(answer.errorMessage).toContain('lacks Browse permission');
    });

    it('403 from Jira', async () => {
      const issue = addEnabler(COMPLETE_OUTCOME);
      ctx.em.injectFault({ match: /^GET \/rest\/api\/3\/issue\//, status: 403 });
      const answer = await enablerGate(transitionArgs(issue.key));
      expect(answer.result).toBe(false);
      expect(answer.errorMessage).toContain('Jira refused access');
    });

    it('429 then success: waits for Retry-After and decides', async () => {
      const issue = addEnabler(COMPLETE_OUTCOME);
      ctx.em.injectFault({ match: /^GET \/rest\/api\/3\/issue\//, status: 429, retryAfter: 1 });
      ctx.em.resetCalls();
      await expect(enablerGate(transitionArgs(issue.key))).resolves.toEqual({ result: true });
      // The second of Retry-After passes on the invocation's virtual clock, not in real time.
      const record = ctx.em.invocations.log[ctx.em.invocations.log.length - 1];
      expect(record?.virtualMs).toBeGreaterThanOrEqual(1000);
      expect(ctx.em.jiraCalls().map((c) => c.status)).toEqual([429, 200]);
    });

    it('429 that keeps coming: refuses, saying Jira is busy and when to try again', async () => {
      const issue = addEnabler(COMPLETE_OUTCOME);
      ctx.em.injectFault({ match: /^GET \/rest\/api\/3\/issue\//, status: 429, retryAfter: 60 });
      const answer = await enablerGate(transitionArgs(issue.key));
      expect(answer.result).toBe(false);
      expect(answer.errorMessage).toContain(
        "Jira is busy, try again in 60 s: Jira's rate limit for apps was reached.",
      );
      expect(ctx.em.jiraCalls()).toHaveLength(1);
    });

    it('500 from Jira', async () => {
      const issue = addEnabler(COMPLETE_OUTCOME);
      ctx.em.injectFault({ match: /^GET \/rest\/api\/3\/issue\//, status: 500 });
      const answer = await enablerGate(transitionArgs(issue.key));
      expect(answer.result).toBe(false);
      expect(answer.errorMessage).toContain('Jira had an internal error (HTTP 500)');
    });

    it('unreadable stored settings', async () => {
      const issue = addEnabler(COMPLETE_OUTCOME);
      ctx.em.kvs.seed(KEYS.globalConfig, { version: 'one', settings: {} });
      const answer = await enablerGate(transitionArgs(issue.key));
      expect(answer.result).toBe(false);
      expect(answer.errorMessage).toContain("Dual Track's settings could not be read");
    });

    it('the field has no context in this project (removed by an admin)', async () => {
      const issue = addEnabler(COMPLETE_OUTCOME);
      site.scopedOutcome.projectIds = new Set(['99999']);
      const answer = await enablerGate(transitionArgs(issue.key));
      expect(answer.result).toBe(false);
      expect(answer.errorMessage).toContain(
        'the Scoped outcome field is not available on Enabler issues in this project',
      );
    });

    it("the app's field is not on the site", async () => {
      ctx.em.kvs.seed(KEYS.jiraFields, {});
      ctx.em.fields.delete(site.scopedOutcome.id);
      const issue = addEnabler();
      const answer = await enablerGate(transitionArgs(issue.key));
      expect(answer.result).toBe(false);
      expect(answer.errorMessage).toContain('"scoped-outcome" field is not on this Jira site');
    });
  });

  describe('malformed arguments are refused with a clear message, never thrown', () => {
    it.each([
      [undefined, 'issue'],
      [null, 'expected object'],
      [{}, 'issue'],
      [{ issue: {} }, 'issue.key'],
      [{ issue: { key: 42 } }, 'issue.key'],
      [{ issue: { key: 'not a key' } }, 'issue.key: must be a Jira issue key'],
      [{ issue: { key: '../../admin' } }, 'issue.key'],
    ])('%j', async (args, mention) => {
      const answer = await enablerGate(args);
      expect(answer.result).toBe(false);
      expect(answer.errorMessage).toContain('the validator was called without a usable issue');
      expect(answer.errorMessage).toContain(mention);
      expect(ctx.em.jiraCalls()).toHaveLength(0);
    });

    it('a rule configuration that is not JSON', async () => {
      const issue = addEnabler(COMPLETE_OUTCOME);
      const answer = await enablerGate(transitionArgs(issue.key, { configuration: '{not json' }));
      expect(answer).toEqual({
        result: false,
        errorMessage:
          'Dual Track: scoped outcome before sprint is misconfigured on this transition (its saved configuration is not valid JSON). The transition is refused; ask a Jira admin to edit the rule.',
      });
    });

    it('a rule configuration with a wrong type', async () => {
      const issue = addEnabler(COMPLETE_OUTCOME);
      const answer = await enablerGate(
        transitionArgs(issue.key, { configuration: { issueTypes: 'Enabler' } }),
      );
      expect(answer.result).toBe(false);
      expect(answer.errorMessage).toContain('configuration issueTypes');
    });
  });
});
