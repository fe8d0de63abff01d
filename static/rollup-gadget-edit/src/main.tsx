import '@ui/zod-config';
import { view } from '@forge/bridge';
import { savedConfig } from '@ui/gadget-config';
import { mount } from '@ui/mount';
import { GadgetEdit } from './GadgetEdit';
import '@ui/page.css';

/** The gadget's edit view (`edit` of `jira:dashboardGadget`): which projects to roll up. */
savedConfig(() => view.getContext())
  .then((config) => mount(<GadgetEdit config={config} />))
  .catch((error: unknown) =>
    console.error('Dual Track: the gadget configuration failed to start', error),
  );
