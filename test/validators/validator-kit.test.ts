import { z } from 'zod';
import { AppFieldMissingError } from '../../src/items/app-fields';
import { ItemShapeError } from '../../src/items/item-facts';
import { JiraError } from '../../src/jira/errors';
import { DeadlineExceededError, replaceWaiter } from '../../src/runtime/wait';
import { StoredValueError } from '../../src/storage/kvs-store';
import {
  allow,
  decideInTime,
  DECISION_DEADLINE_MS,
  openValidatorCall,
  reasonFor,
  toFix,
} from '../../src/validators/validator-kit';

/**
 * What every validator does the same way: the deadline names the Jira requests still unanswered;
 * an unusable argument or rule configuration, or a key without a project, is refused with what
 * is wrong; and each kind of failure to decide has its own words for the person transitioning.
 */

describe('deciding in time', () => {
  afterEach(() => replaceWaiter(undefined));

  it('answers with the work when it finishes first', async () => {
    await expect(decideInTime(() => Promise.resolve(allow()))).resolves.toEqual({ result: true });
  });

  it('gives up at the deadline, naming the requests still in flight', async () => {
    // A clock on which the deadline passes at once, and work that never answers.
    replaceWaiter({
      sleep: (_ms, signal) => (signal?.aborted ? new Promise(() => {}) : Promise.resolve()),
    });
    const decision = decideInTime((inFlight) => {
      inFlight.push('GET /rest/api/3/issue/DT-1');
      return new Promise(() => {});
    });
    await expect(decision).rejects.toBeInstanceOf(DeadlineExceededError);
    await expect(decision).rejects.toMatchObject({
      ms: DECISION_DEADLINE_MS,
      pending: ['GET /rest/api/3/issue/DT-1'],
    });
  });
});

describe('opening a validator call', () => {
  it('refuses an argument without a usable issue, naming the field', () => {
    const opened = openValidatorCall('Enabler gate', { issue: { key: 'not a key' } });
    expect(opened.ok).toBe(false);
    expect(opened.ok ? undefined : opened.answer.result).toBe(false);
    expect(opened.ok ? '' : opened.answer.errorMessage).toMatch(
      /^Enabler gate: the validator was called without a usable issue \(issue\.key: must be a Jira issue key.*\)\. The transition is refused; ask a Jira admin to check the workflow rule\.$/,
    );
  });

  it('names every problem of the argument, each apart', () => {
    const opened = openValidatorCall('Enabler gate', {
      issue: { key: 'not a key' },
      transition: 7,
    });
    const message = opened.ok ? '' : opened.answer.errorMessage;
    expect(message).toMatch(/\(issue\.key: [^;]+; transition: [^;]+\)/);
  });

  it('refuses a rule whose configuration is not JSON', () => {
    const opened = openValidatorCall('Enabler gate', {
      issue: { key: 'DT-1' },
      configuration: '{',
    });
    expect(opened).toEqual({
      ok: false,
      answer: {
        result: false,
        errorMessage:
          'Enabler gate is misconfigured on this transition (its saved configuration is not valid JSON). The transition is refused; ask a Jira admin to edit the rule.',
      },
    });
  });

  it('refuses an issue given by id, whose project it cannot tell', () => {
    expect(openValidatorCall('Enabler gate', { issue: { key: '10001' } })).toEqual({
      ok: false,
      answer: {
        result: false,
        errorMessage:
          'Enabler gate: the check for 10001 could not be completed, so the transition is refused. The issue key has no project part.',
      },
    });
  });

  it('opens a call with the key, its project and the changed fields', () => {
    const opened = openValidatorCall('Enabler gate', {
      issue: { key: 'AB_2-17' },
      transition: { modifiedFields: { summary: 'New' } },
    });
    expect(opened).toMatchObject({
      ok: true,
      call: { key: 'AB_2-17', projectKey: 'AB_2', rule: {} },
    });
  });
});

