import type { EmIssue } from '../../dev/emulator/model';
import { commentsOf } from '../../dev/emulator/routes/enforcement';
import { sprintStartCheck } from '../../src/index';
import { PART_ITEMS } from '../../src/enforcement/sprint-start-job';
import { listAudit, type AuditEntry } from '../../src/storage/audit-store';
import { readJob } from '../../src/storage/job-store';
import { deliverQueue, inInvocation, runTrigger } from '../helpers/invoke';
import { useEmulator } from '../helpers/emulator';
import {
  commentText,
  rememberFieldIds,
  seedEnforcementSite,
  sprintStartedEvent,
  type EnforcementSite,
} from './enforcement-site';

/**
 * The sprint-start check of a sprint of 2,000 items (src/enforcement/sprint-start-job.ts): the
 * trigger hands it to the queue; the steps list the items, decide them part by part and act,
 * each step one consumer invocation under its limit; every item is decided once and acted on
 * once, also when Jira's quota runs out in the middle.
 */
const ctx = useEmulator();
let site: EnforcementSite;
const SIZE = 2000;

beforeEach(() => {
  site = seedEnforcementSite(ctx.em);
  rememberFieldIds(ctx.em, site);
});

function add(type: string): EmIssue {
  const issue = ctx.em.addIssue({ projectKey: 'DT', type, summary: `${type} item` });
  ctx.em.setSprint(issue.key, site.active.id);
  return issue;
}

/** 2,000 items: every 10th an Enabler without a scoped outcome (200 unready), the rest Stories. */
function bigSprint(): EmIssue[] {
  const unready: EmIssue[] = [];
  for (let i = 0; i < SIZE; i++) {
    if (i % 10 === 0) unready.push(add('Enabler'));
    else add('Story');
  }
  return unready;
}

const inSprint = (key: string) =>
  ((ctx.em.findIssue(key)?.custom.get(ctx.em.sprintField.id) as unknown[]) ?? []).length > 0;

/** How often each issue id was read for a decision (bulkfetch bodies). */
function decisionsPerItem(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const call of ctx.em.jiraCalls()) {
    if (call.operationId !== 'bulkFetchIssues' || call.status !== 200) continue;
    const ids = (call.body as { issueIdsOrKeys?: string[] }).issueIdsOrKeys ?? [];
    for (const id of ids) counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  return counts;
}

/** Keys moved to the backlog, with how many times each. */
function movedCount(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const call of ctx.em.jiraCalls()) {
    if (call.operationId !== 'moveIssuesToBacklog' || call.status >= 300) continue;
    const keys = (call.body as { issues?: string[] }).issues ?? [];
    for (const key of keys) counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

async function startSprint() {
  ctx.em.resetCalls();
  await expect(
    runTrigger(ctx.em, sprintStartCheck, sprintStartedEvent(site.active)),
  ).resolves.toBeUndefined();
}

describe('sprint-start check of 2,000 items through the queue', () => {
  it('completes in steps, none over its limit; each item decided once, each unready one moved once', async () => {
    const unready = bigSprint();
    await startSprint();
    const deliveries = await deliverQueue(ctx.em);
    // One listing step, 10 parts of 200, the summaries and audit.
    expect(deliveries).toHaveLength(1 + SIZE / PART_ITEMS + 1);
    expect(deliveries.every((d) => d.outcome === 'ok' && d.virtualMs < d.limitMs)).toBe(true);

    expect(unready.every((i) => !inSprint(i.key))).toBe(true);
    const moved = movedCount();
    expect(moved.size).toBe(unready.length);
    expect([...moved.values()].every((n) => n === 1)).toBe(true);
    const decided = decisionsPerItem();
    expect(decided.size).toBe(SIZE);
    expect([...decided.values()].every((n) => n === 1)).toBe(true);
    const first = unready[0] as EmIssue;
    expect(commentsOf(ctx.em, first.key)).toHaveLength(1);
    expect(commentText(ctx.em, first.key)[0]).toContain(
      `${unready.length} item(s) were not sprint-ready`,
    );
  });

  it('the quota runs out mid-way: the step asks to be retried, resumes, and moves nothing twice', async () => {
    const unready = bigSprint();
    const ledger = ctx.em.useRateLimits({ startAt: '2026-11-02T09:50:00.000Z' });
    await startSprint();
    ledger.exhaustOn('moveIssuesToBacklog', { skip: 2 });
    const deliveries = await deliverQueue(ctx.em);
    expect(deliveries.some((d) => d.outcome === 'retry-requested')).toBe(true);
    expect(deliveries.at(-1)?.outcome).toBe('ok');
    expect(unready.every((i) => !inSprint(i.key))).toBe(true);
    const moved = movedCount();
    expect(moved.size).toBe(unready.length);
    expect([...moved.values()].every((n) => n === 1)).toBe(true);
    expect([...decisionsPerItem().values()].every((n) => n === 1)).toBe(true);
  });

  it('a failure waiting cannot mend stops the job: what was moved is audited as moved, the rest of that part as failed', async () => {
    const unready = bigSprint();
    await startSprint();
    // Parts 1-3 move their 20 unready items; the move of part 4 is refused (not retried).
    ctx.em.injectFault({
      match: /^POST \/rest\/agile\/1\.0\/backlog\/issue$/,
      status: 400,
      body: { errorMessages: ['The issues could not be moved.'], errors: {} },
      skip: 3,
    });
    const deliveries = await deliverQueue(ctx.em);
    expect(deliveries.every((d) => d.outcome === 'ok')).toBe(true);
    const job = await inInvocation(ctx.em, 'resolver', 'job', () =>
      readJob('sprint-start', `sprint-${site.active.id}`),
    );
    expect(job?.state).toBe('failed');
    expect(job?.failure).toContain('could not finish');

    const perPart = PART_ITEMS / 10;
    const moved = unready.filter((i) => !inSprint(i.key)).map((i) => i.key);
    expect(moved).toEqual(unready.slice(0, 3 * perPart).map((i) => i.key));
    const audit = await auditOf('DT');
    const keysOf = (action: string) =>
      audit
        .filter((e) => e.action === action)
        .map((e) => e.issueKey)
        .sort();
    expect(keysOf('moved-back')).toEqual([...moved].sort());
    const refused = unready.slice(3 * perPart, 4 * perPart).map((i) => i.key);
    expect(keysOf('failed')).toEqual([...refused].sort());
    // Items of the parts never decided were not touched and are not in the audit.
    const untouched = unready.slice(4 * perPart).map((i) => i.key);
    expect(audit.some((e) => untouched.includes(e.issueKey))).toBe(false);
    expect(audit.find((e) => e.action === 'moved-back')?.detail).toContain(
      'The check stopped before it finished',
    );
  });

  it('the event delivered twice: the second joins the job, nothing is queued twice', async () => {
    bigSprint();
    await startSprint();
    await runTrigger(ctx.em, sprintStartCheck, sprintStartedEvent(site.active));
    expect(ctx.em.queue.pending).toHaveLength(1);
    await deliverQueue(ctx.em);
  });
});

/** Every audit entry of a project. */
async function auditOf(projectKey: string): Promise<AuditEntry[]> {
  const out: AuditEntry[] = [];
  let cursor: string | undefined;
  do {
    const page = await inInvocation(ctx.em, 'resolver', 'audit/list: listAudit', () =>
      listAudit(projectKey, cursor, 100),
    );
    out.push(...page.entries);
    cursor = page.nextCursor;
  } while (cursor !== undefined);
  return out;
}
