/**
 * One design system on every screen: each page of the local preview (every module of the
 * manifest, the retro route, the issue views on one demo issue of each type, the new-item dialog,
 * the settings pages with every part open), in light and dark, has no native select or date
 * input, no native text field, text area, radio, checkbox or dialog that the design system did
 * not render, no button without its styling, no text outside Atlassian's font stack (a serif
 * or the browser's form-control font) and no date shown as ISO text; axe finds no serious violation.
 */
import type { Page } from 'playwright-core';
import { inParallel, seriousAxeViolations, usePreviewInChromium } from './preview-harness';

jest.setTimeout(600_000);

const preview = usePreviewInChromium();

/** First families of the design tokens' font stacks (font.family.*, older and newer themes). */
const ATLASSIAN_FONTS = [
  'Atlassian Sans',
  'Atlassian Mono',
  'Charlie Text',
  'Charlie Display',
  'ui-sans-serif',
  '-apple-system',
  'ui-monospace',
];

/**
 * Native controls the design system's components render themselves (Textfield, TextArea, Radio,
 * Checkbox, the inputs of Select and DatePicker) carry its Compiled atomic class names, such as
 * `_19itidpf`, on the element itself; the app's own CSS never makes such names (its classes are
 * `dt-…`), so a native control without one was put there by hand.
 */
const COMPILED_CLASS = '^_[a-z0-9]{8}$';

/** Native form controls the app must not draw itself. */
const NATIVE_CONTROLS: ReadonlyArray<[string, string]> = [
  [
    'text field',
    ['text', 'number', 'search', 'email', 'url', 'tel', 'password']
      .map((t) => `input[type="${t}"]`)
      .join(', ') + ', input:not([type])',
  ],
  ['text area', 'textarea'],
  ['radio', 'input[type="radio"]'],
  ['checkbox', 'input[type="checkbox"]'],
  ['dialog', 'dialog'],
];

/** The page's own DOM, as far as the checks read it (the tests compile without the DOM types). */
interface El {
  tagName: string;
  id: string;
  classList: ArrayLike<string>;
  textContent: string | null;
  childNodes: ArrayLike<{ nodeType: number; textContent: string | null }>;
  closest(selector: string): El | null;
  getAttribute(name: string): string | null;
  getBoundingClientRect(): { width: number; height: number };
}
interface PageGlobals {
  document: { querySelectorAll(selector: string): ArrayLike<El>; body: { innerText: string } };
  getComputedStyle(el: El): {
    borderStyle: string;
    appearance: string;
    visibility: string;
    opacity: string;
    fontFamily: string;
  };
}

