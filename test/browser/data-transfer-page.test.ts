/**
 * "Export / import" on the admin page as a Jira admin uses it, in Debian's Chromium against the
 * local preview (real resolvers, Jira emulator with the demo project): the export downloads one
 * JSON file with every section; after a setting changes, importing that file shows the changed
 * key in the dry run, applies when asked, and the setting is back to the exported value after a
 * reload. Also checks accessibility with axe-core.
 */
import fs from 'fs';
import type { Page } from 'playwright-core';
import {
  DATA_SCHEMA_VERSION,
  DATA_SECTIONS,
  type DataDocument,
} from '../../src/contract/bridge-contract';
import { seriousAxeViolations, usePreviewInChromium } from './preview-harness';
import { KEYS } from '../../src/storage/key-families';

jest.setTimeout(120_000);

const { server, browser } = usePreviewInChromium();

async function openAdmin(): Promise<Page> {
  const page = await browser().newPage({
    viewport: { width: 1280, height: 900 },
    acceptDownloads: true,
  });
  await page.goto(new URL('admin-settings/', server().url).href);
  await openParts(page);
  await page.getByTestId('data-transfer').waitFor({ state: 'visible' });
  return page;
}

/** Opens the settings' validation section and the export / import part (both start closed). */
async function openParts(page: Page): Promise<void> {
  await page.getByTestId('settings-section-validation-toggle').click();
  await page.getByTestId('setting-validation.minInterviews').waitFor({ state: 'visible' });
  await page.getByTestId('admin-data-transfer-toggle').click();
}

const minInterviews = (page: Page) => page.locator('#setting-validation-minInterviews');

async function saveMinInterviews(page: Page, value: string): Promise<void> {
  await minInterviews(page).fill(value);
  await page.getByTestId('settings-save').click();
  await page.getByTestId('save-status').getByText('Settings saved').waitFor({ state: 'visible' });
}

/** A waiver granted in the demo project, as its admin would: fills the waivers and audit log. */
async function grantWaiver(): Promise<void> {
  const project = server().contexts['project-settings']?.extension['project'] as
    { key: string } | undefined;
  const issue = [...server().em.issues.values()].find((i) => i.key.startsWith(`${project?.key}-`));
  if (!project || !issue) throw new Error('the demo project has no issue');
  const response = await fetch(new URL('api/invoke', server().url), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      resource: 'project-settings',
      functionKey: 'waiver/grant',
      payload: {
        issueKey: issue.key,
        reason: 'Agreed with the team for this sprint',
        expiresOn: new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10),
      },
    }),
  });
  const result = (await response.json()) as { ok: boolean; error?: unknown };
  expect(result).toMatchObject({ ok: true });
}

describe('admin page: export / import (Chromium)', () => {
  /** The downloaded file (Playwright deletes downloads with their page). */
  let exported = { name: '', text: '' };

  it('exports every section into one downloaded JSON file', async () => {
    const page = await openAdmin();
    await saveMinInterviews(page, '6');
    await grantWaiver();

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('export-run').click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^dual-track-export-\d{4}-\d{2}-\d{2}\.json$/);
    exported = {
      name: download.suggestedFilename(),
      text: fs.readFileSync(await download.path(), 'utf8'),
    };
    const document = JSON.parse(exported.text) as DataDocument;
    expect(document).toMatchObject({
      format: 'dual-track-export',
      schemaVersion: DATA_SCHEMA_VERSION,
    });
    expect(document.sections).toEqual([...DATA_SECTIONS]);
    // The demo holds records of these; every section's count is shown, none or not.
    const seeded = ['config', 'waivers', 'audit', 'evidence', 'track-mapping'];
    for (const section of DATA_SECTIONS) {
      const records = document.records.filter((r) => r.key.startsWith(`${section}:`));
      if (seeded.includes(section)) expect([section, records.length > 0]).toEqual([section, true]);
      await expect(page.getByTestId(`export-count-${section}`).textContent()).resolves.toBe(
        `${section}: ${records.length} record${records.length === 1 ? '' : 's'}`,
      );
    }
    expect(document.records.find((r) => r.key === KEYS.globalConfig)?.value).toMatchObject({
      version: 1,
      settings: { validation: { minInterviews: 6 } },
    });
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.close();
  });

  it('refuses a file that is not an export, before sending anything', async () => {
    const page = await openAdmin();
    await page.getByTestId('import-file').setInputFiles({
      name: 'broken.json',
      mimeType: 'application/json',
      buffer: Buffer.from('{"format": "dual-track-export", '),
    });
    await page.getByText('The file is not valid JSON').waitFor({ state: 'visible' });
    await page.getByTestId('import-file').setInputFiles({
      name: 'other.json',
      mimeType: 'application/json',
      buffer: Buffer.from(
        JSON.stringify({
          format: 'dual-track-export',
          schemaVersion: 1,
          exportedAt: 'x',
          sections: ['config', 'config'],
          records: [],
        }),
      ),
    });
    await page
      .getByText(/does not match the export format: document\.sections: names a section/)
      .waitFor({ state: 'visible' });
    expect(await page.getByTestId('import-diff').count()).toBe(0);
    await page.close();
  });

  it('imports the export over a changed setting: diff first, then apply', async () => {
    expect(exported.text).not.toBe('');
    const page = await openAdmin();
    await saveMinInterviews(page, '7');
    expect(server().em.kvs.peek(KEYS.globalConfig)).toMatchObject({ version: 2 });

    // The design system's button opens the browser's file chooser.
    const [chooser] = await Promise.all([
      page.waitForEvent('filechooser'),
      page.getByRole('button', { name: 'Choose an export file (.json)' }).click(),
    ]);
    await chooser.setFiles({
      name: exported.name,
      mimeType: 'application/json',
      buffer: Buffer.from(exported.text),
    });
    const diff = page.getByTestId('import-diff');
    await diff.waitFor({ state: 'visible' });
    await expect(page.getByTestId('import-file-name').textContent()).resolves.toBe(exported.name);
    await expect(page.getByTestId('import-changed').textContent()).resolves.toMatch(
      /Changed: \d+ keys?.*config:global(?!:)/,
    );
    // The revision saved after the export contradicts the imported version 1: it goes.
    await expect(page.getByTestId('import-removed').textContent()).resolves.toContain(
      'config:global:rev:2',
    );
    // A dry run writes nothing.
    expect(server().em.kvs.peek(KEYS.globalConfig)).toMatchObject({ version: 2 });
    expect(await page.getByTestId('import-replace--hidden-checkbox').isChecked()).toBe(false);
    expect(await seriousAxeViolations(page)).toEqual([]);

    // Apply with the keyboard.
    await page.getByTestId('import-apply').focus();
    await page.keyboard.press('Enter');
    const applied = page.getByTestId('import-applied');
    await applied.waitFor({ state: 'visible' });
    await expect(applied.textContent()).resolves.toMatch(/\d+ keys? written and \d+ keys? removed/);
    expect(server().em.kvs.peek(KEYS.globalConfig)).toMatchObject({
      version: 1,
      settings: { validation: { minInterviews: 6 } },
    });

    await page.reload();
    await openParts(page);
    await expect(minInterviews(page).inputValue()).resolves.toBe('6');
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.close();
  });
});
