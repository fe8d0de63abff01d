import type { JiraEmulator } from '../../dev/emulator/jira-emulator';
import { PAGE_CACHE_KEYS } from '../../src/storage/key-families';

/**
 * The project page is shared between viewers for a minute (src/project-page/shared-overview.ts).
 * A test that changes Jira behind the app's back and loads again stands for a viewer who comes
 * after that minute: this drops the project's shared pages, as their expiry does.
 */
export function sharedPagesExpire(em: JiraEmulator, projectKey: string): void {
  em.kvs.unseed(PAGE_CACHE_KEYS.head(projectKey));
}
