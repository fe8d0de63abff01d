import { spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { variantsNamed, type DataVariant } from './page-variants';
import { latenciesFor, projectPageScenario, type ScenarioResult } from './project-page-bench';

/**
 * The bench's project-page scenarios run in child processes, one per core (at most 4: a
 * 50,000-item emulator takes about half a gigabyte), so a 2-core machine runs two at once. Each
 * scenario is still one process's only work while it runs: its own emulator, virtual clock and
 * heap, measured as before. The results come back in the order asked for.
 */

export interface ScenarioJob {
  size: number;
  variant: DataVariant;
  latencyMs: number;
  perObjectMs: number;
}

const MARK = '@@scenario ';
const MAX_PROCESSES = 4;

const argOf = (job: ScenarioJob): string =>
  `${job.size}:${job.variant.name}:${job.latencyMs}:${job.perObjectMs}`;

/** In a child process: each `size:variant:latencyMs:perObjectMs` run, its result on stdout. */
export async function runScenarioArgs(args: readonly string[]): Promise<void> {
  for (const arg of args) {
    const [size, name, latencyMs, perObjectMs] = arg.split(':');
    const [variant] = variantsNamed([name ?? '']);
    if (!variant) throw new Error(`bench: no variant in "${arg}"`);
    const n = Number(size);
    const result = await projectPageScenario(
      variant,
      n,
      latenciesFor(n, Number(latencyMs), Number(perObjectMs)),
    );
    // Written before the next starts, and flushed before the process exits (a pipe is async).
    await new Promise<void>((resolve, reject) =>
      process.stdout.write(`${MARK}${JSON.stringify(result)}\n`, (error) =>
        error ? reject(error) : resolve(),
      ),
    );
  }
}

/**
 * Runs the jobs in child processes (shareOut, work: items) and answers the results in the jobs'
 * order, calling `done` for each as soon as it and every job before it are in.
 */
export async function runScenarios(
  jobs: readonly ScenarioJob[],
  done: (result: ScenarioResult) => void,
): Promise<ScenarioResult[]> {
  const processes = Math.max(1, Math.min(availableParallelism(), MAX_PROCESSES, jobs.length));
  const shares = shareOut(
    jobs.map((j) => j.size),
    processes,
  );
  const results: Array<ScenarioResult | undefined> = jobs.map(() => undefined);
  let printed = 0;
  const arrived = (i: number, result: ScenarioResult) => {
    results[i] = result;
    while (printed < jobs.length && results[printed] !== undefined) {
      done(results[printed] as ScenarioResult);
      printed += 1;
    }
  };
  await Promise.all(
    shares
      .filter((share) => share.length > 0)
      .map((share) =>
        runChild(
          share.map((i) => argOf(jobs[i] as ScenarioJob)),
          (n, result) => arrived(share[n] ?? -1, result),
        ),
      ),
  );
  return results.map((r, i) => {
    if (!r) throw new Error(`bench: scenario ${argOf(jobs[i] as ScenarioJob)} gave no result`);
    return r;
  });
}

/**
 * The jobs (by their work) split between `processes`: the largest first, each to the process
 * with the least work so far. Each share lists job indexes in the order they run.
 */
export function shareOut(work: readonly number[], processes: number): number[][] {
  const shares = Array.from({ length: processes }, () => ({ load: 0, jobs: [] as number[] }));
  const largestFirst = work.map((w, i) => ({ w, i })).sort((a, b) => b.w - a.w);
  for (const { w, i } of largestFirst) {
    const least = shares.reduce((a, b) => (b.load < a.load ? b : a));
    least.load += w;
    least.jobs.push(i);
  }
  return shares.map((share) => share.jobs);
}

function runChild(
  args: readonly string[],
  onResult: (n: number, result: ScenarioResult) => void,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--expose-gc', join(__dirname, 'scenarios.mjs'), ...args],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let pending = '';
    let stderr = '';
    let n = 0;
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      pending += chunk;
      let end = pending.indexOf('\n');
      while (end >= 0) {
        const line = pending.slice(0, end);
        pending = pending.slice(end + 1);
        if (line.startsWith(MARK))
          onResult(n++, JSON.parse(line.slice(MARK.length)) as ScenarioResult);
        end = pending.indexOf('\n');
      }
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 && n === args.length
        ? resolve()
        : reject(new Error(`bench: scenarios ${args.join(' ')} failed (exit ${code}):\n${stderr}`)),
    );
  });
}
