import {
  DEMO_USERS,
  evidence,
  addDemoItem,
  seedDemoProject,
  seedEvidenceLog,
} from '../../dev/emulator/demo-project';
import { connectJpdSpace, seedJpdSpace } from '../../dev/emulator/jpd-space';
import type { IssueReadiness } from '../../src/contract/issue-readiness';
import { useEmulator } from '../helpers/emulator';
import { callOnIssue, ok } from '../helpers/invoke';

/**
 * The issue panel reads JPD's delivery link as promote's own: a delivery item linked to an idea
 * of a Jira Product Discovery space shows the idea as its origin (validated or not, by the
 * evidence rule), whatever the idea's issue type is called; the idea's panel lists the delivery
 * items JPD links to it.
 */
const ctx = useEmulator();
const now = new Date();

const validated = evidence({ interviews: 3, usabilityTests: 1 }, 'validated', null);

function site(options: { validatedIdea: boolean; ideaTypeName?: string }) {
  const demo = seedDemoProject(ctx.em, { now });
  const story = addDemoItem(ctx.em, 'DT', now, {
    type: 'Story',
    summary: 'One-page checkout form',
    status: 'To Do',
    points: 3,
  });
  const space = seedJpdSpace(ctx.em, { deliveryKeys: [story.key] });
  // JPD spaces are team-managed: an admin may rename the idea type.
  if (options.ideaTypeName) space.ideaType.name = options.ideaTypeName;
  const idea = ctx.em.findIssue(space.keys.delivery);
  if (!idea) throw new Error('no idea');
  if (options.validatedIdea) {
    idea.custom.set(demo.discoveryEvidence.id, validated);
    seedEvidenceLog(ctx.em, idea, validated, now);
  }
  connectJpdSpace(ctx.em, { key: 'DT', id: demo.projectId }, [space.projectKey], now);
  return { story, space };
}

const readiness = async (issueKey: string) =>
  ok<IssueReadiness>(
    await callOnIssue<IssueReadiness>(ctx.em, 'issue/readiness', DEMO_USERS.member, issueKey, {}),
  );

describe('the issue panel and JPD delivery links', () => {
  it.each([
    ['Idea', undefined],
    ['a renamed idea type', 'Opportunity'],
  ])('shows a validated JPD idea as a delivery item’s origin (%s)', async (_, ideaTypeName) => {
    const { story, space } = site({ validatedIdea: true, ideaTypeName });
    const panel = await readiness(story.key);
    expect(panel.origin).toEqual([
      expect.objectContaining({ key: space.keys.delivery, validated: true }),
    ]);
    expect(panel.checks.find((c) => c.id === 'origin')).toEqual(
      expect.objectContaining({ passed: true }),
    );
  });

  it('shows an idea without enough evidence as an origin not yet validated', async () => {
    const { story, space } = site({ validatedIdea: false, ideaTypeName: 'Opportunity' });
    const panel = await readiness(story.key);
    expect(panel.origin).toEqual([
      expect.objectContaining({ key: space.keys.delivery, validated: false }),
    ]);
    expect(panel.checks.find((c) => c.id === 'origin')?.passed).toBe(false);
  });

  it('lists on the idea the delivery items JPD links to it', async () => {
    const { story, space } = site({ validatedIdea: true });
    const panel = await readiness(space.keys.delivery);
    expect(panel.promotedTo?.map((i) => i.key)).toEqual([story.key]);
    // An idea on the discovery track, not a delivery item of a project to set up.
    expect(panel).toEqual(expect.objectContaining({ track: 'discovery', kind: 'idea' }));
    expect(panel.trackGuessed).toBe(false);
    expect(panel.notes.join(' ')).not.toContain('not set up');
    // Promoted from the connected project's page, where its delivery items belong.
    expect(panel.promotion).toEqual({
      allowed: false,
      reasons: [expect.stringContaining('promote it from the Dual Track page')],
    });
  });
});
