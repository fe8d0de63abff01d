/**
 * The workflow rule configuration screen (static/validator-config) in the preview build in
 * Chromium, as each validator module renders it (create, edit, view; the page names its module
 * and entry point, the server checks them against manifest.yml). The test does what Jira does
 * when the admin saves: calls the screen's onConfigure callback and stores what it returns as the
 * rule's configuration. The expression rule's saved configuration is then evaluated with the
 * Jira expression interpreter against demo issues; and with the module's resolver removed from
 * the manifest, the screen shows why and saves nothing.
 */
import fs from 'fs';
import path from 'path';
import type { Page } from 'playwright-core';
import { parse } from 'yaml';
import { issueForExpression, validatorAllows } from '../../dev/emulator/jira-expression';
import { readManifest, startPreviewServer, type PreviewServer } from '../../dev/preview/server';
import { parseRuleConfiguration } from '../../src/validators/validator-contract';
import { seriousAxeViolations, usePreviewInChromium } from './preview-harness';

jest.setTimeout(180_000);

const preview = usePreviewInChromium();

const EXPRESSION = (
  parse(fs.readFileSync(path.join(__dirname, '..', '..', 'manifest.yml'), 'utf8')) as {
    modules: { 'jira:workflowValidator': Array<{ key: string; expression?: string }> };
  }
).modules['jira:workflowValidator'].find((m) => m.key === 'enabler-gate-expression')?.expression;

async function open(server: PreviewServer, moduleKey: string, entryPoint: string): Promise<Page> {
  const page = await preview.browser().newPage({ viewport: { width: 800, height: 600 } });
  const target = server.pages.find((p) => p.moduleKey === moduleKey && p.entryPoint === entryPoint);
  if (!target) throw new Error(`the preview has no page ${moduleKey}/${entryPoint}`);
  await page.goto(new URL(target.path, server.url).href);
  return page;
}

/** What the screen's onConfigure answers now (undefined: Jira saves nothing). */
function onConfigure(page: Page): Promise<string | undefined> {
  return page.evaluate(async () => {
    const record = (
      globalThis as unknown as {
        __dualTrackPreview?: { onConfigure?: () => Promise<string> | string };
      }
    ).__dualTrackPreview;
    if (!record?.onConfigure) throw new Error('the screen registered no onConfigure callback');
    return record.onConfigure();
  });
}

const typesField = (page: Page) =>
  page.getByLabel('Issue types (comma-separated; empty: the Dual Track settings)');

/** Create, edit and view one rule through its screens; returns what Jira stored. */
async function createEditView(moduleKey: string, types: string): Promise<string> {
  const server = preview.server();
  server.ruleConfigs.delete(moduleKey);
  const create = await open(server, moduleKey, 'create');
  await create.getByTestId('rule-config').waitFor({ state: 'visible' });
  await typesField(create).fill(types);
  const created = await onConfigure(create);
  if (created === undefined) throw new Error(`${moduleKey}: create saved nothing`);
  expect(parseRuleConfiguration(created)).toMatchObject({ ok: true });
  expect(await seriousAxeViolations(create)).toEqual([]);
  await create.close();
  server.ruleConfigs.set(moduleKey, created);

  const edit = await open(server, moduleKey, 'edit');
  await edit.getByTestId('rule-config').waitFor({ state: 'visible' });
  await expect(typesField(edit).inputValue()).resolves.toBe(types);
  const edited = await onConfigure(edit);
  if (edited === undefined) throw new Error(`${moduleKey}: edit saved nothing`);
  await edit.close();
  server.ruleConfigs.set(moduleKey, edited);

  const view = await open(server, moduleKey, 'view');
  const summary = view.getByTestId('rule-summary');
  await summary.waitFor({ state: 'visible' });
  await expect(summary.textContent()).resolves.toContain(`Applies to: ${types}.`);
  await expect(onConfigure(view)).rejects.toThrow('no onConfigure callback');
  await view.close();
  return edited;
}

