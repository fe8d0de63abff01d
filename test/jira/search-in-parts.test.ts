import { DEMO_USERS, seedSyntheticProject } from '../../dev/emulator/demo-project';
import { RANK_FIELD_ID } from '../../dev/emulator/model';
import { jiraAsUser } from '../../src/jira/jira-gateway';
import { readIssuesInPages } from '../../src/jira/search';
import {
  FIRST_PAGES,
  partQueries,
  PARALLEL_PARTS,
  plannedParts,
  PLANNED_PART_PAGES,
  searchByShape,
  searchInRankOrder,
  SEQUENTIAL_REST,
  shapeOf,
} from '../../src/jira/search-in-parts';
import { addDemoItem } from '../../dev/emulator/demo-project';
import type { RawIssue } from '../../src/jira/jira-gateway';
import { useEmulator } from '../helpers/emulator';
import { inInvocation } from '../helpers/invoke';

/**
 * A long search read in parallel parts by issue id range gives exactly the issues, in exactly
 * the order, that reading it page after page gives; a short one is read as before.
 */
const ctx = useEmulator();
const now = new Date();

const asMember = <T>(fn: () => Promise<T>): Promise<T> =>
  inInvocation(ctx.em, 'resolver', 'search-in-parts test', fn, { as: DEMO_USERS.member });

async function inSequence(jql: string, fields: string[]): Promise<string[]> {
  const keys: string[] = [];
  await asMember(() =>
    readIssuesInPages(jiraAsUser(DEMO_USERS.member), jql, fields, (issues) =>
      keys.push(...issues.map((i) => i.key)),
    ),
  );
  return keys;
}

const searches = () =>
  ctx.em.jiraCalls().filter((c) => c.operationId === 'searchAndReconsileIssuesUsingJqlPost');

describe('searchInRankOrder', () => {
  it('reads a long search in parallel parts and returns it in rank order, each issue once', async () => {
    const seeded = seedSyntheticProject(ctx.em, { openItems: 3000, now });
    // Rank unrelated to creation: parts by id must be merged by the Rank value, not by id.
    for (const issue of ctx.em.issues.values()) issue.rank = (Number(issue.id) * 7919) % 10007;
    const where = `project = "${seeded.projectKey}" AND statusCategory != Done`;
    const query = { where, ordered: `${where} ORDER BY Rank ASC` };
    const fields = ['summary', RANK_FIELD_ID];
    const expected = await inSequence(query.ordered, fields);
    expect(expected.length).toBeGreaterThan((FIRST_PAGES + 1) * 100 + SEQUENTIAL_REST);
    ctx.em.resetCalls();
    const started = ctx.em.invocations.log.length;
    const read: RawIssue[] = await asMember(() =>
      searchInRankOrder(jiraAsUser(DEMO_USERS.member), query, fields, RANK_FIELD_ID),
    );
    expect(read.map((i) => i.key)).toEqual(expected);
    const parts = searches().filter((c) => /\bid (>=|<) \d+/.test(JSON.stringify(c.body)));
    expect(parts.length).toBeGreaterThanOrEqual(2);
    expect(parts.length).toBeLessThanOrEqual(PARALLEL_PARTS * 5);
    // In parallel: far less virtual time than the 30 pages one after another.
    const invocation = ctx.em.invocations.log[started];
    const sequentialMs = Math.ceil(expected.length / 100) * ctx.em.invocations.jiraLatency(100);
    expect(invocation?.virtualMs).toBeLessThan(sequentialMs / 2);
  }, 60_000);

  it('reads a search of up to FIRST_PAGES pages page after page, as before: no count, no parts', async () => {
    const seeded = seedSyntheticProject(ctx.em, { openItems: 400, now });
    const where = `project = "${seeded.projectKey}" AND statusCategory != Done`;
    const query = { where, ordered: `${where} ORDER BY Rank ASC` };
    const expected = await inSequence(query.ordered, ['summary']);
    ctx.em.resetCalls();
    const read = await asMember(() =>
      searchInRankOrder(jiraAsUser(DEMO_USERS.member), query, ['summary'], RANK_FIELD_ID),
    );
    expect(read.map((i) => i.key)).toEqual(expected);
    // Its pages only.
    expect(expected.length).toBeLessThanOrEqual(FIRST_PAGES * 100);
    expect(ctx.em.jiraCalls().map((c) => c.operationId)).toEqual(
      Array(Math.ceil(expected.length / 100)).fill('searchAndReconsileIssuesUsingJqlPost'),
    );
  }, 60_000);

  it('without a Rank field, reads on in one sequence and counts nothing', async () => {
    const seeded = seedSyntheticProject(ctx.em, { openItems: 1500, now });
    const where = `project = "${seeded.projectKey}" AND statusCategory != Done`;
    const query = { where, ordered: `${where} ORDER BY Rank ASC` };
    const expected = await inSequence(query.ordered, ['summary']);
    ctx.em.resetCalls();
    const read = await asMember(() =>
      searchInRankOrder(jiraAsUser(DEMO_USERS.member), query, ['summary'], undefined),
    );
    expect(read.map((i) => i.key)).toEqual(expected);
    expect(ctx.em.jiraCalls().every((c) => c.operationId !== 'countIssues')).toBe(true);
  }, 60_000);
});

