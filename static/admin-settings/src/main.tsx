import { callResolver } from '@ui/bridge-client';
import { mount } from '@ui/mount';
import '@ui/page.css';
import { AdminSettings, type AdminSettingsApi } from './AdminSettings';
import { DataTransfer, type DataTransferApi } from './DataTransfer';

/** The admin page (`jira:adminPage`, `useAsConfig`): Dual Track's global settings. */
const api: AdminSettingsApi = {
  get: () => callResolver('settings/global/get', {}),
  save: (payload) => callResolver('settings/global/save', payload),
};

const dataApi: DataTransferApi = {
  exportPage: (payload) => callResolver('data/export', payload),
  importDocument: (payload) => callResolver('data/import', payload),
};

mount(
  <AdminSettings api={api}>
    <DataTransfer api={dataApi} />
  </AdminSettings>,
).catch((error: unknown) => console.error('Dual Track: the settings page failed to start', error));
