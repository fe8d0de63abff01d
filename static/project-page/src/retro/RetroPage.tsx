import Button from '@atlaskit/button/new';
import Heading from '@atlaskit/heading';
import { Box, Inline, Stack, Text, xcss } from '@atlaskit/primitives';
import SectionMessage from '@atlaskit/section-message';
import Textfield from '@atlaskit/textfield';
import { retroCsv, type RetroAnswer } from '@contract/retro-report';
import { OUTCOME_RESULTS, type OutcomeResult } from '@domain/retro';
import type { OutcomeCandidateView as OutcomeCandidate } from '@contract/retro-report';
import { ChoiceSelect } from '@ui/ChoiceSelect';
import { useResolver } from '@ui/use-resolver';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { ChartFigure, HitRateChart, ShareChart, hitRateNumbers, shareNumbers } from './charts';
import { TargetLegend, TrendChart, trendNumbers } from './trend-chart';
import {
  loadRetroReport,
  type RetroApi,
  type RetroProgress as RetroProgressView,
} from './retro-api';
import { RetroProgress } from './RetroProgress';
import { formatDate } from '@ui/dates';
import { IssueKeyLink } from '@ui/IssueKeyLink';

const pageStyles = xcss({ minHeight: '100vh' });
const RESULT_LABEL: Record<OutcomeResult, string> = {
  hit: 'Hit',
  partly: 'Partly',
  missed: 'Missed',
  'too-early': 'Too early',
};
const RESULT_OPTIONS = OUTCOME_RESULTS.map((r) => ({ value: r, label: RESULT_LABEL[r] }));
const SPRINT_COUNTS = ['3', '6', '9', '12'].map((n) => ({ value: n, label: n }));

const pct = (n: number | undefined) => (n === undefined ? '–' : `${n}%`);
const num = (n: number | undefined) => (n === undefined ? '–' : String(n));

/** A Kanban board's retro looks back over periods, a Scrum board's over sprints. */
const spanOf = (report: RetroAnswer) =>
  report.sprints.some((s) => s.sprint.period === true) ? 'period' : 'sprint';

