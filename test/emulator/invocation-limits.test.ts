import {
  checkInvokeResponse,
  InvocationLimitError,
  PayloadLimitError,
  seconds,
  TIME_LIMIT_SECONDS,
} from '../../dev/emulator/invocation';
import { seedDemoProject, DEMO_USERS, type DemoProject } from '../../dev/emulator/demo-project';
import type { EmIssue } from '../../dev/emulator/model';
import { jiraAsApp } from '../../src/jira/jira-gateway';
import {
  discoveryGate,
  enablerGate,
  sprintGuard,
  sprintStartCheck,
  spikeCloseGate,
  trackMarker,
} from '../../src/index';
import type { AuditPage } from '../../src/storage/audit-store';
import { DECISION_DEADLINE_MS } from '../../src/validators/validator-kit';
import { nameOf } from '../../static/project-settings/src/waivers-view';
import {
  createdEvent,
  seedEnforcementSite,
  sprintChangeEvent,
  sprintStartedEvent,
  type EnforcementSite,
} from '../enforcement/enforcement-site';
import { useEmulator } from '../helpers/emulator';
import { callResolver, runTrigger, runValidator } from '../helpers/invoke';
import { KEYS } from '../../src/storage/key-families';

/**
 * Forge's invocation limits as the emulator holds them (dev/emulator/invocation.ts): a virtual
 * clock per invocation driven by the latency of its requests, the time limit of each kind, the
 * `invoke` payload limits, requests outside any invocation, and the validators' own deadline.
 */
const ctx = useEmulator();
const now = new Date('2026-11-20T09:00:00.000Z');
const lastRecord = () => ctx.em.invocations.log[ctx.em.invocations.log.length - 1];

