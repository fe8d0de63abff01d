import type { BridgeError, Result } from '@contract/bridge-contract';
import { useCallback, useEffect, useRef, useState, type DependencyList } from 'react';

/**
 * The one way a screen loads its data on mount: `load` (a resolver call through the bridge
 * client) runs when the screen mounts and again whenever `deps` change or `reload` is called.
 * `keepData` keeps the last answer on screen while it loads again (marked `refreshing`);
 * otherwise a reload shows loading. A reload asked for while one runs joins it.
 */

export type ResolverState<T> =
  | { kind: 'loading' }
  | { kind: 'error'; error: BridgeError }
  | { kind: 'ready'; data: T; refreshing: boolean };

export function useResolver<T>(
  load: () => Promise<Result<T>>,
  deps: DependencyList,
  options: { keepData?: boolean } = {},
): { state: ResolverState<T>; reload: () => Promise<void> } {
  const keepData = options.keepData ?? false;
  const [state, setState] = useState<ResolverState<T>>({ kind: 'loading' });
  const generation = useRef(0);
  const inFlight = useRef<Promise<void> | null>(null);

  // The caller's deps decide when `load` is a new one (as with useEffect).
  const run = useCallback(load, deps);

  const reload = useCallback((): Promise<void> => {
    if (inFlight.current) return inFlight.current;
    const mine = generation.current;
    setState((s) => {
      if (!keepData) return { kind: 'loading' };
      return s.kind === 'ready' ? { ...s, refreshing: true } : s;
    });
    const pending = run()
      .then((result) => {
        if (generation.current !== mine) return;
        setState(
          result.ok
            ? { kind: 'ready', data: result.data, refreshing: false }
            : { kind: 'error', error: result.error },
        );
      })
      .finally(() => {
        if (inFlight.current === pending) inFlight.current = null;
      });
    inFlight.current = pending;
    return pending;
  }, [run, keepData]);

  useEffect(() => {
    void reload();
    return () => {
      generation.current += 1;
      inFlight.current = null;
    };
  }, [reload]);

  return { state, reload };
}
