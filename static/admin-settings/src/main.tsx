import { callResolver } from '@ui/bridge-client';
import { mount } from '@ui/mount';
import '@ui/page.css';
import { AdminSettings, type AdminSettingsApi } from './AdminSettings';

/** The admin page (`jira:adminPage`, `useAsConfig`): Dual Track's global settings. */
const api: AdminSettingsApi = {
  get: () => callResolver('settings/global/get', {}),
  save: (payload) => callResolver('settings/global/save', payload),
};

mount(<AdminSettings api={api} />).catch((error: unknown) =>
  console.error('Dual Track: the settings page failed to start', error),
);
