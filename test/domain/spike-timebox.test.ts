import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { validatorAllows } from '../../dev/emulator/jira-expression';
import { DEFAULT_CONFIG, type Config } from '../../src/domain/config';
import { engineeringLane } from '../../src/domain/discovery-lanes';
import { buildChecklist } from '../../src/domain/item-checklist';
import { checkWorkOutcome } from '../../src/domain/readiness';
import type { ProjectItem } from '../../src/domain/signals';
import { spikeAllowance, spikeTimeboxProblem, timeboxRange } from '../../src/domain/spike-timebox';
import { assessReadiness } from '../../src/domain/sprint-readiness';
import type { ScopedOutcome } from '../../src/domain/track';
import * as handlers from '../../src/index';
import { checkForm, formFromValue } from '../../static/scoped-outcome-edit/src/outcome-form';
import { COMPLETE_OUTCOME, useEmulator } from '../helpers/emulator';
import { runValidator } from '../helpers/invoke';
import { seedEnforcementSite, type EnforcementSite } from '../enforcement/enforcement-site';
import { KEYS } from '../../src/storage/key-families';

/**
 * One spike timebox rule (issue 17, item 3): the same spikes, fed to every consumer (the domain
 * rule, the sprint guard's and sprint-start check's readiness, the enabler gate function
 * validator through its handler, the expression validator's manifest text, the issue panel's
 * checklist, the project page's lane, the scoped outcome editor), get the same verdict.
 */

const ctx = useEmulator();
let site: EnforcementSite;
beforeEach(() => {
  site = seedEnforcementSite(ctx.em);
  ctx.em.kvs.seed(KEYS.jiraFields, { scopedOutcome: site.scopedOutcome.id });
});

const manifest = parseYaml(readFileSync(join(__dirname, '..', '..', 'manifest.yml'), 'utf8')) as {
  modules: { 'jira:workflowValidator': Array<{ key: string; expression?: string }> };
};
const EXPRESSION =
  manifest.modules['jira:workflowValidator'].find((m) => m.key === 'enabler-gate-expression')
    ?.expression ?? '';

const config: Config = DEFAULT_CONFIG;
const MAX = config.spike.maxTimeboxDays;

/** Spikes whose outcome and measure are complete: only the bound varies. */
const bounds = fc.record(
  {
    // Whole numbers only: the field's schema (manifest.yml) stores timeboxDays as an integer.
    timeboxDays: fc.integer({ min: -2, max: 15 }),
    targetDate: fc.constantFrom('2026-12-01', '2027-01-15'),
  },
  { requiredKeys: [] },
);
const spikeOutcome = (b: { timeboxDays?: number; targetDate?: string }): ScopedOutcome => ({
  outcome: COMPLETE_OUTCOME.outcome,
  successMeasure: COMPLETE_OUTCOME.successMeasure,
  ...b,
});

const projectItem = (scopedOutcome: ScopedOutcome): ProjectItem => ({
  key: 'DT-1',
  summary: 'A spike',
  issueType: 'Spike',
  kind: 'spike',
  track: 'discovery',
  status: 'To Do',
  statusCategory: 'new',
  estimate: 2,
  scopedOutcome,
  validation: undefined,
  evidenceCount: 0,
  sprint: undefined,
  created: '2026-11-01T09:00:00.000Z',
  updated: '2026-11-18T09:00:00.000Z',
  statusCategoryChanged: undefined,
});

/** Every synchronous consumer's verdict: true when the spike may go ahead. */
function verdicts(value: ScopedOutcome): Record<string, boolean> {
  const checklist = buildChecklist({
    kind: 'spike',
    track: 'discovery',
    issueType: 'Spike',
    statusCategory: 'new',
    scopedOutcome: value,
    feasibility: undefined,
    timebox: undefined,
    learnedNote: false,
    config,
  });
  const ruleConfig = {
    fieldId: 'customfield_1',
    issueTypes: config.gate.issueTypes,
    minOutcomeLength: config.scopedOutcome.minOutcomeLength,
    placeholders: config.scopedOutcome.placeholders.map((p) => p.toLowerCase()),
    requireSuccessMeasure: true,
    requireBound: true,
    maxTimeboxDays: MAX,
  };
  return {
    rule: spikeTimeboxProblem(value.timeboxDays, MAX) === undefined,
    outcome: checkWorkOutcome(true, value, config).ready,
    guard: assessReadiness(
      { typeName: 'Spike', track: 'discovery', scopedOutcome: value, evidence: undefined },
      config,
    ).ready,
    panel: checklist.items.filter((i) => i.required).every((i) => i.passed),
    page: engineeringLane(projectItem(value), config, new Set()) !== 'unscoped',
    editor: checkForm(formFromValue(value), config, true).canSubmit,
    expression: validatorAllows(EXPRESSION, {
      issue: { issueType: { name: 'Spike' }, customfield_1: value },
      config: ruleConfig,
    }).allowed,
  };
}

