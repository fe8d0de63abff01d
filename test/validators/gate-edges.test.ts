import * as handlers from '../../src/index';
import * as itemFacts from '../../src/items/item-facts';
import { KEYS } from '../../src/storage/key-families';
import { COMPLETE_OUTCOME, useEmulator } from '../helpers/emulator';
import { runValidator } from '../helpers/invoke';
import { seedEnforcementSite, type EnforcementSite } from '../enforcement/enforcement-site';

/**
 * The gates' answers where Jira's own answer is unusual: the item's fields are missing, or the
 * item now lives in another project (moved, or its project re-keyed, while the transition still
 * names the old key), whose settings then decide.
 */

// itemOf as written, which one test makes fail as nothing foreseen would.
jest.mock('../../src/items/item-facts', () => {
  const actual = jest.requireActual<typeof itemFacts>('../../src/items/item-facts');
  return { ...actual, itemOf: jest.fn(actual.itemOf) };
});

const ctx = useEmulator();
let site: EnforcementSite;

beforeEach(() => {
  site = seedEnforcementSite(ctx.em);
  ctx.em.kvs.seed(KEYS.jiraFields, { scopedOutcome: site.scopedOutcome.id });
});

const enablerGate = (key: string) =>
  runValidator(ctx.em, handlers.enablerGate, { issue: { key }, configuration: {} });

/** A project's own settings, as a project admin's save stores them. */
function seedSettings(projectKey: string, override: Record<string, unknown>): void {
  ctx.em.kvs.seed(KEYS.projectConfig(projectKey), {
    version: 1,
    updatedAt: '2026-11-01T00:00:00.000Z',
    updatedBy: 'user-admin',
    projectId: ctx.em.projectByKey(projectKey).id,
    override,
  });
}

/** Jira answering a GET of the item (by its old key too) with this id, key and fields. */
function answerWith(id: string, key: string, fields: Record<string, unknown>): void {
  ctx.em.injectFault({
    match: /GET \/rest\/api\/3\/issue\//,
    status: 200,
    body: { id, key, fields },
  });
}

/** The item as Jira answers it after a move to MOV: its type, and MOV as its project. */
function movedTo(typeId: string, typeName: string, more: Record<string, unknown>) {
  return {
    issuetype: { id: typeId, name: typeName },
    project: { id: ctx.em.projectByKey('MOV').id, key: 'MOV' },
    ...more,
  };
}

describe('enabler gate: unusual answers from Jira', () => {
  it('an issue answered without its type and project: refused (fails closed), saying so', async () => {
    const enabler = ctx.em.addIssue({
      projectKey: 'DT',
      type: 'Enabler',
      summary: 'Scoped',
      custom: { [site.scopedOutcome.id]: COMPLETE_OUTCOME },
    });
    answerWith(enabler.id, enabler.key, {});
    const answer = await enablerGate(enabler.key);
    expect(answer.result).toBe(false);
    expect(answer.errorMessage).toContain(
      'Jira did not return the issue type and project of the issue.',
    );
    expect(answer.errorMessage).toContain(enabler.key);
  });

  it('an item now in another project is judged by that project’s settings, not the old key’s', async () => {
    ctx.em.addProject({ key: 'MOV', name: 'Moved to' });
    // Only Spikes are gated by a scoped outcome in MOV.
    seedSettings('MOV', { gate: { issueTypes: ['Spike'] } });
    const enabler = ctx.em.addIssue({ projectKey: 'DT', type: 'Enabler', summary: 'No outcome' });
    // In DT an Enabler without an outcome is refused.
    expect((await enablerGate(enabler.key)).result).toBe(false);
    // Jira now answers it as MOV-1, where Enablers are not gated: it may pass.
    answerWith(
      enabler.id,
      'MOV-1',
      movedTo(enabler.issueTypeId, 'Enabler', { [site.scopedOutcome.id]: null }),
    );
    await expect(enablerGate(enabler.key)).resolves.toEqual({ result: true });
  });
});

