import { issueLinkSite } from '../../dev/emulator/routes/issue-writes';
import type { EmField, EmIssue } from '../../dev/emulator/model';
import * as handlers from '../../src/index';
import { useEmulator } from '../helpers/emulator';
import { runTrigger, runValidator } from '../helpers/invoke';
import {
  commentText,
  seedEnforcementSite,
  seedTrackMapping,
  sprintChangeEvent,
  sprintStartedEvent,
  type EnforcementSite,
  rememberFieldIds,
} from '../enforcement/enforcement-site';
import { KEYS } from '../../src/storage/key-families';

/**
 * Texts the app writes or returns as the app (validator refusals, guard comments, the sprint-start
 * summary) reach every reader of the item they are on. They name items of that item's project
 * only: an item of another project, which such a reader may not be allowed to browse, is counted
 * but not named.
 */
const ctx = useEmulator();

/** Each call is one invocation of the real handler, as Forge makes it (test/helpers/invoke.ts). */
const enablerGate = (args: unknown, context?: unknown) =>
  runValidator(ctx.em, handlers.enablerGate, args, context);
const sprintGuard = (event: unknown) => runTrigger(ctx.em, handlers.sprintGuard, event);
const sprintStartCheck = (event: unknown) => runTrigger(ctx.em, handlers.sprintStartCheck, event);
let site: EnforcementSite;
let triage: EmField;

beforeEach(() => {
  site = seedEnforcementSite(ctx.em);
  triage = ctx.em.addAppField('entry-triage', 'Entry triage');
  const evidence = ctx.em.addAppField('discovery-evidence', 'Discovery evidence');
  rememberFieldIds(ctx.em, site, { entryTriage: triage.id, discoveryEvidence: evidence.id });
  // A second project, set up too, that DT's member cannot browse.
  ctx.em.addProject({ key: 'SEC', name: 'Security' });
  ctx.em.grant('SEC', 'user-admin');
  seedTrackMapping(ctx.em, 'SEC', site.admin);
  ctx.em.kvs.seed(KEYS.projectConfig('DT'), {
    version: 1,
    updatedAt: '2026-11-01T00:00:00.000Z',
    updatedBy: site.admin,
    projectId: site.projectId,
    override: { entry: { refuseInValidators: true, guardMovesBack: true } },
  });
});

const HIGH = { uncertainty: 'high', risk: 'low', reason: 'A payment provider we never used' };

function link(a: EmIssue, b: EmIssue): void {
  const links = issueLinkSite(ctx.em);
  const relates = [...links.types.values()].find((t) => t.name === 'Relates');
  if (!relates) throw new Error('no Relates link type');
  links.addLink(relates.id, a.id, b.id);
}

/** A DT story meeting the entry criteria, waiting on a DT idea and a SEC idea. */
function storyWaitingOnBoth(): { story: EmIssue; own: EmIssue; foreign: EmIssue } {
  const story = ctx.em.addIssue({
    projectKey: 'DT',
    type: 'Story',
    summary: 'Pay by bank transfer',
    custom: { [triage.id]: HIGH },
  });
  const own = ctx.em.addIssue({ projectKey: 'DT', type: 'Discovery', summary: 'Our idea' });
  const foreign = ctx.em.addIssue({ projectKey: 'SEC', type: 'Discovery', summary: 'Secret idea' });
  link(story, own);
  link(story, foreign);
  return { story, own, foreign };
}

describe('no item of another project is named in what the app writes as the app', () => {
  it("the enabler gate's refusal names the project's own linked idea and only counts the other", async () => {
    const { story, own, foreign } = storyWaitingOnBoth();

    const answer = await enablerGate(
      { issue: { key: story.key }, configuration: {} },
      { accountId: 'user-member' },
    );

    expect(answer.result).toBe(false);
    expect(answer.errorMessage).toContain(
      `is waiting on discovery ${own.key}, an item you may not have access to`,
    );
    expect(answer.errorMessage).not.toContain(foreign.key);
  });

  it("the sprint guard's comment on the item does not name the other project's idea", async () => {
    const { story, own, foreign } = storyWaitingOnBoth();
    ctx.em.setSprint(story.key, site.active.id);

    await sprintGuard(sprintChangeEvent(ctx.em, story, { to: site.active, changelogId: '50001' }));

    const text = commentText(ctx.em, story.key).join('\n');
    expect(text).toContain('Dual Track moved this item back to the backlog.');
    expect(text).toContain(own.key);
    expect(text).not.toContain(foreign.key);
  });

  it('a sprint holding items of two set-up projects gets one summary per project, each naming only its own items', async () => {
    const dtEnabler = ctx.em.addIssue({ projectKey: 'DT', type: 'Enabler', summary: 'DT enabler' });
    const secEnabler = ctx.em.addIssue({
      projectKey: 'SEC',
      type: 'Enabler',
      summary: 'Rotate the keys',
    });
    ctx.em.setSprint(dtEnabler.key, site.active.id);
    ctx.em.setSprint(secEnabler.key, site.active.id);

    await sprintStartCheck(sprintStartedEvent(site.active));

    const dtSummary = commentText(ctx.em, dtEnabler.key).join('\n');
    const secSummary = commentText(ctx.em, secEnabler.key).join('\n');
    expect(dtSummary).toContain(`${dtEnabler.key} (Enabler, moved back to the backlog)`);
    expect(dtSummary).not.toContain(secEnabler.key);
    expect(secSummary).toContain(`${secEnabler.key} (Enabler, moved back to the backlog)`);
    expect(secSummary).not.toContain(dtEnabler.key);
  });
});

