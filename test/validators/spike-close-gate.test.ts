import * as handlers from '../../src/index';
import { SPIKE_CLOSE_RULE_NAME } from '../../src/validators/spike-close-gate';
import { seedSite, useEmulator, type DemoSite } from '../helpers/emulator';
import { runValidator } from '../helpers/invoke';
import { ISSUE_NOTE_KEYS, KEYS } from '../../src/storage/key-families';

/**
 * Drives the exported spike-closing validator with the argument shape Jira documents for
 * jira:workflowValidator functions (`issue`, `configuration`, `transition`), against the
 * emulated site: a spike without its "what we learned / decision" note cannot be closed.
 */
const ctx = useEmulator();
let site: DemoSite;

/** Each call is one validator invocation, as Jira makes it (test/helpers/invoke.ts). */
const spikeCloseGate = (args: unknown, context?: unknown) =>
  runValidator(ctx.em, handlers.spikeCloseGate, args, context);

const closeArgs = (key: string, extra: Record<string, unknown> = {}) => ({
  issue: { key },
  transition: { from: { id: '3' }, to: { id: '10002' } },
  ...extra,
});

beforeEach(() => {
  site = seedSite(ctx.em);
});

function addSpike(type = 'Spike') {
  return ctx.em.addIssue({
    projectKey: 'DT',
    type,
    summary: 'Which payment SDK?',
    status: 'In Progress',
  });
}

function recordNote(issueId: string) {
  ctx.em.kvs.seed(ISSUE_NOTE_KEYS.spikeNote(issueId), {
    note: 'Provider B has the SDK we need; decision: integrate B next sprint',
    by: site.member,
    at: '2026-11-02T10:00:00.000Z',
  });
}

describe('spike-closing validator', () => {
  it('refuses to close a spike without its learned note, saying what to do', async () => {
    const spike = addSpike();
    const answer = await spikeCloseGate(closeArgs(spike.key));
    expect(answer).toEqual({
      result: false,
      errorMessage: `${spike.key} (Spike) cannot be closed yet: its "What we learned / decision" note is missing. Write it in the Dual Track panel on the issue (what the spike found out and what was decided), then close the spike again.`,
    });
  });

  it('lets a spike with its note close, with one Jira call (as the app) and one storage read', async () => {
    const spike = addSpike();
    recordNote(spike.id);
    ctx.em.resetCalls();
    await expect(spikeCloseGate(closeArgs(spike.key))).resolves.toEqual({ result: true });
    expect(ctx.em.jiraCalls().map((c) => `${c.method} ${c.operationId} as ${c.provider}`)).toEqual([
      'GET getIssue as app',
    ]);
    expect(ctx.em.jiraCalls()[0]?.path).toContain('fields=issuetype%2Cproject');
    expect(ctx.em.kvs.reads()).toBe(1);
    expect(ctx.em.kvs.writes()).toBe(0);
  });

  it('lets other work items close untouched', async () => {
    for (const type of ['Story', 'Enabler', 'Discovery']) {
      const item = ctx.em.addIssue({ projectKey: 'DT', type, summary: `A ${type}` });
      await expect(spikeCloseGate(closeArgs(item.key))).resolves.toEqual({ result: true });
    }
  });

  it('follows the project’s track mapping: a Spike type mapped to delivery is not a spike', async () => {
    const spike = addSpike();
    ctx.em.kvs.seed(KEYS.trackMapping('DT'), {
      version: 1,
      projectId: ctx.em.projectByKey('DT').id,
      projectKey: 'DT',
      style: 'classic',
      types: [{ issueTypeId: spike.issueTypeId, name: 'Spike', track: 'delivery' }],
      updatedAt: '2026-11-01T00:00:00.000Z',
      updatedBy: site.admin,
    });
    await expect(spikeCloseGate(closeArgs(spike.key))).resolves.toEqual({ result: true });
  });

  it('applies the issue types the rule configuration names instead', async () => {
    const story = ctx.em.addIssue({ projectKey: 'DT', type: 'Story', summary: 'Research' });
    const answer = await spikeCloseGate(
      closeArgs(story.key, { configuration: JSON.stringify({ issueTypes: ['Story'] }) }),
    );
    expect(answer.result).toBe(false);
    expect(answer.errorMessage).toContain(`${story.key} (Story) cannot be closed yet`);
  });

  describe('fails closed with a reason when it cannot decide', () => {
    it('issue not found', async () => {
      const spike = addSpike();
      recordNote(spike.id);
      ctx.em.deleteIssue(spike.key);
      const answer = await spikeCloseGate(closeArgs(spike.key));
      expect(answer.result).toBe(false);
      expect(answer.errorMessage).toContain(
        `${SPIKE_CLOSE_RULE_NAME}: the check for ${spike.key} could not be completed`,
      );
      expect(answer.errorMessage).toContain('does not exist or the app cannot see it');
    });

    it('500 from Jira', async () => {
      const spike = addSpike();
      recordNote(spike.id);
      ctx.em.injectFault({ match: /^GET \/rest\/api\/3\/issue\//, status: 500 });
      const answer = await spikeCloseGate(closeArgs(spike.key));
      expect(answer.result).toBe(false);
      expect(answer.errorMessage).toContain('Jira had an internal error (HTTP 500)');
    });

    it('an answer from Jira without the issue type or project', async () => {
      const spike = addSpike();
      recordNote(spike.id);
      ctx.em.injectFault({
        match: /^GET \/rest\/api\/3\/issue\//,
        status: 200,
        body: { id: spike.id, key: spike.key, fields: {} },
      });
      const answer = await spikeCloseGate(closeArgs(spike.key));
      expect(answer).toEqual({
        result: false,
        errorMessage: `${SPIKE_CLOSE_RULE_NAME}: the check for ${spike.key} could not be completed, so the transition is refused. Jira answered without the issue’s type or project.`,
      });
    });

    it('an unreadable stored note', async () => {
      const spike = addSpike();
      ctx.em.kvs.seed(ISSUE_NOTE_KEYS.spikeNote(spike.id), { note: '' });
      const answer = await spikeCloseGate(closeArgs(spike.key));
      expect(answer.result).toBe(false);
      expect(answer.errorMessage).toContain('could not be completed');
      expect(answer.errorMessage).toContain(`spike-note:${spike.id}`);
    });

    it.each([
      [undefined, 'issue'],
      [{ issue: { key: 'not a key' } }, 'issue.key'],
      [{ issue: { key: 'DT-1' }, configuration: '{oops' }, 'not valid JSON'],
    ])('malformed argument %j is refused naming %s', async (args, where) => {
      const answer = await spikeCloseGate(args);
      expect(answer.result).toBe(false);
      expect(answer.errorMessage).toContain(where);
    });
  });
});
