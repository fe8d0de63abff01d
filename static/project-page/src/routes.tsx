import { view } from '@forge/bridge';
import Spinner from '@atlaskit/spinner';
import { lazy, Suspense, useEffect, useState, type ReactElement } from 'react';

/**
 * The project page's sub-pages (manifest `pages`: `overview` and `retro`). Jira only changes the
 * URL between them; the app reads it from the history `view.createHistory()` gives and follows
 * it while open. Anything but `retro` (including the bare page) is the overview.
 */
export type PageRoute = 'overview' | 'retro';

export function routeOf(pathname: string): PageRoute {
  const segments = pathname.split('/').filter((s) => s.length > 0);
  return segments.at(-1)?.toLowerCase() === 'retro' ? 'retro' : 'overview';
}

const RetroRoute = lazy(() => import('./retro/RetroRoute'));

export function Routes({ overview }: { overview: ReactElement }) {
  const [route, setRoute] = useState<PageRoute | undefined>(undefined);
  useEffect(() => {
    let stop: (() => void) | undefined;
    let cancelled = false;
    view
      .createHistory()
      .then((history) => {
        if (cancelled) return;
        setRoute(routeOf(history.location.pathname));
        stop = history.listen((location) => setRoute(routeOf(location.pathname)));
      })
      .catch((error: unknown) => {
        console.warn('Dual Track: no page history here; showing the overview.', error);
        if (!cancelled) setRoute('overview');
      });
    return () => {
      cancelled = true;
      stop?.();
    };
  }, []);
  if (route === undefined) return <Spinner size="large" label="Loading" />;
  if (route === 'overview') return overview;
  return (
    <Suspense fallback={<Spinner size="large" label="Loading the retro" />}>
      <RetroRoute />
    </Suspense>
  );
}
