import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEMO_USERS, seedDemoProject, type DemoProject } from '../../dev/emulator/demo-project';
import type { ResolverKey } from '../../src/contract/bridge-contract';
import { seedKanbanProject } from '../../dev/emulator/kanban-project';
import { useEmulator } from '../helpers/emulator';
import { callResolver, deliverQueue } from '../helpers/invoke';
import { sharedPagesExpire } from '../helpers/shared-page';

/**
 * docs/costs.md's table says what an action costs in Jira calls and storage reads; this measures the rows a person
 * meets every day on the demo project and fails when the table and the app disagree.
 */

const COSTS = readFileSync(join(__dirname, '..', '..', 'docs', 'costs.md'), 'utf8');

/** The numbers of a cell of a row of the table (column 2: Jira calls, 3: storage requests). */
function documented(action: string, column: 2 | 3): number[] {
  const row = COSTS.split('\n').find((line) => line.startsWith(`| ${action} `));
  if (!row) throw new Error(`docs/costs.md has no row "${action}"`);
  const cell = row.split('|')[column] ?? '';
  return [...cell.matchAll(/(\d+)/g)].map((m) => Number(m[1]));
}
const documentedCalls = (action: string) => documented(action, 2);
/** The storage reads a row names (its first number, e.g. "3 reads (...)"). */
const documentedReads = (action: string) => documented(action, 3).slice(0, 1);

const ctx = useEmulator();
let demo: DemoProject;

beforeEach(() => {
  demo = seedDemoProject(ctx.em, { now: new Date() });
  ctx.em.resetCalls();
});

interface Cost {
  calls: number;
  reads: number;
}

async function run(key: ResolverKey, issueKey?: string, projectKey?: string): Promise<Cost> {
  const project = ctx.em.projectByKey(projectKey ?? demo.projectKey);
  const issue = issueKey === undefined ? undefined : ctx.em.findIssue(issueKey);
  ctx.em.resetCalls();
  const answer = await callResolver(
    ctx.em,
    key,
    DEMO_USERS.member,
    {},
    {
      extension: {
        project: { id: project.id, key: project.key },
        ...(issue ? { issue: { id: issue.id, key: issue.key } } : {}),
      },
    },
  );
  if (!answer.ok) throw new Error(`${key} failed: ${answer.error.message}`);
  return { calls: ctx.em.jiraCalls().length, reads: ctx.em.kvs.reads() };
}

describe('docs/costs.md says what the app measures', () => {
  it('project page on the demo project: calls after the field ids are remembered, then on the first load', async () => {
    const first = await run('project/overview');
    sharedPagesExpire(ctx.em, demo.projectKey);
    const later = await run('project/overview');
    expect(documentedCalls('project page, demo project')).toEqual([later.calls, first.calls]);
    expect(documentedReads('project page, demo project')).toEqual([later.reads]);
  });

  it('project page on a Kanban project: calls after the field ids are remembered, then on the first load', async () => {
    const kb = seedKanbanProject(ctx.em, { now: new Date() });
    const first = await run('project/overview', undefined, kb.projectKey);
    sharedPagesExpire(ctx.em, kb.projectKey);
    const later = await run('project/overview', undefined, kb.projectKey);
    expect(documentedCalls('project page, Kanban project')).toEqual([later.calls, first.calls]);
    expect(documentedReads('project page, Kanban project')).toEqual([later.reads]);
  });

  it('project page shared: a second viewer within the minute', async () => {
    await run('project/overview');
    const shared = await run('project/overview');
    expect(documentedCalls('project page, shared')).toEqual([shared.calls]);
    expect(documentedReads('project page, shared')).toEqual([shared.reads]);
  });

  it('issue panel load: the calls for an item with nothing more to look up', async () => {
    await run('project/overview');
    const cost = await run('issue/readiness', demo.keys.unscopedEnablerInBacklog);
    expect(documentedCalls('issue panel load')).toEqual([cost.calls]);
    expect(documentedReads('issue panel load')).toEqual([cost.reads]);
  });

  it('retro, repeat load: nothing closed since the job stored the figures', async () => {
    await run('retro/job/start');
    await deliverQueue(ctx.em);
    const repeat = await run('retro/job/start');
    expect(documentedCalls('retro, repeat load')).toEqual([repeat.calls]);
    expect(documentedReads('retro, repeat load')).toEqual([repeat.reads]);
  });

  it('retro, repeat load on a Kanban project: no period closed since, no Jira read but permissions', async () => {
    seedKanbanProject(ctx.em, { now: new Date() });
    await run('retro/job/start', undefined, 'KB');
    await deliverQueue(ctx.em);
    const repeat = await run('retro/job/start', undefined, 'KB');
    expect(documentedCalls('retro, repeat load, Kanban')).toEqual([repeat.calls]);
    expect(documentedReads('retro, repeat load, Kanban')).toEqual([repeat.reads]);
  });
});
