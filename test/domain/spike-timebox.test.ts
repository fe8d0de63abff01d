import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { validatorAllows } from '../../dev/emulator/jira-expression';
import { DEFAULT_CONFIG, type Config } from '../../src/domain/config';
import { engineeringLane } from '../../src/domain/discovery-lanes';
import { buildChecklist, spikeTimebox } from '../../src/domain/item-checklist';
import { checkWorkOutcome } from '../../src/domain/readiness';
import { signalsAt, withinTimebox, type RetroIssue } from '../../src/domain/retro';
import { openEndedSignal, type ProjectItem, type StatusCategory } from '../../src/domain/signals';
import { spikeAllowance, spikeTimeboxProblem, timeboxRange } from '../../src/domain/spike-timebox';
import { assessReadiness } from '../../src/domain/sprint-readiness';
import type { ScopedOutcome } from '../../src/domain/track';
import * as handlers from '../../src/index';
import { checkForm, formFromValue } from '../../static/scoped-outcome-edit/src/outcome-form';
import { toSave } from '../../static/validator-config/src/rule-config';
import { COMPLETE_OUTCOME, useEmulator } from '../helpers/emulator';
import { runValidator } from '../helpers/invoke';
import { seedEnforcementSite, type EnforcementSite } from '../enforcement/enforcement-site';
import { KEYS } from '../../src/storage/key-families';
import { makeSpike } from '../helpers/factories';

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

/** Settings as an admin may set them: any limit the settings allow, a default within it. */
const settings = fc
  .record({ max: fc.integer({ min: 1, max: 10 }), requireBound: fc.boolean() })
  .chain(({ max, requireBound }) =>
    fc.integer({ min: 1, max }).map((defaultTimeboxDays): Config => ({
      ...config,
      spike: { defaultTimeboxDays, maxTimeboxDays: max },
      scopedOutcome: { ...config.scopedOutcome, requireBound },
    })),
  );
/** A spike's scoped outcome as stored: absent (the field is empty), or complete but its bound. */
const stored = fc.option(bounds.map(spikeOutcome), { nil: undefined });

/** What the rule says, in its own words: whole days from 1 to the configured limit. */
const keepsRule = (value: ScopedOutcome | undefined, cfg: Config) =>
  value !== undefined &&
  Number.isInteger(value.timeboxDays) &&
  (value.timeboxDays ?? 0) >= 1 &&
  (value.timeboxDays ?? 0) <= cfg.spike.maxTimeboxDays;

const projectItem = (
  scopedOutcome: ScopedOutcome | undefined,
  overrides: Partial<ProjectItem> = {},
): ProjectItem => makeSpike({ key: 'DT-1', scopedOutcome, ...overrides });

/** The expression rule's configuration as its screen (validator-config) saves it from `cfg`. */
function expressionConfig(cfg: Config): unknown {
  const saved = toSave(
    'enabler-expression',
    { issueTypes: '', checks: [] },
    {},
    {
      scopedOutcomeFieldId: 'customfield_1',
      gateIssueTypes: cfg.gate.issueTypes,
      scopedOutcome: cfg.scopedOutcome,
      maxTimeboxDays: cfg.spike.maxTimeboxDays,
    },
  );
  if (saved === undefined) throw new Error('the screen would not save the rule');
  return JSON.parse(saved);
}

