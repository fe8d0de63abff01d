import { z } from 'zod';
import { EvidenceInputSchema } from '../domain/evidence-input';
import { refuse } from '../domain/failure';
import { changeEvidenceLog } from '../evidence/evidence-service';
import {
  ideaValidation,
  itemReadiness,
  ruleName,
  sprintByIdReadiness,
  wouldAct,
} from '../enforcement/readiness-report';
import { myPermissions } from '../jira/permissions';
import { errorText, logger } from '../runtime/log';
import { markProjectWritten } from '../storage/shared-overview-store';
import { automationAction, IssueKeyInput, SprintIdInput } from './automation-kit';

/**
 * The four Dual Track actions for Jira Automation rules (manifest `action` modules, listed by the
 * `automation:actionProvider` dual-track-automation). Each reads Jira as the rule actor, as a
 * resolver reads as its caller, and costs at most the Jira calls of its counterpart check
 * (docs/costs.md): the readiness check the enabler gate's, validation the discovery gate's, the
 * sprint check the sprint-start check's.
 */

const projectOfKey = (key: string) => key.slice(0, key.lastIndexOf('-'));

/** "Check an item's readiness": the guard's verdict on the item now, and why. */
export const autoItemReadiness = automationAction(
  'check an item’s readiness',
  z.object({ issueKey: IssueKeyInput }).passthrough(),
  async (rule, input) => {
    const row = await itemReadiness(rule.jira, input.issueKey, rule.now);
    if (row.verdict === 'not-set-up') {
      return refuse('invalid-input', `${projectOfKey(row.key)} is not set up for Dual Track.`);
    }
    return {
      issueKey: row.key,
      ready: row.verdict === 'ready' || row.verdict === 'waived',
      verdict: row.verdict,
      track: row.track ?? '',
      rule: ruleName(row.rule) ?? '',
      reasons: row.missing.join('; '),
    };
  },
);

/** "Is this idea validated": the discovery item's validation state by the project's thresholds. */
export const autoIdeaValidated = automationAction(
  'is this idea validated',
  z.object({ issueKey: IssueKeyInput }).passthrough(),
  async (rule, input) => {
    const answer = await ideaValidation(rule.jira, input.issueKey);
    return {
      issueKey: answer.key,
      validated: answer.state === 'validated',
      state: answer.state,
      missing: answer.missing.join('; '),
    };
  },
);

const RecordInputs = z
  .object({
    issueKey: IssueKeyInput,
    type: EvidenceInputSchema.shape.type,
    summary: EvidenceInputSchema.shape.summary,
    date: EvidenceInputSchema.shape.date.optional(),
    link: EvidenceInputSchema.shape.link,
    positive: z
      .union([z.boolean(), z.enum(['true', 'false'])])
      .transform((v) => v === true || v === 'true')
      .optional(),
  })
  .passthrough();

/**
 * "Record discovery evidence": adds an entry to the discovery item's evidence log, as the panel's
 * "Add evidence" does. The rule actor needs Browse projects and Edit issues on the item.
 */
export const autoRecordEvidence = automationAction(
  'record discovery evidence',
  RecordInputs,
  async (rule, input) => {
    const held = await myPermissions(rule.jira, { kind: 'issue', issueKey: input.issueKey }, [
      'BROWSE_PROJECTS',
      'EDIT_ISSUES',
    ]);
    if (!held.has('BROWSE_PROJECTS') || !held.has('EDIT_ISSUES')) {
      return refuse(
        'forbidden',
        `the rule actor needs the Browse projects and Edit issues permissions on ${input.issueKey} to record evidence.`,
      );
    }
    const found = await rule.jira.getIssue(input.issueKey, ['issuetype']);
    const issue = { id: found.id, key: found.key };
    const projectKey = projectOfKey(issue.key);
    const entry = EvidenceInputSchema.parse({
      type: input.type,
      summary: input.summary,
      date: input.date ?? rule.now.toISOString().slice(0, 10),
      ...(input.link ? { link: input.link } : {}),
      ...(input.positive === undefined ? {} : { positive: input.positive }),
    });
    const result = await changeEvidenceLog(
      { accountId: rule.actor, now: rule.now },
      issue,
      projectKey,
      { kind: 'add', entry },
      rule.jira,
    );
    if (!result.ok) return refuse(result.code, result.message, result.details);
    await markProjectWritten(projectKey, rule.now).catch((error: unknown) =>
      logger('automation').warn('could not mark the project changed for its page', {
        project: projectKey,
        error: errorText(error),
      }),
    );
    return {
      issueKey: issue.key,
      entryId: result.entryId ?? '',
      state: result.evidence.validation.state,
    };
  },
);

/** "Check a sprint's readiness": the items the guard would move back or flag, and why. */
export const autoSprintReadiness = automationAction(
  'check a sprint’s readiness',
  z.object({ sprintId: SprintIdInput }).passthrough(),
  async (rule, input) => {
    const report = await sprintByIdReadiness(rule.jira, input.sprintId, rule.now);
    const acting = wouldAct(report);
    return {
      sprintName: report.name,
      ready: acting.length === 0 && report.unread === 0,
      notReadyCount: acting.length,
      discoveryNotReady: report.byTrack.discovery.notReady,
      deliveryNotReady: report.byTrack.delivery.notReady,
      notReadyKeys: acting.map((r) => r.key).join(', '),
      reasons: acting.map((r) => `${r.key}: ${r.missing.join('; ')}`).join(' | '),
      unread: report.unread,
    };
  },
);
