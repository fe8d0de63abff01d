import { DEMO_USERS } from '../../dev/emulator/demo-project';
import type { JiraEmulator } from '../../dev/emulator/jira-emulator';
import { DEFAULT_CONFIG } from '../../src/domain/config';
import { KEYS, PAGE_CACHE_KEYS } from '../../src/storage/key-families';

/**
 * The project page is shared between viewers for a minute (src/project-page/shared-overview.ts).
 * A test that changes Jira behind the app's back and loads again stands for a viewer who comes
 * after that minute: this drops the project's shared pages, as their expiry does.
 */
export function sharedPagesExpire(em: JiraEmulator, projectKey: string): void {
  em.kvs.unseed(PAGE_CACHE_KEYS.head(projectKey));
}

/**
 * Sharing off site-wide (`page.sharedSeconds` 0, as an admin saves it): every load is the
 * viewer's own, with the permission check first, as a chosen board's page always is.
 */
export function sharingOff(em: JiraEmulator): void {
  const record = {
    version: 1,
    updatedAt: new Date().toISOString(),
    updatedBy: DEMO_USERS.admin,
    settings: { ...DEFAULT_CONFIG, page: { ...DEFAULT_CONFIG.page, sharedSeconds: 0 } },
  };
  em.kvs.seed(KEYS.globalConfig, record);
  em.kvs.seed(KEYS.revision(KEYS.globalConfig, 1), record);
}