/** Every synchronous consumer's verdict: true when the spike may go ahead. */
function verdicts(value: ScopedOutcome | undefined, cfg: Config = config): Record<string, boolean> {
  const checklist = buildChecklist({
    kind: 'spike',
    track: 'discovery',
    issueType: 'Spike',
    statusCategory: 'new',
    scopedOutcome: value,
    feasibility: undefined,
    timebox: undefined,
    learnedNote: false,
    config: cfg,
  });
  const range = timeboxRange(true, cfg.spike.maxTimeboxDays);
  const days = value?.timeboxDays;
  const guardFacts = { typeName: 'Spike', track: 'discovery', evidence: undefined } as const;
  return {
    rule: value !== undefined && spikeTimeboxProblem(days, cfg.spike.maxTimeboxDays) === undefined,
    outcome: checkWorkOutcome(true, value, cfg).ready,
    guard: assessReadiness({ ...guardFacts, scopedOutcome: value }, cfg).ready,
    panel: checklist.items.filter((i) => i.required).every((i) => i.passed),
    page: engineeringLane(projectItem(value), cfg, new Set()) !== 'unscoped',
    // The editor: the form it would show for the value, and the range its days field accepts.
    editor: value !== undefined && checkForm(formFromValue(value), cfg, true).canSubmit,
    editorRange:
      value !== undefined && typeof days === 'number' && days >= range.min && days <= range.max,
    expression: validatorAllows(EXPRESSION, {
      issue: { issueType: { name: 'Spike' }, customfield_1: value ?? null },
      config: expressionConfig(cfg),
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

  it('every consumer reaches the same verdict on the same spike, whatever the settings (property)', () => {
    fc.assert(
      fc.property(stored, settings, (value, cfg) => {
        const expected = keepsRule(value, cfg);
        const all = verdicts(value, cfg);
        expect(all).toEqual(Object.fromEntries(Object.keys(all).map((k) => [k, expected])));
      }),
      { numRuns: 400, seed: 17 },
    );
  });

  it('a running spike is over its timebox alike in the panel, on the page and in the retro (property)', () => {
    const start = '2026-11-02T09:00:00.000Z';
    const dayAfter = (n: number) => new Date(Date.parse(start) + n * 86_400_000).toISOString();
    const categories = new Map<string, StatusCategory>([
      ['1', 'new'],
      ['3', 'indeterminate'],
      ['9', 'done'],
    ]);
    fc.assert(
      fc.property(stored, settings, fc.integer({ min: 0, max: 14 }), (value, cfg, used) => {
        const allowed = spikeAllowance(value?.timeboxDays, cfg.spike).days;
        const expected = used > allowed;
        const now = new Date(dayAfter(used));
        const running = { statusCategory: 'indeterminate', statusCategoryChanged: start } as const;
        const panel = spikeTimebox({ ...running, scopedOutcome: value, rules: cfg.spike, now });
        const page = openEndedSignal({
          items: [projectItem(value, running)],
          closedSprints: [],
          activeSprint: undefined,
          hasBoard: true,
          unit: 'points',
          config: cfg,
          now,
        }).overrunSpikes.some((s) => s.key === 'DT-1');
        const closed = spikeTimebox({
          statusCategory: 'done',
          statusCategoryChanged: dayAfter(used),
          startedBeforeClose: start,
          scopedOutcome: value,
          rules: cfg.spike,
          now: new Date(dayAfter(30)),
        });
        const retroIssue = (done: boolean): RetroIssue => ({
          id: '100',
          key: 'DT-1',
          summary: 'A spike',
          kind: 'spike',
          track: 'discovery',
          created: '2026-11-01T09:00:00.000Z',
          estimate: 2,
          statusId: done ? '9' : '3',
          sprintIds: [],
          scopedOutcome: value,
          statusCategoryChanged: undefined,
          changes: [
            { field: 'status', at: start, from: '1', to: '3' },
            ...(done ? [{ field: 'status' as const, at: dayAfter(used), from: '3', to: '9' }] : []),
          ],
          activity: [],
          promotedFrom: [],
        });
        const retroAtEnd = signalsAt([retroIssue(false)], dayAfter(used), categories, cfg);
        expect({
          panel: panel.overrun,
          page,
          panelFinal: closed.overrun,
          retroFinal: !withinTimebox(retroIssue(true), categories, cfg.spike),
          retroAtEnd: retroAtEnd.overrunSpikes === 1,
        }).toEqual({
          panel: expected,
          page: expected,
          panelFinal: expected,
          retroFinal: expected,
          retroAtEnd: expected,
        });
        expect(panel.daysAllowed).toBeLessThanOrEqual(cfg.spike.maxTimeboxDays);
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
