import {
  addDemoItem,
  DEMO_USERS,
  evidence,
  seedDemoProject,
  seedEvidenceLog,
  type DemoProject,
} from '../../dev/emulator/demo-project';
import { addJpdLinkType, linkDelivery, seedJpdSpace } from '../../dev/emulator/jpd-space';
import { issueLinkSite } from '../../dev/emulator/routes/issue-writes';
import type { RetroAnswer, RetroJobAnswer } from '../../src/contract/retro-report';
import { useEmulator } from '../helpers/emulator';
import { callResolver, deliverQueue, inInvocation, ok } from '../helpers/invoke';
import { jiraAsUser } from '../../src/jira/jira-gateway';
import { reportForViewer } from '../../src/retro/retro-for-viewer';

/**
 * The retro's outcome check with ideas in a Jira Product Discovery space: a finished delivery
 * item linked to a validated idea through JPD's delivery link is a candidate, as one promoted
 * from an idea of the project is; the same idea linked with another type is not (the retro reads
 * the project's own links only for ideas of other projects). A validated JPD idea also covers a
 * high-uncertainty item that entered a sprint.
 */
const ctx = useEmulator();
const now = new Date();
let demo: DemoProject;

beforeEach(() => {
  demo = seedDemoProject(ctx.em, { now });
});

const report = async () =>
  ok<RetroAnswer>(
    await callResolver(
      ctx.em,
      'retro/report',
      DEMO_USERS.member,
      {},
      {
        extension: { project: { id: demo.projectId, key: demo.projectKey } },
      },
    ),
  );

/** Moves a candidate's idea into the JPD space and relinks it with `linkName`'s type. */
function moveIdeaToSpace(storyId: string, linkName: 'jpd' | 'Relates'): string {
  const space = seedJpdSpace(ctx.em, { key: 'IDEA' });
  const site = issueLinkSite(ctx.em);
  const link = site.links.find((l) => l.outwardIssueId === storyId);
  const idea = link ? ctx.em.issues.get(link.inwardIssueId) : undefined;
  if (!link || !idea) throw new Error('the seeded candidate has no promote link');
  idea.projectId = space.projectId;
  idea.issueTypeId = space.ideaType.id;
  const type =
    linkName === 'jpd'
      ? addJpdLinkType(ctx.em)
      : [...site.types.values()].find((t) => t.name === 'Relates');
  if (!type) throw new Error('no link type');
  link.typeId = type.id;
  return idea.key;
}

describe('retro outcome check with JPD ideas', () => {
  it('a delivery item linked to a validated JPD idea is still a candidate', async () => {
    const before = await report();
    const candidate = before.candidates[0];
    if (!candidate) throw new Error('the demo history has no outcome candidate');
    const ideaKey = moveIdeaToSpace(candidate.issueId, 'jpd');
    const after = await report();
    const again = after.candidates.find((c) => c.key === candidate.key);
    expect(again?.ideas.map((i) => i.key)).toEqual([ideaKey]);
  });

  it('linked to that idea with another link type it is not', async () => {
    const before = await report();
    const candidate = before.candidates[0];
    if (!candidate) throw new Error('the demo history has no outcome candidate');
    moveIdeaToSpace(candidate.issueId, 'Relates');
    const after = await report();
    expect(after.candidates.map((c) => c.key)).not.toContain(candidate.key);
  });
});

/**
 * A story that was in the last closed sprint (`more` adds to it), linked by JPD's delivery link
 * to an idea of a new space IDEA, validated or not.
 */
function storyFromSpaceIdea(
  ideaValidated: boolean,
  more: Partial<Parameters<typeof addDemoItem>[3]>,
) {
  const sprint = demo.closedSprints.at(-1);
  if (!sprint) throw new Error('no closed sprint');
  const story = addDemoItem(ctx.em, demo.projectKey, now, {
    type: 'Story',
    summary: 'Pay by bank transfer',
    points: 2,
    sprints: [sprint],
    ...more,
  });
  const space = seedJpdSpace(ctx.em, { key: 'IDEA' });
  const idea = ctx.em.findIssue(space.keys.discovery);
  if (!idea || !space.linkType) throw new Error('no idea');
  const validated = evidence({ interviews: 3, usabilityTests: 1 }, 'validated', null);
  if (ideaValidated) seedEvidenceLog(ctx.em, idea, validated, now);
  linkDelivery(ctx.em, space.linkType, story, idea);
  return { story, idea };
}

