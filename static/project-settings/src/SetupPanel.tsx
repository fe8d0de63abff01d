import Button from '@atlaskit/button/new';
import DynamicTable from '@atlaskit/dynamic-table';
import { Label } from '@atlaskit/form';
import Heading from '@atlaskit/heading';
import Lozenge, { type ThemeAppearance } from '@atlaskit/lozenge';
import { Box, Inline, Stack, Text } from '@atlaskit/primitives';
import SectionMessage from '@atlaskit/section-message';
import Select from '@atlaskit/select';
import Spinner from '@atlaskit/spinner';
import type { BridgeError, PayloadOf, Result } from '@contract/bridge-contract';
import type { Track } from '@domain/track';
import { tableHead, tableRow } from '@ui/table';
import { useResolver } from '@ui/use-resolver';
import { useEffect, useState } from 'react';
import {
  STATUS_LABELS,
  STEP_LABELS,
  mappingPayload,
  reportFromError,
  setupViewOf,
  typesFromError,
  type FlagNoteView,
  type SetupReportView,
  type SetupRunData,
  type SetupStatusData,
  type SetupView,
  type TypeChoice,
} from './setup-view';
import { formatDateTime, localizeDates } from '@ui/dates';

/** How the panel talks to the backend: the contract's `setup/*` resolvers. */
export interface SetupApi {
  status: () => Promise<Result<SetupStatusData>>;
  run: (payload: PayloadOf<'setup/run'>) => Promise<Result<SetupRunData>>;
}

const STATUS_APPEARANCE: Readonly<Record<string, ThemeAppearance>> = {
  done: 'success',
  'already-done': 'default',
  failed: 'removed',
  partial: 'inprogress',
  skipped: 'moved',
};

const TRACK_OPTIONS: ReadonlyArray<{ label: string; value: Track }> = [
  { label: 'Discovery', value: 'discovery' },
  { label: 'Delivery', value: 'delivery' },
];

const ERROR_TITLES: Readonly<Partial<Record<BridgeError['code'], string>>> = {
  forbidden: 'You do not have permission to set up this project',
  unauthenticated: 'Log in again to set up this project',
  conflict: 'Setup cannot continue with the issue types as they are',
  'invalid-input': 'Setup did not accept the request',
  'rate-limited': 'Jira is busy',
  unsupported: 'Choose the track of each issue type',
};

const STEP_COLUMNS = [
  { key: 'step', label: 'Step' },
  { key: 'target', label: 'Target' },
  { key: 'status', label: 'Status' },
  { key: 'detail', label: 'Detail' },
] as const;

function StepReport({ report }: { report: SetupReportView }) {
  return (
    <DynamicTable
      label="Setup steps"
      head={tableHead(STEP_COLUMNS)}
      rows={report.steps.map((s, i) =>
        tableRow(STEP_COLUMNS, {
          key: `${s.step}-${s.target}-${i}`,
          cells: {
            step: STEP_LABELS[s.step] ?? s.step,
            target: s.target,
            status: (
              <Lozenge appearance={STATUS_APPEARANCE[s.status] ?? 'default'}>
                {STATUS_LABELS[s.status] ?? s.status}
              </Lozenge>
            ),
            detail: s.detail ?? '',
          },
        }),
      )}
    />
  );
}

function MappingForm(props: {
  choices: TypeChoice[];
  busy: boolean;
  onChange: (choices: TypeChoice[]) => void;
  onSubmit: () => void;
}) {
  const setTrack = (issueTypeId: string, track: Track) =>
    props.onChange(props.choices.map((c) => (c.issueTypeId === issueTypeId ? { ...c, track } : c)));
  return (
    <form
      aria-label="Issue type tracks"
      onSubmit={(e) => {
        e.preventDefault();
        props.onSubmit();
      }}
    >
      <Stack space="space.150">
        {props.choices.map((choice) => {
          const inputId = `track-of-${choice.issueTypeId}`;
          return (
            <Inline key={choice.issueTypeId} space="space.200" alignBlock="center">
              <Label htmlFor={inputId}>{choice.name}</Label>
              <Box>
                <Select
                  inputId={inputId}
                  options={TRACK_OPTIONS}
                  value={TRACK_OPTIONS.find((o) => o.value === choice.track) ?? null}
                  onChange={(option) => option && setTrack(choice.issueTypeId, option.value)}
                  isSearchable={false}
                />
              </Box>
            </Inline>
          );
        })}
        <Inline>
          <Button type="submit" appearance="primary" isLoading={props.busy}>
            Save the mapping and set up
          </Button>
        </Inline>
      </Stack>
    </form>
  );
}

