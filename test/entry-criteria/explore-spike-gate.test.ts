import { takeOffScreens } from '../../dev/emulator/app-field-values';
import { seedDemoProject, DEMO_USERS, type DemoProject } from '../../dev/emulator/demo-project';
import type { ExploreFirstResult } from '../../src/entry-criteria/explore-first';
import type { IssueReadiness } from '../../src/contract/issue-readiness';
import * as handlers from '../../src/index';
import { useEmulator } from '../helpers/emulator';
import { callOnIssue, failed, ok, runValidator } from '../helpers/invoke';

/**
 * Explore first's spike passes the app's own enabler gate as created: it carries the scoped
 * outcome the panel drafted (or the person edited), with a timebox within the spike maximum; an
 * outcome that would not pass is refused before anything is created, naming the field.
 */
const ctx = useEmulator();
let demo: DemoProject;

beforeEach(() => {
  demo = seedDemoProject(ctx.em, { now: new Date() });
});

const question = 'Can we show live courier positions without a paid maps licence?';
const explore = (payload: unknown) =>
  callOnIssue<ExploreFirstResult>(
    ctx.em,
    'issue/explore-first',
    DEMO_USERS.member,
    demo.keys.entry.exploreFirst,
    payload,
  );
const gate = (key: string) =>
  runValidator(ctx.em, handlers.enablerGate, {
    issue: { key },
    configuration: {},
    transition: { from: { id: '10000' }, to: { id: '10001' } },
  });
const outcomeOf = (key: string) => ctx.em.findIssue(key)?.custom.get(demo.scopedOutcome.id);

describe('Explore first: a spike that passes the enabler gate', () => {
  it('creates the spike with the drafted scoped outcome the panel showed, and the gate allows it', async () => {
    const panel = ok<IssueReadiness>(
      await callOnIssue(ctx.em, 'issue/readiness', DEMO_USERS.member, demo.keys.entry.exploreFirst),
    );
    const draft = panel.entry?.spikeDraft;
    if (!draft) throw new Error('the panel offers no draft');
    const { outcome, successMeasure, timeboxDays } = draft;
    const created = ok(
      await explore({
        kind: 'spike',
        question,
        scopedOutcome: { outcome, successMeasure, timeboxDays },
      }),
    );
    expect(outcomeOf(created.item.key)).toEqual({ outcome, successMeasure, timeboxDays: 3 });
    await expect(gate(created.item.key)).resolves.toEqual({ result: true });
  });

  it('sets the outcome and timebox the person edited, and the gate allows the spike', async () => {
    const edited = {
      outcome: 'Know which maps provider gives live positions within our budget',
      successMeasure: 'A comparison of two providers with a recommendation',
      timeboxDays: 2,
    };
    const first = ok(await explore({ kind: 'spike', question, scopedOutcome: edited }));
    expect(outcomeOf(first.item.key)).toEqual(edited);
    await expect(gate(first.item.key)).resolves.toEqual({ result: true });
  });

  it('drafts the scoped outcome itself when the payload has none, and the gate allows the spike', async () => {
    const created = ok(await explore({ kind: 'spike', question }));
    expect(outcomeOf(created.item.key)).toMatchObject({
      outcome: expect.stringContaining('label "architecture"') as unknown,
      timeboxDays: 3,
    });
    await expect(gate(created.item.key)).resolves.toEqual({ result: true });
  });

  it('still creates the spike when the Scoped outcome field is not on its create screen, and says so', async () => {
    takeOffScreens(ctx.em, demo.scopedOutcome.id);
    const created = ok(await explore({ kind: 'spike', question }));
    expect(outcomeOf(created.item.key)).toBeUndefined();
    expect(created.message).toContain('Its scoped outcome was NOT set (Jira rejected the request');
    expect(created.message).toContain('enter it on the spike before planning it into a sprint.');
    expect(created.triageCopied).toBe(true);
  });

  it('refuses an outcome the gate would refuse, naming each field; nothing is created', async () => {
    const before = ctx.em.issues.size;
    const error = failed(
      await explore({
        kind: 'spike',
        question,
        scopedOutcome: { outcome: 'TBD', successMeasure: 'A decision', timeboxDays: 5 },
      }),
    );
    expect(error.code).toBe('invalid-input');
    expect(error.message).toContain('scopedOutcome.outcome: ');
    expect(error.message).toContain(
      "scopedOutcome.timeboxDays: shorten the spike's timebox to at most 3 days (it is 5)",
    );
    const malformed = failed(
      await explore({ kind: 'idea', question, scopedOutcome: { outcome: 'x', timeboxDays: 1.5 } }),
    );
    expect(malformed.code).toBe('invalid-input');
    expect(malformed.message).toMatch(/scopedOutcome\.successMeasure/);
    expect(malformed.message).toMatch(/scopedOutcome\.timeboxDays: must be whole days/);
    expect(ctx.em.issues.size).toBe(before);
  });
});
