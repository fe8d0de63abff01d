import { flagNoteLines } from '../domain/flag-fallback';
import { isJiraError } from '../jira/errors';
import { jiraAsApp, type JiraGateway } from '../jira/jira-gateway';
import { myPermissions } from '../jira/permissions';
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
  type SetupStep,
  type TrackMapping,
} from '../storage/track-mapping-store';
import { AppFieldMissingError } from '../items/app-fields';
import { markProjectIssues, trackFieldId } from '../items/track-marker';
import {
  addTypesToScheme,
  createIssueType,
  getAllIssueTypes,
  getProject,
  getProjectIssueTypes,
  getProjectScheme,
  type ProjectInfo,
} from '../jira/projects';
import {
  TRACK_TYPES,
  classicMapping,
  describeConflicts,
  findGlobalType,
  hierarchyConflicts,
  sameMapping,
  teamMapping,
  type MappedType,
  type TrackTypeSpec,
  type TypeInfo,
} from '../domain/setup-plan';
import { rememberSiteFieldIds } from '../items/site-field-ids';

/**
 * The setup action: turns a Jira project into a dual-track project.
 *
 * Company-managed: make sure the global types Discovery, Spike and Enabler exist (reusing a
 * base-level type of the same name), that they are in the project's issue type scheme, and record
 * which of the project's types is on which track. Team-managed: Jira cannot give these projects
 * global types, so the admin maps the project's own types to tracks.
 *
 * Both: finally mark every issue of the project with its track (the app's read-only Track field),
 * so that `Track = Discovery` works in JQL. A big project is marked over several runs.
 *
 * Every step first reads what Jira already has, so a second run writes nothing to Jira, and a run
 * that stopped half-way is finished by running again. Nothing is ever deleted or renamed. The
 * configuration calls act as the calling user: Jira then enforces the same permissions it shows
 * in its UI. Marking issues acts as the app, the only writer Jira allows for the Track field.
 */

export interface SetupInput {
  /** Jira as the calling user. */
  jira: JiraGateway;
  accountId: string;
  /** The project from Forge's context. */
  project: { id: string; key: string };
  now: Date;
  /** Timestamps of single steps; defaults to the wall clock. */
  clock?: () => Date;
  /** Jira as the app, for marking issues with their track; defaults to `jiraAsApp()`. */
  jiraAsApp?: JiraGateway;
}

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

type StepName = SetupStep['step'];
type StepStatus = SetupStep['status'];
type PlannedStep = { step: StepName; target: string };

/** Collects step outcomes in plan order and knows which step is in flight. */
class StepLog {
  private readonly recorded: SetupStep[] = [];
  private current: PlannedStep[] = [];

  constructor(
    private readonly plan: readonly PlannedStep[],
    private readonly clock: () => Date,
  ) {}

  record(step: StepName, target: string, status: StepStatus, detail?: string): void {
    this.recorded.push({
      step,
      target,
      status,
      ...(detail === undefined ? {} : { detail }),
      at: this.clock().toISOString(),
    });
    this.current = this.current.filter((c) => !(c.step === step && c.target === target));
  }

  /** The steps about to call Jira; marked failed if the call throws. */
  begin(step: StepName, targets: readonly string[]): void {
    this.current = targets.map((target) => ({ step, target }));
  }

  failCurrent(detail: string): void {
    for (const c of this.current) this.record(c.step, c.target, 'failed', detail);
    this.current = [];
  }

  /** Every step in plan order; steps never reached are reported as skipped. */
  steps(): SetupStep[] {
    return this.plan.map(
      (p) =>
        this.recorded.find((r) => r.step === p.step && r.target === p.target) ?? {
          step: p.step,
          target: p.target,
          status: 'skipped',
          detail: 'Not attempted because an earlier step failed.',
          at: this.clock().toISOString(),
        },
    );
  }
}