/** The app's evidence field, and an unvalidated idea of DT with these counts in it. */
function ideaWithEvidence(counts: { interviews: number; usabilityTests: number }) {
  const evidence = ctx.em.addAppField('discovery-evidence', 'Discovery evidence');
  const idea = ctx.em.addIssue({
    projectKey: 'DT',
    type: 'Discovery',
    summary: 'Idea',
    custom: { [evidence.id]: { ...counts, state: 'unvalidated' } },
  });
  return { evidence, idea };
}

describe('discovery gate: unusual answers from Jira', () => {
  it('an item now in another project is judged by that project’s settings', async () => {
    const { evidence, idea } = ideaWithEvidence({ interviews: 2, usabilityTests: 1 });
    const gate = () => runValidator(ctx.em, handlers.discoveryGate, { issue: { key: idea.key } });
    expect((await gate()).result).toBe(false);
    // MOV asks for two interviews only; Jira answers the old key with the idea as MOV-1.
    ctx.em.addProject({ key: 'MOV', name: 'Moved to' });
    seedSettings('MOV', { validation: { minInterviews: 2 } });
    answerWith(
      idea.id,
      'MOV-1',
      movedTo(idea.issueTypeId, 'Discovery', {
        [evidence.id]: { interviews: 2, usabilityTests: 1, state: 'unvalidated' },
      }),
    );
    await expect(gate()).resolves.toEqual({ result: true });
  });

  it('a rule that lists its checks with this one in it judges the idea', async () => {
    const { idea } = ideaWithEvidence({ interviews: 0, usabilityTests: 0 });
    const answer = await runValidator(ctx.em, handlers.discoveryGate, {
      issue: { key: idea.key },
      configuration: JSON.stringify({ checks: ['scoped-outcome', 'discovery-validated'] }),
    });
    expect(answer.result).toBe(false);
  });
});

describe('enabler gate: the Scoped outcome field', () => {
  const enabler = () => ctx.em.addIssue({ projectKey: 'DT', type: 'Enabler', summary: 'E' });

  it('left out of Jira’s answer (no field context there): refused, naming why; an edit on the screen is judged', async () => {
    const item = enabler();
    const withoutField = () =>
      answerWith(item.id, item.key, {
        issuetype: { id: item.issueTypeId, name: 'Enabler' },
        project: { id: site.projectId, key: 'DT' },
      });
    withoutField();
    const answer = await enablerGate(item.key);
    expect(answer.result).toBe(false);
    expect(answer.errorMessage).toContain(
      'the Scoped outcome field is not available on Enabler issues in this project',
    );
    // The transition screen's edit carries the outcome: judged on it, and complete.
    withoutField();
    await expect(
      runValidator(ctx.em, handlers.enablerGate, {
        issue: { key: item.key },
        configuration: {},
        modifiedFields: { [site.scopedOutcome.id]: COMPLETE_OUTCOME },
      }),
    ).resolves.toEqual({ result: true });
  });

  it('with the entry check on: a complete outcome passes, a missing field on the site fails closed naming it', async () => {
    seedSettings('DT', { entry: { refuseInValidators: true } });
    ctx.em.addAppField('entry-triage', 'Entry triage');
    ctx.em.addAppField('discovery-evidence', 'Discovery evidence');
    const scoped = ctx.em.addIssue({
      projectKey: 'DT',
      type: 'Enabler',
      summary: 'Scoped',
      custom: { [site.scopedOutcome.id]: COMPLETE_OUTCOME },
    });
    await expect(enablerGate(scoped.key)).resolves.toEqual({ result: true });
    expect((await enablerGate(enabler().key)).result).toBe(false);

    // The site lost the app's Scoped outcome field (and the app its remembered id).
    ctx.em.fields.delete(site.scopedOutcome.id);
    ctx.em.kvs.seed(KEYS.jiraFields, {});
    const answer = await enablerGate(scoped.key);
    expect(answer.result).toBe(false);
    expect(answer.errorMessage).toContain('field is not on this Jira site');
  });
});

