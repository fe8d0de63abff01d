import { flagNoteLines } from '../domain/flag-fallback';
import { jiraAsApp } from '../jira/jira-gateway';
import { refuse as fail } from '../domain/failure';
import { failureOf } from '../jira/errors';
import type { PayloadOf } from '../contract/bridge-contract';
import { readFlagNotes } from '../storage/enforcement-store';
import { StoredValueError } from '../storage/kvs-store';
import {
  clearTrackMarkingCheckpoint,
  readTrackMapping,
  readTrackMarking,
  readTrackModel,
  saveSetupReport,
  saveTrackMapping,
  saveTrackMarkingCheckpoint,
  type SetupReport,
  type TrackMapping,
} from '../storage/track-mapping-store';
import { AppFieldMissingError } from '../items/app-fields';
import { markProjectIssues, trackFieldId } from '../items/track-marker';
import { getProject, getProjectIssueTypes, type ProjectInfo } from '../jira/projects';
import { TRACK_TYPES, sameMapping, teamMapping, type MappedType } from '../domain/setup-plan';
import { rememberSiteFieldIds } from '../items/site-fields';

import { setUpCompanyManaged } from './company-managed';
import { StepLog, type PlannedStep, type RunContext, type SetupInput } from './setup-run';
/**
 * The setup action: turns a Jira project into a dual-track project.
 * More: docs/internals.md#setup-setup-action-ts.
 */

export type { SetupInput };

export interface SetupResult {
  project: ProjectInfo;
  report: SetupReport;
  mapping: TrackMapping;
}

export interface SetupStatus {
  project: ProjectInfo;
  report: SetupReport | null;
  mapping: TrackMapping | null;
  /**
   * What the sprint guard found about flagging in this project: Jira's edit screen in the way of
   * the Flagged field or the label, per issue type, with what the admin can change. Names the
   * project and its issue types only, never an item.
   */
  flagNotes: Array<{ typeName: string; since: string; message: string }>;
}

export async function runSetup(
  input: SetupInput,
  payload: PayloadOf<'setup/run'>,
): Promise<SetupResult> {
  const project = await getProject(input.jira, input.project.id);
  if (project.key !== input.project.key) {
    fail('invalid-input', 'The project id and key in the invocation context do not match.');
  }
  const clock = input.clock ?? (() => new Date());

  if (project.style === 'classic') {
    if (payload.mapping !== undefined) {
      fail(
        'invalid-input',
        `${project.key} is a company-managed project: setup adds the Discovery, Spike and Enabler issue types and maps the other types to delivery itself, so it takes no mapping.`,
      );
    }
    const plan: PlannedStep[] = [
      ...TRACK_TYPES.map((t) => ({ step: 'create-type' as const, target: t.name })),
      ...TRACK_TYPES.map((t) => ({ step: 'add-to-scheme' as const, target: t.name })),
      { step: 'record-mapping', target: project.key },
      { step: 'mark-issues', target: project.key },
    ];
    const run: RunContext = { input, project, log: new StepLog(plan, clock) };
    return finish(run, async () =>
      markIssues(run, await recordMapping(run, await setUpCompanyManaged(run))),
    );
  }

  const projectTypes = await getProjectIssueTypes(input.jira, project.id);
  if (payload.mapping === undefined) {
    fail(
      'unsupported',
      `${project.key} is a team-managed project. Jira does not let apps add issue types to team-managed projects, so setup cannot create Discovery, Spike and Enabler here. Instead, choose which of the project's own issue types belong to the discovery track; the others stay on delivery. (A project admin can add types such as "Discovery" in the project settings first.)`,
      {
        style: project.style,
        issueTypes: projectTypes.map((t) => ({
          id: t.id,
          name: t.name,
          hierarchyLevel: t.hierarchyLevel,
        })),
      },
    );
  }
  const checked = teamMapping(projectTypes, payload.mapping ?? []);
  if (!checked.ok) {
    fail(
      'invalid-input',
      `Issue type${checked.foreign.length > 1 ? 's' : ''} ${checked.foreign.join(', ')} ${checked.foreign.length > 1 ? 'are' : 'is'} not a type of project ${project.key}; map only the project's own issue types.`,
      { foreignIssueTypeIds: checked.foreign },
    );
  }
  const mapping = checked.ok ? checked.mapping : [];
  const plan: PlannedStep[] = [
    { step: 'create-type', target: 'track issue types' },
    { step: 'add-to-scheme', target: 'track issue types' },
    { step: 'record-mapping', target: project.key },
    { step: 'mark-issues', target: project.key },
  ];
  const run: RunContext = { input, project, log: new StepLog(plan, clock) };
  return finish(run, async () => {
    const why = 'Team-managed project: Jira cannot add global issue types to it.';
    run.log.record('create-type', 'track issue types', 'skipped', why);
    run.log.record('add-to-scheme', 'track issue types', 'skipped', why);
    return markIssues(run, await recordMapping(run, mapping));
  });
}

export async function setupStatus(input: SetupInput): Promise<SetupStatus> {
  const project = await getProject(input.jira, input.project.id);
  if (project.key !== input.project.key) {
    fail('invalid-input', 'The project id and key in the invocation context do not match.');
  }
  const [{ mapping, report }, notes] = await Promise.all([
    readTrackModel(project.key),
    readFlagNotes(project.key),
  ]);
  return {
    project,
    report: report ?? null,
    mapping: mapping ?? null,
    flagNotes: flagNoteLines(notes, project.key),
  };
}

