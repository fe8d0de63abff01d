import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { DEFAULT_CONFIG } from '../../src/domain/config';
import * as handlers from '../../src/index';
import {
  ENABLER_GATE_EXPRESSION,
  renderExpression,
  validatorPasses,
} from '../../src/validators/outcome-expression';
import { COMPLETE_OUTCOME, useEmulator } from '../helpers/emulator';
import { inInvocation, runValidator } from '../helpers/invoke';
import { listAudit } from '../../src/storage/audit-store';
import { seedEnforcementSite, type EnforcementSite } from './enforcement-site';
import { KEYS, WAIVER_KEYS } from '../../src/storage/key-families';

/**
 * The expression variant of the enabler gate against the function variant, on one table of
 * cases: the expression is built from a syntax tree (src/validators/outcome-expression.ts) that
 * is both printed (the manifest must hold exactly that text) and evaluated here with Jira
 * expression semantics; the function validator runs for real against the emulator.
 */
const ctx = useEmulator();
let site: EnforcementSite;

/** Each call is one validator invocation, as Jira makes it (test/helpers/invoke.ts). */
const enablerGate = (args: unknown, context?: unknown) =>
  runValidator(ctx.em, handlers.enablerGate, args, context);
const discoveryGate = (args: unknown, context?: unknown) =>
  runValidator(ctx.em, handlers.discoveryGate, args, context);

beforeEach(() => {
  site = seedEnforcementSite(ctx.em);
  ctx.em.kvs.seed(KEYS.jiraFields, { scopedOutcome: site.scopedOutcome.id });
});

const manifest = parseYaml(readFileSync(join(__dirname, '..', '..', 'manifest.yml'), 'utf8')) as {
  modules: { 'jira:workflowValidator': Array<{ key: string; expression?: string }> };
};

/** What the configuration screen saves for the expression rule with the default settings. */
const ruleConfig = (fieldId: string) => ({
  fieldId,
  issueTypes: DEFAULT_CONFIG.gate.issueTypes,
  minOutcomeLength: DEFAULT_CONFIG.scopedOutcome.minOutcomeLength,
  placeholders: DEFAULT_CONFIG.scopedOutcome.placeholders.map((p) => p.toLowerCase()),
  requireSuccessMeasure: true,
  requireBound: true,
  maxTimeboxDays: DEFAULT_CONFIG.spike.maxTimeboxDays,
});

const measure = COMPLETE_OUTCOME.successMeasure;
const outcome = COMPLETE_OUTCOME.outcome;

const PASS = true;
const REFUSE = false;

/**
 * [label, type, field value, the function's verdict, the expression's verdict]: each variant is
 * held to the verdict the gate's rules give, so both breaking the same way fails too.
 */
const CASES: Array<[string, string, unknown, boolean, boolean]> = [
  ['complete, timebox', 'Enabler', COMPLETE_OUTCOME, PASS, PASS],
  [
    'complete, target date',
    'Enabler',
    { outcome, successMeasure: measure, targetDate: '2026-12-01' },
    PASS,
    PASS,
  ],
  // The spike rule: a timebox of whole days within the spike limit; a date alone does not do.
  [
    'spike, 3-day timebox',
    'Spike',
    { outcome, successMeasure: measure, timeboxDays: 3 },
    PASS,
    PASS,
  ],
  [
    'spike, target date only',
    'Spike',
    { outcome, successMeasure: measure, targetDate: '2026-12-01' },
    REFUSE,
    REFUSE,
  ],
  [
    'spike, 10-day timebox',
    'Spike',
    { outcome, successMeasure: measure, timeboxDays: 10 },
    REFUSE,
    REFUSE,
  ],
  ['empty field', 'Enabler', undefined, REFUSE, REFUSE],
  ['outcome only', 'Enabler', { outcome }, REFUSE, REFUSE],
  [
    'placeholder outcome',
    'Enabler',
    { outcome: 'TBD', successMeasure: measure, timeboxDays: 3 },
    REFUSE,
    REFUSE,
  ],
  [
    'placeholder with spaces and case',
    'Enabler',
    { outcome: '  Look Into It ', successMeasure: measure, timeboxDays: 2 },
    REFUSE,
    REFUSE,
  ],
  [
    'too short',
    'Enabler',
    { outcome: 'Pick Redis', successMeasure: measure, timeboxDays: 3 },
    REFUSE,
    REFUSE,
  ],
  [
    'placeholder measure',
    'Spike',
    { outcome, successMeasure: 'n/a', timeboxDays: 3 },
    REFUSE,
    REFUSE,
  ],
  ['no bound', 'Enabler', { outcome, successMeasure: measure }, REFUSE, REFUSE],
  ['timebox 0', 'Enabler', { outcome, successMeasure: measure, timeboxDays: 0 }, REFUSE, REFUSE],
  [
    'timebox 400',
    'Enabler',
    { outcome, successMeasure: measure, timeboxDays: 400 },
    REFUSE,
    REFUSE,
  ],
  ['a story is not gated', 'Story', undefined, PASS, PASS],
  // Type names are compared without case, as Jira shows them in different cases.
  ['lower-case type name', 'enabler', undefined, REFUSE, REFUSE],
  // Known divergences: the expression only matches whole placeholders and date shapes.
  [
    'placeholder words around filler',
    'Enabler',
    { outcome: 'Investigate options for it later', successMeasure: measure, timeboxDays: 3 },
    REFUSE,
    PASS,
  ],
  [
    'impossible date',
    'Enabler',
    { outcome, successMeasure: measure, targetDate: '2026-02-30' },
    REFUSE,
    PASS,
  ],
];