describe('one spike timebox rule', () => {
  it('whole days from 1 to the limit; a date alone, a fraction, 0 or more than the limit do not do', () => {
    expect(spikeTimeboxProblem(3, 3)).toBeUndefined();
    expect(spikeTimeboxProblem(1, 3)).toBeUndefined();
    expect(spikeTimeboxProblem(undefined, 3)).toEqual({ problem: 'no-days' });
    expect(spikeTimeboxProblem(10, 3)).toEqual({ problem: 'too-long', days: 10 });
    expect(spikeTimeboxProblem(0, 3)).toEqual({ problem: 'not-whole', days: 0 });
    expect(spikeTimeboxProblem(2.5, 3)).toEqual({ problem: 'not-whole', days: 2.5 });
    expect(timeboxRange(true, 3)).toEqual({ min: 1, max: 3 });
    expect(timeboxRange(false, 3)).toEqual({ min: 1, max: 365 });
  });

  it('a running spike is allowed its own days within the limit, the limit past it, else the default', () => {
    const rules = { defaultTimeboxDays: 2, maxTimeboxDays: 3 };
    expect(spikeAllowance(3, rules)).toEqual({ days: 3, source: 'scoped-outcome' });
    expect(spikeAllowance(1, rules)).toEqual({ days: 1, source: 'scoped-outcome' });
    expect(spikeAllowance(10, rules)).toEqual({ days: 3, source: 'limit' });
    expect(spikeAllowance(undefined, rules)).toEqual({ days: 2, source: 'default' });
    expect(spikeAllowance(0, rules)).toEqual({ days: 2, source: 'default' });
    expect(spikeAllowance(2.5, rules)).toEqual({ days: 2, source: 'default' });
  });

  it('every consumer reaches the same verdict on the same spike (property)', () => {
    fc.assert(
      fc.property(bounds, (b) => {
        const value = spikeOutcome(b);
        const expected =
          Number.isInteger(b.timeboxDays) &&
          (b.timeboxDays ?? 0) >= 1 &&
          (b.timeboxDays ?? 0) <= MAX;
        const all = verdicts(value);
        expect(all).toEqual(Object.fromEntries(Object.keys(all).map((k) => [k, expected])));
      }),
      { numRuns: 300, seed: 17 },
    );
  });

  it('the enabler gate function validator agrees, through its handler (property)', async () => {
    await fc.assert(
      fc.asyncProperty(bounds, async (b) => {
        const value = spikeOutcome(b);
        const issue = ctx.em.addIssue({
          projectKey: 'DT',
          type: 'Spike',
          summary: 'A spike',
          custom: { [site.scopedOutcome.id]: value },
        });
        const answer = (await runValidator(ctx.em, handlers.enablerGate, {
          issue: { key: issue.key },
          configuration: {},
        })) as { result: boolean };
        expect(answer.result).toBe(verdicts(value).rule);
      }),
      { numRuns: 40, seed: 17 },
    );
  });

  it('a 10-day spike and a date-only spike: refused with the same fix everywhere it is shown', () => {
    for (const value of [
      spikeOutcome({ timeboxDays: 10 }),
      spikeOutcome({ targetDate: '2026-12-01' }),
    ]) {
      const guard = assessReadiness(
        { typeName: 'Spike', track: 'discovery', scopedOutcome: value, evidence: undefined },
        config,
      );
      if (guard.ready) throw new Error('the guard let the spike through');
      const panel = buildChecklist({
        kind: 'spike',
        track: 'discovery',
        issueType: 'Spike',
        statusCategory: 'new',
        scopedOutcome: value,
        feasibility: undefined,
        timebox: undefined,
        learnedNote: false,
        config,
      }).items.find((i) => i.id === 'bound');
      expect(panel?.passed).toBe(false);
      expect(panel?.fix?.toLowerCase()).toContain(guard.missing[0]?.split(' (')[0] ?? '-');
      expect(checkForm(formFromValue(value), config, true).errors.bound).toBeDefined();
    }
  });
});
