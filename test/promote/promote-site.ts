import type { JiraEmulator } from '../../dev/emulator/jira-emulator';
import type { EmIssue } from '../../dev/emulator/model';
import type { ResolverKey, Result } from '../../src/contract/bridge-contract';
import { COMPLETE_OUTCOME, seedSite, type DemoSite } from '../helpers/emulator';
import { callResolver, ok } from '../helpers/invoke';
import { issueLinkSite } from '../../dev/emulator/routes/issue-writes';
import { KEYS } from '../../src/storage/key-families';

export { ok } from '../helpers/invoke';

/**
 * The promote suites' site: project DT with the app's fields and one idea with a complete scoped
 * outcome ("One-click reorder"), and resolver calls made on that idea's issue panel.
 */
export interface PromoteSite {
  site: DemoSite;
  idea: EmIssue;
  /** A resolver call from the idea's issue panel, as `accountId`. */
  call<T>(key: ResolverKey, accountId: string, payload: unknown): Promise<Result<T>>;
}

export function seedPromoteSite(em: JiraEmulator): PromoteSite {
  const site = seedSite(em);
  const evidenceField = em.addAppField('discovery-evidence', 'Discovery evidence');
  const triageField = em.addAppField('entry-triage', 'Entry triage');
  em.kvs.seed(KEYS.jiraFields, {
    scopedOutcome: site.scopedOutcome.id,
    discoveryEvidence: evidenceField.id,
    entryTriage: triageField.id,
  });
  const idea = em.addIssue({
    projectKey: 'DT',
    type: 'Discovery',
    summary: 'One-click reorder',
    custom: { [site.scopedOutcome.id]: COMPLETE_OUTCOME },
  });
  const project = em.projectByKey('DT');
  return {
    site,
    idea,
    call: <T>(key: ResolverKey, accountId: string, payload: unknown) =>
      callResolver<T>(em, key, accountId, payload, {
        extension: {
          project: { id: project.id, key: project.key },
          issue: { id: idea.id, key: idea.key },
        },
      }),
  };
}

/**
 * The promote site with an Implements link type and the idea validated through `evidence/add`
 * (3 confirming interviews and a passed usability test, dated yesterday).
 */
export async function seedValidatedIdea(em: JiraEmulator): Promise<PromoteSite> {
  const promoteSite = seedPromoteSite(em);
  issueLinkSite(em).addType({
    name: 'Implements',
    inward: 'is implemented by',
    outward: 'implements',
  });
  const date = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
  for (const [type, times] of [
    ['interview', 3],
    ['usability-test', 1],
  ] as const) {
    for (let i = 0; i < times; i++) {
      ok(
        await promoteSite.call('evidence/add', promoteSite.site.member, {
          entry: { type, date, summary: `${type} ${i + 1}`, positive: true },
        }),
      );
    }
  }
  return promoteSite;
}

/** The answer's data, or a failure naming the error code and message. */