describe('enabler gate: expression variant vs function variant', () => {
  it('the manifest holds exactly the expression the tree prints', () => {
    const module = manifest.modules['jira:workflowValidator'].find(
      (m) => m.key === 'enabler-gate-expression',
    );
    expect(module?.expression).toBe(renderExpression(ENABLER_GATE_EXPRESSION));
  });

  it.each(CASES)('%s (%s)', async (_label, type, value, fnVerdict, exprVerdict) => {
    const issue = ctx.em.addIssue({
      projectKey: 'DT',
      type,
      summary: 'x',
      custom: value === undefined ? {} : { [site.scopedOutcome.id]: value },
    });
    const fn = await enablerGate({ issue: { key: issue.key }, configuration: {} });
    const jiraIssue = {
      issueType: { name: type },
      [site.scopedOutcome.id]: value === undefined ? null : value,
    };
    const expr = validatorPasses(ENABLER_GATE_EXPRESSION, {
      issue: jiraIssue,
      config: ruleConfig(site.scopedOutcome.id),
    });
    expect({ function: fn.result, expression: expr }).toEqual({
      function: fnVerdict,
      expression: exprVerdict,
    });
  });

  it('refuses (fails closed) when the rule has no configuration', () => {
    const issue = { issueType: { name: 'Story' } };
    expect(validatorPasses(ENABLER_GATE_EXPRESSION, { issue, config: null })).toBe(false);
  });
});

describe('function validators honour waivers and record blocks', () => {
  it('the enabler gate lets a waived item through and refuses once the waiver expired', async () => {
    const issue = ctx.em.addIssue({ projectKey: 'DT', type: 'Enabler', summary: 'x' });
    const book = (expiresOn: string) => ({
      version: 1,
      waivers: [
        {
          issueId: issue.id,
          issueKey: issue.key,
          reason: 'Agreed',
          expiresOn,
          grantedBy: 'user-padmin',
          grantedAt: '2026-11-01T00:00:00.000Z',
        },
      ],
    });
    ctx.em.kvs.seed(WAIVER_KEYS.book('DT'), book('2099-12-31'));
    await expect(enablerGate({ issue: { key: issue.key } })).resolves.toEqual({ result: true });
    ctx.em.kvs.seed(WAIVER_KEYS.book('DT'), book('2020-12-31'));
    await expect(enablerGate({ issue: { key: issue.key } })).resolves.toMatchObject({
      result: false,
    });
  });

  it('the enabler gate checks the spike timebox when the rule asks for it', async () => {
    const spike = ctx.em.addIssue({
      projectKey: 'DT',
      type: 'Spike',
      summary: 'x',
      custom: { [site.scopedOutcome.id]: { ...COMPLETE_OUTCOME, timeboxDays: 8 } },
    });
    const configuration = JSON.stringify({ checks: ['scoped-outcome', 'spike-timebox'] });
    const answer = await enablerGate({ issue: { key: spike.key }, configuration });
    expect(answer).toEqual({
      result: false,
      errorMessage: `${spike.key} (Spike) cannot enter a sprint or start without a bounded timebox. To fix: shorten the spike's timebox to at most 3 days (it is 8).`,
    });
  });
});

