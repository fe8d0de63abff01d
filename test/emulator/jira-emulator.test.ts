import api, { route } from '@forge/api';
import { kvs } from '@forge/kvs';
import { RANK_FIELD_ID } from '../../dev/emulator/model';
import { setLabels } from '../../dev/emulator/routes/enforcement';
import { searchIndex } from '../../dev/emulator/search-lag';
import { seedSite, useEmulator } from '../helpers/emulator';

/** The emulator is only worth its green tests if it refuses what Jira refuses. */
const ctx = useEmulator();
/** The test's own requests: probes of the emulated site's contract, not calls of the app. */
const probe = <T>(fn: () => Promise<T>): Promise<T> => ctx.em.invocations.setup(fn);

beforeEach(() => {
  seedSite(ctx.em);
});

describe('Jira emulator strictness', () => {
  it('rejects an endpoint that is not in the contract loudly and records it', () =>
    probe(async () => {
      await expect(api.asApp().requestJira(route`/rest/api/3/search?jql=x`)).rejects.toThrow(
        /No such Jira REST endpoint: GET \/rest\/api\/3\/search/,
      );
      expect(ctx.em.violations).toHaveLength(1);
      ctx.em.violations.length = 0;
    }));

  it('answers 405 for a method the contract does not document', () =>
    probe(async () => {
      const res = await api.asApp().requestJira(route`/rest/api/3/field`, { method: 'DELETE' });
      expect(res.status).toBe(405);
    }));

  it('answers 400 for an unknown query parameter', () =>
    probe(async () => {
      const issue = ctx.em.addIssue({ projectKey: 'DT', type: 'Story', summary: 's' });
      const res = await api
        .asApp()
        .requestJira(route`/rest/api/3/issue/${issue.key}?feilds=summary`);
      expect(res.status).toBe(400);
      expect(await res.text()).toContain('feilds');
    }));

  it('answers 401 when the manifest lacks the scope the endpoint needs', () =>
    probe(async () => {
      ctx.em.scopes = ['storage:app'];
      const res = await api.asApp().requestJira(route`/rest/api/3/field`);
      expect(res.status).toBe(401);
    }));

  it('requires the documented scope where the contract names none (Get all boards)', () =>
    probe(async () => {
      ctx.em.scopes = ctx.em.scopes.filter((s) => s !== 'read:board-scope:jira-software');
      const res = await api.asApp().requestJira(route`/rest/agile/1.0/board?projectKeyOrId=DT`);
      expect(res.status).toBe(401);
    }));

  it('the bare requestJira sends no credentials and gets 401', () =>
    probe(async () => {
      const res = await api.requestJira(route`/rest/api/3/field`);
      expect(res.status).toBe(401);
    }));

  it('asUser acts as the invoking user; an inactive user gets 401', () =>
    probe(async () => {
      ctx.em.addUser({ accountId: 'gone', active: false });
      const res = await ctx.em.runAs('gone', () =>
        api.asUser().requestJira(route`/rest/api/3/field`),
      );
      expect(res.status).toBe(401);
    }));

  it('shows the Sprint field with the sprints an issue is in', () =>
    probe(async () => {
      const board = ctx.em.addBoard({ projectKey: 'DT' });
      const sprint = ctx.em.addSprint({ boardId: board.id, name: 'Sprint 7', state: 'active' });
      const issue = ctx.em.addIssue({ projectKey: 'DT', type: 'Story', summary: 's' });
      ctx.em.setSprint(issue.key, sprint.id);
      const res = await api
        .asApp()
        .requestJira(route`/rest/api/3/issue/${issue.key}?fields=${ctx.em.sprintField.id}`);
      const body = (await res.json()) as { fields: Record<string, unknown> };
      expect(body.fields[ctx.em.sprintField.id]).toEqual([
        expect.objectContaining({ id: sprint.id, name: 'Sprint 7', state: 'active' }),
      ]);
    }));
});

