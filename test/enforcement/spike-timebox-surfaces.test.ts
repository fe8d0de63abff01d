import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { issueForExpression, validatorAllows } from '../../dev/emulator/jira-expression';
import { commentsOf } from '../../dev/emulator/routes/enforcement';
import type { EmIssue } from '../../dev/emulator/model';
import type { IssueReadiness } from '../../src/contract/issue-readiness';
import type { ProjectOverview } from '../../src/contract/project-overview';
import * as handlers from '../../src/index';
import { toSave, type RuleDefaults } from '../../static/validator-config/src/rule-config';
import { COMPLETE_OUTCOME, useEmulator } from '../helpers/emulator';
import { callOnIssue, callResolver, ok, runTrigger, runValidator } from '../helpers/invoke';
import {
  commentText,
  rememberFieldIds,
  seedEnforcementSite,
  sprintChangeEvent,
  sprintStartedEvent,
  type EnforcementSite,
} from './enforcement-site';

/**
 * The spike timebox rule (src/domain/spike-timebox.ts) on every surface, through the real
 * handlers against the emulated site: a 10-day spike and a date-only spike are refused by the
 * function validator, the expression validator (configured by its screen from the settings
 * resolver, evaluated by the emulator), the sprint guard and the sprint-start check, and flagged
 * by the issue panel and the project page, each with the same fix; the configured limit decides.
 */

const ctx = useEmulator();
let site: EnforcementSite;
beforeEach(() => {
  site = seedEnforcementSite(ctx.em);
  rememberFieldIds(ctx.em, site);
});

const manifest = parseYaml(readFileSync(join(__dirname, '..', '..', 'manifest.yml'), 'utf8')) as {
  modules: { 'jira:workflowValidator': Array<{ key: string; expression?: string }> };
};
const EXPRESSION =
  manifest.modules['jira:workflowValidator'].find((m) => m.key === 'enabler-gate-expression')
    ?.expression ?? '';

const { outcome, successMeasure } = COMPLETE_OUTCOME;
const ADMIN_PAGE = { extension: { type: 'jira:adminPage' } };

function spike(value: Record<string, unknown>): EmIssue {
  return ctx.em.addIssue({
    projectKey: 'DT',
    type: 'Spike',
    summary: 'Spike: which queue',
    custom: { [site.scopedOutcome.id]: value },
  });
}

const inSprint = (issue: EmIssue) =>
  ((ctx.em.issues.get(issue.id)?.custom.get(ctx.em.sprintField.id) as unknown[]) ?? []).length > 0;

/** The expression rule's configuration as its screen saves it from the current settings. */
async function expressionConfig(): Promise<unknown> {
  const defaults = ok<RuleDefaults>(
    await callResolver(ctx.em, 'validator/config-defaults', site.admin, {}, ADMIN_PAGE),
  );
  const saved = toSave('enabler-expression', { issueTypes: '', checks: [] }, {}, defaults);
  if (saved === undefined) throw new Error('the screen would not save the expression rule');
  return JSON.parse(saved);
}

async function overview(): Promise<ProjectOverview> {
  return ok<ProjectOverview>(
    await callResolver(
      ctx.em,
      'project/overview',
      site.member,
      {},
      {
        extension: { project: { id: site.projectId, key: 'DT' } },
      },
    ),
  );
}

/** What every surface says of one spike: whether it lets it go ahead, and the fix it shows. */
async function surfaces(issue: EmIssue) {
  const gate = await runValidator(ctx.em, handlers.enablerGate, {
    issue: { key: issue.key },
    configuration: {},
  });
  const expression = validatorAllows(EXPRESSION, {
    issue: issueForExpression(ctx.em, issue.key),
    config: await expressionConfig(),
  });
  const panel = ok<IssueReadiness>(
    await callOnIssue(ctx.em, 'issue/readiness', site.member, issue.key),
  );
  const bound = panel.checks.find((c) => c.id === 'bound');
  const page = await overview();
  const unscoped = page.signals.unscopedEnablers.items.find((i) => i.key === issue.key);

  ctx.em.setSprint(issue.key, site.active.id);
  await runTrigger(
    ctx.em,
    handlers.sprintGuard,
    sprintChangeEvent(ctx.em, issue, { to: site.active }),
  );
  const guardKept = inSprint(issue);
  const guardSays = commentText(ctx.em, issue.key).join('\n');

  // The sprint-start check acts once per sprint start: each call starts a sprint of its own.
  const started = ctx.em.addSprint({
    boardId: site.active.boardId,
    name: `Sprint for ${issue.key}`,
    state: 'active',
  });
  ctx.em.setSprint(issue.key, started.id);
  await runTrigger(ctx.em, handlers.sprintStartCheck, sprintStartedEvent(started));
  const startKept = inSprint(issue);
  started.state = 'closed';
  const startSays = commentText(ctx.em, issue.key)
    .slice(guardKept ? 0 : 1)
    .join('\n');

  return {
    allowed: {
      gate: gate.result,
      expression: expression.allowed,
      panel: bound?.passed === true && panel.ready,
      page: unscoped === undefined && !page.engineering.unscoped.some((i) => i.key === issue.key),
      guard: guardKept,
      sprintStart: startKept,
    },
    says: {
      gate: gate.errorMessage ?? '',
      panel: bound?.fix ?? '',
      guard: guardSays,
      sprintStart: startSays,
    },
    page: unscoped,
  };
}

