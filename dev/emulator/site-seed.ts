import type { JiraEmulator } from './jira-emulator';
import type { EmField } from './model';

/** The small site most handler tests and the bench's queue scenarios start from. */

export interface DemoSite {
  scopedOutcome: EmField;
  projectKey: string;
  member: string;
  outsider: string;
  admin: string;
}

/** A small company-managed project with the track types and the app's field. */
export function seedSite(em: JiraEmulator): DemoSite {
  em.addUser({ accountId: 'user-member', displayName: 'Mia Member' });
  em.addUser({ accountId: 'user-outsider', displayName: 'Oscar Outsider' });
  em.addUser({ accountId: 'user-admin', displayName: 'Ada Admin', siteAdmin: true });
  em.addProject({ key: 'DT', name: 'Dual Track Demo' });
  em.grant('DT', 'user-member');
  for (const name of ['Story', 'Bug', 'Enabler', 'Spike', 'Discovery']) em.addIssueType({ name });
  const scopedOutcome = em.addAppField('scoped-outcome', 'Scoped outcome');
  return {
    scopedOutcome,
    projectKey: 'DT',
    member: 'user-member',
    outsider: 'user-outsider',
    admin: 'user-admin',
  };
}