/** What the sprint guard found about flagging here: one line per issue type, with the fix. */
function FlagNotes({ notes }: { notes: readonly FlagNoteView[] }) {
  return (
    <SectionMessage
      appearance="warning"
      title="Jira's edit screen is in the way of flagging"
      testId="flag-notes"
    >
      <Stack space="space.100">
        {notes.map((n) => (
          <Text as="p" key={n.typeName}>
            {localizeDates(n.message)} (Since {formatDateTime(n.since)}.)
          </Text>
        ))}
      </Stack>
    </SectionMessage>
  );
}

/**
 * What the panel shows: the last setup run's answer if there was one (keeping the flag notes the
 * status showed, which a run's answer does not carry), else the status read on mount.
 */
function shown(
  status: Result<SetupStatusData> | null,
  ran: Result<SetupRunData> | null,
): { view: SetupView | null; error: BridgeError | null; failedReport: SetupReportView | null } {
  const statusView = status?.ok ? setupViewOf(status.data) : null;
  if (ran?.ok) {
    const view = setupViewOf(ran.data);
    return {
      view: { ...view, flagNotes: statusView?.flagNotes ?? null },
      error: null,
      failedReport: null,
    };
  }
  const failure = ran ?? status;
  if (failure && !failure.ok) {
    return { view: statusView, error: failure.error, failedReport: reportFromError(failure.error) };
  }
  return { view: statusView, error: null, failedReport: null };
}

/**
 * "Set up Dual Track" on the project settings page: shows the project's setup status, runs setup,
 * and shows each step's outcome. Team-managed projects map their own issue types to tracks.
 */
export function SetupPanel({ api }: { api: SetupApi }) {
  // `api` is fixed for the page's lifetime: the status loads once per mount.
  const { state } = useResolver(() => api.status(), []);
  const [ran, setRan] = useState<Result<SetupRunData> | null>(null);
  const [busy, setBusy] = useState(false);
  const [choices, setChoices] = useState<TypeChoice[] | null>(null);

  const status: Result<SetupStatusData> | null =
    state.kind === 'ready'
      ? { ok: true, data: state.data }
      : state.kind === 'error'
        ? { ok: false, error: state.error }
        : null;
  const { view, error, failedReport } = shown(status, ran);

  // The mapping form starts from the recorded mapping, or from the types a refusal listed.
  useEffect(() => {
    const latest = ran ?? status;
    if (!latest) return;
    if (latest.ok) {
      const mapped = setupViewOf(latest.data);
      if (mapped.style === 'team-managed' && mapped.mapping && mapped.mapping.length > 0) {
        setChoices(mapped.mapping);
      }
      return;
    }
    const types = typesFromError(latest.error);
    if (types) setChoices(types);
  }, [ran, state]);

  const run = async (payload: PayloadOf<'setup/run'>) => {
    setBusy(true);
    try {
      setRan(await api.run(payload));
    } finally {
      setBusy(false);
    }
  };

  if (state.kind === 'loading') {
    return (
      <Inline space="space.100" alignBlock="center">
        <Spinner size="medium" label="Loading the setup status" />
        <Text>Loading the setup status…</Text>
      </Inline>
    );
  }

  const teamManaged = view?.style === 'team-managed' || (error?.code === 'unsupported' && !view);
  const report = failedReport ?? view?.report ?? null;
  const complete = !failedReport && view?.report?.outcome === 'complete';

  return (
    <Stack space="space.200">
      <Heading size="medium">Set up Dual Track</Heading>
      {view && (
        <Text as="p">
          {teamManaged
            ? `${view.projectName} is a team-managed project: choose which of its issue types are discovery work; the others are delivery.`
            : `Setup adds the Discovery, Spike and Enabler issue types to ${view.projectName} and puts every other type on the delivery track. It can be run again safely.`}
        </Text>
      )}

      {error && (
        <SectionMessage
          appearance={error.code === 'unsupported' ? 'information' : 'error'}
          title={ERROR_TITLES[error.code] ?? 'Setup failed'}
        >
          <Text as="p">{error.message}</Text>
        </SectionMessage>
      )}

      {complete && (
        <SectionMessage appearance="success" title="Dual Track is set up for this project">
          <Text as="p">
            {view?.report?.finishedAt
              ? `Last run finished ${formatDateTime(view.report.finishedAt)}.`
              : 'The last run finished.'}
          </Text>
        </SectionMessage>
      )}

      {teamManaged && choices ? (
        <MappingForm
          choices={choices}
          busy={busy}
          onChange={setChoices}
          onSubmit={() => void run(mappingPayload(choices))}
        />
      ) : (
        <Inline>
          <Button appearance="primary" isLoading={busy} onClick={() => void run({})}>
            {teamManaged
              ? 'Choose issue type tracks'
              : complete
                ? 'Run setup again'
                : 'Set up Dual Track'}
          </Button>
        </Inline>
      )}

      {report && report.steps.length > 0 && <StepReport report={report} />}

      {view?.flagNotes && view.flagNotes.length > 0 && <FlagNotes notes={view.flagNotes} />}
    </Stack>
  );
}