describe('the virtual clock', () => {
  let issues: EmIssue[];
  beforeEach(() => {
    const site = seedEnforcementSite(ctx.em);
    issues = [1, 2, 3].map((n) =>
      ctx.em.addIssue({ projectKey: site.projectKey, type: 'Story', summary: `Item ${n}` }),
    );
  });

  it('adds up requests made one after another', async () => {
    await ctx.em.invocations.run('resolver', 'sequential', async () => {
      const jira = jiraAsApp();
      for (const issue of issues) await jira.getIssue(issue.key, ['summary']);
    });
    // 100 ms per request + 1 ms for the one issue each returns.
    expect(lastRecord()).toMatchObject({ name: 'sequential', virtualMs: 303, jiraRequests: 3 });
  });

  it('overlaps requests made together (Promise.all)', async () => {
    await ctx.em.invocations.run('resolver', 'together', async () => {
      const jira = jiraAsApp();
      await Promise.all(issues.map((i) => jira.getIssue(i.key, ['summary'])));
    });
    expect(lastRecord()).toMatchObject({ name: 'together', virtualMs: 101, jiraRequests: 3 });
  });

  it('takes no real time: a 20 s invocation answers at once', async () => {
    ctx.em.invocations.latency.jiraRequestMs = 6_000;
    const started = Date.now();
    await ctx.em.invocations.run('trigger', 'slow', async () => {
      const jira = jiraAsApp();
      for (const issue of issues) await jira.getIssue(issue.key, ['summary']);
    });
    expect(lastRecord()).toMatchObject({ virtualMs: 18_003, exceeded: false });
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('stops an invocation past its limit: the caller gets no answer, only the stop', async () => {
    ctx.em.invocations.latency.jiraRequestMs = 10_000;
    const run = ctx.em.invocations.run('trigger', 'too-slow', async () => {
      const jira = jiraAsApp();
      for (const issue of issues) await jira.getIssue(issue.key, ['summary']);
      return 'answer';
    });
    const stop =
      'trigger too-slow exceeded the 25 s limit for product-event triggers: stopped at 30.0 s of virtual time after 3 Jira and 0 storage requests';
    await expect(run).rejects.toThrow(stop);
    expect(lastRecord()).toMatchObject({ exceeded: true, jiraRequests: 3 });
    // Recorded as well, so that the test fails even if the error were caught.
    expect(ctx.em.violations).toEqual([stop]);
    ctx.em.violations.length = 0;
  });

  it('lets only consumers raise their limit, up to 900 s', async () => {
    ctx.em.invocations.latency.jiraRequestMs = 100_000;
    await ctx.em.invocations.run(
      'consumer',
      'long',
      async () => {
        await jiraAsApp().getIssue(issues[0]!.key, ['summary']);
      },
      { timeoutSeconds: 900 },
    );
    expect(lastRecord()).toMatchObject({ limitMs: 900_000, exceeded: false });
    await expect(
      ctx.em.invocations.run('consumer', 'default', () =>
        jiraAsApp().getIssue('DT-1', ['summary']),
      ),
    ).rejects.toThrow('consumer default exceeded the 55 s limit for queue consumers');
    expect(ctx.em.violations).toEqual([
      expect.stringMatching(/^consumer default exceeded the 55 s limit/),
    ]);
    ctx.em.violations.length = 0;
    await expect(
      ctx.em.invocations.run('resolver', 'r', () => Promise.resolve(), { timeoutSeconds: 60 }),
    ).rejects.toThrow('timeoutSeconds applies only to consumer');
    await expect(
      ctx.em.invocations.run('consumer', 'c', () => Promise.resolve(), { timeoutSeconds: 901 }),
    ).rejects.toThrow('from 1 to 900, not 901');
  });

  it('reports a request made outside any invocation, unless marked as setup (on in every test)', async () => {
    expect(ctx.em.invocations.requireInvocation).toBe(true);
    await expect(jiraAsApp().getIssue(issues[0]!.key, ['summary'])).rejects.toThrow(
      'outside any invocation',
    );
    expect(ctx.em.violations).toEqual([
      expect.stringContaining(
        `Jira request GET /rest/api/3/issue/${issues[0]!.key}?fields=summary made outside any invocation: call the app through test/helpers/invoke.ts`,
      ),
    ]);
    ctx.em.violations.length = 0;
    await expect(
      ctx.em.invocations.setup(() => jiraAsApp().getIssue(issues[0]!.key, ['summary'])),
    ).resolves.toMatchObject({ key: issues[0]!.key });
    expect(ctx.em.violations).toEqual([]);
  });
});

describe('payload limits of invoke', () => {
  it('refuses a request payload over 500 KB before the resolver runs', async () => {
    const demo = seedDemoProject(ctx.em, { now });
    ctx.em.resetCalls();
    const summary = 'x'.repeat(520 * 1024);
    await expect(
      callResolver(
        ctx.em,
        'evidence/add',
        DEMO_USERS.member,
        { entry: { type: 'interview', date: '2026-11-01', summary, positive: true } },
        { extension: { project: { id: demo.projectId, key: demo.projectKey } } },
      ),
    ).rejects.toThrow(
      /invoke evidence\/add: the request payload is \d+ bytes, over Forge's 512000-byte/,
    );
    expect(ctx.em.calls).toEqual([]);
  });

  it('refuses a resolver answer over 5 MB and lets 5 MB through', () => {
    const big = (bytes: number) => ({ ok: true, data: 'x'.repeat(bytes - 21) });
    expect(() => checkInvokeResponse('project/overview', big(5 * 1024 * 1024))).not.toThrow();
    expect(() => checkInvokeResponse('project/overview', big(5 * 1024 * 1024 + 1))).toThrow(
      PayloadLimitError,
    );
    expect(() => checkInvokeResponse('project/overview', big(6_000_000))).toThrow(
      "resolver project/overview: the response is 6000000 bytes, over Forge's 5242880-byte (5 MB) limit",
    );
  });
});

describe('validators decide within their deadline', () => {
  let site: EnforcementSite;
  beforeEach(() => {
    site = seedEnforcementSite(ctx.em);
    ctx.em.kvs.seed(KEYS.jiraFields, { scopedOutcome: site.scopedOutcome.id });
  });
  const args = (key: string) => ({
    issue: { key },
    transition: { from: { id: '10000' }, to: { id: '10001' } },
  });

  it.each([
    ['enabler gate', enablerGate, 'Enabler'],
    ['discovery gate', discoveryGate, 'Discovery'],
    ['spike close gate', spikeCloseGate, 'Spike'],
  ] as const)(
    '%s: Jira answering in 15 s is a refusal naming the slow request',
    async (_, gate, type) => {
      const issue = ctx.em.addIssue({ projectKey: 'DT', type, summary: 'Slow' });
      ctx.em.invocations.latency.jiraRequestMs = 15_000;
      const answer = await runValidator(ctx.em, gate, args(issue.key), { accountId: site.member });
      expect(answer.result).toBe(false);
      // The first request in flight: the field list (discovery gate) or the issue.
      expect(answer.errorMessage).toMatch(
        /Dual Track could not check this work item in time: Jira took longer than 10 s to answer \(GET \/rest\/api\/3\/(field|issue\/DT-\d+)\)\. Try again; if it persists, ask your Jira admin\.$/,
      );
      const record = lastRecord()!;
      expect(record.virtualMs).toBeGreaterThanOrEqual(DECISION_DEADLINE_MS);
      expect(record.virtualMs).toBeLessThan(DECISION_DEADLINE_MS + 15_000);
      expect(record.exceeded).toBe(false);
    },
  );

  it('slow storage is named as storage', async () => {
    const issue = ctx.em.addIssue({ projectKey: 'DT', type: 'Enabler', summary: 'Slow' });
    ctx.em.invocations.latency.storageRequestMs = 12_000;
    const answer = await runValidator(ctx.em, enablerGate, args(issue.key));
    expect(answer.errorMessage).toContain(
      'Dual Track could not check this work item in time: Forge storage took longer than 10 s to answer.',
    );
  });

  it('a context without an accountId still decides, and the audit says the actor is not known', async () => {
    const issue = ctx.em.addIssue({ projectKey: 'DT', type: 'Enabler', summary: 'No outcome' });
    for (const context of [undefined, {}, { accountId: null }]) {
      const answer = await runValidator(ctx.em, enablerGate, args(issue.key), context);
      expect(answer).toMatchObject({ result: false });
      expect(answer.errorMessage).toContain('has no scoped outcome yet');
    }
    const page = await callResolver<AuditPage & { names: Record<string, string> }>(
      ctx.em,
      'audit/list',
      site.projectAdmin,
      {},
      { extension: { project: { id: site.projectId, key: 'DT' } } },
    );
    if (!page.ok) throw new Error(JSON.stringify(page.error));
    expect(page.data.entries).toHaveLength(3);
    for (const entry of page.data.entries) {
      expect(entry).toMatchObject({ action: 'blocked', issueKey: issue.key, actor: null });
      expect(nameOf(page.data.names, entry.actor)).toBe('not known');
    }
  });
});

describe('the demo project at the default latency', () => {
  let demo: DemoProject;
  beforeEach(() => {
    demo = seedDemoProject(ctx.em, { now });
  });

  it('keeps every invocation kind under its limit', async () => {
    const project = { id: demo.projectId, key: demo.projectKey };
    const issueOf = (key: string) => ctx.em.findIssue(key) as EmIssue;
    const panel = (key: string) => ({
      extension: {
        type: 'jira:issuePanel',
        project,
        issue: { id: issueOf(key).id, key },
      },
    });
    const member = DEMO_USERS.member;
    const ok = (r: { ok: boolean }) => expect(r.ok).toBe(true);

    ok(await callResolver(ctx.em, 'project/overview', member, {}, { extension: { project } }));
    ok(await callResolver(ctx.em, 'retro/report', member, {}, { extension: { project } }));
    ok(
      await callResolver(
        ctx.em,
        'issue/readiness',
        member,
        {},
        panel(demo.keys.unscopedEnablerInSprint),
      ),
    );
    const into = { transition: { from: { id: '10000' }, to: { id: '10001' } } };
    await runValidator(ctx.em, enablerGate, {
      issue: { key: demo.keys.unscopedEnablerInBacklog },
      ...into,
    });
    await runValidator(ctx.em, discoveryGate, {
      issue: { key: demo.keys.panel.validatingIdea },
      ...into,
    });
    await runValidator(ctx.em, spikeCloseGate, {
      issue: { key: demo.keys.panel.doneSpike },
      ...into,
    });
    const enabler = issueOf(demo.keys.unscopedEnablerInSprint);
    await runTrigger(
      ctx.em,
      sprintGuard,
      sprintChangeEvent(ctx.em, enabler, { to: demo.activeSprint, actor: member }),
    );
    await runTrigger(ctx.em, sprintStartCheck, sprintStartedEvent(demo.activeSprint, member));
    await runTrigger(ctx.em, trackMarker, createdEvent(ctx.em, enabler, member));

    const log = ctx.em.invocations.log;
    const table = log
      .map(
        (r) =>
          `${r.kind.padEnd(9)} ${r.name.padEnd(18)} ${seconds(r.virtualMs).padStart(7)} of ${r.limitMs / 1000} s  (${r.jiraRequests} Jira, ${r.storageRequests} storage requests)`,
      )
      .join('\n');
    console.log(
      `Virtual time per invocation, demo project, ${ctx.em.invocations.latency.jiraRequestMs} ms per Jira request + ${ctx.em.invocations.latency.perReturnedIssueMs} ms per returned issue, ${ctx.em.invocations.latency.storageRequestMs} ms per storage request:\n${table}`,
    );
    expect(log.map((r) => r.name)).toEqual([
      'project/overview',
      'retro/report',
      'issue/readiness',
      'enablerGate',
      'discoveryGate',
      'spikeCloseGate',
      'sprintGuard',
      'sprintStartCheck',
      'trackMarker',
    ]);
    for (const r of log) {
      expect(r.exceeded).toBe(false);
      expect(r.virtualMs).toBeLessThan(TIME_LIMIT_SECONDS[r.kind] * 1000);
      expect(r.jiraRequests + r.storageRequests).toBeGreaterThan(0);
    }
  });
});

it('InvocationLimitError is what a resolver past the limit gives the caller', async () => {
  const demo = seedDemoProject(ctx.em, { now });
  ctx.em.invocations.latency.jiraRequestMs = 10_000;
  const call = callResolver(
    ctx.em,
    'project/overview',
    DEMO_USERS.member,
    {},
    {
      extension: { project: { id: demo.projectId, key: demo.projectKey } },
    },
  );
  await expect(call).rejects.toBeInstanceOf(InvocationLimitError);
  const stop =
    /^resolver project\/overview exceeded the 25 s limit for UI resolvers: stopped at \d+\.\d s of virtual time after \d+ Jira and \d+ storage requests$/;
  await expect(call).rejects.toThrow(stop);
  expect(ctx.em.violations).toEqual([expect.stringMatching(stop)]);
  ctx.em.violations.length = 0;
});

describe('an invocation past its limit is named by its kind and entry point', () => {
  let site: EnforcementSite;
  beforeEach(() => {
    site = seedEnforcementSite(ctx.em);
    ctx.em.kvs.seed(KEYS.jiraFields, { scopedOutcome: site.scopedOutcome.id });
  });

  it('a trigger: the export of src/index.ts that Forge runs', async () => {
    const enabler = ctx.em.addIssue({ projectKey: 'DT', type: 'Enabler', summary: 'Slow' });
    ctx.em.setSprint(enabler.key, site.active.id);
    ctx.em.invocations.latency.jiraRequestMs = 30_000;
    const event = sprintChangeEvent(ctx.em, enabler, { to: site.active, actor: site.member });
    const stop =
      /^trigger sprintGuard exceeded the 25 s limit for product-event triggers: stopped at 30\.\d s of virtual time after 1 Jira and \d+ storage requests$/;
    await expect(runTrigger(ctx.em, sprintGuard, event)).rejects.toThrow(stop);
    expect(ctx.em.violations).toEqual([expect.stringMatching(stop)]);
    ctx.em.violations.length = 0;
  });

  it('even when the test swallows the error, the recorded violation fails the test', async () => {
    ctx.em.invocations.latency.jiraRequestMs = 30_000;
    const event = sprintStartedEvent(site.active, site.member);
    const swallowed = await runTrigger(ctx.em, sprintStartCheck, event).catch((e: Error) => e);
    expect(swallowed).toBeInstanceOf(InvocationLimitError);
    expect(ctx.em.violations).toEqual([
      expect.stringMatching(
        /^trigger sprintStartCheck exceeded the 25 s limit for product-event triggers: stopped at /,
      ),
    ]);
    ctx.em.violations.length = 0;
  });

  it('refuses to time a stand-in for an entry point', async () => {
    const standIn = (event: unknown) => sprintGuard(event);
    await expect(runTrigger(ctx.em, standIn, {})).rejects.toThrow(
      'the handler is not an export of src/index.ts',
    );
  });
});
