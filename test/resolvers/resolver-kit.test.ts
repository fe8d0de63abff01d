import { seedDemoProject, type DemoProject } from '../../dev/emulator/demo-project';
import { useEmulator } from '../helpers/emulator';
import { callResolver } from '../helpers/invoke';

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
