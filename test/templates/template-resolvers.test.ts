import { takeOffScreens } from '../../dev/emulator/app-field-values';
import type { EmIssue } from '../../dev/emulator/model';
import { BUILT_IN_TEMPLATES } from '../../src/domain/discovery-templates';
import type { ResolverKey, Result } from '../../src/contract/bridge-contract';
import { seedEnforcementSite, type EnforcementSite } from '../enforcement/enforcement-site';
import { useEmulator } from '../helpers/emulator';
import { callResolver, failed, ok } from '../helpers/invoke';
import { KEYS } from '../../src/storage/key-families';

/**
 * The `templates/*` resolvers driven the way Forge invokes them (untrusted payload, trusted
 * context) against the emulated Jira site: a new discovery item from each template (issue type
 * from the track mapping, description in ADF, Scoped outcome), who may create and edit, what a
 * bad payload, an unknown template and a refusing create screen answer, and that an admin's edit
 * reaches the project page.
 */
const ctx = useEmulator();
const VIEWER = 'user-viewer';
let site: EnforcementSite;

beforeEach(() => {
  site = seedEnforcementSite(ctx.em);
  ctx.em.addUser({ accountId: VIEWER, displayName: 'Vic Viewer' });
  ctx.em.grant('DT', VIEWER, ['BROWSE_PROJECTS']);
  ctx.em.kvs.seed(KEYS.jiraFields, { scopedOutcome: site.scopedOutcome.id });
});

const PROJECT_PAGE = () => ({
  type: 'jira:projectPage',
  project: { id: site.projectId, key: 'DT' },
});
const ADMIN_PAGE = { type: 'jira:adminPage' };

function invoke(
  key: ResolverKey,
  accountId: string,
  payload: unknown,
  extension: unknown = PROJECT_PAGE(),
): Promise<Result<Record<string, unknown>>> {
  return callResolver(ctx.em, key, accountId, payload, { extension });
}

const created = (key: string): EmIssue => {
  const issue = ctx.em.findIssue(key);
  if (!issue) throw new Error(`${key} was not created`);
  return issue;
};
const typeName = (issue: EmIssue) => ctx.em.issueTypes.get(issue.issueTypeId)?.name;
const headings = (issue: EmIssue) =>
  (
    (issue.description as { content: Array<{ type: string; content: Array<{ text: string }> }> })
      .content ?? []
  )
    .filter((b) => b.type === 'heading')
    .map((b) => b.content[0]?.text);

const IDEA = {
  templateId: 'idea',
  summary: 'Reorder from the order history',
  answers: {
    problem: 'Customers retype their usual order every week',
    'target-users': 'Weekly grocery shoppers',
    hypothesis: 'A reorder button halves the time to check out',
  },
};
const SPIKE = {
  templateId: 'spike',
  summary: 'Session cache',
  answers: {
    question: 'Can Postgres serve session lookups under 20 ms at twice the load?',
    timebox: '3',
    decision: 'Whether we buy a managed Redis this quarter',
  },
};
const ENABLER = {
  templateId: 'enabler',
  summary: 'Event store for orders',
  answers: {
    outcome: 'Orders are written to an event store that replays in order per customer',
    'success-measure': 'Replay of 1M events under 5 minutes',
    'timebox-days': '10',
  },
};