describe('JQL by issue id and the Rank field', () => {
  const search = (jql: string, fields: string[] = ['summary']) =>
    probe(async () => {
      const res = await api.asApp().requestJira(route`/rest/api/3/search/jql`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ jql, fields, maxResults: 100 }),
      });
      return {
        status: res.status,
        body: (await res.json()) as {
          issues?: Array<{ id: string; key: string; fields: Record<string, unknown> }>;
        },
      };
    });

  it('compares issue ids as numbers with =, !=, <, <=, >, >=, IN and NOT IN', async () => {
    const issues = [1, 2, 3, 4].map((n) =>
      ctx.em.addIssue({ projectKey: 'DT', type: 'Story', summary: `s${n}` }),
    );
    const ids = issues.map((i) => Number(i.id));
    const [a, b, c, d] = ids as [number, number, number, number];
    const keysOf = async (where: string) =>
      ((await search(`project = DT AND ${where} ORDER BY key ASC`)).body.issues ?? []).map((i) =>
        Number(i.id),
      );
    expect(await keysOf(`id >= ${b} AND id < ${d}`)).toEqual([b, c]);
    expect(await keysOf(`id > ${b}`)).toEqual([c, d]);
    expect(await keysOf(`id <= ${b}`)).toEqual([a, b]);
    expect(await keysOf(`id = ${c}`)).toEqual([c]);
    expect(await keysOf(`id != ${c}`)).toEqual([a, b, d]);
    expect(await keysOf(`id in (${a}, ${d})`)).toEqual([a, d]);
    expect(await keysOf(`id not in (${a}, ${d})`)).toEqual([b, c]);
    expect((await search(`project = DT AND id >= abc`)).status).toBe(400);
  });

  it('returns the Rank value asked for by id, in the order ORDER BY Rank gives', async () => {
    const issues = [1, 2, 3].map((n) =>
      ctx.em.addIssue({ projectKey: 'DT', type: 'Story', summary: `s${n}` }),
    );
    issues.forEach((issue, i) => (issue.rank = -i));
    const ranked = (await search('project = DT ORDER BY Rank ASC', ['summary', RANK_FIELD_ID])).body
      .issues;
    const values = (ranked ?? []).map((i) => String(i.fields[RANK_FIELD_ID]));
    expect(values).toEqual([...values].sort());
    expect(ranked?.map((i) => i.key)).toEqual(issues.map((i) => i.key).reverse());
    const plain = (await search('project = DT', ['*all'])).body.issues ?? [];
    expect(plain.every((i) => !(RANK_FIELD_ID in i.fields))).toBe(true);
  });
});

/** The keys a search finds (its first 100), and the answer's status. */
const searchKeys = (jql: string) =>
  probe(async () => {
    const res = await api.asApp().requestJira(route`/rest/api/3/search/jql`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ jql, fields: ['summary'], maxResults: 100 }),
    });
    const body = (await res.json()) as { issues?: Array<{ key: string }> };
    return { status: res.status, keys: (body.issues ?? []).map((i) => i.key) };
  });

