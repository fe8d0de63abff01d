import { DEMO_USERS } from '../emulator/demo-project';
import { JiraEmulator } from '../emulator/jira-emulator';
import type { EmIssue } from '../emulator/model';
import { seedRetroScaleProject } from '../emulator/retro-scale-seed';
import { enablerGate, sprintStartCheck } from '../../src/index';
import type { RetroJobAnswer } from '../../src/contract/retro-report';
import { callResolver, deliverQueue, runTrigger, runValidator } from '../emulator/app-invoke';
import {
  rememberFieldIds,
  seedEnforcementSite,
  sprintStartedEvent,
  type EnforcementSite,
} from '../emulator/enforcement-seed';
import { budget, formatTable, type BudgetLine } from './cost-model';

/**
 * The long work the bench measures in the queue, with the emulator's latency model (100 ms a
 * Jira request, 1 ms a returned issue, 10 ms a storage request): the retro job on a project of
 * 16 closed sprints, the sprint-start check of a 2,000-item sprint, and what the app answers
 * when Jira's hourly quota runs out mid-way (sites seeded as the handler tests seed them,
 * dev/emulator/enforcement-seed.ts; calls through dev/emulator/app-invoke.ts, as Forge does).
 */

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** Retro: the job's steps on `items` items, then a repeat load. */
async function retroJob(
  items: number,
): Promise<{ lines: BudgetLine[]; rows: Array<[string, string]> }> {
  const em = new JiraEmulator().install();
  // Seeded first, then only read and stored by the job: a search's matches may be kept from
  // page to page (speed only; project-page-bench.ts says why).
  em.pagedSearchMemo = true;
  try {
    const now = new Date('2026-11-20T09:00:00.000Z');
    const project = seedRetroScaleProject(em, { now, key: 'HUGE', openItems: items - 16 * 41 });
    const context = { extension: { project: { id: project.projectId, key: project.projectKey } } };
    const start = () =>
      callResolver<RetroJobAnswer>(
        em,
        'retro/job/start',
        DEMO_USERS.member,
        { sprints: 12 },
        context,
      );
    await start();
    em.resetCalls();
    const steps = await deliverQueue(em);
    const jira = em.jiraCalls();
    const slowest = Math.max(...steps.map((d) => d.virtualMs));
    const over = steps.filter((d) => d.outcome !== 'ok' || d.virtualMs >= d.limitMs).length;
    em.resetCalls();
    const again = await start();
    const repeatCalls = em.jiraCalls().length;
    const done =
      again.ok && again.data.state === 'done' && again.data.report?.sprints.length === 12;
    const n = project.issueCount.toLocaleString('en-US');
    return {
      rows: [
        [
          `retro job, 16 closed sprints, ${n} items`,
          `${steps.length} steps, slowest ${seconds(slowest)} of ${seconds(steps[0]?.limitMs ?? 0)}; ${jira.length} Jira calls, ${jira.reduce((p, c) => p + c.points, 0).toLocaleString('en-US')} points`,
        ],
        [
          'retro, repeat load',
          `${repeatCalls} Jira calls; report ${done ? 'ready (12 sprints)' : 'NOT ready'}`,
        ],
      ],
      lines: [
        budget(
          `retro job ${n} items: steps over their limit or failed`,
          over,
          0,
          '',
          `slowest ${seconds(slowest)}`,
        ),
        budget('retro: Jira calls of a repeat load', done ? repeatCalls : Infinity, 3, ''),
      ],
    };
  } finally {
    em.uninstall();
  }
}

const inSprint = (em: JiraEmulator, key: string) =>
  ((em.findIssue(key)?.custom.get(em.sprintField.id) as unknown[] | undefined) ?? []).length > 0;

/** Issue keys or ids named by the successful calls of one operation, with how often each. */
function namedBy(em: JiraEmulator, operationId: string, field: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const call of em.jiraCalls()) {
    if (call.operationId !== operationId || call.status >= 300) continue;
    const named = ((call.body as Record<string, unknown> | undefined)?.[field] as string[]) ?? [];
    for (const k of named) counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  return counts;
}

