import { view } from '@forge/bridge';
import { StrictMode, type ReactElement } from 'react';
import { createRoot } from 'react-dom/client';

/**
 * Starts one Custom UI resource: asks the host for its light/dark theme first (so Atlaskit's
 * design tokens resolve to the host's colours), then renders into `#root`. A host that refuses
 * theming still gets the app, in the default light theme.
 */
export async function mount(app: ReactElement): Promise<void> {
  try {
    await view.theme.enable();
  } catch (error) {
    console.warn('Dual Track: theming is not available here; using the default theme.', error);
  }
  const container = document.getElementById('root');
  if (!container) throw new Error('index.html has no #root element');
  createRoot(container).render(<StrictMode>{app}</StrictMode>);
}
