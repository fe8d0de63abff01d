import { callResolver } from '@ui/bridge-client';
import { mount } from '@ui/mount';
import { SetupPanel, type SetupApi } from './SetupPanel';

/** The project settings page (`jira:projectSettingsPage`): for now, setting up Dual Track. */
const api: SetupApi = {
  status: () => callResolver('setup/status', {}),
  run: (payload) => callResolver('setup/run', payload),
};

mount(<SetupPanel api={api} />).catch((error: unknown) =>
  console.error('Dual Track: the settings page failed to start', error),
);