describe('searchByShape: a read planned from what the last one found', () => {
  const shuffledRank = () => {
    for (const issue of ctx.em.issues.values()) issue.rank = (Number(issue.id) * 7919) % 10007;
  };

  it('reads the parts the last shape calls for at once, with no count and no ends, in rank order, each issue once', async () => {
    const seeded = seedSyntheticProject(ctx.em, { openItems: 3000, now });
    shuffledRank();
    const where = `project = "${seeded.projectKey}" AND statusCategory != Done`;
    const query = { where, ordered: `${where} ORDER BY Rank ASC` };
    const fields = ['summary', RANK_FIELD_ID];
    const first = await asMember(() =>
      searchInRankOrder(jiraAsUser(DEMO_USERS.member), query, fields, RANK_FIELD_ID),
    );
    const last = shapeOf(first);
    if (!last) throw new Error('no shape');
    expect(last.size).toBe(first.length);
    // Created since the last read: above its span, still read (the last part is open ended).
    const created = addDemoItem(ctx.em, seeded.projectKey, now, { type: 'Story', summary: 'New' });
    shuffledRank();
    const expected = await inSequence(query.ordered, fields);
    expect(expected).toContain(created.key);
    ctx.em.resetCalls();
    const started = ctx.em.invocations.log.length;
    const read = await asMember(() =>
      searchByShape(jiraAsUser(DEMO_USERS.member), query, fields, RANK_FIELD_ID, last),
    );
    expect(read.map((i) => i.key)).toEqual(expected);
    // The parts are cut where the last read's ids cut it in equal shares.
    expect(last.cuts).toHaveLength(plannedParts(last.size) - 1);
    for (const cut of last.cuts ?? []) {
      expect(searches().some((c) => JSON.stringify(c.body).includes(`id >= ${cut}`))).toBe(true);
    }
    // Cuts of an uneven spread (here: most ids low) are used as they are, every issue once.
    const ids = first.map((i) => Number(i.id)).sort((a, b) => a - b);
    const uneven = { ...last, cuts: [ids[100] ?? 0, ids[200] ?? 0] };
    ctx.em.resetCalls();
    const again = await asMember(() =>
      searchByShape(jiraAsUser(DEMO_USERS.member), query, fields, RANK_FIELD_ID, uneven),
    );
    expect(again.map((i) => i.key)).toEqual(expected);
    for (const cut of uneven.cuts) {
      expect(searches().some((c) => JSON.stringify(c.body).includes(`id >= ${cut}`))).toBe(true);
    }
    const operations = ctx.em.jiraCalls().map((c) => c.operationId);
    expect(operations.every((o) => o === 'searchAndReconsileIssuesUsingJqlPost')).toBe(true);
    expect(searches().some((c) => JSON.stringify(c.body).includes('ORDER BY key'))).toBe(false);
    const parts = plannedParts(last.size);
    expect(parts).toBe(Math.ceil(last.size / (PLANNED_PART_PAGES * 100)));
    // Each part ends on one partly filled page at most.
    expect(operations.length).toBeLessThanOrEqual(Math.ceil(expected.length / 100) + parts);
    // The parts run at once: about one part's pages of time, not every page in a row.
    const invocation = ctx.em.invocations.log[started];
    const onePart = (PLANNED_PART_PAGES + 2) * ctx.em.invocations.jiraLatency(100);
    expect(invocation?.virtualMs).toBeLessThanOrEqual(onePart);
  }, 60_000);

  it('a search that fitted one part is read page after page; no shape, a first read as searchInRankOrder', async () => {
    const seeded = seedSyntheticProject(ctx.em, { openItems: 900, now });
    const where = `project = "${seeded.projectKey}" AND statusCategory != Done`;
    const query = { where, ordered: `${where} ORDER BY Rank ASC` };
    const expected = await inSequence(query.ordered, ['summary', RANK_FIELD_ID]);
    expect(expected.length).toBeGreaterThan((FIRST_PAGES + 1) * 100);
    const last = { size: expected.length, low: 1, high: 100_000 };
    ctx.em.resetCalls();
    const read = await asMember(() =>
      searchByShape(
        jiraAsUser(DEMO_USERS.member),
        query,
        ['summary', RANK_FIELD_ID],
        RANK_FIELD_ID,
        last,
      ),
    );
    expect(read.map((i) => i.key)).toEqual(expected);
    expect(ctx.em.jiraCalls().map((c) => c.operationId)).toEqual(
      Array(Math.ceil(expected.length / 100)).fill('searchAndReconsileIssuesUsingJqlPost'),
    );
    ctx.em.resetCalls();
    await asMember(() =>
      searchByShape(
        jiraAsUser(DEMO_USERS.member),
        query,
        ['summary', RANK_FIELD_ID],
        RANK_FIELD_ID,
        undefined,
      ),
    );
    // Without a shape: past FIRST_PAGES, the count and the two ends are asked for.
    expect(ctx.em.jiraCalls().filter((c) => c.operationId === 'countIssues')).toHaveLength(1);
  }, 60_000);

  it('shapeOf: size, lowest and highest id; nothing without a numeric id', () => {
    const raw = (id: string) => ({ id, key: `K-${id}`, fields: {} });
    expect(shapeOf([raw('40'), raw('7'), raw('x'), raw('12')])).toEqual({
      size: 4,
      low: 7,
      high: 40,
    });
    expect(shapeOf([raw('x')])).toBeUndefined();
    expect(shapeOf([])).toBeUndefined();
    // Ids crowded at one end (a JPD space's ideas created after the project's items): the cuts
    // give parts of equal size, not equal id ranges.
    const skewed = [
      ...Array.from({ length: 1000 }, (_, i) => raw(String(1 + i * 50))),
      ...Array.from({ length: 2000 }, (_, i) => raw(String(60_000 + i))),
    ];
    const shape = shapeOf(skewed);
    expect(shape).toMatchObject({ size: 3000, low: 1, high: 61_999 });
    expect(shape?.cuts).toEqual([60_000, 61_000]);
    expect(plannedParts(0)).toBe(1);
    expect(plannedParts(1000)).toBe(1);
    expect(plannedParts(1001)).toBe(2);
    expect(plannedParts(10_000_000)).toBe(PARALLEL_PARTS);
  });
});

describe('partQueries', () => {
  it('splits an id span into disjoint ranges, open at both ends, leaving out the ids read', () => {
    const queries = partQueries('project = "A"', [100, 199], 4, [100, 150, 151, 300]);
    expect(queries).toEqual([
      '(project = "A") AND id < 125 AND id not in (100) ORDER BY Rank ASC',
      '(project = "A") AND id >= 125 AND id < 150 ORDER BY Rank ASC',
      '(project = "A") AND id >= 150 AND id < 175 AND id not in (150, 151) ORDER BY Rank ASC',
      '(project = "A") AND id >= 175 AND id not in (300) ORDER BY Rank ASC',
    ]);
  });
});
