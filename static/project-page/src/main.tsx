import '@ui/zod-config';
import { router } from '@forge/bridge';
import { callResolver } from '@ui/bridge-client';
import { mount } from '@ui/mount';
import { issueSearchPath } from './overview-view';
import { ProjectPage, type ProjectPageApi } from './ProjectPage';
import { Routes } from './routes';
import '@ui/page.css';
import './page.css';

/**
 * The project page (`jira:projectPage`): both tracks side by side and the balance signals, with
 * the retro and trends sub-page on its own route.
 */
const api: ProjectPageApi = {
  overview: () => callResolver('project/overview', {}),
  open: (issueKey) => {
    router.open(`/browse/${encodeURIComponent(issueKey)}`).catch((error: unknown) => {
      console.error('Dual Track: could not open the issue in Jira', error);
    });
  },
  search: (jql) => {
    router.open(issueSearchPath(jql)).catch((error: unknown) => {
      console.error('Dual Track: could not open the search in Jira', error);
    });
  },
  templates: {
    list: () => callResolver('templates/list', {}),
    create: (payload) => callResolver('templates/create', payload),
  },
  board: {
    boards: () => callResolver('settings/project/boards', {}),
    get: () => callResolver('settings/project/get', {}),
    save: (payload) => callResolver('settings/project/save', payload),
  },
};

mount(<Routes overview={<ProjectPage api={api} />} />).catch((error: unknown) =>
  console.error('Dual Track: the project page failed to start', error),
);