describe('why a validator could not decide', () => {
  const jira = (kind: ConstructorParameters<typeof JiraError>[0]['kind'], more = {}) =>
    new JiraError({ kind, operation: 'GET /rest/api/3/issue/DT-1', message: 'no', ...more });

  it('names the Jira requests that were too slow, and their time', () => {
    expect(reasonFor('enabler-gate', new DeadlineExceededError(10_000, ['GET a', 'POST b']))).toBe(
      'Dual Track could not check this work item in time: Jira took longer than 10 s to answer (GET a, POST b). Try again; if it persists, ask your Jira admin.',
    );
  });

  it('blames storage when no Jira request was pending', () => {
    expect(reasonFor('enabler-gate', new DeadlineExceededError(10_000, []))).toBe(
      'Dual Track could not check this work item in time: Forge storage took longer than 10 s to answer. Try again; if it persists, ask your Jira admin.',
    );
  });

  it('says an unseen issue may be deleted or hidden from the app', () => {
    expect(reasonFor('enabler-gate', jira('not-found'))).toMatch(
      /^Jira says the issue does not exist or the app cannot see it/,
    );
  });

  it('says when to try again under the rate limit', () => {
    expect(reasonFor('enabler-gate', jira('rate-limited', { retryAfterSeconds: 7 }))).toBe(
      "Jira is busy, try again in 7 s: Jira's rate limit for apps was reached.",
    );
  });

  it('explains other Jira failures in plain words', () => {
    expect(reasonFor('enabler-gate', jira('server-error', { status: 503 }))).toBe(
      'Jira had an internal error (HTTP 503).',
    );
  });

  it('sends an admin to the settings when a stored value is unreadable', () => {
    expect(reasonFor('enabler-gate', new StoredValueError('config:global', 'bad'))).toBe(
      'Dual Track\'s settings could not be read (The stored value at "config:global" is not readable: bad). A Jira admin should open the Dual Track settings and save them again.',
    );
  });

  it("says the app's field is missing from the site", () => {
    const error = new AppFieldMissingError('scoped-outcome');
    expect(reasonFor('enabler-gate', error)).toBe(error.message);
  });

  it('names the invalid setting', () => {
    const error = z.object({ minOutcomeLength: z.number() }).safeParse({ minOutcomeLength: 'x' })
      .error as z.ZodError;
    expect(reasonFor('enabler-gate', error)).toMatch(
      /^Dual Track's settings are not valid \(minOutcomeLength: .+\)\. A Jira admin should correct them in the Dual Track settings\.$/,
    );
  });

  it('names every invalid setting, each apart', () => {
    const error = z
      .object({ minOutcomeLength: z.number(), timeboxDays: z.number() })
      .safeParse({ minOutcomeLength: 'x', timeboxDays: 'y' }).error as z.ZodError;
    expect(reasonFor('enabler-gate', error)).toMatch(
      /\(minOutcomeLength: [^;]+; timeboxDays: [^;]+\)/,
    );
  });

  it('says what Jira left out of the issue', () => {
    expect(
      reasonFor('discovery-gate', new ItemShapeError('DT-7', 'its issue type and project')),
    ).toBe('Jira returned DT-7 without its issue type and project, which the check needs.');
  });

  it('logs anything else and tells the person only where the details are', () => {
    const logged = jest.spyOn(console, 'error').mockImplementation(() => {});
    expect(reasonFor('enabler-gate', new Error('secret internals'))).toBe(
      'An unexpected error occurred in Dual Track; the details are in the app logs.',
    );
    expect(logged).toHaveBeenCalledWith('enabler-gate: unexpected failure', {
      error: 'secret internals',
    });
    logged.mockRestore();
  });
});

describe('what a refusal asks for', () => {
  it('each thing apart, in order', () => {
    expect(toFix(['add a scoped outcome', 'set a timebox of 1 to 3 days'])).toBe(
      'To fix: add a scoped outcome; set a timebox of 1 to 3 days.',
    );
    expect(toFix(['gather more evidence'])).toBe('To fix: gather more evidence.');
  });
});