describe('discovery gate: its refusals', () => {
  const unvalidatedIdea = () => ideaWithEvidence({ interviews: 1, usabilityTests: 0 });

  it('names the item, why it may not move and what would fix it; Jira is asked only for the fields it judges', async () => {
    const { evidence, idea } = unvalidatedIdea();
    ctx.em.resetCalls();
    const answer = await runValidator(ctx.em, handlers.discoveryGate, { issue: { key: idea.key } });
    expect(answer.result).toBe(false);
    expect(answer.errorMessage).toMatch(
      new RegExp(
        `^${idea.key} \\(Discovery\\) is a discovery item that is not validated, so it cannot move to delivery\\. To fix: .*interview`,
      ),
    );
    const reads = ctx.em.jiraCalls().filter((c) => c.operationId === 'getIssue');
    expect(
      reads.map((c) => new URL(c.path, 'https://jira.invalid').searchParams.get('fields')),
    ).toEqual([`issuetype,project,${evidence.id}`]);
  });

  it('with no track mapping, an item the Track field puts in discovery is judged as discovery, whatever its type', async () => {
    const evidence = ctx.em.addAppField('discovery-evidence', 'Discovery evidence');
    const track = ctx.em.addAppField('track', 'Track', 'string');
    ctx.em.kvs.seed(KEYS.jiraFields, { scopedOutcome: site.scopedOutcome.id, track: track.id });
    ctx.em.kvs.unseed(KEYS.trackMapping('DT'));
    const unvalidated = { interviews: 1, usabilityTests: 0, state: 'unvalidated' };
    const story = (trackValue: string | null) =>
      ctx.em.addIssue({
        projectKey: 'DT',
        type: 'Story',
        summary: 'Story',
        custom: { [evidence.id]: unvalidated, [track.id]: trackValue },
      });
    const gate = (key: string) => runValidator(ctx.em, handlers.discoveryGate, { issue: { key } });
    const marked = story('discovery');
    const answer = await gate(marked.key);
    expect(answer.result).toBe(false);
    expect(answer.errorMessage).toContain(`${marked.key} (Story) is a discovery item`);
    await expect(gate(story(null).key)).resolves.toEqual({ result: true });
  });

  it('an issue answered without its type and project: refused (fails closed), saying so', async () => {
    const { idea } = unvalidatedIdea();
    answerWith(idea.id, idea.key, { issuetype: 42, project: 'DT' });
    const answer = await runValidator(ctx.em, handlers.discoveryGate, { issue: { key: idea.key } });
    expect(answer).toEqual({
      result: false,
      errorMessage: `Dual Track: discovery validated before delivery: the check for ${idea.key} could not be completed, so the transition is refused. Jira returned ${idea.key} without its issue type and project, which the check needs.`,
    });
  });

  it('an unforeseen failure: refused (fails closed), the details logged under the discovery gate only', async () => {
    const { idea } = unvalidatedIdea();
    jest.mocked(itemFacts.itemOf).mockImplementationOnce(() => {
      throw new Error('secret internals');
    });
    const logged = jest.spyOn(console, 'error').mockImplementation(() => {});
    const answer = await runValidator(ctx.em, handlers.discoveryGate, { issue: { key: idea.key } });
    const calls = [...logged.mock.calls];
    logged.mockRestore();
    expect(answer).toEqual({
      result: false,
      errorMessage: `Dual Track: discovery validated before delivery: the check for ${idea.key} could not be completed, so the transition is refused. An unexpected error occurred in Dual Track; the details are in the app logs.`,
    });
    expect(calls).toEqual([['discovery-gate: unexpected failure', { error: 'secret internals' }]]);
  });
});
