import { getThemeStyles } from '@atlaskit/tokens/get-theme-styles';
import { setGlobalTheme } from '@atlaskit/tokens/set-global-theme';

/**
 * Stand-in for @forge/bridge in the local preview build only (static/vite.config.mjs aliases
 * `@forge/bridge` here in `preview` mode; production bundles keep the real bridge). It talks to
 * the preview server (dev/preview/server.ts), which runs the real resolvers against the Jira
 * emulator with a context it builds itself. The browser only says which page it is.
 *
 * `?theme=dark` on a page's URL shows it in the dark theme.
 *
 * Pages are served under Forge's CSP (dev/preview/forge-csp.ts): the shim adds no `<style>`
 * element or style attribute of its own, only CSSOM (`el.style`, constructed style sheets).
 */

/** The few browser globals the shim uses (the root tsconfig has no DOM library). */
interface PreviewWindow {
  document: {
    createElement(tag: string): PreviewElement;
    body: { appendChild(child: PreviewElement): unknown } | null;
    adoptedStyleSheets: unknown[];
  };
  CSSStyleSheet: new () => { replaceSync(css: string): void };
  history: { pushState(data: unknown, unused: string, url: URL): void };
  /** The Jira frame around the page (dev/preview/frame.ts), or the page itself when opened alone. */
  parent: { postMessage(message: unknown, targetOrigin: string): void };
  location: { pathname: string; search: string; href: string; origin: string };
  __dualTrackPreview?: PreviewRecord;
  setTimeout(callback: () => void, ms: number): unknown;
}

interface PreviewRecord {
  navigations: string[];
  submissions: unknown[];
  closed: number;
  /** Every flag the page showed (showFlag), in order. */
  flags?: FlagOptions[];
  /**
   * A workflow rule screen's `workflowRules.onConfigure` callback (@forge/jira-bridge): Jira
   * calls it when the admin saves the rule; tests call it the same way.
   */
  onConfigure?: () => Promise<string> | string;
}

interface PreviewElement {
  textContent: string | null;
  setAttribute(name: string, value: string): void;
  style: { cssText: string };
  appendChild?(child: PreviewElement): unknown;
  remove?(): void;
}

const win = globalThis as unknown as PreviewWindow;

/** What the page did that Jira would have handled: for people (a banner) and tests. */
const record = (win.__dualTrackPreview ??= { navigations: [], submissions: [], closed: 0 });
const shownFlags = (record.flags ??= []);

/**
 * @forge/jira-bridge reaches Jira through `globalThis.__bridge.callBridge`, read when it loads
 * (after this module, which the page imports first as @forge/bridge). The preview answers the
 * one call the app makes: the workflow rule screen handing over its onConfigure callback.
 */
(globalThis as unknown as { __bridge?: unknown }).__bridge = {
  callBridge: (
    method: string,
    payload?: { data?: { onConfigure?: unknown } },
  ): Promise<boolean> => {
    if (method !== 'setWorkflowRuleConfigurationCallback') {
      return Promise.reject(new Error(`the preview does not emulate Jira bridge call ${method}`));
    }
    const callback = payload?.data?.onConfigure;
    if (typeof callback !== 'function') return Promise.resolve(false);
    record.onConfigure = callback as () => Promise<string> | string;
    return Promise.resolve(true);
  },
};

/** The resource this page is: the first path segment, as the preview server serves them. */
function resource(): string {
  return win.location.pathname.split('/').filter(Boolean)[0] ?? '';
}

/**
 * Which page this is, as names only: the resource, the module and entry point it is rendered as
 * (`?module=&entryPoint=`, for a resource several modules render) and, for issue views, the
 * issue (`?issue=DT-50`). The server checks them against the manifest and the demo project and
 * builds the context itself.
 */
function pageRef(): Record<string, string> {
  const query = new URLSearchParams(win.location.search);
  const ref: Record<string, string> = { resource: resource() };
  for (const name of ['module', 'entryPoint', 'issue', 'project']) {
    const value = query.get(name);
    if (value !== null && value !== '') ref[name] = value;
  }
  return ref;
}

