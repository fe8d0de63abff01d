import type { InvocationError } from '@forge/events';
import { runResolverInvocation, type InvocationKind } from '../../dev/emulator/invocation';
import type { JiraEmulator } from '../../dev/emulator/jira-emulator';
import { resolver } from '../../src/index';
import type { ResolverKey, Result } from '../../src/shared/bridge-contract';
import type { ValidatorResult } from '../../src/validators/validator-contract';

/**
 * Calls the app the way Forge does, each call one invocation on the emulator's virtual clock
 * under its kind's time limit (dev/emulator/invocation.ts): a resolver through the real exported
 * `resolver` handler with the payload limits of `invoke`, a trigger with its event, a validator
 * with Jira's argument. Past the limit the call rejects with InvocationLimitError.
 */

type ResolverHandler = (
  request: { call: { functionKey: string; payload?: unknown }; context: unknown },
  runtime?: { principal?: { accountId: string } },
) => Promise<unknown>;

/**
 * Invokes a resolver as `accountId` (undefined: no signed-in user) with the given Forge context
 * (extension and the like; the account id is Forge's, from the principal, never the context's).
 */
export async function callResolver<T = unknown>(
  em: JiraEmulator,
  key: ResolverKey,
  accountId: string | undefined,
  payload: unknown,
  context: Record<string, unknown> = {},
): Promise<Result<T>> {
  const handler = resolver as unknown as ResolverHandler;
  const call = () =>
    handler(
      { call: { functionKey: key, payload }, context },
      accountId === undefined ? {} : { principal: { accountId } },
    );
  const answer = await runResolverInvocation(em, key, payload, () =>
    accountId === undefined ? call() : em.runAs(accountId, call),
  );
  return answer as Result<T>;
}

type Handler<A extends unknown[], R> = (...args: A) => Promise<R>;

async function run<A extends unknown[], R>(
  em: JiraEmulator,
  kind: InvocationKind,
  handler: Handler<A, R>,
  args: A,
): Promise<R> {
  return em.invocations.run(kind, handler.name || kind, () => handler(...args));
}

/** Delivers one product event to a trigger handler, as the app (triggers have no user). */
export function runTrigger(
  em: JiraEmulator,
  handler: (event: unknown) => Promise<InvocationError | undefined>,
  event: unknown,
): Promise<InvocationError | undefined> {
  return run(em, 'trigger', handler, [event]);
}

/** Calls a workflow validator with Jira's argument and context (which may lack an accountId). */
export function runValidator(
  em: JiraEmulator,
  handler: (args: unknown, context?: unknown) => Promise<ValidatorResult>,
  args: unknown,
  context?: unknown,
): Promise<ValidatorResult> {
  return run(em, 'validator', handler, [args, context]);
}
