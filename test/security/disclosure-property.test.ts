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
 * A property over random permission layouts (issue 19, items 1 and 7): whatever projects a sprint
 * and its links span, whoever may browse which project, which items have an issue security level
 * and whether it grants the member and the app, every text the app writes or returns as the app
 * about an item (validator refusals, guard comments, sprint-start summaries) names only issues
 * every reader of that item may see: a reader may browse the item's project, so sees its items
 * without a level (and those at the item's own level), and nothing else for certain.
 */

const PROJECTS = ['DT', 'SEC', 'OPS'] as const;
type ProjectKey = (typeof PROJECTS)[number];
const TYPES = ['Story', 'Enabler', 'Discovery'] as const;

interface ItemSpec {
  project: ProjectKey;
  type: (typeof TYPES)[number];
  high: boolean;
  inSprint: boolean;
  /** At the security level "Restricted". */
  secured: boolean;
}
interface Layout {
  items: ItemSpec[];
  links: Array<[number, number]>;
  /** Who may browse SEC and OPS besides the admin (DT's member always browses DT). */
  memberBrowses: ProjectKey[];
  /** Whether "Restricted" grants the member, and the app user (undocumented: both are tried). */
  memberInLevel: boolean;
  appInLevel: boolean;
}

const layoutArb: fc.Arbitrary<Layout> = fc
  .array(
    fc.record({
      // DT twice as likely: links within one project are where security levels matter.
      project: fc.constantFrom<ProjectKey>('DT', 'DT', 'SEC', 'OPS'),
      type: fc.constantFrom(...TYPES),
      high: fc.boolean(),
      inSprint: fc.boolean(),
      secured: fc.boolean(),
    }),
    { minLength: 3, maxLength: 7 },
  )
  .chain((items) =>
    fc.record({
      items: fc.constant(items),
      links: fc.uniqueArray(
        fc.tuple(fc.nat(items.length - 1), fc.nat(items.length - 1)).filter(([a, b]) => a !== b),
        { minLength: 2, maxLength: 8, selector: ([a, b]) => `${Math.min(a, b)}-${Math.max(a, b)}` },
      ),
      memberBrowses: fc.subarray(['SEC', 'OPS'] as ProjectKey[]),
      memberInLevel: fc.boolean(),
      appInLevel: fc.boolean(),
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
  const level = em.addSecurityLevel({
    name: 'Restricted',
    members: [site.admin, ...(layout.memberInLevel ? [site.member] : [])],
    app: layout.appInLevel,
  });
  layout.items.forEach((spec, i) => {
    if (spec.secured) em.setSecurityLevel(items[i]!.key, level.id);
  });
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

/**
 * Keys named in `text` that some reader of `item` may not see: a reader may browse the item's
 * project and, if the item has a level, holds it; nothing more is known of them.
 */
function undisclosable(em: JiraEmulator, item: EmIssue, text: string): string[] {
  const seenByEveryReader = (other: EmIssue) =>
    other.id === item.id ||
    (other.projectId === item.projectId &&
      (other.securityLevelId === undefined || other.securityLevelId === item.securityLevelId));
  return [...text.matchAll(KEY_PATTERN)]
    .map((m) => m[0])
    .filter((key) => {
      const other = em.findIssue(key);
      return other !== undefined && !seenByEveryReader(other);
    });
}

/** Leaks in the comments the app wrote on the layout's items. */
function commentLeaks(em: JiraEmulator, items: readonly EmIssue[]): string[] {
  return items.flatMap((item) =>
    commentText(em, item.key).flatMap((text) =>
      undisclosable(em, item, text).map((key) => `comment on ${item.key} names ${key}: ${text}`),
    ),
  );
}

/** Runs `body` on a fresh site with `layout`, as useEmulator would; answers the leaks it found. */
async function onSite(
  layout: Layout,
  body: (em: JiraEmulator, built: ReturnType<typeof build>) => Promise<string[]>,
): Promise<string[]> {
  const em = new JiraEmulator().install();
  em.searchLag = DEFAULT_SEARCH_LAG;
  em.invocations.requireInvocation = true; // as useEmulator: every call one invocation
  try {
    const leaks = await body(em, build(em, layout));
    expect(em.violations).toEqual([]);
    return leaks;
  } finally {
    em.uninstall();
  }
}

describe('no text the app writes or returns as the app names an item its readers may not see', () => {
  it('holds over random layouts of projects, links, sprints, permissions and security levels', async () => {
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(layoutArb, async (layout) => {
        runs += 1;
        // Validator refusals as the member sees them, then the guard on each item dragged in.
        const gated = await onSite(layout, async (em, { site, items }) => {
          const leaks: string[] = [];
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
          for (const [i, item] of items.entries()) {
            if (!layout.items[i]!.inSprint) continue;
            await runTrigger(
              em,
              sprintGuard,
              sprintChangeEvent(em, item, { to: site.active, changelogId: String(60_000 + i) }),
            );
          }
          return [...leaks, ...commentLeaks(em, items)];
        });
        // The sprint-start check on its own site: after the guard, nothing would be left to act on.
        const started = await onSite(layout, async (em, { site, items }) => {
          await runTrigger(em, sprintStartCheck, sprintStartedEvent(site.active));
          return commentLeaks(em, items);
        });
        expect([...gated, ...started]).toEqual([]);
      }),
      { numRuns: 60, seed: 20261203 },
    );
    expect(runs).toBe(60);
    // 60 layouts, each set up twice and checked through every gate and trigger.
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
    const secret = em.addIssue({ projectKey: 'DT', type: 'Story', summary: 'secret' });
    em.setSecurityLevel(secret.key, em.addSecurityLevel({ name: 'Restricted' }).id);
    expect(undisclosable(em, own, `waiting on ${secret.key}`)).toEqual([secret.key]);
    expect(undisclosable(em, secret, `this is ${secret.key}, see ${own.key}`)).toEqual([]);
  });
});
