import '@ui/zod-config';
import { router } from '@forge/bridge';
import { mount } from '@ui/mount';
import { IssuePanel, type IssuePanelApi } from './IssuePanel';
import '@ui/form-controls.css';
import '@ui/page.css';
import './panel.css';

/**
 * The issue panel (`jira:issuePanel`): the item's track, its readiness checklist, evidence log,
 * spike timebox, feasibility review, promote to delivery, and its discovery entry: the Entry
 * triage and, for delivery work that belongs in discovery first, "Explore first".
 */
const api: IssuePanelApi = {
  open: (issueKey) => {
    router.open(`/browse/${encodeURIComponent(issueKey)}`).catch((error: unknown) => {
      console.error('Dual Track: could not open the issue in Jira', error);
    });
  },
};

mount(<IssuePanel api={api} />).catch((error: unknown) =>
  console.error('Dual Track: the issue panel failed to start', error),
);
