import type { InvocationError } from '@forge/events';
import { runResolverInvocation, type InvocationKind } from './invocation';
import type { JiraEmulator } from './jira-emulator';
import * as entryPoints from '../../src/index';
import { resolver } from '../../src/index';
import {
  RESOLVER_RESULTS,
  type BridgeError,
  type ResolverKey,
  type Result,
} from '../../src/contract/bridge-contract';
import type { ValidatorResult } from '../../src/validators/validator-contract';

/**
 * Calls the app the way Forge does, each call one invocation on the emulator's virtual clock
 * under its kind's time limit (dev/emulator/invocation.ts): a resolver through the real exported
 * `resolver` handler with the payload limits of `invoke`, a trigger with its event, a validator
 * with Jira's argument. Past the limit the call rejects with InvocationLimitError, which names
 * the invocation ("trigger sprintGuard exceeded the 25 s limit ...").
 *
 * The shared test emulator (test/helpers/emulator.ts) refuses a Jira or storage request made
 * outside an invocation, so a test reaches the app only through these functions; its own
 * seeding and checks go through `em.invocations.setup`.
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
  checkAnswer(key, answer);
  return answer as Result<T>;
}

/** Every ok answer must match its key's result schema in the contract (what the UI parses). */
function checkAnswer(key: ResolverKey, answer: unknown): void {
  const envelope = answer as { ok?: unknown; data?: unknown };
  if (envelope.ok !== true) return;
  const parsed = RESOLVER_RESULTS[key].safeParse(envelope.data);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new Error(`${key} answered data its contract schema refuses: ${issues.join('; ')}`);
  }
}

/**
 * The name Forge runs a handler by: its export from src/index.ts (`handler: index.<name>` in
 * manifest.yml). Refuses anything else, so a test cannot time a stand-in for the entry point.
 */
function entryPointName(handler: unknown): string {
  const found = Object.entries(entryPoints).find(([, value]) => value === handler);
  if (!found) {
    throw new Error('dev/emulator/app-invoke.ts: the handler is not an export of src/index.ts');
  }
  return found[0];
}

/** Delivers one product event to a trigger handler, as the app (triggers have no user). */
export async function runTrigger(
  em: JiraEmulator,
  handler: (event: unknown) => Promise<InvocationError | undefined>,
  event: unknown,
): Promise<InvocationError | undefined> {
  return em.invocations.run('trigger', entryPointName(handler), () => handler(event));
}

/** Calls a workflow validator with Jira's argument and context (which may lack an accountId). */
export async function runValidator(
  em: JiraEmulator,
  handler: (args: unknown, context?: unknown) => Promise<ValidatorResult>,
  args: unknown,
  context?: unknown,
): Promise<ValidatorResult> {
  return em.invocations.run('validator', entryPointName(handler), () => handler(args, context));
}

/**
 * Runs `fn`, a test's direct call of an inner function of the app, as one invocation of the kind
 * that reaches that function in production, under that kind's limit: `name` says which entry
 * point that is and what the test calls ("resolver project/overview: loadProjectOverview").
 * `as` runs it for that user (asUser requests act as them), as a resolver invocation does.
 */
export function inInvocation<T>(
  em: JiraEmulator,
  kind: InvocationKind,
  name: string,
  fn: () => Promise<T>,
  options: { as?: string } = {},
): Promise<T> {
  const as = options.as;
  return em.invocations.run(kind, name, () => (as === undefined ? fn() : em.runAs(as, fn)));
}

/** The data of an answer a test expects to be ok; otherwise fails naming the refusal. */
export function ok<T>(result: Result<T>): T;
export function ok<T>(result: Result<unknown>): T;
export function ok<T>(result: Result<unknown>): T {
  if (!result.ok) throw new Error(`expected ok, got ${result.error.code}: ${result.error.message}`);
  return result.data as T;
}

/** The refusal of an answer a test expects to fail; otherwise fails showing the data. */
export function failed(result: Result<unknown>): BridgeError {
  if (result.ok) throw new Error(`expected an error, got ${JSON.stringify(result.data)}`);
  return result.error;
}

/**
 * Invokes a resolver as `accountId` from an issue's panel: Forge's context names the issue and
 * its project, taken from the emulator by key.
 */
export function callOnIssue<T = unknown>(
  em: JiraEmulator,
  key: ResolverKey,
  accountId: string | undefined,
  issueKey: string,
  payload: unknown = {},
  type = 'jira:issuePanel',
): Promise<Result<T>> {
  const issue = em.findIssue(issueKey);
  if (!issue) throw new Error(`dev/emulator/app-invoke.ts: the emulator has no issue ${issueKey}`);
  const project = em.projectByKey(issueKey.replace(/-\d+$/, ''));
  return callResolver<T>(em, key, accountId, payload, {
    extension: {
      type,
      project: { id: project.id, key: project.key },
      issue: { id: issue.id, key: issue.key },
    },
  });
}

/**
 * Lets Forge's queue deliver what the app pushed (dev/emulator/forge-queue.ts): each event one
 * consumer invocation under its function's `timeoutSeconds`, retried as Forge documents, until
 * none is left (or `maxDeliveries` were made). Returns the deliveries made by this call.
 */
export async function deliverQueue(
  em: JiraEmulator,
  options: { maxDeliveries?: number } = {},
): Promise<JiraEmulator['queue']['deliveries']> {
  const before = em.queue.deliveries.length;
  await em.queue.useEntryPoints(entryPoints).drain(options);
  return em.queue.deliveries.slice(before);
}

/**
 * Runs an Automation action as a rule does (docs/automation.md): the exported handler with the
 * rule's rendered inputs and Forge's context naming the rule actor, whose Jira requests act as
 * them; undefined: a context without a principal.
 */
export function runAutomation(
  em: JiraEmulator,
  handler: (payload: unknown, context?: unknown) => Promise<unknown>,
  inputs: Record<string, unknown>,
  actor: string | undefined,
): Promise<unknown> {
  const context = actor === undefined ? {} : { principal: { accountId: actor } };
  const call = () => handler(inputs, context);
  return em.invocations.run('automation', entryPointName(handler), () =>
    actor === undefined ? call() : em.runAs(actor, call),
  );
}
