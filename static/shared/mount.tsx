import { setBooleanFeatureFlagResolver } from '@atlaskit/platform-feature-flags';
import { view } from '@forge/bridge';
import { StrictMode, type ReactElement } from 'react';
import { createRoot } from 'react-dom/client';

/**
 * Starts one Custom UI resource: asks the host for its light/dark theme first (so Atlaskit's
 * design tokens resolve to the host's colours), then renders into `#root`. A host that refuses
 * theming still gets the app, in the default light theme.
 */
/**
 * Atlaskit feature flags this app turns on. Atlaskit's Portal (under the modal dialog) loses its
 * container when React 18's StrictMode mounts, unmounts and mounts it again in development, so a
 * dialog would open empty in the preview; this flag is Atlaskit's own fix for that. Every other
 * flag stays off, as it is without a resolver.
 */
const ATLASKIT_FLAGS = new Set(['platform_design_system_team_portal_logic_r18_fix']);

export async function mount(app: ReactElement): Promise<void> {
  setBooleanFeatureFlagResolver((flag) => ATLASKIT_FLAGS.has(flag));
  try {
    await view.theme.enable();
  } catch (error) {
    console.warn('Dual Track: theming is not available here; using the default theme.', error);
  }
  const container = document.getElementById('root');
  if (!container) throw new Error('index.html has no #root element');
  createRoot(container).render(<StrictMode>{app}</StrictMode>);
}
