import { z } from 'zod';
import type { OUTCOME_RESULTS } from '../domain/retro';
import { DEFAULT_SPRINTS, loadRetro } from '../retro/load-retro';
import { retroStatus, startRetro } from '../retro/retro-job';
import { reportForViewer } from '../retro/retro-for-viewer';
import type { RetroJobAnswer } from '../contract/retro-report';
import { recordOutcome } from '../storage/retro-outcome-store';
import { readEvidence } from '../storage/evidence-store';
import { readProjectContext } from '../storage/project-context';
import { validationOf } from '../domain/evidence-log';
import type { ResolverGroup } from './all-resolvers';
import {
  fail,
  projectOf,
  requirePermissions,
  resolver,
  type Caller,
  type Requirement,
} from './resolver-kit';

/**
 * The retro sub-page: `retro/report` (Browse projects on the context project; every Jira read
 * is the user's) and `retro/outcome/record` (Edit issues on the delivered item, which must be
 * in the context project, finished, and promoted from an idea that is validated); `retro/job/*`
 * the same report through the queue (src/retro/retro-job.ts).
 */

const CAN_BROWSE: Requirement = {
  context: (caller) => ({ kind: 'project', projectKey: projectOf(caller).key }),
  permissions: ['BROWSE_PROJECTS'],
  because: 'You need the Browse projects permission on this project to see its retro.',
};

const OutcomeIssueSchema = z
  .object({
    id: z.string(),
    key: z.string(),
    fields: z
      .object({
        status: z
          .object({ statusCategory: z.object({ key: z.string() }).passthrough() })
          .passthrough(),
        issuelinks: z
          .array(
            z
              .object({
                inwardIssue: z.object({ id: z.string() }).passthrough().optional(),
                outwardIssue: z.object({ id: z.string() }).passthrough().optional(),
              })
              .passthrough(),
          )
          .nullish(),
      })
      .passthrough(),
  })
  .passthrough();

/** Ideas linked to the item whose evidence is validated now (at most 10 are looked at). */
async function validatedOrigins(linkedIds: readonly string[], projectKey: string) {
  const { config } = await readProjectContext(projectKey);
  const found: string[] = [];
  for (const id of linkedIds.slice(0, 10)) {
    const stored = await readEvidence(id);
    if (stored.log && validationOf(stored.content, config.validation).state === 'validated') {
      found.push(id);
    }
  }
  return found;
}

async function record(
  caller: Caller,
  payload: { issueKey: string; result: (typeof OUTCOME_RESULTS)[number]; note: string },
) {
  const project = projectOf(caller);
  if (!payload.issueKey.startsWith(`${project.key}-`)) {
    return fail('invalid-input', `issueKey: ${payload.issueKey} is not an item of ${project.key}.`);
  }
  await requirePermissions(caller, {
    context: () => ({ kind: 'issue', issueKey: payload.issueKey }),
    permissions: ['BROWSE_PROJECTS', 'EDIT_ISSUES'],
    because: 'You need the Edit issues permission on this item to record its outcome.',
  });
  const issue = OutcomeIssueSchema.parse(
    await caller.jira.getIssue(payload.issueKey, ['status', 'issuelinks']),
  );
  if (issue.fields.status.statusCategory.key !== 'done') {
    return fail('conflict', `${issue.key} is not finished yet: record its outcome after release.`);
  }
  const linked = (issue.fields.issuelinks ?? [])
    .map((l) => l.inwardIssue?.id ?? l.outwardIssue?.id)
    .filter((id): id is string => id !== undefined);
  if ((await validatedOrigins(linked, project.key)).length === 0) {
    return fail(
      'conflict',
      `${issue.key} was not promoted from a validated idea, so there is no expected outcome to check.`,
    );
  }
  return recordOutcome({
    issue: { id: issue.id, key: issue.key },
    projectKey: project.key,
    result: payload.result,
    note: payload.note,
    accountId: caller.accountId,
    now: caller.now,
  });
}

/** The shared report without the other projects' issues this viewer may not see. */
const forViewer = (caller: Caller, answer: RetroJobAnswer) =>
  reportForViewer(caller.jira, projectOf(caller).key, answer);

export const retroResolvers: ResolverGroup = {
  'retro/report': resolver('retro/report', [CAN_BROWSE], (caller, payload) =>
    loadRetro({
      jira: caller.jira,
      project: projectOf(caller),
      sprints: payload.sprints ?? DEFAULT_SPRINTS,
      now: caller.now,
    }),
  ),
  'retro/job/start': resolver('retro/job/start', [CAN_BROWSE], async (caller, payload) =>
    forViewer(
      caller,
      await startRetro({
        jira: caller.jira,
        project: projectOf(caller),
        sprints: payload.sprints ?? DEFAULT_SPRINTS,
        accountId: caller.accountId,
        now: caller.now,
      }),
    ),
  ),
  'retro/job/status': resolver('retro/job/status', [CAN_BROWSE], async (caller, payload) =>
    forViewer(
      caller,
      await retroStatus({
        project: projectOf(caller),
        sprints: payload.sprints ?? DEFAULT_SPRINTS,
        now: caller.now,
      }),
    ),
  ),
  'retro/outcome/record': resolver('retro/outcome/record', [CAN_BROWSE], record),
};
