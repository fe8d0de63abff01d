import { z } from 'zod';
import { refuse } from '../domain/failure';
import { failureOf } from '../jira/errors';
import { jiraAsUser, type JiraGateway } from '../jira/jira-gateway';
import { logger } from '../runtime/log';

/**
 * How every Dual Track Automation action runs (Forge's `action` module listed by an
 * `automation:actionProvider`: docs/automation.md). Automation invokes the function with the
 * inputs the rule configured (smart values already rendered) and Forge's context naming the rule
 * actor; the action reads Jira as that actor, so Jira refuses what they may not see, and answers
 * either its outputs or `{ errors: [{ message }] }`, which stops the rule and shows the rule
 * owner the message in the audit log.
 */

/** The documented error answer: it fails the action and reaches the rule's audit log. */
export interface AutomationErrors {
  errors: Array<{ message: string }>;
}

export type AutomationAnswer<T> = T | AutomationErrors;

/** The rule actor: Forge's context principal (or `accountId`), never an input. */
const ActorContextSchema = z
  .object({
    principal: z
      .object({ accountId: z.string().min(1) })
      .passthrough()
      .optional(),
    accountId: z.string().min(1).optional(),
  })
  .passthrough();

export function ruleActorOf(context: unknown): string | undefined {
  const parsed = ActorContextSchema.safeParse(context ?? {});
  if (!parsed.success) return undefined;
  return parsed.data.principal?.accountId ?? parsed.data.accountId;
}

export interface RuleRun {
  actor: string;
  /** Jira as the rule actor. */
  jira: JiraGateway;
  now: Date;
}

/** Inputs arrive as the rule renders them: smart values are text, so numbers come as strings. */
export const IssueKeyInput = z
  .string({ error: 'is required (use a smart value such as {{issue.key}})' })
  .trim()
  .regex(/^[A-Z][A-Z0-9_]{0,254}-[1-9][0-9]{0,17}$/, 'must be an issue key such as DT-12');

export const SprintIdInput = z
  .union([z.string(), z.number()])
  .transform((v) => String(v).trim())
  .refine((v) => /^[1-9][0-9]{0,17}$/.test(v), 'must be a sprint id such as {{sprint.id}}')
  .transform(Number);

/**
 * Rovo calls the same actions from its chat with the inputs the agent filled in and a `context`
 * naming where the chat is open (`context.jira.issueKey` on a work item: docs/automation.md, "In
 * Rovo"). A key the agent gave wins; without one, the chat's work item is the one asked about.
 */
const ChatContextSchema = z
  .object({
    context: z
      .object({ jira: z.object({ issueKey: z.string().min(1) }).passthrough() })
      .passthrough(),
  })
  .passthrough();

function withChatItem(payload: unknown): unknown {
  const body = payload ?? {};
  const chat = ChatContextSchema.safeParse(body);
  if (!chat.success) return body;
  const given = (body as { issueKey?: unknown }).issueKey;
  if (typeof given === 'string' && given.trim() !== '') return body;
  return { ...body, issueKey: chat.data.context.jira.issueKey };
}

function errorsOf(actionName: string, message: string): AutomationErrors {
  return { errors: [{ message: `Dual Track (${actionName}): ${message}` }] };
}

/**
 * The handler Forge runs for one action: `(payload, context)`. Inputs are parsed with `inputs`
 * (unknown keys, such as the platform's own `context`, are ignored); a refusal or a Jira failure
 * becomes the error answer, worded for the rule owner.
 */
export function automationAction<S extends z.ZodType, T>(
  actionName: string,
  inputs: S,
  run: (rule: RuleRun, input: z.infer<S>) => Promise<T>,
): (payload: unknown, context?: unknown) => Promise<AutomationAnswer<T>> {
  return async (payload, context) => {
    const actor = ruleActorOf(context);
    if (!actor) {
      return errorsOf(
        actionName,
        'the rule has no actor Jira knows; set the rule actor to a user.',
      );
    }
    const parsed = inputs.safeParse(withChatItem(payload));
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => `${i.path.join('.') || 'input'} ${i.message}`);
      return errorsOf(actionName, `the action's inputs are not usable: ${issues.join('; ')}.`);
    }
    try {
      return await run({ actor, jira: jiraAsUser(actor), now: new Date() }, parsed.data);
    } catch (error) {
      const failure = failureOf(error);
      logger('automation').warn('action refused', { action: actionName, code: failure.code });
      return errorsOf(actionName, wordedFor(failure.code, failure.message));
    }
  };
}

/** Jira's "not found" reaches a rule actor who may not browse the item, too: say both. */
function wordedFor(code: string, message: string): string {
  if (code === 'not-found') {
    return `${message} The item does not exist or the rule actor may not browse it.`;
  }
  if (code === 'forbidden') return `${message} Check the rule actor's permissions.`;
  return message;
}

/** Stops the action with a message for the rule owner. */
export const stop = (message: string): never => refuse('forbidden', message);
