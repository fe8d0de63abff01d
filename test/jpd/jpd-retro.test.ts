import { DEMO_USERS, seedDemoProject, type DemoProject } from '../../dev/emulator/demo-project';
import { addJpdLinkType, seedJpdSpace } from '../../dev/emulator/jpd-space';
import { issueLinkSite } from '../../dev/emulator/routes/issue-writes';
import type { RetroAnswer } from '../../src/contract/retro-report';
import { useEmulator } from '../helpers/emulator';
import { callResolver, ok } from '../helpers/invoke';

/**
 * The retro's outcome check with ideas in a Jira Product Discovery space: a finished delivery
 * item linked to a validated idea through JPD's delivery link is a candidate, as one promoted
 * from an idea of the project is; the same idea linked with another type is not (the retro reads
 * the project's own links only for ideas of other projects).
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