const REFUSED = {
  gate: false,
  expression: false,
  panel: false,
  page: false,
  guard: false,
  sprintStart: false,
};

describe('a 10-day spike and a date-only spike on every surface', () => {
  it.each([
    [
      'a 10-day spike',
      { outcome, successMeasure, timeboxDays: 10 },
      "shorten the spike's timebox to at most 3 days (it is 10)",
    ],
    [
      'a date-only spike',
      { outcome, successMeasure, targetDate: '2026-12-20' },
      "set the spike's timebox in days (at most 3; a target date alone does not bound a spike)",
    ],
  ])('%s is refused or flagged everywhere, with the same fix', async (_name, value, fix) => {
    const issue = spike(value);
    const seen = await surfaces(issue);
    expect(seen.allowed).toEqual(REFUSED);
    expect(seen.says.gate).toBe(
      `${issue.key} (Spike) cannot enter a sprint or start without a bounded timebox. To fix: ${fix}.`,
    );
    expect(seen.says.panel).toBe(fix.charAt(0).toUpperCase() + fix.slice(1));
    expect(seen.says.guard).toContain('Dual Track moved this item back to the backlog.');
    expect(seen.says.guard).toContain(fix);
    expect(seen.says.sprintStart).toContain(`${issue.key} (Spike, moved back to the backlog)`);
    expect(seen.says.sprintStart).toContain(fix);
    expect(seen.page).toMatchObject({ kind: 'spike', missing: ['bound'] });
    // One comment from the guard, one from the sprint-start check: nothing else wrote.
    expect(commentsOf(ctx.em, issue.key)).toHaveLength(2);
  });

  it('a 3-day spike goes ahead everywhere (the surfaces do not refuse every spike)', async () => {
    const seen = await surfaces(spike({ outcome, successMeasure, timeboxDays: 3 }));
    expect(Object.values(seen.allowed)).toEqual(Object.values(REFUSED).map(() => true));
  });

  it('the configured limit decides: with a 10-day limit in the settings, the 10-day spike goes ahead everywhere', async () => {
    const saved = await callResolver(
      ctx.em,
      'settings/global/save',
      site.admin,
      { settings: { spike: { defaultTimeboxDays: 3, maxTimeboxDays: 10 } }, expectedVersion: 0 },
      ADMIN_PAGE,
    );
    ok(saved);
    const ten = await surfaces(spike({ outcome, successMeasure, timeboxDays: 10 }));
    expect(Object.values(ten.allowed)).toEqual(Object.values(REFUSED).map(() => true));
    // The date-only spike still is not bounded: a target date is not converted into days.
    const dateOnly = await surfaces(spike({ outcome, successMeasure, targetDate: '2026-12-20' }));
    expect(dateOnly.allowed).toEqual(REFUSED);
    expect(dateOnly.says.panel).toContain('at most 10');
  });
});

describe('a running spike: its clock runs against the rule’s allowance', () => {
  const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString();
  const started = (value: Record<string, unknown>, days: number) => {
    const issue = spike(value);
    issue.statusId = '3'; // In Progress
    issue.statusCategoryChanged = daysAgo(days);
    return issue;
  };

  it.each([
    ['a 10-day spike, held to the limit', { timeboxDays: 10 }, 'limit'],
    ['a date-only spike, held to the default', { targetDate: '2026-12-20' }, 'default'],
  ])('%s: over its timebox on day 5 in the panel and on the page', async (_name, bound, source) => {
    const issue = started({ outcome, successMeasure, ...bound }, 5);
    const panel = ok<IssueReadiness>(
      await callOnIssue(ctx.em, 'issue/readiness', site.member, issue.key),
    );
    expect(panel.timebox).toMatchObject({ daysUsed: 5, daysAllowed: 3, source, overrun: true });
    expect(panel.checks.find((c) => c.id === 'timebox')).toMatchObject({
      passed: false,
      label: 'Within its timebox (5 of 3 days used)',
    });
    const page = await overview();
    expect(page.signals.openEnded.overrunSpikes).toEqual([
      expect.objectContaining({ key: issue.key, daysUsed: 5, timeboxDays: 3 }),
    ]);
    expect(page.engineering['over-timebox'].map((i) => i.key)).toEqual([issue.key]);
  });

  it('a 3-day spike on day 2 is within its own timebox', async () => {
    const issue = started({ outcome, successMeasure, timeboxDays: 3 }, 2);
    const panel = ok<IssueReadiness>(
      await callOnIssue(ctx.em, 'issue/readiness', site.member, issue.key),
    );
    expect(panel.timebox).toMatchObject({
      daysAllowed: 3,
      source: 'scoped-outcome',
      overrun: false,
    });
    const page = await overview();
    expect(page.engineering['in-progress'].map((i) => i.key)).toEqual([issue.key]);
  });
});
