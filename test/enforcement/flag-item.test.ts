import { FLAG_LABEL, FLAG_OPTION, flagItem } from '../../src/enforcement/interventions';
import { JiraError } from '../../src/jira/errors';
import type { JiraGateway } from '../../src/jira/jira-gateway';

/**
 * Flagging one item, way after way, against a scripted Jira: the ways known to be refused are
 * not tried; a 400 naming the field moves on to the next way and keeps Jira's first words; a 403
 * to the screen override marks the override refused; any other failure is thrown, not taken for
 * a refused way.
 */
type Answer = JiraError | Error | undefined;

function scriptedJira(answers: Answer[]) {
  const calls: string[] = [];
  const jira = {
    request: (
      _schema: unknown,
      path: { value: string },
      init: { method: string; body: unknown },
    ) => {
      calls.push(`${init.method} ${path.value} ${JSON.stringify(init.body)}`);
      const answer = answers.shift();
      return answer ? Promise.reject(answer) : Promise.resolve(undefined);
    },
  };
  return { jira: jira as unknown as JiraGateway, calls };
}

const refusedField = (fieldId: string, said: string, status = 400) =>
  new JiraError({
    kind: status === 403 ? 'forbidden' : 'bad-request',
    status,
    operation: 'PUT /rest/api/3/issue/DT-1',
    message: said,
    fieldErrors: { [fieldId]: said },
  });
const FIELD = 'customfield_10021';
const fieldBody = JSON.stringify({ fields: { [FIELD]: [{ value: FLAG_OPTION }] } });
const labelBody = JSON.stringify({ update: { labels: [{ add: FLAG_LABEL }] } });

describe('flagging an item', () => {
  it("sets Jira's Flagged field when the site has it", async () => {
    const { jira, calls } = scriptedJira([undefined]);
    await expect(flagItem(jira, 'DT-1', FIELD)).resolves.toEqual({
      via: 'field',
      refused: [],
      overrideRefused: false,
      siteHasFlagged: true,
    });
    expect(calls).toEqual([`PUT /rest/api/3/issue/DT-1 ${fieldBody}`]);
  });

  it('uses the label on a site without the field', async () => {
    const { jira, calls } = scriptedJira([undefined]);
    await expect(flagItem(jira, 'DT-1', null)).resolves.toMatchObject({
      via: 'label',
      siteHasFlagged: false,
    });
    expect(calls).toEqual([`PUT /rest/api/3/issue/DT-1 ${labelBody}`]);
  });

  it("moves on when Jira refuses the field, keeping Jira's first words (at most 500 characters)", async () => {
    const long = `Field '${FIELD}' cannot be set. ${'x'.repeat(600)}`;
    const { jira, calls } = scriptedJira([refusedField(FIELD, long), refusedField(FIELD, 'again')]);
    const outcome = await flagItem(jira, 'DT-1', FIELD);
    expect(outcome).toEqual({
      via: 'label',
      refused: ['field', 'field-override'],
      overrideRefused: false,
      siteHasFlagged: true,
      jiraSaid: long.slice(0, 500),
    });
    expect(calls).toEqual([
      `PUT /rest/api/3/issue/DT-1 ${fieldBody}`,
      `PUT /rest/api/3/issue/DT-1?overrideScreenSecurity=true ${fieldBody}`,
      `PUT /rest/api/3/issue/DT-1 ${labelBody}`,
    ]);
  });

  it('skips the ways already known to be refused, and the override once it was refused', async () => {
    const { jira, calls } = scriptedJira([undefined]);
    const known = { refused: new Set(['field', 'label'] as const), overrideRefused: true };
    await expect(flagItem(jira, 'DT-1', FIELD, known)).resolves.toEqual({
      via: null,
      refused: ['field', 'label'],
      overrideRefused: true,
      siteHasFlagged: true,
    });
    expect(calls).toEqual([]);
  });

  it('marks the override refused on a 403 to it, and tries the label', async () => {
    const { jira, calls } = scriptedJira([
      refusedField(FIELD, 'not on screen'),
      refusedField(FIELD, 'Administer Jira needed', 403),
      undefined,
    ]);
    await expect(flagItem(jira, 'DT-1', FIELD)).resolves.toMatchObject({
      via: 'label',
      refused: ['field'],
      overrideRefused: true,
      jiraSaid: 'not on screen',
    });
    expect(calls).toHaveLength(3);
  });

  it('throws a 403 to the plain write (no Edit issues permission) instead of taking it for the screen', async () => {
    const forbidden = refusedField(FIELD, 'You do not have permission', 403);
    const { jira, calls } = scriptedJira([forbidden]);
    await expect(flagItem(jira, 'DT-1', FIELD)).rejects.toBe(forbidden);
    expect(calls).toHaveLength(1);
  });

  it('throws a 400 that names another field, and anything that is not a Jira answer', async () => {
    const other = refusedField('summary', 'Summary is required');
    await expect(flagItem(scriptedJira([other]).jira, 'DT-1', FIELD)).rejects.toBe(other);
    const broken = new Error('socket closed');
    await expect(flagItem(scriptedJira([broken]).jira, 'DT-1', FIELD)).rejects.toBe(broken);
  });
});
