/**
 * The workflow rule configuration screen (static/validator-config, used by the create, edit and
 * view entry points of the three Dual Track validators) in the preview build in Chromium. The
 * preview shim answers @forge/jira-bridge's one call, so the test can do what Jira does when the
 * admin saves the rule: call the screen's onConfigure callback and keep the JSON it returns.
 * The Forge context (which rule, which entry point, the saved configuration) is set on the
 * preview server, as Jira would build it; the browser only names the resource.
 */
import type { Page } from 'playwright-core';
import { parseRuleConfiguration } from '../../src/validators/validator-contract';
import { seriousAxeViolations, startPreviewInChromium, type Preview } from './preview-harness';

jest.setTimeout(120_000);

let preview: Preview | undefined;
let original: Record<string, unknown> | undefined;

beforeAll(async () => {
  preview = await startPreviewInChromium();
  original = structuredClone(preview.server.contexts['validator-config']);
});

afterAll(async () => {
  await preview?.close();
});

/** The context Jira gives the screen: the rule's module key, the entry point, its configuration. */
function asJiraOpens(moduleKey: string, entryPoint: string, validatorConfig?: string): void {
  const context = preview?.server.contexts['validator-config'];
  if (!context || !original) throw new Error('the preview has no validator-config resource');
  context.moduleKey = moduleKey;
  context.extension = {
    ...(original['extension'] as Record<string, unknown>),
    entryPoint,
    ...(validatorConfig === undefined ? {} : { validatorConfig }),
  };
}

async function open(theme = 'light'): Promise<Page> {
  if (!preview) throw new Error('the preview did not start');
  const page = await preview.browser.newPage({ viewport: { width: 800, height: 600 } });
  await page.goto(
    new URL(`validator-config/${theme === 'dark' ? '?theme=dark' : ''}`, preview.server.url).href,
  );
  return page;
}

/** What Jira would store when the admin saves the rule now. */
function save(page: Page): Promise<string> {
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

describe('validator configuration screen', () => {
  it('create (function gate): shows issue types and both checks; saving hands Jira the choice as JSON', async () => {
    asJiraOpens('enabler-gate-validator', 'create');
    const page = await open();
    await page.getByTestId('rule-config').waitFor({ state: 'visible' });
    await expect(typesField(page).inputValue()).resolves.toBe('');
    const outcome = page.getByRole('checkbox', { name: 'Scoped outcome is complete' });
    const timebox = page.getByRole('checkbox', { name: 'Spike timebox is set' });
    await expect(outcome.isChecked()).resolves.toBe(true);
    await expect(timebox.isChecked()).resolves.toBe(true);

    await typesField(page).fill('Enabler, Spike');
    await timebox.press('Space');
    await expect(timebox.isChecked()).resolves.toBe(false);

    const json = await save(page);
    expect(JSON.parse(json)).toEqual({
      issueTypes: ['Enabler', 'Spike'],
      checks: ['scoped-outcome'],
    });
    expect(parseRuleConfiguration(json)).toMatchObject({ ok: true });
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.close();
  });

  it('edit (expression gate): shows the saved types; saving carries the Scoped outcome field id and thresholds', async () => {
    asJiraOpens(
      'enabler-gate-expression',
      'edit',
      JSON.stringify({ issueTypes: ['Enabler'], fieldId: 'customfield_19999' }),
    );
    const page = await open('dark');
    await page.getByTestId('rule-config').waitFor({ state: 'visible' });
    await expect(typesField(page).inputValue()).resolves.toBe('Enabler');
    await expect(
      page.getByRole('checkbox', { name: 'Scoped outcome is complete' }).isDisabled(),
    ).resolves.toBe(true);

    const saved = JSON.parse(await save(page)) as Record<string, unknown>;
    const fieldId = [...(preview?.server.em.fields.values() ?? [])].find(
      (f) => f.name === 'Scoped outcome',
    )?.id;
    expect(saved).toMatchObject({
      issueTypes: ['Enabler'],
      fieldId,
      minOutcomeLength: expect.any(Number) as number,
      requireSuccessMeasure: expect.any(Boolean) as boolean,
    });
    expect(saved).not.toHaveProperty('checks');
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.close();
  });

  it('view (discovery gate): names the checks and the issue types, registers no save', async () => {
    asJiraOpens(
      'discovery-gate-validator',
      'view',
      JSON.stringify({ issueTypes: ['Discovery'], checks: ['discovery-validated'] }),
    );
    const page = await open();
    const summary = page.getByTestId('rule-summary');
    await summary.waitFor({ state: 'visible' });
    await expect(summary.textContent()).resolves.toBe(
      'Checks: discovery item is validated. Applies to: Discovery.',
    );
    await expect(save(page)).rejects.toThrow('no onConfigure callback');
    await page.close();
  });
});