function SprintTable({ report }: { report: RetroAnswer }) {
  const unit = report.unit === 'points' ? 'pts' : 'issues';
  const span = spanOf(report);
  const Span = span === 'period' ? 'Period' : 'Sprint';
  return (
    // Wider than the page: the region scrolls, and takes focus so a keyboard can scroll it.
    <div
      className="retro-scroll"
      tabIndex={0}
      role="region"
      aria-label={`${Span} by ${span} table`}
    >
      <table className="retro-table" data-testid="sprint-table">
        <caption className="retro-sr">Per closed {span}, oldest first</caption>
        <thead>
          <tr>
            <th scope="col">{Span}</th>
            <th scope="col">Spikes and enablers ({unit})</th>
            <th scope="col">Delivery ({unit})</th>
            <th scope="col">Engineering discovery share</th>
            <th scope="col">Target then</th>
            <th scope="col">Ideas validated</th>
            <th scope="col">Invalidated</th>
            <th scope="col">Promoted</th>
            <th scope="col">Promoted ideas delivered</th>
            <th scope="col">Enablers within bound</th>
            <th scope="col">Spikes within timebox</th>
            <th scope="col">Moved back by guard</th>
            <th scope="col">High uncertainty without discovery</th>
            <th scope="col">Runway at start (sprints)</th>
            <th scope="col">Outcome hit rate</th>
            <th scope="col">Cycle time, days (median / 85th)</th>
            <th scope="col">Carry-over</th>
            <th scope="col">Predictability</th>
            <th scope="col">Discovery activities (target then)</th>
          </tr>
        </thead>
        <tbody>
          {report.sprints.map((s) => (
            <tr key={s.sprint.id}>
              <th scope="row">{s.sprint.name}</th>
              <td>{s.completed.discovery}</td>
              <td>{s.completed.delivery}</td>
              <td>{pct(s.completed.discoveryPercent)}</td>
              <td>{s.thresholds.targetPercent}%</td>
              <td>{s.ideas.validated.length}</td>
              <td>{s.ideas.invalidated.length}</td>
              <td>{s.ideas.promoted.length}</td>
              <td>{s.promotedDelivered.length}</td>
              <td>
                {s.enablers.withinBound.length} of {s.enablers.delivered.length}
              </td>
              <td>
                {s.spikes.withinTimebox.length} of {s.spikes.finished.length}
              </td>
              <td>{s.movedBack.length}</td>
              <td>{s.uncertainWithoutDiscovery.length}</td>
              <td>{num(s.runwayAtStart.sprints)}</td>
              <td>{pct(s.outcomes.hitRate)}</td>
              <td>
                {num(s.flow.cycleTimeDays.median)} / {num(s.flow.cycleTimeDays.p85)}
              </td>
              <td>{s.flow.carryOver.length}</td>
              <td>{pct(s.flow.predictability)}</td>
              <td>{s.cadence ? `${s.cadence.count} (${s.cadence.target})` : '–'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function OutcomeForm({
  candidate,
  onRecord,
}: {
  candidate: OutcomeCandidate;
  onRecord: (key: string, result: OutcomeResult, note: string) => Promise<string | undefined>;
}) {
  const [result, setResult] = useState<OutcomeResult>(candidate.outcome?.result ?? 'hit');
  const [note, setNote] = useState(candidate.outcome?.note ?? '');
  const [message, setMessage] = useState<string | undefined>();
  const id = `outcome-${candidate.key}`;
  return (
    <li data-testid={id}>
      <Stack space="space.050">
        <Text>
          <strong>
            <IssueKeyLink issueKey={candidate.key} />
          </strong>{' '}
          {candidate.summary} (from{' '}
          {candidate.ideas.map((i, n) => (
            <span key={i.key}>
              {n > 0 && ', '}
              <IssueKeyLink issueKey={i.key} /> {i.summary}
            </span>
          ))}
          ): {candidate.outcome ? RESULT_LABEL[candidate.outcome.result] : 'not recorded yet'}
        </Text>
        <Inline space="space.100" alignBlock="center" shouldWrap>
          <span className="retro-controls">
            <label htmlFor={`${id}-result`}>Outcome</label>
            <ChoiceSelect
              inputId={`${id}-result`}
              value={result}
              options={RESULT_OPTIONS}
              isCompact
              onChange={setResult}
            />
          </span>
          <span className="retro-controls">
            <label htmlFor={`${id}-note`}>Note</label>
            <Textfield
              id={`${id}-note`}
              value={note}
              maxLength={2000}
              isCompact
              onChange={(e) => setNote(e.currentTarget.value)}
            />
          </span>
          <Button
            appearance="primary"
            spacing="compact"
            aria-label={`Record the outcome of ${candidate.key}`}
            onClick={() => {
              void onRecord(candidate.key, result, note).then(setMessage);
            }}
          >
            Record
          </Button>
          {message && <Text>{message}</Text>}
        </Inline>
      </Stack>
    </li>
  );
}

function Report({
  report,
  sprints,
  onSprints,
  onRecord,
}: {
  report: RetroAnswer;
  sprints: number;
  onSprints: (n: number) => void;
  onRecord: (key: string, result: OutcomeResult, note: string) => Promise<string | undefined>;
}) {
  const csv = useMemo(() => retroCsv(report), [report]);
  const [csvUrl, setCsvUrl] = useState<string | undefined>();
  useEffect(() => {
    const url = URL.createObjectURL(new Blob([csv], { type: 'text/csv;charset=utf-8' }));
    setCsvUrl(url);
    return () => URL.revokeObjectURL(url);
  }, [csv]);
  const span = spanOf(report);
  // A period is named on the charts by the day it began (MM-DD), a sprint by its number.
  const names = report.sprints.map((s) =>
    s.sprint.period ? s.sprint.startDate.slice(5, 10) : s.sprint.name.replace(/^.*?(\d+)$/, 'S$1'),
  );
  return (
    <Stack space="space.300">
      <Stack space="space.050">
        <Heading size="large" as="h1">
          Retro and trends: {report.project.name}
        </Heading>
        <Inline space="space.200" alignBlock="center" shouldWrap>
          <span className="retro-controls">
            <label htmlFor="sprint-count">Closed {span}s shown</label>
            <ChoiceSelect
              inputId="sprint-count"
              value={String(sprints)}
              options={SPRINT_COUNTS}
              isCompact
              onChange={(n) => onSprints(Number(n))}
            />
          </span>
          <a
            className="retro-link"
            href={csvUrl ?? '#'}
            download={`retro-${report.project.key}.csv`}
            data-testid="csv-link"
          >
            Download the retro data (CSV)
          </a>
          <Text color="color.text.subtle">
            {report.board ? `Board: ${report.board.name} · ` : ''}
            {report.sprints.length} of {report.available} closed {span}s · estimates in{' '}
            {report.unit === 'points' ? 'story points' : 'issue counts'}
          </Text>
        </Inline>
      </Stack>
      {report.notes.length > 0 && (
        <SectionMessage appearance="information" title="Some things could not be measured">
          <ul>
            {report.notes.map((n) => (
              <li key={n}>{n}</li>
            ))}
          </ul>
        </SectionMessage>
      )}
      <Stack space="space.100" testId="trend-summary">
        <Heading size="medium" as="h2">
          Signals of success
        </Heading>
        <ul>
          {report.summary.map((s) => (
            <li key={s}>
              <Text>{s}</Text>
            </li>
          ))}
        </ul>
        <Inline space="space.300" shouldWrap>
          {report.trends.map((t) => (
            <ChartFigure
              key={t.metric}
              title={t.label}
              numbers={trendNumbers(t, names)}
              testId={`trend-${t.metric}`}
            >
              <TrendChart series={t} labels={names} />
              <TargetLegend series={t} />
            </ChartFigure>
          ))}
        </Inline>
      </Stack>
      <Stack space="space.100">
        <Heading size="medium" as="h2">
          Engineering discovery share of completed work
        </Heading>
        <ChartFigure
          title="Per sprint: spikes and enablers against the target in force when it ended (dashed marks)"
          numbers={shareNumbers(report, names)}
          testId="share-figure"
        >
          <ShareChart report={report} labels={names} />
        </ChartFigure>
      </Stack>
      <Stack space="space.100">
        <Heading size="medium" as="h2">
          {span === 'period' ? 'Period by period' : 'Sprint by sprint'}
        </Heading>
        <SprintTable report={report} />
        <Text as="p" color="color.text.subtle">
          High uncertainty without discovery: delivery items with uncertainty high that entered the
          sprint with no validated idea or finished spike linked, judged by their Entry triage and
          links as they are now (their history is not read). When it falls, technical risk
          decreases.
        </Text>
      </Stack>
      <Stack space="space.100" testId="outcomes">
        <Heading size="medium" as="h2">
          Outcome check: did validated ideas deliver?
        </Heading>
        <Text testId="hit-rate">
          Hit rate of validated ideas:{' '}
          {report.hitRate.rate === undefined
            ? 'nothing judged yet'
            : `${report.hitRate.rate}% (${report.hitRate.hits} of ${report.hitRate.rated} judged)`}
        </Text>
        {report.hitRate.rated > 0 && (
          <ChartFigure
            title="Hit rate of validated ideas over time (too early is not judged)"
            numbers={hitRateNumbers(report, names)}
            testId="hit-rate-figure"
          >
            <HitRateChart report={report} labels={names} />
          </ChartFigure>
        )}
        {report.misses.length > 0 && (
          <Stack space="space.100" testId="misses">
            <Heading size="small" as="h3">
              Where our assumptions proved wrong
            </Heading>
            <ul>
              {report.misses.map((m) => (
                <li key={m.key}>
                  <Text>
                    <strong>
                      <IssueKeyLink issueKey={m.key} />
                    </strong>{' '}
                    {m.summary}: {m.outcome?.note}
                  </Text>
                  <ul>
                    {m.evidence.map((e) => (
                      <li key={`${e.ideaKey}-${e.date}-${e.summary}`}>
                        <Text color="color.text.subtle">
                          <IssueKeyLink issueKey={e.ideaKey} /> · {formatDate(e.date)} · {e.type}:{' '}
                          {e.summary}
                        </Text>
                      </li>
                    ))}
                  </ul>
                </li>
              ))}
            </ul>
          </Stack>
        )}
        <Heading size="small" as="h3">
          Delivered from validated ideas
        </Heading>
        {report.candidates.length === 0 ? (
          <Text>No item promoted from a validated idea was delivered in these sprints.</Text>
        ) : (
          <ul>
            {report.candidates.map((c) => (
              <OutcomeForm key={c.key} candidate={c} onRecord={onRecord} />
            ))}
          </ul>
        )}
      </Stack>
    </Stack>
  );
}

export function RetroPage({ api }: { api: RetroApi }) {
  const [sprints, setSprints] = useState(6);
  const [progress, setProgress] = useState<RetroProgressView | undefined>();
  const asked = useRef(0);
  const { state, reload } = useResolver(() => {
    const mine = ++asked.current;
    setProgress(undefined);
    return loadRetroReport(api, sprints, setProgress, () => asked.current === mine);
  }, [api, sprints]);

  const record = useCallback(
    async (key: string, result: OutcomeResult, note: string) => {
      const answer = await api.record(key, result, note);
      if (!answer.ok) return answer.error.message;
      void reload();
      return undefined;
    },
    [api, reload],
  );

  return (
    <Box as="main" padding="space.300" backgroundColor="elevation.surface" xcss={pageStyles}>
      {state.kind === 'loading' && <RetroProgress progress={progress} />}
      {state.kind === 'error' && (
        <SectionMessage appearance="error" title="The retro could not be loaded">
          <Text as="p">{state.error.message}</Text>
        </SectionMessage>
      )}
      {state.kind === 'ready' && (
        <Report report={state.data} sprints={sprints} onSprints={setSprints} onRecord={record} />
      )}
    </Box>
  );
}
