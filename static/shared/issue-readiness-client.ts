import { events } from '@forge/bridge';
import type { BridgeError } from '@contract/bridge-contract';
import type { IssueReadiness } from '@contract/issue-readiness';
import { useCallback, useEffect, useRef, useState } from 'react';
import { callResolver } from './bridge-client';

/**
 * Loads `issue/readiness` for the issue the module runs on, and loads it again whenever the
 * issue may have changed elsewhere: Jira's issue-changed event, the window regaining focus or
 * becoming visible, or the person pressing Refresh. One resolver call per load.
 */

/** Jira's front-end event for an issue view module when the issue changed. */
export const ISSUE_CHANGED_EVENT = 'JIRA_ISSUE_CHANGED';

export type ReadinessState =
  | { kind: 'loading' }
  | { kind: 'error'; error: BridgeError }
  | { kind: 'ready'; readiness: IssueReadiness; refreshing: boolean };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A structural check of the answer: enough to render without crashing on a foreign shape. */
export function parseReadiness(data: unknown): IssueReadiness | undefined {
  if (!isRecord(data) || !isRecord(data['issue']) || !Array.isArray(data['checks'])) {
    return undefined;
  }
  if (typeof data['headline'] !== 'string' || typeof data['canEdit'] !== 'boolean') {
    return undefined;
  }
  return data as unknown as IssueReadiness;
}

export function useIssueReadiness(): { state: ReadinessState; reload: () => Promise<void> } {
  const [state, setState] = useState<ReadinessState>({ kind: 'loading' });
  const live = useRef(true);
  const inFlight = useRef<Promise<void> | null>(null);

  const reload = useCallback((): Promise<void> => {
    if (inFlight.current) return inFlight.current;
    setState((s) => (s.kind === 'ready' ? { ...s, refreshing: true } : s));
    const run = callResolver('issue/readiness', {})
      .then((result) => {
        if (!live.current) return;
        if (!result.ok) return setState({ kind: 'error', error: result.error });
        const readiness = parseReadiness(result.data);
        setState(
          readiness
            ? { kind: 'ready', readiness, refreshing: false }
            : {
                kind: 'error',
                error: {
                  code: 'internal',
                  message: 'The app answered in a form this panel does not know.',
                },
              },
        );
      })
      .finally(() => {
        inFlight.current = null;
      });
    inFlight.current = run;
    return run;
  }, []);

  useEffect(() => {
    live.current = true;
    void reload();
    const onFocus = () => void reload();
    const onVisible = () => {
      if (document.visibilityState === 'visible') void reload();
    };
    window.addEventListener('focus', onFocus);
    document.addEventListener('visibilitychange', onVisible);
    let unsubscribe: (() => void) | undefined;
    events
      .on(ISSUE_CHANGED_EVENT, () => void reload())
      .then((subscription) => {
        if (live.current) unsubscribe = () => subscription.unsubscribe();
        else subscription.unsubscribe();
      })
      .catch((error: unknown) => {
        console.warn('Dual Track: issue change events are not available here.', error);
      });
    return () => {
      live.current = false;
      window.removeEventListener('focus', onFocus);
      document.removeEventListener('visibilitychange', onVisible);
      unsubscribe?.();
    };
  }, [reload]);

  return { state, reload };
}
