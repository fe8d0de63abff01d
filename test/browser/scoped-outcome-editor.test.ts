/**
 * The Scoped outcome field's editor (static/scoped-outcome-edit) in the preview build in
 * Chromium: on a spike it holds the timebox to the spike rule (domain/spike-timebox.ts), with
 * the gates' words, and offers no target date; on an enabler it offers both bounds. With axe-core.
 */
import type { Page } from 'playwright-core';
import { KEYS } from '../../src/storage/key-families';
import { seriousAxeViolations, usePreviewInChromium } from './preview-harness';

jest.setTimeout(120_000);

const { server, browser } = usePreviewInChromium();

async function openEditorOn(typeName: string): Promise<Page> {
  const context = server().contexts['scoped-outcome-edit'];
  if (!context) throw new Error('the preview has no scoped outcome editor');
  const issue = context.extension['issue'] as Record<string, unknown>;
  context.extension['issue'] = { ...issue, type: typeName };
  const page = await browser().newPage({ viewport: { width: 900, height: 700 } });
  await page.goto(new URL('scoped-outcome-edit/', server().url).href);
  await page.getByRole('form', { name: 'Scoped outcome' }).waitFor({ state: 'visible' });
  context.extension['issue'] = issue;
  return page;
}

it('on a spike: a timebox of 1 to 3 days, no target date, and the gate’s words for 10 days', async () => {
  const page = await openEditorOn('Spike');
  await expect(page.getByRole('button', { name: 'Target date' }).count()).resolves.toBe(0);
  await expect(
    page.getByText('A spike is time-boxed: 1 to 3 whole days.').isVisible(),
  ).resolves.toBe(true);
  const days = page.getByLabel('Timebox (days)');
  await expect(days.getAttribute('max')).resolves.toBe('3');
  await days.fill('10');
  await days.blur();
  await expect(
    page.getByText("Shorten the spike's timebox to at most 3 days (it is 10).").isVisible(),
  ).resolves.toBe(true);
  expect(await seriousAxeViolations(page)).toEqual([]);
  await page.close();
});

it('on an enabler: a timebox of up to 365 days or a target date', async () => {
  const page = await openEditorOn('Enabler');
  await expect(page.getByRole('button', { name: 'Target date' }).isVisible()).resolves.toBe(true);
  await expect(page.getByLabel('Timebox (days)').getAttribute('max')).resolves.toBe('365');
  await page.close();
});

it('follows the project’s settings: a spike limit of 5 days lets a 5-day spike through', async () => {
  const { em, contexts } = server();
  const project = contexts['scoped-outcome-edit']?.extension['project'] as
    { id: string; key: string } | undefined;
  if (!project) throw new Error('the editor has no project context');
  const record = {
    version: 1,
    updatedAt: new Date().toISOString(),
    updatedBy: 'user-admin',
    projectId: project.id,
    override: { spike: { maxTimeboxDays: 5 } },
  };
  em.kvs.seed(KEYS.projectConfig(project.key), record);
  try {
    const page = await openEditorOn('Spike');
    await expect(page.getByLabel('Timebox (days)').getAttribute('max')).resolves.toBe('5');
    await expect(
      page.getByText('A spike is time-boxed: 1 to 5 whole days.').isVisible(),
    ).resolves.toBe(true);
    await page.close();
  } finally {
    em.kvs.unseed(KEYS.projectConfig(project.key));
  }
});