describe('JQL on Created, Updated and Status Category Changed', () => {
  const keys = searchKeys;
  const day = 86_400_000;

  it('compares with every operator, to written dates, relative times and epoch milliseconds', async () => {
    const now = Date.now();
    const [old, mid, fresh] = [20, 10, 0].map((daysAgo) => {
      const issue = ctx.em.addIssue({ projectKey: 'DT', type: 'Story', summary: `${daysAgo}` });
      issue.updated = new Date(now - daysAgo * day - 60_000).toISOString();
      return issue.key;
    });
    const where = async (clause: string) =>
      (await keys(`project = DT AND ${clause} ORDER BY key ASC`)).keys;
    expect(await where('updated < "-14d"')).toEqual([old]);
    expect(await where('updated <= "-2w"')).toEqual([old]);
    expect(await where('updated >= "-5d"')).toEqual([fresh]);
    expect(await where('updated > "-1440"')).toEqual([fresh]);
    expect(await where('updated < "-3h"')).toEqual([old, mid]);
    expect(await where(`updated < ${now - 15 * day}`)).toEqual([old]);
    expect(await where(`updated >= ${now - 15 * day}`)).toEqual([mid, fresh]);
    const written = new Date(now - 12 * day).toISOString().slice(0, 10);
    expect(await where(`updated < "${written}"`)).toEqual([old]);
    expect(await where(`updated >= "${written.replace(/-/g, '/')} 00:00"`)).toEqual([mid, fresh]);
    const exact = Date.parse([...ctx.em.issues.values()].find((i) => i.key === mid)?.updated ?? '');
    expect(await where(`updated = ${exact}`)).toEqual([mid]);
    expect(await where(`updated != ${exact}`)).toEqual([old, fresh]);
  });

  it('orders by Updated, oldest first or last', async () => {
    const now = Date.now();
    const made = [3, 9, 1].map((daysAgo) => {
      const issue = ctx.em.addIssue({ projectKey: 'DT', type: 'Story', summary: `${daysAgo}` });
      issue.updated = new Date(now - daysAgo * day).toISOString();
      return issue.key;
    });
    const [three, nine, one] = made;
    expect((await keys('project = DT ORDER BY updated ASC')).keys).toEqual([nine, three, one]);
    expect((await keys('project = DT ORDER BY updated DESC')).keys).toEqual([one, three, nine]);
  });

  it('refuses a date Jira would not read', async () => {
    ctx.em.addIssue({ projectKey: 'DT', type: 'Story', summary: 's' });
    expect((await keys('project = DT AND updated < "yesterday"')).status).toBe(400);
    expect((await keys('project = DT AND updated < "2026-13-45"')).status).toBe(400);
    expect((await keys('project = DT AND created > 12abc')).status).toBe(400);
  });
});

describe("JQL on an app field's searchable properties", () => {
  const search = searchKeys;

  /** Three items: a full outcome, one with an empty measure and no target date, none at all. */
  const seed = () => {
    const field = [...ctx.em.fields.values()].find((f) => f.name === 'Scoped outcome');
    if (!field) throw new Error('no Scoped outcome field');
    const add = (value: Record<string, unknown> | undefined) => {
      const issue = ctx.em.addIssue({ projectKey: 'DT', type: 'Enabler', summary: 'e' });
      if (value) issue.custom.set(field.id, value);
      return issue.key;
    };
    return [
      add({
        outcome: 'Cache layer',
        successMeasure: 'p95 < 200 ms',
        timeboxDays: 3,
        targetDate: '2026-12-20',
      }),
      add({ outcome: 'Queue', successMeasure: '', timeboxDays: 8 }),
      add(undefined),
    ] as const;
  };
  const where = async (clause: string) =>
    (await search(`project = DT AND ${clause} ORDER BY key ASC`)).keys;

  it('IS EMPTY and IS NOT EMPTY on a property, an absent or empty value counting as empty', async () => {
    const [full, partial, none] = seed();
    expect(await where('"Scoped outcome".SuccessMeasure IS EMPTY')).toEqual([partial, none]);
    expect(await where('"Scoped outcome".SuccessMeasure IS NOT EMPTY')).toEqual([full]);
    expect(await where('"Scoped outcome".TargetDate is empty')).toEqual([partial, none]);
  });

  it('compares integer and date properties; an empty value never matches', async () => {
    const [full, partial] = seed();
    expect(await where('"Scoped outcome".TimeboxDays > 5')).toEqual([partial]);
    expect(await where('"Scoped outcome".TimeboxDays <= 3')).toEqual([full]);
    expect(await where('"Scoped outcome".TimeboxDays >= 3')).toEqual([full, partial]);
    expect(await where('"Scoped outcome".TargetDate < "2026/12/21"')).toEqual([full]);
    expect(await where('"Scoped outcome".TargetDate > "2026-12-20"')).toEqual([]);
  });

  it('NOT keeps a clause on an empty value unmatched, as != does; naming EMPTY matches it', async () => {
    const [full, partial, none] = seed();
    // "field != value is the same as NOT field = value", and != never matches an empty field
    // (https://support.atlassian.com/jira-software-cloud/docs/jql-operators/).
    expect(await where('NOT ("Scoped outcome".TimeboxDays > 5)')).toEqual([full]);
    expect(await where('NOT ("Scoped outcome".TimeboxDays > 5 OR issuetype = Story)')).toEqual([
      full,
    ]);
    expect(
      await where(
        'NOT ("Scoped outcome".TimeboxDays IS NOT EMPTY AND "Scoped outcome".TimeboxDays > 5)',
      ),
    ).toEqual([full, none]);
    // A clause that is true whatever the empty one says still matches.
    expect(await where('NOT ("Scoped outcome".TimeboxDays > 5 AND issuetype = Story)')).toEqual([
      full,
      partial,
      none,
    ]);
  });

  it('refuses a comparison on a string property and a value of the wrong type', async () => {
    seed();
    expect((await search('project = DT AND "Scoped outcome".Outcome > "a"')).status).toBe(400);
    expect((await search('project = DT AND "Scoped outcome".TimeboxDays > many')).status).toBe(400);
    expect((await search('project = DT AND "Scoped outcome".TargetDate < "soon"')).status).toBe(
      400,
    );
    expect((await search('project = DT AND "Scoped outcome".Nothing IS EMPTY')).status).toBe(400);
  });
});