describe('templates/create: a new discovery item from each template', () => {
  it('creates an idea (Discovery) with the template headings, and the press release when added', async () => {
    const answer = ok(
      await invoke('templates/create', site.member, {
        ...IDEA,
        pressRelease: {
          headline: 'Reorder your week in one tap',
          'press-release': 'Today we launch one-tap reorder.\nNo more retyping.',
          faq: 'Q: Can I change quantities? A: Yes, before checkout.',
        },
      }),
    );
    expect(answer).toMatchObject({
      kind: 'idea',
      issueType: { name: 'Discovery' },
      scopedOutcome: false,
      withPressRelease: true,
    });
    const issue = created(answer['key'] as string);
    expect(issue.summary).toBe(IDEA.summary);
    expect(typeName(issue)).toBe('Discovery');
    expect(headings(issue)).toEqual([
      'Problem',
      'Target users',
      'Hypothesis',
      'Working backwards: press release and FAQ',
      'Headline',
      'Press release',
      'FAQ',
    ]);
    expect(issue.custom.has(site.scopedOutcome.id)).toBe(false);
    expect(answer['message']).toBe(
      `Created ${issue.key} (Discovery) from the Idea template, with a press release and FAQ.`,
    );
  });

  it('creates a spike with its scoped outcome (question, decision, timebox)', async () => {
    const answer = ok(await invoke('templates/create', site.member, SPIKE));
    const issue = created(answer['key'] as string);
    expect(typeName(issue)).toBe('Spike');
    expect(headings(issue)).toEqual(['Question', 'Timebox (days)', 'Decision it informs']);
    expect(issue.custom.get(site.scopedOutcome.id)).toEqual({
      outcome: SPIKE.answers.question,
      successMeasure: 'Decision it informs: Whether we buy a managed Redis this quarter',
      timeboxDays: 3,
    });
    expect(answer['scopedOutcome']).toBe(true);
  });

  it('creates an enabler with its scoped outcome, bound by a timebox', async () => {
    const answer = ok(await invoke('templates/create', site.member, ENABLER));
    const issue = created(answer['key'] as string);
    expect(typeName(issue)).toBe('Enabler');
    expect(issue.custom.get(site.scopedOutcome.id)).toEqual({
      outcome: ENABLER.answers.outcome,
      successMeasure: ENABLER.answers['success-measure'],
      timeboxDays: 10,
    });
  });

  it('takes the issue type from the track mapping, else from the configured discovery names', async () => {
    const research = ctx.em.addIssueType({ name: 'Research' });
    const typeId = (name: string) =>
      [...ctx.em.issueTypes.values()].find((t) => t.name === name)?.id ?? '';
    // The project keeps its ideas in "Research"; its "Discovery" type is mapped to delivery.
    ctx.em.kvs.seed(KEYS.trackMapping('DT'), {
      version: 1,
      projectId: site.projectId,
      projectKey: 'DT',
      style: 'classic',
      types: [
        { issueTypeId: research.id, name: 'Research', track: 'discovery' },
        { issueTypeId: typeId('Discovery'), name: 'Discovery', track: 'delivery' },
        { issueTypeId: typeId('Spike'), name: 'Spike', track: 'discovery' },
      ],
      updatedAt: '2026-11-01T00:00:00.000Z',
      updatedBy: site.admin,
    });
    const mapped = ok(await invoke('templates/create', site.member, IDEA));
    expect(typeName(created(mapped['key'] as string))).toBe('Research');

    // Without a mapping the configured discovery type names (Discovery, Spike, Enabler) decide.
    ctx.em.kvs.seed(KEYS.trackMapping('DT'), undefined);
    const named = ok(await invoke('templates/create', site.member, IDEA));
    expect(typeName(created(named['key'] as string))).toBe('Discovery');
  });

  it('refuses a caller without Create issues, creating nothing', async () => {
    const before = ctx.em.issues.size;
    const error = failed(await invoke('templates/create', VIEWER, IDEA));
    expect(error.code).toBe('forbidden');
    expect(error.message).toMatch(/Create issues/);
    expect(ctx.em.issues.size).toBe(before);
  });

  it('refuses a bad payload by field, and a project named in it, creating nothing', async () => {
    const before = ctx.em.issues.size;
    const missing = failed(
      await invoke('templates/create', site.member, {
        ...SPIKE,
        answers: { ...SPIKE.answers, timebox: '9', decision: '' },
      }),
    );
    expect(missing.code).toBe('invalid-input');
    expect(missing.details).toEqual({
      fields: [
        {
          path: 'answers.timebox',
          message:
            'Timebox (days) must be a whole number of days from 1 to 3 (the longest spike timebox allowed)',
        },
        { path: 'answers.decision', message: 'Decision it informs is required' },
      ],
    });
    const forged = failed(
      await invoke('templates/create', site.member, { ...IDEA, projectKey: 'OTHER' }),
    );
    expect(forged.code).toBe('invalid-input');
    expect(forged.message).toMatch(/projectKey/);
    expect(ctx.em.issues.size).toBe(before);
  });

  it('answers not-found for an unknown template', async () => {
    const error = failed(
      await invoke('templates/create', site.member, { ...IDEA, templateId: 'epic' }),
    );
    expect(error).toMatchObject({
      code: 'not-found',
      message:
        'There is no discovery template "epic" to create an item from: the templates are idea, spike, enabler.',
    });
  });

  it('creates nothing when Jira refuses the Scoped outcome field on the create screen', async () => {
    takeOffScreens(ctx.em, site.scopedOutcome.id);
    const before = ctx.em.issues.size;
    const error = failed(await invoke('templates/create', site.member, ENABLER));
    expect(error.code).toBe('conflict');
    expect(error.message).toMatch(
      /^Jira would not set the Scoped outcome on a new Enabler .*create screen of Enabler; nothing was created\.$/,
    );
    expect(ctx.em.issues.size).toBe(before);
  });
});