describe('validator configuration screens, each module × create/edit/view', () => {
  it('enabler-gate-validator: saves the typed types and its checks', async () => {
    const saved = JSON.parse(
      await createEditView('enabler-gate-validator', 'Enabler, Spike'),
    ) as unknown;
    expect(saved).toEqual({
      issueTypes: ['Enabler', 'Spike'],
      checks: ['scoped-outcome', 'spike-timebox'],
    });
  });

  it('enabler-gate-validator: a check cleared on the screen is left out of the saved rule', async () => {
    const server = preview.server();
    server.ruleConfigs.delete('enabler-gate-validator');
    const page = await open(server, 'enabler-gate-validator', 'create');
    await page.getByTestId('rule-config').waitFor({ state: 'visible' });
    const timebox = page.getByRole('checkbox', { name: 'Spike timebox is set' });
    await expect(timebox.isChecked()).resolves.toBe(true);
    await timebox.uncheck();
    await typesField(page).fill('Spike');
    const saved = await onConfigure(page);
    if (saved === undefined) throw new Error('the screen saved nothing');
    expect(JSON.parse(saved)).toEqual({ issueTypes: ['Spike'], checks: ['scoped-outcome'] });
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.close();
  });

  it('discovery-gate-validator: saves the typed types and its one check', async () => {
    const saved = JSON.parse(
      await createEditView('discovery-gate-validator', 'Discovery'),
    ) as unknown;
    expect(saved).toEqual({ issueTypes: ['Discovery'], checks: ['discovery-validated'] });
  });

  it('enabler-gate-expression: the saved rule lets a scoped enabler and a story through, not an unscoped enabler', async () => {
    if (!EXPRESSION) throw new Error('manifest.yml has no enabler-gate-expression expression');
    const json = await createEditView('enabler-gate-expression', 'Enabler');
    const config = JSON.parse(json) as Record<string, unknown>;
    const em = preview.server().em;
    const fieldId = [...em.fields.values()].find((f) => f.name === 'Scoped outcome')?.id;
    expect(config).toMatchObject({ issueTypes: ['Enabler'], fieldId });
    const typeOf = (id: string) => em.issueTypes.get(id)?.name;
    const issues = [...em.issues.values()];
    const scoped = issues.find((i) => {
      const v = i.custom.get(fieldId ?? '') as Record<string, unknown> | undefined;
      return typeOf(i.issueTypeId) === 'Enabler' && v?.['successMeasure'] && v['timeboxDays'];
    });
    const unscoped = issues.find(
      (i) => typeOf(i.issueTypeId) === 'Enabler' && !i.custom.has(fieldId ?? ''),
    );
    const story = issues.find((i) => typeOf(i.issueTypeId) === 'Story');
    if (!scoped || !unscoped || !story) throw new Error('the demo project lacks an example issue');
    const allows = (key: string) =>
      validatorAllows(EXPRESSION, { issue: issueForExpression(em, key), config });
    expect(allows(scoped.key)).toEqual({ allowed: true });
    expect(allows(unscoped.key)).toEqual({ allowed: false });
    expect(allows(story.key)).toEqual({ allowed: true });
  });
});

describe('the expression screen with its module’s resolver removed from the manifest', () => {
  let broken: PreviewServer | undefined;
  beforeAll(async () => {
    const manifest = structuredClone(readManifest());
    for (const m of manifest.modules?.['jira:workflowValidator'] ?? []) {
      if (m.key === 'enabler-gate-expression') delete m.resolver;
    }
    broken = await startPreviewServer({ port: 0, manifest });
  });
  afterAll(async () => {
    await broken?.close();
  });

  it('shows why it cannot save, and onConfigure saves nothing', async () => {
    if (!broken) throw new Error('the second preview did not start');
    const page = await open(broken, 'enabler-gate-expression', 'create');
    const problem = page.getByTestId('rule-save-problem');
    await problem.waitFor({ state: 'visible' });
    await expect(problem.textContent()).resolves.toMatch(
      /^This rule cannot be saved: the Dual Track settings could not be loaded \(.*declares no resolver.*\)/,
    );
    await expect(onConfigure(page)).resolves.toBeUndefined();
    await page.close();
  });
});