describe('JQL on status', () => {
  it('matches a status by name in any case or by id, and refuses one the site does not have', async () => {
    for (const status of ['In Progress', 'To Do', 'In Progress', 'Done']) {
      ctx.em.addIssue({ projectKey: 'DT', type: 'Story', summary: status, status });
    }
    const all = (await searchKeys('project = DT ORDER BY key ASC')).keys;
    const inProgress = (
      await searchKeys('project = DT AND status = "in progress" ORDER BY key ASC')
    ).keys;
    const id = ctx.em.statusNamed('In Progress')?.id ?? '';
    expect(inProgress.length).toBeGreaterThan(0);
    expect((await searchKeys(`project = DT AND status in (${id}) ORDER BY key ASC`)).keys).toEqual(
      inProgress,
    );
    const others = (
      await searchKeys('project = DT AND status not in ("In Progress") ORDER BY key ASC')
    ).keys;
    expect([...inProgress, ...others].sort()).toEqual([...all].sort());
    expect((await searchKeys('project = DT AND status = "Nowhere"')).status).toBe(400);
  });
});

describe("the bench's paged-search memo (em.pagedSearchMemo)", () => {
  type Page = { issues: Array<{ key: string }>; nextPageToken?: string };
  const page = (jql: string, nextPageToken?: string) =>
    probe(async () => {
      const res = await api.asApp().requestJira(route`/rest/api/3/search/jql`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ jql, fields: ['summary'], maxResults: 2, nextPageToken }),
      });
      return (await res.json()) as Page;
    });
  /** A write request that changes nothing the search looks at. */
  const labelOther = (key: string) =>
    probe(async () => {
      const res = await api.asApp().requestJira(route`/rest/api/3/issue/${key}`, {
        method: 'PUT',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ update: { labels: [{ add: 'other' }] } }),
      });
      expect(res.status).toBe(204);
    });
  const JQL = 'project = DT AND labels = kept ORDER BY key ASC';
  /** The second page of JQL after the first was read and `between` ran. */
  async function secondPage(memo: boolean, between: () => unknown): Promise<string[]> {
    ctx.em.pagedSearchMemo = memo;
    const first = await page(JQL);
    await between();
    return (await page(JQL, first.nextPageToken)).issues.map((i) => i.key);
  }
  const seedFour = () =>
    [1, 2, 3, 4].map((n) => {
      const issue = ctx.em.addIssue({ projectKey: 'DT', type: 'Story', summary: `s${n}` });
      setLabels(ctx.em, issue.key, ['kept']);
      return issue.key;
    });

  it('gives a later page what evaluating it afresh gives while nothing changed', async () => {
    const keys = seedFour();
    expect(await secondPage(true, () => {})).toEqual(keys.slice(2, 4));
    expect(await secondPage(false, () => {})).toEqual(keys.slice(2, 4));
  });

  it('keeps the first page’s matches only until a write request, a new issue or when off', async () => {
    ctx.em.searchLag = undefined;
    const keys = seedFour();
    // A change made behind Jira's back (as only a test does) is not seen while the memo holds...
    const unlabelFirst = () => setLabels(ctx.em, keys[0] ?? '', []);
    const relabel = () => setLabels(ctx.em, keys[0] ?? '', ['kept']);
    expect(await secondPage(true, unlabelFirst)).toEqual(keys.slice(2, 4));
    // ...though a search started again (its first page) is evaluated afresh...
    expect((await page(JQL)).issues.map((i) => i.key)).toEqual(keys.slice(1, 3));
    relabel();
    // ...a write request drops it: the first issue is out, the rest move up one place...
    const withWrite = await secondPage(true, async () => {
      unlabelFirst();
      await labelOther(keys[1] ?? '');
    });
    expect(withWrite).toEqual(keys.slice(3, 4));
    relabel();
    // ...as does a new issue, and with the memo off every page is evaluated afresh.
    const withNew = await secondPage(true, () => {
      unlabelFirst();
      ctx.em.addIssue({ projectKey: 'DT', type: 'Story', summary: 'new' });
    });
    expect(withNew).toEqual(keys.slice(3, 4));
    relabel();
    expect(await secondPage(false, unlabelFirst)).toEqual(keys.slice(3, 4));
  });

  it('is not used while the search index lags a write', async () => {
    ctx.em.searchLag = { searches: 5 };
    const keys = seedFour();
    const lagging = () => {
      const last = ctx.em.findIssue(keys[3] ?? '');
      if (last) searchIndex(ctx.em).beforeWrite(last);
      setLabels(ctx.em, keys[0] ?? '', []);
    };
    expect(await secondPage(true, lagging)).toEqual(keys.slice(3, 4));
  });
});