/** What breaks the design system on the page as it is now, one line per kind and element. */
function offenders(page: Page): Promise<string[]> {
  const args = { fonts: ATLASSIAN_FONTS, controls: NATIVE_CONTROLS, compiled: COMPILED_CLASS };
  return page.evaluate(({ fonts, controls: natives, compiled }) => {
    const { document: doc, getComputedStyle: styleOf } = globalThis as unknown as PageGlobals;
    const all = (selector: string) => Array.from(doc.querySelectorAll(selector));
    const found = new Set<string>();
    const name = (el: El) => {
      const testId = el.closest('[data-testid]')?.getAttribute('data-testid');
      const text = (el.textContent ?? '').trim().replace(/\s+/g, ' ').slice(0, 40);
      return `<${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}> in ${testId ?? 'page'} "${text}"`;
    };
    const shown = (el: El) => {
      const box = el.getBoundingClientRect();
      const style = styleOf(el);
      return (
        box.width > 2 && box.height > 2 && style.visibility !== 'hidden' && style.opacity !== '0'
      );
    };
    for (const el of all('select')) found.add(`native select: ${name(el)}`);
    for (const el of all('input[type="date"]')) found.add(`native date input: ${name(el)}`);
    const designSystems = (el: El) =>
      Array.from(el.classList).some((c) => new RegExp(compiled).test(c));
    for (const [kind, selector] of natives) {
      for (const el of all(selector)) {
        if (!designSystems(el)) found.add(`native ${kind}: ${name(el)}`);
      }
    }
    for (const el of all('button')) {
      const style = styleOf(el);
      if (shown(el) && (style.borderStyle.includes('outset') || style.appearance === 'auto')) {
        found.add(`unstyled button: ${name(el)}`);
      }
    }
    // Text a person reads: elements with text of their own, and the values of text controls.
    const controls =
      'input:not([type="checkbox"]):not([type="radio"]):not([type="hidden"]), textarea, select';
    const readable = new Set<El>(all(controls));
    for (const el of all('body *')) {
      const own = Array.from(el.childNodes).some(
        (n) => n.nodeType === 3 && (n.textContent ?? '').trim() !== '',
      );
      if (own) readable.add(el);
    }
    for (const el of readable) {
      if (!shown(el)) continue;
      // Dates reach the reader through the one formatter, in their locale, never as ISO text.
      const ownText = Array.from(el.childNodes)
        .filter((n) => n.nodeType === 3)
        .map((n) => n.textContent ?? '')
        .join('');
      if (/(?<!\d)\d{4}-\d{2}-\d{2}(?!\d)/.test(ownText)) found.add(`ISO date: ${name(el)}`);
      const family = styleOf(el).fontFamily;
      const first = (family.split(',')[0] ?? '').trim().replace(/^["']|["']$/g, '');
      if (!fonts.includes(first)) found.add(`font ${family}: ${name(el)}`);
    }
    return [...found];
  }, args);
}

interface Screen {
  name: string;
  path: string;
  /** Steps after the page is up: open a dialog, open every part. */
  then?: (page: Page) => Promise<void>;
}

/** Clicks every button of these names the page shows (forms that open in place). */
async function openForms(page: Page, names: readonly string[]): Promise<void> {
  for (const name of names) {
    const button = page.getByRole('button', { name, exact: true });
    if ((await button.count()) > 0) await button.first().click();
  }
}

async function clickAll(page: Page, selector: string): Promise<void> {
  for (const toggle of await page.locator(selector).all()) {
    if ((await toggle.getAttribute('aria-expanded')) === 'false') await toggle.click();
  }
}

/** Every page of the preview, with the states a person reaches from it. */
function screens(): Screen[] {
  const server = preview.server();
  const out: Screen[] = [];
  const em = server.em;
  const byType = new Map<string, string>();
  for (const issue of em.issues.values()) {
    if (!byType.has(issue.issueTypeId)) byType.set(issue.issueTypeId, issue.key);
  }
  for (const p of server.pages) {
    const join = p.path.includes('?') ? '&' : '?';
    if (p.moduleType === 'jira:issuePanel' || p.moduleType === 'jira:issueContext') {
      for (const key of byType.values()) {
        out.push({
          name: `${p.title} on ${key}`,
          path: `${p.path}${join}issue=${key}`,
          // The forms that open in the panel: evidence (type, date), feasibility, triage, explore first.
          then: (page) =>
            openForms(page, [
              'Add evidence',
              'Sign off feasibility',
              'Set triage',
              'Explore first',
            ]),
        });
      }
    } else if (p.moduleType === 'jira:projectPage') {
      out.push({ name: p.title, path: p.path });
      out.push({
        name: `${p.title}: new discovery item dialog`,
        path: p.path,
        then: async (page) => {
          await page.getByTestId('new-discovery-item').click();
          const dialog = page.getByRole('dialog');
          await dialog.waitFor({ state: 'visible' });
          // The enabler's template asks for a target date.
          await dialog.getByRole('radio', { name: /Enabler/ }).check();
        },
      });
      out.push({ name: `${p.title}: retro`, path: `${p.path}${join}route=retro` });
    } else if (p.moduleType === 'jira:adminPage' || p.moduleType === 'jira:projectSettingsPage') {
      out.push({
        name: `${p.title}, every part open`,
        path: p.path,
        then: async (page) => {
          await page.getByTestId('settings-contents').waitFor({ state: 'visible' });
          await clickAll(page, '[data-testid$="-toggle"]');
          await page.waitForLoadState('networkidle');
        },
      });
    } else {
      const name = `${p.title} (${p.moduleKey} ${p.entryPoint ?? ''})`;
      out.push({ name, path: p.path });
      if (p.resource === 'scoped-outcome-edit') {
        out.push({
          name: `${name}: bounded by a target date`,
          path: p.path,
          then: (page) => openForms(page, ['Target date']),
        });
      }
    }
  }
  return out;
}

async function visit(screen: Screen, theme: 'light' | 'dark'): Promise<string[]> {
  const page = await preview.browser().newPage({ viewport: { width: 1280, height: 900 } });
  try {
    const url = new URL(screen.path, preview.server().url);
    if (theme === 'dark') url.searchParams.set('theme', 'dark');
    await page.goto(url.href);
    await page.waitForLoadState('networkidle');
    await page.waitForFunction(
      () => (globalThis as unknown as PageGlobals).document.body.innerText.trim().length > 0,
    );
    await screen.then?.(page);
    await page.waitForTimeout(200);
    const found = await offenders(page);
    const axe = await seriousAxeViolations(page);
    return [...found, ...axe.map((a) => `axe: ${a}`)].map((f) => `${screen.name}: ${f}`);
  } finally {
    await page.close();
  }
}

describe.each(['light', 'dark'] as const)('every screen uses the design system (%s)', (theme) => {
  it('has no native select, date input or hand-made native control, unstyled button, foreign font or ISO date', async () => {
    const list = screens();
    expect(list.length).toBeGreaterThan(8);
    const problems = await inParallel(list, 3, (screen) => visit(screen, theme));
    expect(problems.flat()).toEqual([]);
  });
});