function say(message: string): void {
  const banner = win.document.createElement('div');
  banner.setAttribute('role', 'status');
  banner.setAttribute('data-testid', 'preview-banner');
  banner.style.cssText =
    'position:fixed;bottom:8px;right:8px;padding:8px 12px;border-radius:4px;' +
    'background:#1d2125;color:#fff;font:14px sans-serif;z-index:1000';
  banner.textContent = `Preview: ${message}`;
  win.document.body?.appendChild(banner);
}

/** The server's answer, or an Error with its message (the way the real bridge rejects). */
async function asJson(response: Response): Promise<unknown> {
  if (!response.ok) {
    const text = await response.text();
    let message = text;
    try {
      message = (JSON.parse(text) as { message?: string }).message ?? text;
    } catch {
      // Not JSON: the text is the message.
    }
    throw new Error(message);
  }
  return response.json();
}

export async function invoke<P, R>(functionKey: string, payload?: P): Promise<R> {
  const response = await fetch('/api/invoke', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ...pageRef(), functionKey, payload: payload ?? {} }),
  });
  return (await asJson(response)) as R;
}

function colorMode(): 'light' | 'dark' {
  return new URLSearchParams(win.location.search).get('theme') === 'dark' ? 'dark' : 'light';
}

interface PreviewHistory {
  location: { pathname: string };
  push: (path: string) => void;
  listen: (listener: (location: { pathname: string }) => void) => () => void;
}

function previewHistory(): PreviewHistory {
  const routeListeners = new Set<(location: { pathname: string }) => void>();
  const location = (): { pathname: string } => ({
    pathname: `/${new URLSearchParams(win.location.search).get('route') ?? ''}`,
  });
  const history: PreviewHistory = {
    get location() {
      return location();
    },
    push: (path) => {
      const url = new URL(win.location.href);
      url.searchParams.set('route', path.replace(/^\/+/, ''));
      win.history.pushState(null, '', url);
      for (const listener of routeListeners) listener(location());
    },
    listen: (listener) => {
      routeListeners.add(listener);
      return () => void routeListeners.delete(listener);
    },
  };
  return history;
}

export const view = {
  getContext: async (): Promise<Record<string, unknown> & { extension: Record<string, unknown> }> =>
    (await asJson(
      await fetch(`/api/context?${new URLSearchParams(pageRef()).toString()}`),
    )) as Record<string, unknown> & { extension: Record<string, unknown> },
  theme: {
    // Atlaskit's default loader adds a <style> per theme, which the CSP blocks; Jira's own
    // theming does not run in the app's frame either. The same CSS goes in as constructed sheets.
    enable: async (): Promise<void> => {
      const state = { colorMode: colorMode(), light: 'light', dark: 'dark' } as const;
      const css = new Map((await getThemeStyles(state)).map((t) => [t.id, t.css]));
      await setGlobalTheme(state, (id) => {
        const text = css.get(id);
        if (text === undefined) throw new Error(`preview: no CSS for theme ${id}`);
        const sheet = new win.CSSStyleSheet();
        sheet.replaceSync(text);
        win.document.adoptedStyleSheets = [...win.document.adoptedStyleSheets, sheet];
      });
    },
  },
  submit: (payload?: unknown): Promise<void> => {
    record.submissions.push(payload);
    say(`Jira would save ${JSON.stringify(payload ?? null)}`);
    return Promise.resolve();
  },
  /**
   * The page history Jira gives full-page modules. The preview keeps the sub-page route in the
   * query (`?route=retro` is Jira's `.../apps/<app>/<env>/retro`); push() changes it in place.
   */
  createHistory: (): Promise<PreviewHistory> => Promise.resolve(previewHistory()),
  close: (): Promise<void> => {
    record.closed += 1;
    say('Jira would close this view.');
    return Promise.resolve();
  },
};

type Listener = (payload?: unknown) => unknown;
const listeners = new Map<string, Set<Listener>>();

/**
 * Jira's front-end events (e.g. JIRA_ISSUE_CHANGED). In the preview nothing emits them except
 * `events.emit` itself, which tests use to play "the issue changed elsewhere".
 */