describe('storage emulation', () => {
  it('enforces FAIL_IF_EXISTS', () =>
    probe(async () => {
      await kvs.set('lock:1', { by: 'a' }, { keyPolicy: 'FAIL_IF_EXISTS' });
      await expect(
        kvs.set('lock:1', { by: 'b' }, { keyPolicy: 'FAIL_IF_EXISTS' }),
      ).rejects.toThrow();
      expect(await kvs.get('lock:1')).toEqual({ by: 'a' });
    }));

  it('refuses a value over 240 KiB', () =>
    probe(async () => {
      await expect(kvs.set('big', 'x'.repeat(241 * 1024))).rejects.toThrow(/exceeds/);
      expect(await kvs.get('big')).toBeUndefined();
    }));

  it('refuses keys storage does not allow', () =>
    probe(async () => {
      await expect(kvs.set('a/b', 1)).rejects.toThrow(/characters/);
      await expect(kvs.set('k'.repeat(501), 1)).rejects.toThrow(/longer than 500/);
    }));

  it('expires values with a TTL', () =>
    probe(async () => {
      let now = 1_000_000;
      ctx.em.kvs.now = () => now;
      await kvs.set('lease', 1, {
        keyPolicy: 'FAIL_IF_EXISTS',
        ttl: { value: 5, unit: 'SECONDS' },
      });
      expect(await kvs.get('lease')).toBe(1);
      now += 5_000;
      expect(await kvs.get('lease')).toBeUndefined();
    }));
});