/** A 2,000-item sprint (every 10th an enabler without a scoped outcome) started, then queued. */
async function sprintStart(exhaust: boolean): Promise<{
  steps: JiraEmulator['queue']['deliveries'];
  unready: number;
  stillIn: number;
  movedOnce: boolean;
  moved: number;
  decidedOnce: boolean;
  decided: number;
  retries: number;
}> {
  const em = new JiraEmulator().install();
  try {
    const site: EnforcementSite = seedEnforcementSite(em);
    rememberFieldIds(em, site);
    const unready: EmIssue[] = [];
    for (let i = 0; i < 2000; i++) {
      const issue = em.addIssue({
        projectKey: 'DT',
        type: i % 10 === 0 ? 'Enabler' : 'Story',
        summary: `item ${i}`,
      });
      em.setSprint(issue.key, site.active.id);
      if (i % 10 === 0) unready.push(issue);
    }
    const ledger = exhaust ? em.useRateLimits({ startAt: '2026-11-02T09:50:00.000Z' }) : undefined;
    em.resetCalls();
    await runTrigger(em, sprintStartCheck, sprintStartedEvent(site.active));
    ledger?.exhaustOn('moveIssuesToBacklog', { skip: 2 });
    const steps = await deliverQueue(em);
    const moved = namedBy(em, 'moveIssuesToBacklog', 'issues');
    const decided = namedBy(em, 'bulkFetchIssues', 'issueIdsOrKeys');
    return {
      steps,
      unready: unready.length,
      stillIn: unready.filter((i) => inSprint(em, i.key)).length,
      moved: moved.size,
      movedOnce: [...moved.values()].every((c) => c === 1),
      decided: decided.size,
      decidedOnce: [...decided.values()].every((c) => c === 1),
      retries: steps.filter((d) => d.outcome === 'retry-requested').length,
    };
  } finally {
    em.uninstall();
  }
}

/** What a person is told under an exhausted quota: the project page and a workflow validator. */
async function exhaustedAnswers(): Promise<{ page: string; validator: string }> {
  const em = new JiraEmulator().install();
  try {
    const site = seedEnforcementSite(em);
    rememberFieldIds(em, site);
    const issue = em.addIssue({ projectKey: 'DT', type: 'Enabler', summary: 'enabler' });
    const ledger = em.useRateLimits({ startAt: '2026-11-02T10:40:00.000Z' });
    ledger.exhaustOn('getIssue');
    const refused = await runValidator(em, enablerGate, {
      issue: { key: issue.key },
      configuration: {},
      transition: { from: { id: '10000' }, to: { id: '10001' } },
    });
    // The quota stays spent until the top of the hour: the page's first request meets it too.
    const context = { extension: { project: { id: site.projectId, key: 'DT' } } };
    const page = await callResolver(em, 'project/overview', DEMO_USERS.member, {}, context);
    return {
      page: page.ok ? 'answered (the quota did not run out)' : page.error.message,
      validator: refused.result
        ? 'allowed (the quota did not run out)'
        : (refused.errorMessage ?? ''),
    };
  } finally {
    em.uninstall();
  }
}

const WHEN = /try again in \d+ s/;

export async function queueBench(
  retroItems: number,
): Promise<{ table: string; budgets: BudgetLine[] }> {
  const retro = await retroJob(retroItems);
  const plain = await sprintStart(false);
  const exhausted = await sprintStart(true);
  const answers = await exhaustedAnswers();
  const slowest = Math.max(...plain.steps.map((d) => d.virtualMs));
  const stepsOver = plain.steps.filter((d) => d.outcome !== 'ok' || d.virtualMs >= d.limitMs);
  const rows: Array<[string, string]> = [
    ...retro.rows,
    [
      'sprint-start check, 2,000 items',
      `${plain.steps.length} steps, slowest ${seconds(slowest)}; ${plain.decided} items decided (each once: ${plain.decidedOnce ? 'yes' : 'NO'}), ${plain.moved} of ${plain.unready} unready moved back (each once: ${plain.movedOnce ? 'yes' : 'NO'})`,
    ],
    [
      '… the quota runs out mid-way',
      `${exhausted.retries} step(s) asked to be retried; ${exhausted.moved} of ${exhausted.unready} moved back (each once: ${exhausted.movedOnce ? 'yes' : 'NO'}), ${exhausted.stillIn} left in the sprint`,
    ],
    ['project page, quota exhausted', answers.page],
    ['enabler gate, quota exhausted', answers.validator],
  ];
  const lostOrTwice = (r: typeof plain) =>
    r.stillIn + (r.unready - r.moved) + (r.movedOnce ? 0 : 1) + (r.decidedOnce ? 0 : 1);
  const budgets = [
    ...retro.lines,
    budget(
      'sprint-start 2,000 items: steps over their limit or failed',
      stepsOver.length,
      0,
      '',
      `slowest ${seconds(slowest)}`,
    ),
    budget(
      'sprint-start 2,000 items: items not decided exactly once',
      plain.decidedOnce ? 2000 - plain.decided : Infinity,
      0,
      '',
    ),
    budget(
      'exhausted quota: actions lost or done twice (sprint-start)',
      lostOrTwice(exhausted),
      0,
      '',
    ),
    budget(
      'exhausted quota: answers that do not say when to retry (page, validator)',
      [answers.page, answers.validator].filter((a) => !WHEN.test(a)).length,
      0,
      '',
    ),
  ];
  return { table: formatTable('Long work in the queue, and an exhausted quota', rows), budgets };
}
