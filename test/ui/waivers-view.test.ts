import { serverFieldErrors } from '../../static/project-settings/src/waivers-view';
import { seedDemoProject } from '../../dev/emulator/demo-project';
import { useEmulator } from '../helpers/emulator';
import { callResolver } from '../helpers/invoke';

/**
 * The waiver form shows the server's field problems under their fields: the refusal the real
 * resolver sends for a malformed grant is read through the contract's FieldProblemsSchema.
 */
const ctx = useEmulator();

it('maps the resolver’s invalid-input problems to the form’s fields', async () => {
  const demo = seedDemoProject(ctx.em, { now: new Date() });
  const result = await callResolver(
    ctx.em,
    'waiver/grant',
    demo.users.admin,
    { issueKey: 'not a key', reason: '', expiresOn: 'tomorrow' },
    { extension: { project: { id: demo.projectId, key: demo.projectKey } } },
  );
  if (result.ok) throw new Error('a malformed grant was accepted');
  expect(result.error.code).toBe('invalid-input');
  const errors = serverFieldErrors(result.error);
  expect(Object.keys(errors).sort()).toEqual(['expiresOn', 'issueKey', 'reason']);
  expect(
    serverFieldErrors({ code: 'invalid-input', message: 'x', details: { fields: 'no' } }),
  ).toEqual({});
});
