import { retroApi } from './retro-api';
import { RetroPage } from './RetroPage';
import './retro.css';

/** The retro and trends sub-page (route `retro`): its own chunk, loaded when the route opens. */
export default function RetroRoute() {
  return <RetroPage api={retroApi} />;
}
