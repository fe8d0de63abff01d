import { isJiraError } from '../jira/errors';
import { type JiraGateway } from '../jira/jira-gateway';
import { myPermissions } from '../jira/permissions';
import { refuse as fail } from '../domain/failure';
import {
  addTypesToScheme,
  createIssueType,
  getAllIssueTypes,
  getProjectIssueTypes,
  getProjectScheme,
} from '../jira/projects';
import {
  TRACK_TYPES,
  classicMapping,
  describeConflicts,
  findGlobalType,
  hierarchyConflicts,
  type MappedType,
  type TrackTypeSpec,
  type TypeInfo,
} from '../domain/setup-plan';

import type { RunContext } from './setup-run';

/**
 * Setup of a company-managed project: the Discovery, Spike and Enabler types exist (created or
 * reused) and are in the project's issue type scheme; then the mapping is recorded. Nothing is
 * written until every check passed.
 */

export async function setUpCompanyManaged(run: RunContext): Promise<MappedType[]> {
  const { input, project } = run;
  // Read what Jira has; nothing is written until every check passed.
  const projectTypes = await getProjectIssueTypes(input.jira, project.id);
  const inProject = new Map<string, TypeInfo>();
  for (const spec of TRACK_TYPES) {
    const found = findGlobalType(projectTypes, spec.name);
    if (found) inProject.set(spec.name, found);
  }
  const missing = TRACK_TYPES.filter((spec) => !inProject.has(spec.name));
  const known =
    missing.length > 0 ? mergeTypes(projectTypes, await getAllIssueTypes(input.jira)) : [];
  refuseConflicts(run, hierarchyConflicts(missing.length > 0 ? known : projectTypes));
  if (missing.length > 0) await requireJiraAdmin(run, missing, known);
  const { trackTypes, created } = await ensureTypes(run, inProject, known);
  const members = await ensureInScheme(run, { trackTypes, created, projectTypes });
  return classicMapping(members);
}

/** Types of the same names at another hierarchy level: nothing can be set up over them. */
function refuseConflicts(run: RunContext, conflicts: TypeInfo[]): void {
  if (conflicts.length === 0) return;
  for (const c of conflicts) {
    const spec = TRACK_TYPES.find((t) => findGlobalType([c], t.name));
    if (spec) run.log.begin('create-type', [spec.name]);
    run.log.failCurrent(`"${c.name}" exists at hierarchy level ${c.hierarchyLevel}.`);
  }
  fail('conflict', describeConflicts(conflicts), {
    conflicts: conflicts.map((c) => ({
      id: c.id,
      name: c.name,
      hierarchyLevel: c.hierarchyLevel,
    })),
  });
}

/** Step 1: each track type exists, in the project already, reused from the site, or created. */
async function ensureTypes(
  run: RunContext,
  inProject: ReadonlyMap<string, TypeInfo>,
  known: readonly TypeInfo[],
): Promise<{ trackTypes: Map<string, TypeInfo>; created: Set<string> }> {
  const { log } = run;
  const trackTypes = new Map<string, TypeInfo>();
  const created = new Set<string>();
  for (const spec of TRACK_TYPES) {
    const present = inProject.get(spec.name);
    const existing = present ?? findGlobalType(known, spec.name);
    if (existing) {
      trackTypes.set(spec.name, existing);
      log.record(
        'create-type',
        spec.name,
        'already-done',
        present
          ? `Issue type ${existing.id} "${existing.name}" is already in the project.`
          : `Reusing the existing issue type ${existing.id} "${existing.name}".`,
      );
      continue;
    }
    log.begin('create-type', [spec.name]);
    const made = await createOrReuse(run.input.jira, spec);
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
  return { trackTypes, created };
}

/**
 * Step 2: the types are in the project's issue type scheme. Jira adds new types to the default
 * scheme itself, so the project's types are read again after a creation. Returns the project's
 * types afterwards.
 */
async function ensureInScheme(
  run: RunContext,
  found: {
    trackTypes: ReadonlyMap<string, TypeInfo>;
    created: ReadonlySet<string>;
    projectTypes: TypeInfo[];
  },
): Promise<TypeInfo[]> {
  const { input, project, log } = run;
  const jira = input.jira;
  let members =
    found.created.size > 0 ? await getProjectIssueTypes(jira, project.id) : found.projectTypes;
  const typeOf = (spec: TrackTypeSpec): TypeInfo => {
    const t = found.trackTypes.get(spec.name);
    if (!t) throw new Error(`setup: no issue type for ${spec.name}`);
    return t;
  };
  const isMember = (spec: TrackTypeSpec) => members.some((m) => m.id === typeOf(spec).id);
  for (const spec of TRACK_TYPES.filter(isMember)) {
    const viaDefault = found.created.has(spec.name);
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
  if (toAdd.length === 0) return members;
  log.begin(
    'add-to-scheme',
    toAdd.map((s) => s.name),
  );
  const scheme = await getProjectScheme(jira, project.id);
  if (!scheme) fail('jira-error', `Jira did not name the issue type scheme of ${project.key}.`);
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
    // Jira refuses the whole call when any type is already in the scheme: another run may have
    // added them since we looked. Look again before calling it a failure.
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
  return addedBySomeoneElse ? members : mergeTypes(members, toAdd.map(typeOf));
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

function mergeTypes(a: readonly TypeInfo[], b: readonly TypeInfo[]): TypeInfo[] {
  const byId = new Map<string, TypeInfo>();
  for (const t of [...a, ...b]) if (!byId.has(t.id)) byId.set(t.id, t);
  return [...byId.values()];
}
