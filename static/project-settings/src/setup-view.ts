import type { BridgeError, PayloadOf, ResultOf } from '@contract/bridge-contract';
import { SetupFailureDetailsSchema } from '@contract/write-answers';
import type { Track } from '@domain/track';

/**
 * What the settings page shows about setup, built from the `setup/status` and `setup/run`
 * answers (checked against the contract by the bridge client) and from a failed run's error
 * details (`report`, and for a team-managed project without a mapping, `issueTypes`), which are
 * checked here against the contract's SetupFailureDetailsSchema.
 */

export type ProjectStyle = 'company-managed' | 'team-managed';

export type SetupStatusData = ResultOf<'setup/status'>;
export type SetupRunData = ResultOf<'setup/run'>;
export type SetupReportView = SetupRunData['report'];

export interface TypeChoice {
  issueTypeId: string;
  name: string;
  track: Track;
}

/** A note about flagging in this project (Jira's edit screen in the way), for the admin. */
export type FlagNoteView = SetupStatusData['flagNotes'][number];

export interface SetupView {
  projectKey: string;
  projectName: string;
  style: ProjectStyle;
  report: SetupReportView | null;
  /** The recorded type → track mapping, if setup ran. */
  mapping: TypeChoice[] | null;
  /** Notes about flagging; null when the answer carried none (a setup run's answer). */
  flagNotes: FlagNoteView[] | null;
}

function styleOf(value: string): ProjectStyle {
  return value === 'next-gen' || value === 'team-managed' ? 'team-managed' : 'company-managed';
}

/** The view of a `setup/status` or `setup/run` answer. */
export function setupViewOf(data: SetupStatusData | SetupRunData): SetupView {
  return {
    projectKey: data.project.key,
    projectName: data.project.name,
    style: styleOf(data.project.style),
    report: data.report,
    mapping: data.mapping ? data.mapping.types : null,
    flagNotes: 'flagNotes' in data ? data.flagNotes : null,
  };
}

function failureDetails(error: BridgeError) {
  const details = SetupFailureDetailsSchema.safeParse(error.details);
  return details.success ? details.data : {};
}

/** The step report a failed run carries in its error details, if any. */
export function reportFromError(error: BridgeError): SetupReportView | null {
  return failureDetails(error).report ?? null;
}

const DISCOVERY_NAMES = new Set(['discovery', 'idea', 'spike', 'enabler', 'opportunity']);

/** A first guess for a type nobody mapped yet: discovery-sounding names go to discovery. */
export function suggestTrack(name: string): Track {
  return DISCOVERY_NAMES.has(name.trim().toLowerCase()) ? 'discovery' : 'delivery';
}

/**
 * The project's issue types listed by an `unsupported` answer (team-managed project, no mapping
 * sent), as choices to map; `null` for any other error.
 */
export function typesFromError(error: BridgeError): TypeChoice[] | null {
  if (error.code !== 'unsupported') return null;
  const types = (failureDetails(error).issueTypes ?? []).map(({ id, name }) => ({
    issueTypeId: id,
    name,
    track: suggestTrack(name),
  }));
  return types.length > 0 ? types : null;
}

/** The `setup/run` payload for a mapping chosen in the form. */
export function mappingPayload(choices: readonly TypeChoice[]): PayloadOf<'setup/run'> {
  return {
    mapping: choices.map(({ issueTypeId, track }) => ({ issueTypeId, track })),
  };
}

export const STEP_LABELS: Readonly<Record<string, string>> = {
  'create-type': 'Create issue type',
  'add-to-scheme': 'Add to the issue type scheme',
  'record-mapping': 'Record the track of each type',
  'mark-issues': 'Set the Track field on existing issues',
};

export const STATUS_LABELS: Readonly<Record<string, string>> = {
  done: 'Done',
  'already-done': 'Already done',
  failed: 'Failed',
  partial: 'Partly done',
  skipped: 'Skipped',
};
