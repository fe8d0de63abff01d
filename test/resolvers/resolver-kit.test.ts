import { seedDemoProject, type DemoProject } from '../../dev/emulator/demo-project';
import { useEmulator } from '../helpers/emulator';
import { callResolver } from '../helpers/invoke';
import { PAGE_CACHE_KEYS } from '../../src/storage/key-families';

/**
 * The resolver kit's own refusals, through the real resolver the way Forge invokes it: who is
 * calling, from where, with what payload. Each answer is the envelope with the code and the
 * words the screens show; details only where the refusal has them.
 */
const ctx = useEmulator();
let demo: DemoProject;
beforeEach(() => {
  demo = seedDemoProject(ctx.em, { now: new Date() });
});
const project = () => ({ id: demo.projectId, key: demo.projectKey });

describe('the resolver kit', () => {
  it('no signed-in user: unauthenticated, in words, with no details', async () => {
    const answer = await callResolver(
      ctx.em,
      'templates/list',
      undefined,
      {},
      {
        extension: { project: project() },
      },
    );
    expect(answer).toStrictEqual({
      ok: false,
      error: { code: 'unauthenticated', message: 'Sign in to Jira to use Dual Track.' },
    });
  });

  it.each([
    ['a project key that is not text', { project: { id: '1', key: 42 } }],
    [
      'an issue key that is not text',
      { project: { id: '1', key: 'DT' }, issue: { id: '9', key: 7 } },
    ],
  ])(
    'a context Forge would never send (%s) is refused as unauthenticated',
    async (_name, extension) => {
      const answer = await callResolver(
        ctx.em,
        'templates/list',
        demo.users.member,
        {},
        { extension },
      );
      expect(answer).toMatchObject({ ok: false, error: { code: 'unauthenticated' } });
    },
  );

  it('a project action without a project context is refused, naming what is missing', async () => {
    const answer = await callResolver(
      ctx.em,
      'templates/list',
      demo.users.member,
      {},
      {
        extension: {},
      },
    );
    expect(answer).toEqual({
      ok: false,
      error: { code: 'invalid-input', message: 'This action needs a Jira project context.' },
    });
  });

  it('an issue action without an issue context is refused, naming what is missing', async () => {
    const answer = await callResolver(
      ctx.em,
      'evidence/list',
      demo.users.member,
      {},
      {
        extension: { project: project() },
      },
    );
    // Strict: a refusal without details carries no `details` key at all.
    expect(answer).toStrictEqual({
      ok: false,
      error: { code: 'invalid-input', message: 'This action needs a Jira issue context.' },
    });
  });

  it('an issue action called with no extension at all is refused the same way', async () => {
    const answer = await callResolver(ctx.em, 'evidence/list', demo.users.member, {}, {});
    expect(answer).toStrictEqual({
      ok: false,
      error: { code: 'invalid-input', message: 'This action needs a Jira issue context.' },
    });
  });

  it('a project action called with no extension at all is refused the same way', async () => {
    const answer = await callResolver(ctx.em, 'templates/list', demo.users.member, {}, {});
    expect(answer).toStrictEqual({
      ok: false,
      error: { code: 'invalid-input', message: 'This action needs a Jira project context.' },
    });
  });

  it('a missing permission is refused with the reason and the permissions missing', async () => {
    const answer = await callResolver(
      ctx.em,
      'templates/list',
      demo.users.outsider,
      {},
      {
        extension: { project: project() },
      },
    );
    expect(answer).toEqual({
      ok: false,
      error: {
        code: 'forbidden',
        message:
          'You need the Browse projects permission in this project to see its Dual Track page.',
        details: { missing: ['BROWSE_PROJECTS'] },
      },
    });
  });

  it('a malformed payload names each problem by its full path', async () => {
    const answer = await callResolver(
      ctx.em,
      'settings/global/save',
      demo.users.admin,
      { settings: { runway: { pauseAtSprints: 'three' } }, expectedVersion: 0 },
      { extension: {} },
    );
    if (answer.ok) throw new Error('a malformed payload was accepted');
    expect(answer.error.code).toBe('invalid-input');
    const details = answer.error.details as { fields: Array<{ path: string; message: string }> };
    expect(details.fields).toContainEqual({
      path: 'settings.runway.pauseAtSprints',
      message: expect.stringMatching(/number/) as unknown,
    });
  });
});

describe('after a write, the next viewer loads the project page anew', () => {
  const written = (key = 'DT') => ctx.em.kvs.peek(PAGE_CACHE_KEYS.written(key));
  const idea = () => {
    const issue = ctx.em.findIssue(demo.keys.panel.validatingIdea);
    if (!issue) throw new Error('demo idea missing');
    return { id: issue.id, key: issue.key };
  };
  const flag = (extension: Record<string, unknown>, payload: unknown = { novel: true }) =>
    callResolver(ctx.em, 'issue/feasibility/flag', demo.users.admin, payload, { extension });

  it('a write from a project page or panel marks its project written, at the call’s time', async () => {
    expect(written()).toBeUndefined();
    const before = Date.now();
    await expect(flag({ project: project(), issue: idea() })).resolves.toMatchObject({ ok: true });
    const mark = written() as { at: string; writeId: string };
    expect(Date.parse(mark.at)).toBeGreaterThanOrEqual(before - 1000);
    expect(mark.writeId).toMatch(/^[a-f0-9]{12}$/);
  });

  it('a write from the project page (no issue in its context) marks the page’s project', async () => {
    const answer = await callResolver(
      ctx.em,
      'waiver/grant',
      demo.users.admin,
      {
        issueKey: demo.keys.unscopedEnablerInBacklog,
        reason: 'Hotfix week',
        expiresOn: new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10),
      },
      { extension: { project: project() } },
    );
    expect(answer).toMatchObject({ ok: true });
    expect(written()).toBeDefined();
  });

  it('a write from a context with only the issue marks the project of its key', async () => {
    await expect(flag({ issue: idea() })).resolves.toMatchObject({ ok: true });
    expect(written()).toBeDefined();
  });

  it('a read and a refused write mark nothing', async () => {
    await callResolver(
      ctx.em,
      'templates/list',
      demo.users.member,
      {},
      {
        extension: { project: project() },
      },
    );
    await expect(
      flag({ project: project(), issue: idea() }, { novel: 'yes' }),
    ).resolves.toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    expect(written()).toBeUndefined();
  });

  it('when storage refuses the mark the write still succeeds, and the failure is logged', async () => {
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      ctx.em.kvs.failWrites(500, 1, { ops: ['set'] });
      await expect(flag({ project: project(), issue: idea() })).resolves.toMatchObject({
        ok: true,
      });
      expect(written()).toBeUndefined();
      const logged = warn.mock.calls.find(
        ([line]) => line === 'resolver: could not mark the project changed for its page',
      );
      expect(logged?.[1]).toMatchObject({ project: 'DT' });
      expect(String((logged?.[1] as { error?: unknown } | undefined)?.error)).toMatch(/\S/);
    } finally {
      warn.mockRestore();
    }
  });
});
