import { events } from '@forge/bridge';
import { useEffect } from 'react';
import { callResolver } from './bridge-client';
import { useResolver } from './use-resolver';

/**
 * Loads `issue/readiness` for the issue the module runs on, and loads it again whenever the
 * issue may have changed elsewhere: Jira's issue-changed event, the window regaining focus or
 * becoming visible, or the person pressing Refresh. One resolver call per load.
 */

/** Jira's front-end event for an issue view module when the issue changed. */
export const ISSUE_CHANGED_EVENT = 'JIRA_ISSUE_CHANGED';

export function useIssueReadiness() {
  const loaded = useResolver(() => callResolver('issue/readiness', {}), [], { keepData: true });
  const { reload } = loaded;

  useEffect(() => {
    let live = true;
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
        if (live) unsubscribe = () => subscription.unsubscribe();
        else subscription.unsubscribe();
      })
      .catch((error: unknown) => {
        console.warn('Dual Track: issue change events are not available here.', error);
      });
    return () => {
      live = false;
      window.removeEventListener('focus', onFocus);
      document.removeEventListener('visibilitychange', onVisible);
      unsubscribe?.();
    };
  }, [reload]);

  return loaded;
}
