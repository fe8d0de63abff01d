import '@ui/zod-config';
import { mount } from '@ui/mount';
import { BoardReadiness } from './BoardReadiness';
import '@ui/page.css';
import '@ui/divided-list.css';

/** The board action (`jira:boardAction`): readiness of the board's active and next sprint. */
mount(<BoardReadiness />).catch((error: unknown) =>
  console.error('Dual Track: the board readiness view failed to start', error),
);
