import '@ui/zod-config';
import { callResolver } from '@ui/bridge-client';
import { mount } from '@ui/mount';
import '@ui/page.css';
import { PageSection } from '@ui/PageSection';
import { ADMIN_PARTS, AdminSettings, type AdminSettingsApi } from './AdminSettings';
import { DataTransfer, type DataTransferApi } from './DataTransfer';
import { TemplatesEditor, type TemplatesApi } from './TemplatesEditor';

/** The admin page (`jira:adminPage`, `useAsConfig`): Dual Track's global settings. */
const api: AdminSettingsApi = {
  get: () => callResolver('settings/global/get', {}),
  save: (payload) => callResolver('settings/global/save', payload),
  people: (query) => callResolver('settings/global/people', { query }),
};

const dataApi: DataTransferApi = {
  exportPage: (payload) => callResolver('data/export', payload),
  importDocument: (payload) => callResolver('data/import', payload),
};

const templatesApi: TemplatesApi = {
  get: () => callResolver('templates/get', {}),
  save: (payload) => callResolver('templates/save', payload),
  reset: (payload) => callResolver('templates/reset', payload),
};

mount(
  <AdminSettings api={api}>
    <PageSection {...ADMIN_PARTS[0]}>
      <TemplatesEditor api={templatesApi} />
    </PageSection>
    <PageSection {...ADMIN_PARTS[1]}>
      <DataTransfer api={dataApi} />
    </PageSection>
  </AdminSettings>,
).catch((error: unknown) => console.error('Dual Track: the settings page failed to start', error));