/** Runs the steps; whatever happens, stores the report; on failure the error carries it. */
async function finish(run: RunContext, steps: () => Promise<TrackMapping>): Promise<SetupResult> {
  const { input, project, log } = run;
  const report = (outcome: SetupReport['outcome']): SetupReport => ({
    version: 1,
    projectId: project.id,
    projectKey: project.key,
    style: project.style,
    outcome,
    runBy: input.accountId,
    startedAt: input.now.toISOString(),
    finishedAt: (input.clock ?? (() => new Date()))().toISOString(),
    steps: log.steps(),
  });
  let mapping: TrackMapping;
  try {
    mapping = await steps();
  } catch (error) {
    const failure = failureOf(error);
    const message = failure.message;
    log.failCurrent(message);
    const failed = report('failed');
    let saved = true;
    try {
      await saveSetupReport(failed);
    } catch {
      saved = false;
    }
    const code = failure.code;
    const earlier = failure.details;
    const resumable = failed.steps.some((s) => s.status === 'done' || s.status === 'already-done');
    return fail(
      code,
      `Setup of ${project.key} stopped: ${message}${resumable ? ' The steps already done are kept; run setup again to finish the rest.' : ''}`,
      {
        ...(typeof earlier === 'object' && earlier !== null ? earlier : {}),
        report: failed,
        ...(saved ? {} : { reportSaved: false }),
      },
    );
  }
  const complete = report('complete');
  await saveSetupReport(complete);
  return { project, report: complete, mapping };
}

async function recordMapping(run: RunContext, types: MappedType[]): Promise<TrackMapping> {
  const { input, project, log } = run;
  log.begin('record-mapping', [project.key]);
  let stored: TrackMapping | undefined;
  let unreadable = false;
  try {
    stored = await readTrackMapping(project.key);
  } catch (error) {
    if (!(error instanceof StoredValueError)) throw error;
    unreadable = true;
  }
  const discovery = types.filter((t) => t.track === 'discovery').map((t) => t.name);
  const summary = `${discovery.length} discovery type${discovery.length === 1 ? '' : 's'} (${discovery.join(', ') || 'none'}), ${types.length - discovery.length} delivery.`;
  if (
    stored &&
    stored.projectId === project.id &&
    stored.style === project.style &&
    sameMapping(stored.types, types)
  ) {
    log.record('record-mapping', project.key, 'already-done', `Mapping unchanged: ${summary}`);
    return stored;
  }
  const mapping: TrackMapping = {
    version: 1,
    projectId: project.id,
    projectKey: project.key,
    style: project.style,
    types,
    updatedAt: input.now.toISOString(),
    updatedBy: input.accountId,
  };
  await saveTrackMapping(mapping);
  log.record(
    'record-mapping',
    project.key,
    'done',
    `${stored ? 'Mapping updated' : unreadable ? 'Replaced an unreadable mapping' : 'Mapping recorded'}: ${summary}`,
  );
  return mapping;
}

/**
 * Sets the Track field of the project's issues where it is missing or wrong. Reads at most
 * MARK_SCAN_LIMIT issues per run; when more remain, stores where it stopped, reports the step as
 * partial, and the next run continues from there. New issues and issue type changes are kept
 * right by the `track-marker` trigger.
 */
async function markIssues(run: RunContext, mapping: TrackMapping): Promise<TrackMapping> {
  const { input, project, log } = run;
  log.begin('mark-issues', [project.key]);
  const app = input.jiraAsApp ?? jiraAsApp();
  const { fields: known, checkpoint } = await readTrackMarking(project.key);
  // The one field-list read (while ids are unknown) also remembers the Sprint field and the
  // app's other fields, for the guard, the validators and the project page.
  const fields = await rememberSiteFieldIds(known, app);
  let fieldId: string;
  try {
    fieldId = await trackFieldId(fields, app);
  } catch (error) {
    if (error instanceof AppFieldMissingError) fail('jira-error', error.message);
    throw error;
  }
  const resumeFrom = checkpoint && checkpoint.projectId === project.id ? checkpoint : undefined;
  const result = await markProjectIssues({ jiraAsApp: app, mapping, fieldId, resumeFrom });
  const readBefore = result.resumed && resumeFrom ? resumeFrom.read : 0;
  const readSoFar = readBefore + result.read;
  const total = result.written.discovery + result.written.delivery;
  const what = `Set Track on ${total} issue${total === 1 ? '' : 's'} (${result.written.discovery} discovery, ${result.written.delivery} delivery)`;
  const plural = (n: number) => `${n} issue${n === 1 ? '' : 's'}`;

  if (result.nextPageToken !== undefined) {
    await saveTrackMarkingCheckpoint(project.key, {
      version: 1,
      projectId: project.id,
      jql: result.jql,
      nextPageToken: result.nextPageToken,
      read: readSoFar,
      savedAt: input.now.toISOString(),
    });
    log.record(
      'mark-issues',
      project.key,
      'partial',
      `${what}; ${plural(readSoFar)} of ${project.key} checked so far, more remain. Run setup again to continue where this run stopped. New issues and issue type changes are marked as they happen.`,
    );
    return mapping;
  }
  if (checkpoint) await clearTrackMarkingCheckpoint(project.key);
  if (readSoFar === 0) {
    log.record(
      'mark-issues',
      project.key,
      'already-done',
      `${project.key} has no issues yet; new issues are marked as they are created.`,
    );
  } else if (total === 0) {
    log.record(
      'mark-issues',
      project.key,
      'already-done',
      `All ${plural(readSoFar)} checked${result.resumed ? ' (continuing the last run)' : ''} already show their track.`,
    );
  } else {
    log.record(
      'mark-issues',
      project.key,
      'done',
      `${what}; ${plural(readSoFar)} checked${result.resumed ? ' (continuing the last run)' : ''}.`,
    );
  }
  return mapping;
}