interface RunContext {
  input: SetupInput;
  project: ProjectInfo;
  log: StepLog;
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
    return finish(run, async () => markIssues(run, await setUpCompanyManaged(run)));
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

async function setUpCompanyManaged(run: RunContext): Promise<TrackMapping> {
  const { input, project, log } = run;
  const jira = input.jira;

  // Read what Jira has; nothing is written until every check passed.
  const projectTypes = await getProjectIssueTypes(jira, project.id);
  const inProject = new Map<string, TypeInfo>();
  for (const spec of TRACK_TYPES) {
    const found = findGlobalType(projectTypes, spec.name);
    if (found) inProject.set(spec.name, found);
  }
  const missing = TRACK_TYPES.filter((spec) => !inProject.has(spec.name));
  const known = missing.length > 0 ? mergeTypes(projectTypes, await getAllIssueTypes(jira)) : [];
  const conflicts = hierarchyConflicts(missing.length > 0 ? known : projectTypes);
  if (conflicts.length > 0) {
    for (const c of conflicts) {
      const spec = TRACK_TYPES.find((t) => findGlobalType([c], t.name));
      if (spec) log.begin('create-type', [spec.name]);
      log.failCurrent(`"${c.name}" exists at hierarchy level ${c.hierarchyLevel}.`);
    }
    fail('conflict', describeConflicts(conflicts), {
      conflicts: conflicts.map((c) => ({
        id: c.id,
        name: c.name,
        hierarchyLevel: c.hierarchyLevel,
      })),
    });
  }
  if (missing.length > 0) await requireJiraAdmin(run, missing, known);

  // 1. The types exist (created or reused).
  const trackTypes = new Map<string, TypeInfo>();
  const created = new Set<string>();
  for (const spec of TRACK_TYPES) {
    const present = inProject.get(spec.name);
    if (present) {
      trackTypes.set(spec.name, present);
      log.record(
        'create-type',
        spec.name,
        'already-done',
        `Issue type ${present.id} "${present.name}" is already in the project.`,
      );
      continue;
    }
    const existing = findGlobalType(known, spec.name);
    if (existing) {
      trackTypes.set(spec.name, existing);
      log.record(
        'create-type',
        spec.name,
        'already-done',
        `Reusing the existing issue type ${existing.id} "${existing.name}".`,
      );
      continue;
    }
    log.begin('create-type', [spec.name]);
    const made = await createOrReuse(jira, spec);
    trackTypes.set(spec.name, made.type);
    if (made.createdHere) created.add(spec.name);
    log.record(
      'create-type',
      spec.name,
      made.createdHere ? 'done' : 'already-done',
      made.createdHere
        ? `Created issue type ${made.type.id} "${made.type.name}".`
        : `Issue type ${made.type.id} "${made.type.name}" was created meanwhile by someone else; reusing it.`,
    );
  }

  // 2. The types are in the project's scheme. Jira adds new types to the default scheme itself,
  // so the project's types are read again after a creation.
  let members = created.size > 0 ? await getProjectIssueTypes(jira, project.id) : projectTypes;
  const typeOf = (spec: TrackTypeSpec): TypeInfo => {
    const t = trackTypes.get(spec.name);
    if (!t) throw new Error(`setup: no issue type for ${spec.name}`);
    return t;
  };
  const isMember = (spec: TrackTypeSpec) => members.some((m) => m.id === typeOf(spec).id);
  for (const spec of TRACK_TYPES.filter(isMember)) {
    const viaDefault = created.has(spec.name);
    log.record(
      'add-to-scheme',
      spec.name,
      viaDefault ? 'done' : 'already-done',
      viaDefault
        ? 'Jira added the new type to the default issue type scheme, which this project uses.'
        : "Already in the project's issue type scheme.",
    );
  }
  const toAdd = TRACK_TYPES.filter((spec) => !isMember(spec));
  if (toAdd.length > 0) {
    log.begin(
      'add-to-scheme',
      toAdd.map((s) => s.name),
    );
    const scheme = await getProjectScheme(jira, project.id);
    if (!scheme) {
      fail('jira-error', `Jira did not name the issue type scheme of ${project.key}.`);
    }
    const schemeId = scheme?.id ?? '';
    const schemeLabel = `"${scheme?.name ?? ''}" (${schemeId})`;
    let addedBySomeoneElse = false;
    try {
      await addTypesToScheme(
        jira,
        schemeId,
        toAdd.map((s) => typeOf(s).id),
      );
    } catch (error) {
      // Jira refuses the whole call when any type is already in the scheme: another run may
      // have added them since we looked. Look again before calling it a failure.
      if (!(isJiraError(error) && error.status === 400)) throw error;
      members = await getProjectIssueTypes(jira, project.id);
      if (!toAdd.every(isMember)) throw error;
      addedBySomeoneElse = true;
    }
    for (const spec of toAdd) {
      log.record(
        'add-to-scheme',
        spec.name,
        addedBySomeoneElse ? 'already-done' : 'done',
        addedBySomeoneElse
          ? `Added to the issue type scheme ${schemeLabel} meanwhile by someone else.`
          : `Added to the issue type scheme ${schemeLabel}.`,
      );
    }
    if (!addedBySomeoneElse) members = mergeTypes(members, toAdd.map(typeOf));
  }

  // 3. The mapping type -> track.
  return recordMapping(run, classicMapping(members));
}

async function requireJiraAdmin(
  run: RunContext,
  missing: readonly TrackTypeSpec[],
  known: readonly TypeInfo[],
): Promise<void> {
  const held = await myPermissions(run.input.jira, { kind: 'global' }, ['ADMINISTER']);
  if (held.has('ADMINISTER')) return;
  const { log, project } = run;
  const exist = missing.filter((s) => findGlobalType(known, s.name));
  const absent = missing.filter((s) => !findGlobalType(known, s.name));
  const list = (specs: readonly TrackTypeSpec[]) => specs.map((s) => s.name).join(', ');
  const parts: string[] = [];
  if (absent.length > 0) {
    parts.push(
      `the issue type${absent.length > 1 ? 's' : ''} ${list(absent)} must be created, which needs the Administer Jira global permission`,
    );
  }
  if (exist.length > 0) {
    parts.push(
      `${list(exist)} already exist${exist.length > 1 ? '' : 's'} but must be added to the project's issue type scheme, which also needs the Administer Jira global permission`,
    );
  }
  const why = 'Needs the Administer Jira global permission.';
  for (const s of absent) {
    log.begin('create-type', [s.name]);
    log.failCurrent(why);
  }
  for (const s of exist) {
    log.begin('add-to-scheme', [s.name]);
    log.failCurrent(why);
  }
  fail(
    'forbidden',
    `A Jira admin must run setup for ${project.key}: ${parts.join('; and ')}. Once a Jira admin has run it, project admins can run it again at any time.`,
    { missing: ['ADMINISTER'] },
  );
}

/** Creates the type; if Jira says the name is taken (a concurrent run), reuses that type. */
async function createOrReuse(
  jira: JiraGateway,
  spec: TrackTypeSpec,
): Promise<{ type: TypeInfo; createdHere: boolean }> {
  try {
    return { type: await createIssueType(jira, spec), createdHere: true };
  } catch (error) {
    if (!(isJiraError(error) && error.status === 409)) throw error;
    const now = findGlobalType(await getAllIssueTypes(jira), spec.name);
    if (!now) throw error;
    if (hierarchyConflicts([now]).length > 0) fail('conflict', describeConflicts([now]));
    return { type: now, createdHere: false };
  }
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

function mergeTypes(a: readonly TypeInfo[], b: readonly TypeInfo[]): TypeInfo[] {
  const byId = new Map<string, TypeInfo>();
  for (const t of [...a, ...b]) if (!byId.has(t.id)) byId.set(t.id, t);
  return [...byId.values()];
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
