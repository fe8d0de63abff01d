import type { BridgeError, PayloadOf } from '@contract/bridge-contract';
import type { Track } from '@domain/track';

/**
 * What the settings page shows about setup, read from the `setup/status` and `setup/run` answers
 * (`{ project, report, mapping }`) and from a failed run's error details (`report`, and for a
 * team-managed project without a mapping, `issueTypes`). Answers come over the bridge, so they
 * are checked here, at the UI's boundary, before anything renders them.
 */

export type ProjectStyle = 'company-managed' | 'team-managed';

export interface StepRow {
  step: string;
  target: string;
  status: string;
  detail: string;
}

export interface SetupReportView {
  outcome: 'complete' | 'failed';
  finishedAt: string | null;
  steps: StepRow[];
}

export interface TypeChoice {
  issueTypeId: string;
  name: string;
  track: Track;
}

/** A note about flagging in this project (Jira's edit screen in the way), for the admin. */
export interface FlagNoteView {
  typeName: string;
  since: string;
  message: string;
}

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

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function records(value: unknown): Record<string, unknown>[] {
  return Array.isArray(value) ? value.filter(isRecord) : [];
}

function styleOf(value: unknown): ProjectStyle {
  return value === 'next-gen' || value === 'team-managed' ? 'team-managed' : 'company-managed';
}

function isTrack(value: unknown): value is Track {
  return value === 'discovery' || value === 'delivery';
}

export function parseReport(value: unknown): SetupReportView | null {
  if (!isRecord(value)) return null;
  const steps = records(value['steps'])
    .map((s) => ({
      step: str(s['step']) ?? '',
      target: str(s['target']) ?? '',
      status: str(s['status']) ?? '',
      detail: str(s['detail']) ?? '',
    }))
    .filter((s) => s.step !== '' && s.status !== '');
  return {
    outcome: value['outcome'] === 'complete' ? 'complete' : 'failed',
    finishedAt: str(value['finishedAt']) ?? null,
    steps,
  };
}

function parseMapping(value: unknown): TypeChoice[] | null {
  if (!isRecord(value)) return null;
  return records(value['types']).flatMap((t) => {
    const issueTypeId = str(t['issueTypeId']);
    const name = str(t['name']);
    const track = t['track'];
    return issueTypeId && name && isTrack(track) ? [{ issueTypeId, name, track }] : [];
  });
}

function parseFlagNotes(value: unknown): FlagNoteView[] | null {
  if (!Array.isArray(value)) return null;
  return records(value).flatMap((n) => {
    const typeName = str(n['typeName']);
    const since = str(n['since']);
    const message = str(n['message']);
    return typeName && since && message ? [{ typeName, since, message }] : [];
  });
}

/** The `data` of a successful `setup/status` or `setup/run`; `null` if it is not one. */
export function parseSetupData(data: unknown): SetupView | null {
  if (!isRecord(data) || !isRecord(data['project'])) return null;
  const project = data['project'];
  const key = str(project['key']);
  if (!key) return null;
  return {
    projectKey: key,
    projectName: str(project['name']) ?? key,
    style: styleOf(project['style']),
    report: parseReport(data['report']),
    mapping: parseMapping(data['mapping']),
    flagNotes: parseFlagNotes(data['flagNotes']),
  };
}

/** The step report a failed run carries in its error details, if any. */
export function reportFromError(error: BridgeError): SetupReportView | null {
  return isRecord(error.details) ? parseReport(error.details['report']) : null;
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
  if (error.code !== 'unsupported' || !isRecord(error.details)) return null;
  const types = records(error.details['issueTypes']).flatMap((t) => {
    const id = str(t['id']) ?? str(t['issueTypeId']);
    const name = str(t['name']);
    return id && name ? [{ issueTypeId: id, name, track: suggestTrack(name) }] : [];
  });
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