/**
 * Issue security levels (issue 19, item 7): an item with a level is seen by fewer people than may
 * browse its project, so a text about another item never names it; it is named only in a text on
 * itself. Whether a level grants the app user is not documented, so both answers are tried.
 */
describe('no item with an issue security level is named in a text about another item', () => {
  function secured(app: boolean): { story: EmIssue; own: EmIssue; secret: EmIssue } {
    const story = ctx.em.addIssue({
      projectKey: 'DT',
      type: 'Story',
      summary: 'Pay by bank transfer',
      custom: { [triage.id]: HIGH },
    });
    const own = ctx.em.addIssue({ projectKey: 'DT', type: 'Discovery', summary: 'Our idea' });
    const secret = ctx.em.addIssue({ projectKey: 'DT', type: 'Spike', summary: 'Pen test' });
    const level = ctx.em.addSecurityLevel({ name: 'Security team', members: [site.admin], app });
    ctx.em.setSecurityLevel(secret.key, level.id);
    link(story, own);
    link(story, secret);
    return { story, own, secret };
  }

  it.each([true, false])(
    "the enabler gate's refusal names the open idea and not the secured spike (level grants the app: %s)",
    async (app) => {
      const { story, own, secret } = secured(app);
      const answer = await enablerGate(
        { issue: { key: story.key }, configuration: {} },
        { accountId: 'user-member' },
      );
      expect(answer.result).toBe(false);
      expect(answer.errorMessage).toContain(
        app
          ? `is waiting on discovery ${own.key}, an item you may not have access to`
          : `is waiting on discovery ${own.key}:`,
      );
      expect(answer.errorMessage).not.toContain(secret.key);
    },
  );

  it("the sprint guard's comment does not name the secured spike", async () => {
    const { story, own, secret } = secured(true);
    ctx.em.setSprint(story.key, site.active.id);
    await sprintGuard(sprintChangeEvent(ctx.em, story, { to: site.active, changelogId: '50002' }));
    const text = commentText(ctx.em, story.key).join('\n');
    expect(text).toContain(own.key);
    expect(text).toContain('an item you may not have access to');
    expect(text).not.toContain(secret.key);
  });

  it('the sprint-start summary leaves a secured item out and tells it on its own comment', async () => {
    const open = ctx.em.addIssue({ projectKey: 'DT', type: 'Enabler', summary: 'Open enabler' });
    const hidden = ctx.em.addIssue({ projectKey: 'DT', type: 'Enabler', summary: 'Key rotation' });
    const level = ctx.em.addSecurityLevel({ name: 'Security team', app: true });
    ctx.em.setSecurityLevel(hidden.key, level.id);
    ctx.em.setSprint(hidden.key, site.active.id);
    ctx.em.setSprint(open.key, site.active.id);

    await sprintStartCheck(sprintStartedEvent(site.active));

    const onOpen = commentText(ctx.em, open.key).join('\n');
    const onHidden = commentText(ctx.em, hidden.key).join('\n');
    expect(onOpen).toContain(`${open.key} (Enabler, moved back to the backlog)`);
    expect(onOpen).toContain('1 item(s) were not sprint-ready');
    expect(onOpen).not.toContain(hidden.key);
    expect(onHidden).toContain(`${hidden.key} (Enabler, moved back to the backlog)`);
    expect(onHidden).not.toContain(open.key);
    // Re-running the event adds no comment.
    await sprintStartCheck(sprintStartedEvent(site.active));
    expect(commentText(ctx.em, hidden.key)).toHaveLength(1);
    expect(commentText(ctx.em, open.key)).toHaveLength(1);
  });
});