export const events = {
  on: (event: string, callback: Listener): Promise<{ unsubscribe: () => void }> => {
    const set = listeners.get(event) ?? new Set<Listener>();
    set.add(callback);
    listeners.set(event, set);
    return Promise.resolve({ unsubscribe: () => void set.delete(callback) });
  },
  emit: (event: string, payload?: unknown): Promise<void> => {
    for (const callback of listeners.get(event) ?? []) callback(payload);
    return Promise.resolve();
  },
};

/** An issue's page in Jira, which the preview's frame shows as its issue view. */
const ISSUE_PATH = /^\/browse\/[A-Z][A-Z0-9_]*-[0-9]+$/;

export const router = {
  /**
   * In the preview's Jira frame, an issue opens in the frame's issue view (frame/frame.js follows
   * the message); anything else, or a page opened on its own, gets a banner saying where Jira
   * would go.
   */
  open: (location: string | { target: string }): Promise<void> => {
    const where = typeof location === 'string' ? location : location.target;
    record.navigations.push(where);
    if (win.parent !== (win as unknown) && ISSUE_PATH.test(where)) {
      win.parent.postMessage(
        { type: 'dual-track-preview:open', target: where },
        win.location.origin,
      );
    } else {
      say(`Jira would open ${where}`);
    }
    return Promise.resolve();
  },
  navigate: (location: string | { target: string }): Promise<void> => router.open(location),
};

/** The options of @forge/bridge's showFlag, as its typings describe them. */
interface FlagOptions {
  id: number | string;
  title?: string;
  description?: string;
  type?: 'info' | 'success' | 'warning' | 'error';
  appearance?: 'info' | 'success' | 'warning' | 'error';
  actions?: Array<{ text: string; onClick: () => void }>;
  isAutoDismiss?: boolean;
}

const FLAG_COLOURS: Record<NonNullable<FlagOptions['type']>, string> = {
  info: '#0c66e4',
  success: '#1f845a',
  warning: '#e2b203',
  error: '#c9372c',
};

/**
 * Jira shows a flag in its own frame, outside the app's iframe; the preview shows it as a box at
 * the top right of the page (`data-testid="preview-flag"`, `data-flag-type`), with its title,
 * description and actions, closed by its close() or, when auto-dismissed, after 8 seconds.
 */
export const showFlag = (options: FlagOptions): { close: () => Promise<boolean> } => {
  shownFlags.push(options);
  const type = options.appearance ?? options.type ?? 'info';
  const flag = win.document.createElement('div');
  flag.setAttribute('role', type === 'error' || type === 'warning' ? 'alert' : 'status');
  flag.setAttribute('data-testid', 'preview-flag');
  flag.setAttribute('data-flag-type', type);
  flag.setAttribute('data-flag-id', String(options.id));
  flag.style.cssText =
    `position:fixed;top:8px;right:8px;max-width:24rem;padding:12px 16px;border-radius:4px;` +
    `border-left:6px solid ${FLAG_COLOURS[type]};background:#1d2125;color:#fff;` +
    'font:14px sans-serif;z-index:1001;box-shadow:0 4px 8px rgba(0,0,0,.3)';
  const title = win.document.createElement('strong');
  title.textContent = options.title ?? '';
  flag.appendChild?.(title);
  if (options.description) {
    const description = win.document.createElement('p');
    description.style.cssText = 'margin:4px 0 0';
    description.textContent = options.description;
    flag.appendChild?.(description);
  }
  for (const action of options.actions ?? []) {
    const button = win.document.createElement('button') as PreviewElement & {
      onclick: (() => void) | null;
    };
    button.textContent = action.text;
    button.onclick = action.onClick;
    flag.appendChild?.(button);
  }
  win.document.body?.appendChild(flag);
  let open = true;
  const close = (): Promise<boolean> => {
    if (open) flag.remove?.();
    const was = open;
    open = false;
    return Promise.resolve(was);
  };
  if (options.isAutoDismiss) win.setTimeout(() => void close(), 8000);
  return { close };
};
