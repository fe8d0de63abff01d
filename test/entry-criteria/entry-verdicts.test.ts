import { setLabels } from '../../dev/emulator/routes/enforcement';
import { issueLinkSite } from '../../dev/emulator/routes/issue-writes';
import type { EmIssue } from '../../dev/emulator/model';
import { DEFAULT_CONFIG } from '../../src/domain/config';
import { entryIssueFields, entryVerdictsOf } from '../../src/items/entry-reader';
import { jiraAsUser } from '../../src/jira/jira-gateway';
import { trackResolver } from '../../src/items/project-items';
import { seedSite, useEmulator } from '../helpers/emulator';
import { inInvocation } from '../helpers/invoke';

/**
 * `entryVerdictsOf`, the batched entry verdicts the project page uses: the evidence of every
 * linked idea that could change a verdict is read together, 100 ideas a bulk fetch, and not at
 * all for ideas the caller has read already. The issues it is given are read beforehand as test
 * setup; the call itself runs as one invocation of the project page's resolver.
 */
const ctx = useEmulator();

const asProjectPage = <T>(accountId: string, fn: () => Promise<T>): Promise<T> =>
  inInvocation(ctx.em, 'resolver', 'project/overview: entryVerdictsOf', fn, { as: accountId });
const prepared = <T>(accountId: string, fn: () => Promise<T>): Promise<T> =>
  ctx.em.invocations.setup(() => ctx.em.runAs(accountId, fn));

const evidence = (state: 'unvalidated' | 'validated') => ({
  interviews: 3,
  usabilityTests: 1,
  prototypeReviews: 0,
  conciergeTests: 0,
  experiments: 0,
  latest: null,
  state,
});

describe('entry verdicts of many issues', () => {
  it('reads the evidence of 150 linked ideas in two bulk fetches, skipping the known ones', async () => {
    const site = seedSite(ctx.em);
    const ev = ctx.em.addAppField('discovery-evidence', 'Discovery evidence');
    const relates = [...issueLinkSite(ctx.em).types.values()].find((t) => t.name === 'Relates');
    if (!relates) throw new Error('no Relates link type');
    const stories: EmIssue[] = [];
    const ideas: EmIssue[] = [];
    for (let i = 0; i < 160; i++) {
      const story = ctx.em.addIssue({ projectKey: 'DT', type: 'Story', summary: `story ${i}` });
      setLabels(ctx.em, story.key, ['architecture']);
      // Even ideas are validated (they cover their story), odd ones are still being validated.
      const idea = ctx.em.addIssue({
        projectKey: 'DT',
        type: 'Discovery',
        summary: `idea ${i}`,
        status: 'Done',
        custom: { [ev.id]: evidence(i % 2 === 0 ? 'validated' : 'unvalidated') },
      });
      issueLinkSite(ctx.em).addLink(relates.id, idea.id, story.id);
      stories.push(story);
      ideas.push(idea);
    }
    const ids = { entryTriage: undefined, discoveryEvidence: ev.id };
    const jira = jiraAsUser(site.member);
    const issues = await prepared(site.member, () =>
      Promise.all(stories.map((s) => jira.getIssue(s.key, ['summary', ...entryIssueFields(ids)]))),
    );
    // The first ten ideas were read by the caller (and say the opposite of Jira, to tell).
    const known = new Map<string, 'validated' | 'unvalidated'>(
      ideas.slice(0, 10).map((idea, i) => [idea.key, i % 2 === 0 ? 'unvalidated' : 'validated']),
    );
    ctx.em.resetCalls();
    const { readings, requests } = await asProjectPage(site.member, () =>
      entryVerdictsOf({
        issues,
        ids,
        tracks: trackResolver(undefined, DEFAULT_CONFIG.tracks.discoveryTypeNames),
        config: DEFAULT_CONFIG,
        jira,
        known,
      }),
    );
    const fetches = ctx.em.jiraCalls();
    expect(fetches.map((c) => c.operationId)).toEqual(['bulkFetchIssues', 'bulkFetchIssues']);
    expect(fetches.map((c) => c.returnedIssues)).toEqual([100, 50]);
    expect(requests).toBe(2);
    expect(readings).toHaveLength(160);
    readings.forEach((reading, i) => {
      const coveredByJira = i % 2 === 0;
      const covered = i < 10 ? !coveredByJira : coveredByJira;
      // A closed idea that is not validated answers nothing: explore first.
      expect([i, reading.verdict.state]).toEqual([i, covered ? 'covered' : 'needs-discovery']);
      expect(reading.requests).toBe(0);
    });
  });

  it('makes no request when no verdict depends on an idea', async () => {
    const site = seedSite(ctx.em);
    const ev = ctx.em.addAppField('discovery-evidence', 'Discovery evidence');
    const plain = ctx.em.addIssue({ projectKey: 'DT', type: 'Story', summary: 'plain' });
    const ids = { entryTriage: undefined, discoveryEvidence: ev.id };
    const jira = jiraAsUser(site.member);
    const issue = await prepared(site.member, () =>
      jira.getIssue(plain.key, ['summary', ...entryIssueFields(ids)]),
    );
    ctx.em.resetCalls();
    const { readings, requests } = await asProjectPage(site.member, () =>
      entryVerdictsOf({
        issues: [issue],
        ids,
        tracks: trackResolver(undefined, DEFAULT_CONFIG.tracks.discoveryTypeNames),
        config: DEFAULT_CONFIG,
        jira,
      }),
    );
    expect(readings.map((r) => r.verdict.state)).toEqual(['not-applicable']);
    expect(requests).toBe(0);
    expect(ctx.em.jiraCalls()).toEqual([]);
  });
});
