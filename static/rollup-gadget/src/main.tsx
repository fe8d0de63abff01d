import '@ui/zod-config';
import { view } from '@forge/bridge';
import { savedConfig } from '@ui/gadget-config';
import { mount } from '@ui/mount';
import { Rollup } from './Rollup';
import '@ui/page.css';
import '@ui/divided-list.css';

/** The dashboard gadget (`jira:dashboardGadget`), with the projects its configuration picked. */
savedConfig(() => view.getContext())
  .then((config) => mount(<Rollup config={config} />))
  .catch((error: unknown) =>
    console.error('Dual Track: the dashboard gadget failed to start', error),
  );