describe('discovery validated before delivery (function validator)', () => {
  let evidenceId: string;
  beforeEach(() => {
    evidenceId = ctx.em.addAppField('discovery-evidence', 'Discovery evidence').id;
  });
  const idea = (value?: unknown) =>
    ctx.em.addIssue({
      projectKey: 'DT',
      type: 'Discovery',
      summary: 'Idea',
      custom: value === undefined ? {} : { [evidenceId]: value },
    });

  it('refuses an idea without enough evidence, naming the shortfall; 1 Jira call (+1 field lookup once), 2 storage reads (settings, then the evidence log)', async () => {
    const issue = idea({ interviews: 2, usabilityTests: 1, state: 'unvalidated' });
    ctx.em.resetCalls();
    const answer = await discoveryGate({ issue: { key: issue.key } });
    expect(answer).toEqual({
      result: false,
      errorMessage: `${issue.key} (Discovery) is a discovery item that is not validated, so it cannot move to delivery. To fix: gather more evidence: 2 of 3 interviews.`,
    });
    expect(ctx.em.jiraCalls().map((c) => c.operationId)).toEqual(['getFields', 'getIssue']);
    ctx.em.resetCalls();
    await discoveryGate({ issue: { key: issue.key } });
    expect(ctx.em.jiraCalls().map((c) => c.operationId)).toEqual(['getIssue']);
    // The settings context, then the idea's evidence log (the source of truth, not the field).
    expect(ctx.em.kvs.reads()).toBe(2);
  });

  it('uses the configured thresholds, not the state stored in the field', async () => {
    ctx.em.kvs.seed(KEYS.projectConfig('DT'), {
      version: 1,
      updatedAt: '2026-11-01T00:00:00.000Z',
      updatedBy: 'user-admin',
      projectId: site.projectId,
      override: { validation: { minInterviews: 2 } },
    });
    const issue = idea({ interviews: 2, usabilityTests: 1, state: 'unvalidated' });
    await expect(discoveryGate({ issue: { key: issue.key } })).resolves.toEqual({ result: true });
  });

  it('refuses an invalidated idea and lets delivery items and enablers pass', async () => {
    const dead = idea({ interviews: 5, usabilityTests: 2, state: 'invalidated' });
    expect((await discoveryGate({ issue: { key: dead.key } })).errorMessage).toContain(
      'invalidated',
    );
    const story = ctx.em.addIssue({ projectKey: 'DT', type: 'Story', summary: 's' });
    const enabler = ctx.em.addIssue({ projectKey: 'DT', type: 'Enabler', summary: 'e' });
    await expect(discoveryGate({ issue: { key: story.key } })).resolves.toEqual({ result: true });
    await expect(discoveryGate({ issue: { key: enabler.key } })).resolves.toEqual({ result: true });
  });

  it('lets the transition through with no Jira call when the rule leaves its check out', async () => {
    const issue = idea({ interviews: 0, usabilityTests: 0, state: 'unvalidated' });
    ctx.em.resetCalls();
    const answer = await discoveryGate({
      issue: { key: issue.key },
      configuration: JSON.stringify({ checks: ['scoped-outcome'] }),
    });
    expect(answer).toEqual({ result: true });
    expect(ctx.em.jiraCalls()).toEqual([]);
  });

  it("takes the rule's issue types as the discovery types: a named type is judged, another passes", async () => {
    const issue = idea({ interviews: 0, usabilityTests: 0, state: 'unvalidated' });
    const named = await discoveryGate({
      issue: { key: issue.key },
      configuration: JSON.stringify({ issueTypes: ['Discovery'] }),
    });
    expect(named.result).toBe(false);
    expect(named.errorMessage).toContain('is a discovery item that is not validated');
    const other = await discoveryGate({
      issue: { key: issue.key },
      configuration: JSON.stringify({ issueTypes: ['Experiment'] }),
    });
    expect(other).toEqual({ result: true });
    // A type the settings gate by scoped outcome (an enabler) is judged by evidence when the rule
    // names it as a discovery type.
    const enabler = ctx.em.addIssue({ projectKey: 'DT', type: 'Enabler', summary: 'e' });
    const asDiscovery = await discoveryGate({
      issue: { key: enabler.key },
      configuration: JSON.stringify({ issueTypes: ['Enabler'] }),
    });
    expect(asDiscovery.result).toBe(false);
  });

  it('reads only the fields it judges by, and the evidence log only for discovery items', async () => {
    const story = ctx.em.addIssue({ projectKey: 'DT', type: 'Story', summary: 's' });
    await discoveryGate({ issue: { key: story.key } });
    ctx.em.resetCalls();
    await expect(discoveryGate({ issue: { key: story.key } })).resolves.toEqual({ result: true });
    const read = ctx.em.jiraCalls().find((c) => c.operationId === 'getIssue');
    const fields = new URL(`http://jira${read?.path ?? ''}`).searchParams.get('fields');
    expect(fields?.split(',')).toEqual(['issuetype', 'project', evidenceId]);
    // The settings context alone: a delivery item has no evidence log to read.
    expect(ctx.em.kvs.reads()).toBe(1);
  });

  it("records the refusal in the audit log as the discovery gate's", async () => {
    const issue = idea({ interviews: 1, usabilityTests: 0, state: 'unvalidated' });
    await discoveryGate({ issue: { key: issue.key } }, { accountId: 'user-member' });
    const audit = await inInvocation(ctx.em, 'resolver', 'audit/list: listAudit', () =>
      listAudit('DT', undefined, 100),
    );
    expect(audit.entries).toEqual([
      expect.objectContaining({ issueKey: issue.key, source: 'validator:discovery-gate' }),
    ]);
  });

  it('fails closed naming the item when Jira cannot be read', async () => {
    const issue = idea({ interviews: 5, usabilityTests: 2, state: 'validated' });
    ctx.em.injectFault({ match: /GET \/rest\/api\/3\/issue\//, status: 500, times: 5 });
    const answer = await discoveryGate({ issue: { key: issue.key } });
    expect(answer.result).toBe(false);
    expect(answer.errorMessage).toContain(
      `Dual Track: discovery validated before delivery: the check for ${issue.key} could not be completed, so the transition is refused.`,
    );
  });

  it('refuses on a malformed rule configuration', async () => {
    const issue = idea();
    const answer = await discoveryGate({
      issue: { key: issue.key },
      configuration: '{"checks":["x"]}',
    });
    expect(answer.result).toBe(false);
    expect(answer.errorMessage).toContain('misconfigured');
  });
});