describe('templates/get, save, reset (Jira admins) and templates/list (project members)', () => {
  it('lets only Jira admins read and change the templates', async () => {
    expect(failed(await invoke('templates/get', site.member, {}, ADMIN_PAGE)).code).toBe(
      'forbidden',
    );
    const templates = structuredClone([...BUILT_IN_TEMPLATES]);
    expect(
      failed(
        await invoke('templates/save', site.member, { templates, expectedVersion: 0 }, ADMIN_PAGE),
      ).code,
    ).toBe('forbidden');
    expect(ctx.em.kvs.peek(KEYS.discoveryTemplates)).toBeUndefined();
  });

  it("shows an admin's edit in the project page's list and in the created item", async () => {
    const view = ok(await invoke('templates/get', site.admin, {}, ADMIN_PAGE));
    expect(view).toMatchObject({ version: 0, edited: false });
    const templates = structuredClone([...BUILT_IN_TEMPLATES]);
    templates[0]!.sections[0]!.heading = 'Customer problem';
    templates[0]!.sections[2]!.required = false;
    ok(await invoke('templates/save', site.admin, { templates, expectedVersion: 0 }, ADMIN_PAGE));

    const list = ok<{
      choices: Array<{
        template: { id: string; sections: Array<{ heading: string }> };
        issueType: { name: string } | null;
      }>;
      attachments: Array<{ id: string }>;
      maxSpikeTimeboxDays: number;
    }>(await invoke('templates/list', VIEWER, {}));
    expect(list.choices.map((c) => [c.template.id, c.issueType?.name])).toEqual([
      ['idea', 'Discovery'],
      ['spike', 'Spike'],
      ['enabler', 'Enabler'],
    ]);
    expect(list.choices[0]?.template.sections[0]?.heading).toBe('Customer problem');
    expect(list.attachments.map((a) => a.id)).toEqual(['press-release']);
    expect(list.maxSpikeTimeboxDays).toBe(3);

    // The hypothesis is optional now; the description uses the new heading.
    const answers = { problem: IDEA.answers.problem, 'target-users': IDEA.answers['target-users'] };
    const answer = ok(await invoke('templates/create', site.member, { ...IDEA, answers }));
    expect(headings(created(answer['key'] as string))).toEqual([
      'Customer problem',
      'Target users',
    ]);
  });

  it('refuses invalid templates by path and an outdated save with the current templates', async () => {
    const bad = structuredClone([...BUILT_IN_TEMPLATES]);
    bad[1]!.sections[0]!.required = false;
    const invalid = failed(
      await invoke(
        'templates/save',
        site.admin,
        { templates: bad, expectedVersion: 0 },
        ADMIN_PAGE,
      ),
    );
    expect(invalid.code).toBe('invalid-input');
    expect(invalid.message).toMatch(/^templates\.1\.sections\.0\.required: /);

    const templates = structuredClone([...BUILT_IN_TEMPLATES]);
    ok(await invoke('templates/save', site.admin, { templates, expectedVersion: 0 }, ADMIN_PAGE));
    const late = failed(
      await invoke('templates/save', site.admin, { templates, expectedVersion: 0 }, ADMIN_PAGE),
    );
    expect(late.code).toBe('conflict');
    expect(late.details).toMatchObject({ current: { version: 1 } });

    const reset = ok(
      await invoke('templates/reset', site.admin, { expectedVersion: 1 }, ADMIN_PAGE),
    );
    expect(reset).toMatchObject({ version: 2, edited: false, templates: BUILT_IN_TEMPLATES });
  });
});
