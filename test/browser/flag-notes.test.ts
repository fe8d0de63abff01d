/**
 * The note a project admin sees on the project settings page when Jira's edit screen kept the
 * sprint guard from setting Jira's Flagged field (issue 15, D), in the preview build in Chromium
 * (real `setup/status` resolver, Jira emulator with the demo project), with axe-core.
 */
import { seriousAxeViolations, usePreviewInChromium } from './preview-harness';
import { ENFORCEMENT_KEYS } from '../../src/storage/key-families';

jest.setTimeout(120_000);

const { server, browser } = usePreviewInChromium();

it('shows what Jira refused and what to change, and nothing when there is nothing to say', async () => {
  const project = server().contexts['project-settings']?.extension['project'] as
    { key: string } | undefined;
  if (!project) throw new Error('the preview has no project settings context');
  const page = await browser().newPage({ viewport: { width: 1280, height: 1000 } });
  const url = new URL('project-settings/', server().url).href;

  await page.goto(url);
  await page.getByRole('heading', { name: 'Set up Dual Track' }).waitFor({ state: 'visible' });
  await expect(page.getByTestId('flag-notes').count()).resolves.toBe(0);

  server().em.kvs.seed(ENFORCEMENT_KEYS.flagNotes(project.key), {
    version: 1,
    types: {
      Enabler: {
        since: '2026-12-01T10:00:00.000Z',
        outcome: { via: 'label', refused: ['field'], overrideRefused: true, siteHasFlagged: true },
      },
    },
  });
  await page.goto(url);
  const note = page.getByTestId('flag-notes');
  await note.waitFor({ state: 'visible' });
  const text = (await note.textContent()) ?? '';
  expect(text).toContain(
    `Jira's Flagged field is not on the edit screen of Enabler items in ${project.key}.`,
  );
  expect(text).toContain('added the label dual-track-flagged instead');
  expect(text).toContain('add Flagged to that screen');
  expect(await seriousAxeViolations(page)).toEqual([]);
  await page.close();
});
