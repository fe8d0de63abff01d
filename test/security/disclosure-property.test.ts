import fc from 'fast-check';
import { JiraEmulator } from '../../dev/emulator/jira-emulator';
import { issueLinkSite } from '../../dev/emulator/routes/issue-writes';
import type { EmIssue } from '../../dev/emulator/model';
import { enablerGate, sprintGuard, sprintStartCheck } from '../../src/index';
import { DEFAULT_SEARCH_LAG } from '../helpers/emulator';
import { runTrigger, runValidator } from '../helpers/invoke';
import {
  commentText,
  seedEnforcementSite,
  seedTrackMapping,
  sprintChangeEvent,
  sprintStartedEvent,
  rememberFieldIds,
} from '../enforcement/enforcement-site';
import { KEYS } from '../../src/storage/key-families';

/**
 * A property over random permission layouts (issue 19, item 1): whatever projects a sprint and
 * its links span, and whoever may browse which project, every text the app writes or returns as
 * the app about an item (validator refusals, guard comments, sprint-start summaries) names only
 * issues that every reader of that item may browse. Readers are modelled per project, as Jira's
 * Browse projects permission is: a reader of an item may browse the other items of its project.
 */

const PROJECTS = ['DT', 'SEC', 'OPS'] as const;
type ProjectKey = (typeof PROJECTS)[number];
const TYPES = ['Story', 'Enabler', 'Discovery'] as const;

interface ItemSpec {
  project: ProjectKey;
  type: (typeof TYPES)[number];
  high: boolean;
  inSprint: boolean;
}
interface Layout {
  items: ItemSpec[];
  links: Array<[number, number]>;
  /** Who may browse SEC and OPS besides the admin (DT's member always browses DT). */
  memberBrowses: ProjectKey[];
}

const layoutArb: fc.Arbitrary<Layout> = fc
  .array(
    fc.record({
      project: fc.constantFrom(...PROJECTS),
      type: fc.constantFrom(...TYPES),
      high: fc.boolean(),
      inSprint: fc.boolean(),
    }),
    { minLength: 2, maxLength: 7 },
  )
  .chain((items) =>
    fc.record({
      items: fc.constant(items),
      links: fc.uniqueArray(
        fc.tuple(fc.nat(items.length - 1), fc.nat(items.length - 1)).filter(([a, b]) => a !== b),
        { maxLength: 8, selector: ([a, b]) => `${Math.min(a, b)}-${Math.max(a, b)}` },
      ),
      memberBrowses: fc.subarray(['SEC', 'OPS'] as ProjectKey[]),
    }),
  );

const HIGH = { uncertainty: 'high', risk: 'low', reason: 'Never done before' };

/** Sets up one layout on a fresh site; answers the created items. */
function build(em: JiraEmulator, layout: Layout) {
  const site = seedEnforcementSite(em);
  const triage = em.addAppField('entry-triage', 'Entry triage');
  const evidence = em.addAppField('discovery-evidence', 'Discovery evidence');
  rememberFieldIds(em, site, { entryTriage: triage.id, discoveryEvidence: evidence.id });
  for (const key of ['SEC', 'OPS'] as const) {
    em.addProject({ key, name: key });
    em.grant(key, site.admin);
    if (layout.memberBrowses.includes(key)) em.grant(key, site.member);
    seedTrackMapping(em, key, site.admin);
  }
  for (const key of PROJECTS) {
    em.kvs.seed(KEYS.projectConfig(key), {
      version: 1,
      updatedAt: '2026-11-01T00:00:00.000Z',
      updatedBy: site.admin,
      projectId: em.projectByKey(key).id,
      override: { entry: { refuseInValidators: true, guardMovesBack: true } },
    });
  }
  const items = layout.items.map((spec, i) =>
    em.addIssue({
      projectKey: spec.project,
      type: spec.type,
      summary: `Item ${i + 1}`,
      ...(spec.high && spec.type === 'Story' ? { custom: { [triage.id]: HIGH } } : {}),
    }),
  );
  const links = issueLinkSite(em);
  const relates = [...links.types.values()].find((t) => t.name === 'Relates');
  if (!relates) throw new Error('no Relates link type');
  for (const [a, b] of layout.links) links.addLink(relates.id, items[a]!.id, items[b]!.id);
  layout.items.forEach((spec, i) => {
    if (spec.inSprint) em.setSprint(items[i]!.key, site.active.id);
  });
  return { site, items };
}

const KEY_PATTERN = /\b[A-Z][A-Z0-9_]+-\d+\b/g;

/** Keys named in `text` that a reader of `item` (anyone who may browse its project) may not see. */
function undisclosable(em: JiraEmulator, item: EmIssue, text: string): string[] {
  const project = em.projects.get(item.projectId)?.key;
  return [...text.matchAll(KEY_PATTERN)]
    .map((m) => m[0])
    .filter((key) => key.split('-')[0] !== project && em.findIssue(key) !== undefined);
}

describe('no text the app writes or returns as the app names an item its readers may not see', () => {
  it('holds over random layouts of projects, links, sprints and permissions', async () => {
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(layoutArb, async (layout) => {
        runs += 1;
        const em = new JiraEmulator().install();
        em.searchLag = DEFAULT_SEARCH_LAG;
        em.invocations.requireInvocation = true; // as useEmulator: every call one invocation
        try {
          const { site, items } = build(em, layout);
          const leaks: string[] = [];
          // Validator refusals, as the member sees them.
          for (const item of items) {
            const answer = await runValidator(
              em,
              enablerGate,
              { issue: { key: item.key }, configuration: {} },
              { accountId: site.member },
            );
            for (const key of undisclosable(em, item, answer.errorMessage ?? '')) {
              leaks.push(`enabler gate on ${item.key} names ${key}: ${answer.errorMessage ?? ''}`);
            }
          }
          // The sprint guard on each item dragged into the sprint, then the sprint-start check.
          for (const [i, item] of items.entries()) {
            if (!layout.items[i]!.inSprint) continue;
            await runTrigger(
              em,
              sprintGuard,
              sprintChangeEvent(em, item, { to: site.active, changelogId: String(60_000 + i) }),
            );
          }
          await runTrigger(em, sprintStartCheck, sprintStartedEvent(site.active));
          for (const item of items) {
            for (const text of commentText(em, item.key)) {
              for (const key of undisclosable(em, item, text)) {
                leaks.push(`comment on ${item.key} names ${key}: ${text}`);
              }
            }
          }
          expect(em.violations).toEqual([]);
          expect(leaks).toEqual([]);
        } finally {
          em.uninstall();
        }
      }),
      { numRuns: 40, seed: 20261203 },
    );
    expect(runs).toBe(40);
    // 40 sites, each set up and checked through every gate and trigger: more than the default.
  }, 180_000);

  it('the check finds a named item of another project (it is not vacuous)', () => {
    const em = new JiraEmulator();
    em.addProject({ key: 'DT', name: 'DT' });
    em.addProject({ key: 'SEC', name: 'SEC' });
    em.addIssueType({ name: 'Story' });
    const own = em.addIssue({ projectKey: 'DT', type: 'Story', summary: 'own' });
    const foreign = em.addIssue({ projectKey: 'SEC', type: 'Story', summary: 'foreign' });
    expect(undisclosable(em, own, `waiting on ${foreign.key} and ${own.key}`)).toEqual([
      foreign.key,
    ]);
  });
});
