import type { JiraGateway } from '../jira/jira-gateway';
import type { ProjectInfo } from '../jira/projects';
import type { SetupStep } from '../storage/track-mapping-store';

/** Setup's report as it runs: each step's outcome in plan order, and which step is in flight. */

export type StepName = SetupStep['step'];
type StepStatus = SetupStep['status'];
export type PlannedStep = { step: StepName; target: string };

/** Collects step outcomes in plan order and knows which step is in flight. */
export class StepLog {
  private readonly recorded: SetupStep[] = [];
  private current: PlannedStep[] = [];

  constructor(
    private readonly plan: readonly PlannedStep[],
    private readonly clock: () => Date,
  ) {}

  record(step: StepName, target: string, status: StepStatus, detail?: string): void {
    this.recorded.push({
      step,
      target,
      status,
      ...(detail === undefined ? {} : { detail }),
      at: this.clock().toISOString(),
    });
    this.current = this.current.filter((c) => !(c.step === step && c.target === target));
  }

  /** The steps about to call Jira; marked failed if the call throws. */
  begin(step: StepName, targets: readonly string[]): void {
    this.current = targets.map((target) => ({ step, target }));
  }

  failCurrent(detail: string): void {
    for (const c of this.current) this.record(c.step, c.target, 'failed', detail);
    this.current = [];
  }

  /** Every step in plan order; steps never reached are reported as skipped. */
  steps(): SetupStep[] {
    return this.plan.map(
      (p) =>
        this.recorded.find((r) => r.step === p.step && r.target === p.target) ?? {
          step: p.step,
          target: p.target,
          status: 'skipped',
          detail: 'Not attempted because an earlier step failed.',
          at: this.clock().toISOString(),
        },
    );
  }
}

export interface SetupInput {
  /** Jira as the calling user. */
  jira: JiraGateway;
  accountId: string;
  /** The project from Forge's context. */
  project: { id: string; key: string };
  now: Date;
  /** Timestamps of single steps; defaults to the wall clock. */
  clock?: () => Date;
  /** Jira as the app, for marking issues with their track; defaults to `jiraAsApp()`. */
  jiraAsApp?: JiraGateway;
}

export interface RunContext {
  input: SetupInput;
  project: ProjectInfo;
  log: StepLog;
}
