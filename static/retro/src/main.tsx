import { mount } from '@ui/mount';
import { retroApi } from './retro-api';
import { RetroPage } from './RetroPage';
import './retro.css';

/** The retro and trends sub-page of the project page (route `retro`). */
mount(<RetroPage api={retroApi} />).catch((error: unknown) =>
  console.error('Dual Track: the retro page failed to start', error),
);
