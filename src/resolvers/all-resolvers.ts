import Resolver from '@forge/resolver';
import type { ResolverKey, Result } from '../contract/bridge-contract';
import { enforcementResolvers } from './enforcement-resolvers';
import { evidenceResolvers } from './evidence-resolvers';
import { issuePanelResolvers } from './issue-panel-resolvers';
import { jpdIdeaResolvers } from './jpd-idea-resolvers';
import { projectResolvers } from './project-resolvers';
import { promoteResolvers } from './promote-resolvers';
import type { ResolverRequest } from './resolver-kit';
import { retroResolvers } from './retro-resolvers';
import { setupResolvers } from './setup-resolvers';
import { settingsResolvers } from './settings-resolvers';
import { templateResolvers } from './template-resolvers';
import { dataResolvers } from './data-resolvers';
import { surfaceResolvers } from './surface-resolvers';

/**
 * Every resolver the Custom UI can invoke, by contract key. Each group lives beside its
 * capability; this file only collects them.
 */
export type ResolverGroup = Partial<
  Record<ResolverKey, (request: ResolverRequest) => Promise<Result<unknown>>>
>;

export const RESOLVER_GROUPS: ResolverGroup[] = [
  setupResolvers,
  evidenceResolvers,
  enforcementResolvers,
  promoteResolvers,
  jpdIdeaResolvers,
  projectResolvers,
  issuePanelResolvers,
  settingsResolvers,
  dataResolvers,
  retroResolvers,
  templateResolvers,
  surfaceResolvers,
];

export function allResolvers(): ResolverGroup {
  return RESOLVER_GROUPS.reduce<ResolverGroup>((all, group) => ({ ...all, ...group }), {});
}

export function buildResolverHandler() {
  const resolver = new Resolver();
  for (const [key, fn] of Object.entries(allResolvers())) {
    if (fn)
      resolver.define(key, (request) => fn({ payload: request.payload, context: request.context }));
  }
  return resolver.getDefinitions();
}
