import api, { route } from '@forge/api';
import { seedSite, useEmulator, type DemoSite } from '../helpers/emulator';

/**
 * What the emulator refuses and how its search lags, each sent through the seam the app uses
 * (asApp()/asUser().requestJira). Sources: docs/emulator-refusals.md.
 */
const ctx = useEmulator({ searchLag: { searches: 2, settleOnInvocation: false } });
/** The test's own requests: probes of the emulated site's contract, not calls of the app. */
const probe = <T>(fn: () => Promise<T>): Promise<T> => ctx.em.invocations.setup(fn);
let site: DemoSite;

beforeEach(() => {
  site = seedSite(ctx.em);
});

type Json = Record<string, unknown>;

async function search(body: Json): Promise<{ status: number; body: Json }> {
  const res = await api.asApp().requestJira(route`/rest/api/3/search/jql`, {
    method: 'POST',
    body: JSON.stringify(body),
    headers: { 'Content-Type': 'application/json' },
  });
  return { status: res.status, body: (await res.json()) as Json };
}

async function count(jql: string): Promise<number> {
  const res = await api.asApp().requestJira(route`/rest/api/3/search/approximate-count`, {
    method: 'POST',
    body: JSON.stringify({ jql }),
    headers: { 'Content-Type': 'application/json' },
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { count: number }).count;
}

const keysOf = (body: Json) => (body['issues'] as Array<{ key: string }>).map((i) => i.key);
const messages = (body: Json) => (body['errorMessages'] as string[]).join(' ');

describe('search/jql paging limits', () => {
  it.each([0, -1, 5001])('refuses maxResults %d with 400 naming the range', (maxResults) =>
    probe(async () => {
      const answer = await search({ jql: 'project = DT', maxResults });
      expect(answer.status).toBe(400);
      expect(messages(answer.body)).toContain('between 1 and 5,000');
    }),
  );

  it('accepts 5000 and returns fewer per page when fields are asked for', () =>
    probe(async () => {
      for (let i = 0; i < 120; i += 1) {
        ctx.em.addIssue({ projectKey: 'DT', type: 'Story', summary: `s${i}` });
      }
      const answer = await search({ jql: 'project = DT', maxResults: 5000, fields: ['summary'] });
      expect(answer.status).toBe(200);
      expect(keysOf(answer.body)).toHaveLength(100);
      expect(answer.body['isLast']).toBe(false);
    }));

  it('refuses more than 50 reconcileIssues ids', () =>
    probe(async () => {
      const ids = Array.from({ length: 51 }, (_, i) => 10000 + i);
      const answer = await search({ jql: 'project = DT', reconcileIssues: ids });
      expect(answer.status).toBe(400);
      expect(messages(answer.body)).toContain('reconcileIssues');
    }));
});

describe('JQL refusals', () => {
  it('refuses a key that names no issue', () =>
    probe(async () => {
      ctx.em.addIssue({ projectKey: 'DT', type: 'Story', summary: 'a' });
      const answer = await search({ jql: 'key in (DT-1, DT-99)' });
      expect(answer.status).toBe(400);
      expect(messages(answer.body)).toBe(
        "An issue with key 'DT-99' does not exist for field 'key'.",
      );
    }));

  it('refuses a key of an issue the caller cannot browse, as if it did not exist', () =>
    probe(async () => {
      ctx.em.addProject({ key: 'SEC' });
      ctx.em.addIssue({ projectKey: 'SEC', type: 'Story', summary: 'secret' });
      const res = await ctx.em.runAs(site.member, () =>
        api.asUser().requestJira(route`/rest/api/3/search/jql`, {
          method: 'POST',
          body: JSON.stringify({ jql: 'key = SEC-1' }),
        }),
      );
      expect(res.status).toBe(400);
      expect(await res.text()).toContain("An issue with key 'SEC-1' does not exist");
    }));

  it('evaluates openSprints(), closedSprints() and futureSprints()', () =>
    probe(async () => {
      const board = ctx.em.addBoard({ projectKey: 'DT' });
      const closed = ctx.em.addSprint({ boardId: board.id, name: 'S1', state: 'closed' });
      const active = ctx.em.addSprint({ boardId: board.id, name: 'S2', state: 'active' });
      const future = ctx.em.addSprint({ boardId: board.id, name: 'S3', state: 'future' });
      const a = ctx.em.addIssue({ projectKey: 'DT', type: 'Story', summary: 'in closed' });
      const b = ctx.em.addIssue({ projectKey: 'DT', type: 'Story', summary: 'in active' });
      const c = ctx.em.addIssue({ projectKey: 'DT', type: 'Story', summary: 'in future' });
      ctx.em.addIssue({ projectKey: 'DT', type: 'Story', summary: 'backlog' });
      ctx.em.setSprint(a.key, closed.id);
      ctx.em.setSprint(b.key, active.id);
      ctx.em.setSprint(c.key, future.id);
      const keys = async (jql: string) =>
        keysOf(
          (await search({ jql: `project = DT AND ${jql} ORDER BY key ASC`, fields: ['key'] })).body,
        );
      expect(await keys('sprint in openSprints()')).toEqual([b.key, c.key]);
      expect(await keys('sprint in closedSprints()')).toEqual([a.key]);
      expect(await keys('sprint in futureSprints()')).toEqual([c.key]);
      expect(await keys('sprint not in openSprints()')).toEqual([a.key]);
    }));

  it('cf[id] IS [NOT] EMPTY: a custom field with or without a value; an unknown id is refused', () =>
    probe(async () => {
      const numeric = ctx.em.nextNumericId();
      const id = `customfield_${numeric}`;
      ctx.em.fields.set(id, {
        id,
        key: id,
        name: 'Story Points',
        custom: true,
        schema: {
          type: 'number',
          custom: 'com.atlassian.jira.plugin.system.customfieldtypes:float',
          customId: numeric,
        },
      });
      const estimated = ctx.em.addIssue({
        projectKey: 'DT',
        type: 'Story',
        summary: 'e',
        custom: { [id]: 3 },
      });
      const bare = ctx.em.addIssue({ projectKey: 'DT', type: 'Story', summary: 'b' });
      const keys = async (jql: string) =>
        keysOf(
          (await search({ jql: `project = DT AND ${jql} ORDER BY key ASC`, fields: ['key'] })).body,
        );
      expect(await keys(`cf[${numeric}] is not EMPTY`)).toEqual([estimated.key]);
      expect(await keys(`cf[${numeric}] IS EMPTY`)).toEqual([bare.key]);
      const unknown = await search({ jql: 'project = DT AND cf[99999] is EMPTY' });
      expect(unknown.status).toBe(400);
      expect(messages(unknown.body)).toContain("Field 'cf[99999]' does not exist");
    }));

  it('refuses an unknown JQL function with 400 naming it', () =>
    probe(async () => {
      const answer = await search({ jql: 'project = DT AND sprint in nextSprints()' });
      expect(answer.status).toBe(400);
      expect(messages(answer.body)).toBe("Unable to find JQL function 'nextSprints()'.");
      expect(ctx.em.violations).toEqual([]);
    }));

  it('records a documented function it does not evaluate as a violation, not a guess', () =>
    probe(async () => {
      const answer = await search({ jql: 'project = DT AND key in watchedIssues()' });
      expect(answer.status).toBe(400);
      expect(ctx.em.violations).toHaveLength(1);
      ctx.em.violations.length = 0;
    }));
});

describe('agile paging', () => {
  it('clamps maxResults above 50 and refuses a negative one', () =>
    probe(async () => {
      const board = ctx.em.addBoard({ projectKey: 'DT' });
      for (let i = 0; i < 60; i += 1) ctx.em.addSprint({ boardId: board.id, name: `S${i}` });
      const big = await api
        .asApp()
        .requestJira(route`/rest/agile/1.0/board/${board.id}/sprint?maxResults=500`);
      expect(big.status).toBe(200);
      const page = (await big.json()) as { maxResults: number; values: unknown[] };
      expect(page.values).toHaveLength(50);
      const negative = await api
        .asApp()
        .requestJira(route`/rest/agile/1.0/board/${board.id}/sprint?maxResults=-1`);
      expect(negative.status).toBe(400);
    }));
});

describe('search is eventually consistent', () => {
  async function createStory(summary: string): Promise<{ id: string; key: string }> {
    const story = [...ctx.em.issueTypes.values()].find((t) => t.name === 'Story');
    const res = await api.asApp().requestJira(route`/rest/api/3/issue`, {
      method: 'POST',
      body: JSON.stringify({
        fields: { project: { key: 'DT' }, issuetype: { id: story?.id }, summary },
      }),
    });
    expect(res.status).toBe(201);
    return (await res.json()) as { id: string; key: string };
  }

  it('a created issue is missed by the next N searches and counts, then found', () =>
    probe(async () => {
      const created = await createStory('new');
      expect(keysOf((await search({ jql: 'project = DT', fields: ['key'] })).body)).toEqual([]);
      expect(await count('project = DT')).toBe(0);
      expect(keysOf((await search({ jql: 'project = DT', fields: ['key'] })).body)).toEqual([
        created.key,
      ]);
      expect(await count('project = DT')).toBe(1);
    }));

  it('reconcileIssues shows the named issue in its latest state at once', () =>
    probe(async () => {
      const created = await createStory('new');
      const answer = await search({
        jql: 'project = DT',
        fields: ['summary'],
        reconcileIssues: [Number(created.id)],
      });
      expect(keysOf(answer.body)).toEqual([created.key]);
    }));

  it('an edit is missed: search matches and returns the value from before the write', () =>
    probe(async () => {
      const issue = ctx.em.addIssue({ projectKey: 'DT', type: 'Story', summary: 'edited' });
      const res = await api.asApp().requestJira(route`/rest/api/3/issue/${issue.key}`, {
        method: 'PUT',
        body: JSON.stringify({ update: { labels: [{ add: 'hot' }] } }),
      });
      expect(res.status).toBe(204);
      const stale = await search({ jql: 'project = DT AND labels = hot', fields: ['labels'] });
      expect(keysOf(stale.body)).toEqual([]);
      const all = await search({ jql: 'project = DT', fields: ['labels'] });
      expect((all.body['issues'] as Array<{ fields: Json }>)[0]?.fields['labels']).toEqual([]);
      const fresh = await search({ jql: 'project = DT AND labels = hot', fields: ['labels'] });
      expect(keysOf(fresh.body)).toEqual([issue.key]);
    }));

  it('an app field value is missed until reconciled or settled; GET issue sees it at once', () =>
    probe(async () => {
      const issue = ctx.em.addIssue({ projectKey: 'DT', type: 'Story', summary: 'x' });
      const value = { outcome: 'o', successMeasure: 'm', timeboxDays: 2 };
      const res = await api
        .asApp()
        .requestJira(route`/rest/api/3/app/field/${site.scopedOutcome.id}/value`, {
          method: 'PUT',
          body: JSON.stringify({ updates: [{ issueIds: [Number(issue.id)], value }] }),
        });
      expect(res.status).toBe(204);
      const direct = await api
        .asApp()
        .requestJira(route`/rest/api/3/issue/${issue.key}?fields=${site.scopedOutcome.id}`);
      expect(((await direct.json()) as { fields: Json }).fields[site.scopedOutcome.id]).toEqual(
        value,
      );
      const stale = await search({ jql: 'project = DT', fields: [site.scopedOutcome.id] });
      expect(
        (stale.body['issues'] as Array<{ fields: Json }>)[0]?.fields[site.scopedOutcome.id],
      ).toBe(null);
      ctx.em.settleSearch();
      const settled = await search({ jql: 'project = DT', fields: [site.scopedOutcome.id] });
      expect(
        (settled.body['issues'] as Array<{ fields: Json }>)[0]?.fields[site.scopedOutcome.id],
      ).toEqual(value);
    }));

  it('a new invocation starts with the index caught up when settleOnInvocation is on', () =>
    probe(async () => {
      ctx.em.searchLag = { searches: 1000 };
      await createStory('new');
      const res = await ctx.em.runAs(site.member, () =>
        api.asUser().requestJira(route`/rest/api/3/search/approximate-count`, {
          method: 'POST',
          body: JSON.stringify({ jql: 'project = DT' }),
        }),
      );
      expect(((await res.json()) as { count: number }).count).toBe(1);
    }));
});

describe('IssueBean field shapes from Atlassian docs', () => {
  const getIssue = (key: string, fields: string) =>
    api.asApp().requestJira(route`/rest/api/3/issue/${key}?fields=${fields}`);

  it('returns a well-formed Sprint value and refuses to return a malformed one', () =>
    probe(async () => {
      const board = ctx.em.addBoard({ projectKey: 'DT' });
      const sprint = ctx.em.addSprint({
        boardId: board.id,
        name: 'S1',
        state: 'active',
        startDate: '2026-11-02T09:00:00.000Z',
      });
      const issue = ctx.em.addIssue({ projectKey: 'DT', type: 'Story', summary: 'x' });
      ctx.em.setSprint(issue.key, sprint.id);
      const res = await getIssue(issue.key, ctx.em.sprintField.id);
      expect(res.status).toBe(200);
      // A Sprint value without boardId and with a state Jira does not have.
      ctx.em.setCustom(issue.key, ctx.em.sprintField.id, [{ id: 1, name: 'S1', state: 'open' }]);
      await expect(getIssue(issue.key, ctx.em.sprintField.id)).rejects.toThrow(
        /customfield_10020 \(Sprint\): 0\.state .*; 0\.boardId/s,
      );
      expect(ctx.em.violations).toHaveLength(1);
      ctx.em.violations.length = 0;
    }));

  it("checks the app's object field values against the manifest schema", () =>
    probe(async () => {
      const issue = ctx.em.addIssue({ projectKey: 'DT', type: 'Story', summary: 'x' });
      ctx.em.setCustom(issue.key, site.scopedOutcome.id, { outcome: 7 });
      await expect(getIssue(issue.key, site.scopedOutcome.id)).rejects.toThrow(/Scoped outcome/);
      ctx.em.violations.length = 0;
    }));

  it('checks Agile answers the contract gives only as examples (a sprint date Jira would not send)', () =>
    probe(async () => {
      const board = ctx.em.addBoard({ projectKey: 'DT' });
      const sprint = ctx.em.addSprint({ boardId: board.id, name: 'S1', state: 'active' });
      const ok = await api.asApp().requestJira(route`/rest/agile/1.0/sprint/${sprint.id}`);
      expect(ok.status).toBe(200);
      sprint.startDate = 'yesterday';
      await expect(
        api.asApp().requestJira(route`/rest/agile/1.0/sprint/${sprint.id}`),
      ).rejects.toThrow(/getSprint.*startDate/);
      ctx.em.violations.length = 0;
    }));
});

describe('Atlassian Document Format', () => {
  const post = (path: ReturnType<typeof route>, body: Json) =>
    api.asApp().requestJira(path, {
      method: 'POST',
      body: JSON.stringify(body),
      headers: { 'Content-Type': 'application/json' },
    });
  const paragraph = (...content: unknown[]) => ({
    type: 'doc',
    version: 1,
    content: [{ type: 'paragraph', content }],
  });

  it('a comment: a document the ADF JSON schema accepts is added, others are refused with 400', () =>
    probe(async () => {
      const issue = ctx.em.addIssue({ projectKey: 'DT', type: 'Story', summary: 'x' });
      const comment = (body: unknown) =>
        post(route`/rest/api/3/issue/${issue.key}/comment`, { body });
      const text = { type: 'text', text: 'Moved back', marks: [{ type: 'strong' }] };
      const mention = { type: 'mention', attrs: { id: 'user-member' } };
      expect((await comment(paragraph(text, mention))).status).toBe(201);
      for (const bad of [
        paragraph('Moved back'), // a bare string where a node belongs
        paragraph({ type: 'text', text: '' }), // an empty text node
        paragraph({ type: 'mention' }), // a mention without whom
        { type: 'doc', version: 2, content: [] },
        'Moved back',
      ]) {
        const res = await comment(bad);
        expect(res.status).toBe(400);
        expect(messages((await res.json()) as Json)).toMatch(/^INVALID_INPUT: the comment body /);
      }
      expect(ctx.em.violations).toEqual([]);
    }));

  it("an issue's description: refused with 400 naming the field", () =>
    probe(async () => {
      const story = [...ctx.em.issueTypes.values()].find((t) => t.name === 'Story');
      const res = await post(route`/rest/api/3/issue`, {
        fields: {
          project: { key: 'DT' },
          issuetype: { id: story?.id },
          summary: 'A story',
          description: paragraph({ type: 'text', text: '' }),
        },
      });
      expect(res.status).toBe(400);
      const body = (await res.json()) as { errors: Record<string, string> };
      expect(body.errors['description']).toMatch(/Atlassian Document Format/);
    }));
});
