import { z } from 'zod';
import { checkScopedOutcome, describeOutcomeProblem } from '../domain/readiness';
import { assessReadiness } from '../domain/sprint-readiness';
import { describeEntry, entryBlocks, readersOf } from '../domain/entry-criteria';
import { typeIsIn } from '../domain/track';
import { entryIssueFields, entryVerdictOf } from '../items/entry-reader';
import { jiraAsApp, type JiraGateway, type RetryPolicy } from '../jira/jira-gateway';
import { readEnforcementContext } from '../storage/enforcement-store';
import { trackResolver } from '../items/project-items';
import {
  APP_FIELDS,
  AppFieldMissingError,
  appFieldIds,
  scopedOutcomeFieldId,
} from '../items/app-fields';
import { readScopedOutcome } from '../items/scoped-outcome-field';
import { actorOf, blockOrWaive } from './validator-audit';
import type { ValidatorResult } from './validator-contract';
import {
  allow,
  cannotCheck,
  decideInTime,
  openValidatorCall,
  reasonFor,
  refuse,
  toFix,
  VALIDATOR_RETRY,
  type ValidatorCall,
} from './validator-kit';

/**
 * The enabler gate: a workflow validator for transitions into sprint-ready statuses, or on a
 * Kanban board into the first committed column. Enablers and spikes (configurable) pass only with
 * a complete scoped outcome; other types pass untouched. Jira passes only the statuses' ids, so
 * refusals name no column and read right on both ("cannot enter a sprint or start").
 * More: docs/internals.md#validators-enabler-gate-ts.
 */

const RULE_NAME = 'Dual Track: scoped outcome before sprint';

/** The handler Forge invokes: `(payload, context)`; the context may name the user. */
export function enablerGate(args: unknown, context?: unknown): Promise<ValidatorResult> {
  return checkEnablerGate(args, VALIDATOR_RETRY, actorOf(context));
}

export async function checkEnablerGate(
  args: unknown,
  retry: RetryPolicy,
  actor?: string,
  now: Date = new Date(),
): Promise<ValidatorResult> {
  const opened = openValidatorCall(RULE_NAME, args);
  if (!opened.ok) return opened.answer;
  const { key, projectKey, modifiedFields, rule } = opened.call;

  try {
    return await decideInTime((inFlight) =>
      decide(key, projectKey, modifiedFields, rule, jiraAsApp(retry, inFlight), actor, now),
    );
  } catch (error) {
    return cannotCheck(RULE_NAME, key, reasonFor('enabler-gate', error));
  }
}

type Context = Awaited<ReturnType<typeof readEnforcementContext>>;
type EntryIds = { entryTriage: string | undefined; discoveryEvidence: string | undefined };
interface Gated {
  context: Context;
  found: Awaited<ReturnType<JiraGateway['getIssue']>>;
  typeName: string;
  block: Omit<Parameters<typeof blockOrWaive>[0], 'rule' | 'missing'>;
}

async function decide(
  key: string,
  projectKey: string,
  modifiedFields: ValidatorCall['modifiedFields'],
  rule: ValidatorCall['rule'],
  jira: JiraGateway,
  actor: string | undefined,
  now: Date,
): Promise<ValidatorResult> {
  let context = await readEnforcementContext(projectKey);
  const { field, entryIds } = await gateFields(context, jira);
  const found = await jira.getIssue(key, [
    'issuetype',
    'project',
    field.id,
    ...(entryIds ? entryIssueFields(entryIds) : []),
  ]);
  const fields = IssueFieldsSchema.safeParse(found.fields);
  if (!fields.success) {
    return cannotCheck(
      RULE_NAME,
      key,
      'Jira did not return the issue type and project of the issue.',
    );
  }
  if (fields.data.project.key !== projectKey) {
    // The issue moved or its project was re-keyed: use that project's settings.
    context = await readEnforcementContext(fields.data.project.key);
  }
  const gatedTypes = rule.issueTypes ?? context.config.gate.issueTypes;
  const typeName = fields.data.issuetype.name;
  const gated: Gated = {
    context,
    found,
    typeName,
    block: {
      context,
      issue: { id: found.id, key: found.key },
      actor,
      now,
      source: 'validator:enabler-gate',
    },
  };
  if (!typeIsIn(typeName, gatedTypes)) return checkEntry(gated, entryIds, jira);
  if (!(field.id in found.fields) && !(modifiedFields && field.id in modifiedFields)) {
    // Jira leaves out a field that has no context for this project and issue type.
    return refuse(
      `${found.key} (${typeName}) must have a scoped outcome before it can enter a sprint or start, but the Scoped outcome field is not available on ${typeName} issues in this project (its field context or screens leave it out). A Jira admin should add the Scoped outcome field back to this project; until then the transition is refused.`,
    );
  }
  const reading = readScopedOutcome(found.fields, field.id, modifiedFields);
  if (reading.kind === 'unreadable') {
    return refuse(
      `${found.key} (${typeName}) needs a scoped outcome before it can enter a sprint or start, but its Scoped outcome field could not be read (${reading.detail}). Re-enter the scoped outcome and try again.`,
    );
  }
  const refused = await checkOutcome(
    gated,
    reading,
    rule.checks ?? ENABLER_GATE_CHECKS,
    gatedTypes,
  );
  return refused ?? checkEntry(gated, entryIds, jira);
}