describe('the shared retro report and a JPD space a viewer may not browse', () => {
  const job = async (key: 'retro/job/start' | 'retro/job/status', who: string) =>
    ok<RetroJobAnswer>(
      await callResolver(
        ctx.em,
        key,
        who,
        {},
        {
          extension: { project: { id: demo.projectId, key: demo.projectKey } },
        },
      ),
    );

  it('names the space’s idea to those who may browse it, and to no one else', async () => {
    const { idea } = storyFromSpaceIdea(true, { status: 'Done', createdDaysAgo: 20 });
    const ideaKey = idea.key;
    ctx.em.revoke('IDEA', DEMO_USERS.member);

    // The job reads as the app, which names the idea; the admin may browse the space.
    await job('retro/job/start', DEMO_USERS.admin);
    await deliverQueue(ctx.em);
    const seenByAdmin = await job('retro/job/status', DEMO_USERS.admin);
    expect(seenByAdmin.state).toBe('done');
    expect(JSON.stringify(seenByAdmin.report)).toContain(ideaKey);

    const seenByMember = await job('retro/job/status', DEMO_USERS.member);
    const text = JSON.stringify(seenByMember.report);
    expect(text).not.toContain(ideaKey);
    // Only the naming goes: the figures stay.
    expect(seenByMember.report?.trends).toEqual(seenByAdmin.report?.trends);
    expect(seenByMember.report?.hitRate).toEqual(seenByAdmin.report?.hitRate);
    // As the one-invocation report, read as the member, does not show it either.
    expect(JSON.stringify(await report())).not.toContain(ideaKey);
  });
});

describe('reportForViewer', () => {
  it('leaves a hidden idea out of key lists and of the entries that name it, nothing else', async () => {
    const space = seedJpdSpace(ctx.em, { key: 'IDEA' });
    ctx.em.revoke('IDEA', DEMO_USERS.member);
    const hidden = space.keys.discovery;
    const seen = demo.keys.panel.validatingIdea;
    const report = {
      sprints: [{ ideas: { validated: [hidden, seen], promoted: [hidden] } }],
      candidates: [{ key: 'DT-1', ideas: [{ key: hidden, summary: 'Secret' }, { key: seen }] }],
      misses: [{ key: 'DT-2', evidence: [{ ideaKey: hidden, summary: 'Interview: secret' }] }],
      summary: ['Runway steady at 1.2 sprints.'],
    } as unknown as RetroAnswer;
    const answer: RetroJobAnswer = {
      state: 'done',
      joined: false,
      progress: { done: 1, total: 1 },
      report,
    };
    const shown = await inInvocation(ctx.em, 'resolver', 'retro status', () =>
      reportForViewer(jiraAsUser(DEMO_USERS.member), demo.projectKey, answer),
    );
    expect(shown.report).toEqual({
      sprints: [{ ideas: { validated: [seen], promoted: [] } }],
      candidates: [{ key: 'DT-1', ideas: [{ key: seen }] }],
      misses: [{ key: 'DT-2', evidence: [] }],
      summary: ['Runway steady at 1.2 sprints.'],
    });
    // The admin may browse the space: the same report, whole.
    const whole = await inInvocation(ctx.em, 'resolver', 'retro status', () =>
      reportForViewer(jiraAsUser(DEMO_USERS.admin), demo.projectKey, answer),
    );
    expect(whole.report).toEqual(report);
  });
});

describe('retro uncertainty coverage with JPD ideas', () => {
  /** A high-uncertainty story that was in the last closed sprint, linked by JPD to an idea. */
  const riskyStoryFromIdea = (ideaValidated: boolean) =>
    storyFromSpaceIdea(ideaValidated, {
      createdDaysAgo: 200,
      custom: { [demo.entryTriage.id]: { uncertainty: 'high', risk: 'low', reason: 'New bank' } },
    }).story;
  const lastSprint = (r: RetroAnswer) => r.sprints.at(-1)?.uncertainWithoutDiscovery ?? [];

  it('a validated JPD idea covers a high-uncertainty item that entered a sprint', async () => {
    const story = riskyStoryFromIdea(true);
    expect(lastSprint(await report())).not.toContain(story.key);
  });

  it('an idea not yet validated does not', async () => {
    const story = riskyStoryFromIdea(false);
    expect(lastSprint(await report())).toContain(story.key);
  });
});