/**
 * The Scoped outcome field's id, and with the entry check on the three app fields looked up (and
 * remembered) together: two lookups from the same remembered ids would each overwrite the other's
 * answer.
 */
async function gateFields(
  context: Context,
  jira: JiraGateway,
): Promise<{ field: { id: string }; entryIds: EntryIds | undefined }> {
  if (!context.config.entry.refuseInValidators) {
    return { field: await scopedOutcomeFieldId(context.fields, jira), entryIds: undefined };
  }
  const { ids } = await appFieldIds(
    ['scopedOutcome', 'entryTriage', 'discoveryEvidence'],
    context.fields,
    jira,
  );
  if (!ids.scopedOutcome) throw new AppFieldMissingError(APP_FIELDS.scopedOutcome);
  return { field: { id: ids.scopedOutcome }, entryIds: ids };
}

/**
 * The checks of a rule saved without any (before the screen had tick boxes): the scoped outcome
 * and, for spikes, the spike timebox rule, as the sprint guard applies them.
 */
const ENABLER_GATE_CHECKS: NonNullable<ValidatorCall['rule']['checks']> = [
  'scoped-outcome',
  'spike-timebox',
];

/** The rule's checks on the scoped outcome; the refusal (or waiver) of the first that fails. */
async function checkOutcome(
  { context, found, typeName, block }: Gated,
  reading: ReturnType<typeof readScopedOutcome>,
  checks: NonNullable<ValidatorCall['rule']['checks']>,
  gatedTypes: readonly string[],
): Promise<ValidatorResult | undefined> {
  const outcome = reading.kind === 'present' ? reading.value : undefined;
  if (checks.includes('scoped-outcome')) {
    const check = checkScopedOutcome(outcome, context.config.scopedOutcome);
    if (!check.ready) {
      const fixes = check.problems.map(describeOutcomeProblem);
      const lead =
        reading.kind === 'empty'
          ? `${found.key} (${typeName}) has no scoped outcome yet`
          : `${found.key} (${typeName}) has an incomplete scoped outcome`;
      return blockOrWaive(
        { ...block, rule: 'scoped-outcome', missing: fixes },
        refuse(`${lead}, so it cannot enter a sprint or start. ${toFix(fixes)}`),
      );
    }
  }
  if (checks.includes('spike-timebox')) {
    const verdict = assessReadiness(
      { typeName, track: 'discovery', scopedOutcome: outcome, evidence: undefined },
      context.config,
      { checks: ['spike-timebox'], issueTypes: gatedTypes },
    );
    if (!verdict.ready) {
      return blockOrWaive(
        { ...block, rule: verdict.rule, missing: verdict.missing },
        refuse(
          `${found.key} (${typeName}) cannot enter a sprint or start without a bounded timebox. ${toFix(verdict.missing)}`,
        ),
      );
    }
  }
  return undefined;
}

/** Delivery items meeting the discovery entry criteria: refused when the settings say so. */
async function checkEntry(
  { context, found, typeName, block }: Gated,
  entryIds: EntryIds | undefined,
  jira: JiraGateway,
): Promise<ValidatorResult> {
  if (!entryIds || !context.config.entry.refuseInValidators) return allow();
  const reading = await entryVerdictOf({
    issue: found,
    ids: entryIds,
    tracks: trackResolver(context.mapping, context.config.tracks.discoveryTypeNames),
    config: context.config,
    jira,
    forText: true,
  });
  if (!entryBlocks(reading.verdict)) return allow();
  const why = describeEntry(reading.verdict, readersOf(found.key, reading));
  return blockOrWaive(
    { ...block, rule: 'entry-criteria', missing: [why.replace(/\.$/, '')] },
    refuse(
      `${found.key} (${typeName}) cannot enter a sprint or start yet. ${why} Use "Explore first" in the Dual Track panel, or ask a project admin for a waiver.`,
    ),
  );
}

const IssueFieldsSchema = z
  .object({
    issuetype: z.object({ name: z.string() }).passthrough(),
    project: z.object({ key: z.string() }).passthrough(),
  })
  .passthrough();
