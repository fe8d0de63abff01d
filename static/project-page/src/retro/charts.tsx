import Button from '@atlaskit/button/new';
import type { RetroAnswer } from '@contract/retro-report';
import { useId, useState, type ReactNode } from 'react';
import { lineRuns } from './line-runs';

/**
 * The retro's charts, drawn as SVG with the design tokens (no chart library; see
 * docs/decisions/0010-retro-charts.md): the discovery share of completed work against the
 * capacity target and the hit rate of validated ideas over time (the trend lines are in
 * trend-chart.tsx). Every chart has a text alternative and sits in a ChartFigure whose "Show the
 * numbers" button reveals the chart's data as a table.
 *
 * Labels stay clear of each other and of the lines: the target line's label sits in a gutter
 * right of the bars, a bar's value that the target line would cross moves above the line, and a
 * point's value goes on the side of the point its line's segments leave free (pointLabel).
 */

const pct = (n: number | undefined) => (n === undefined ? '–' : `${n}%`);

export interface ChartNumbers {
  caption: string;
  columns: string[];
  rows: Array<{ label: string; cells: Array<string | number> }>;
}

/** A chart with its caption and a toggle that shows its numbers as a table. */
export function ChartFigure({
  title,
  numbers,
  testId,
  children,
}: {
  title: string;
  numbers: ChartNumbers;
  testId?: string;
  children: ReactNode;
}) {
  const [open, setOpen] = useState(false);
  const id = `${useId()}numbers`;
  return (
    <figure className="retro-figure" data-testid={testId}>
      {children}
      <figcaption>
        <strong>{title}</strong>{' '}
        <Button
          appearance="subtle"
          spacing="compact"
          aria-expanded={open}
          aria-controls={id}
          onClick={() => setOpen((o) => !o)}
        >
          {open ? 'Hide the numbers' : 'Show the numbers'}
        </Button>
      </figcaption>
      <div id={id} hidden={!open}>
        <table className="retro-table retro-numbers">
          <caption className="retro-sr">{numbers.caption}</caption>
          <thead>
            <tr>
              {numbers.columns.map((c) => (
                <th key={c} scope="col">
                  {c}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {numbers.rows.map((r) => (
              <tr key={r.label}>
                <th scope="row">{r.label}</th>
                {r.cells.map((c, i) => (
                  <td key={numbers.columns[i + 1] ?? i}>{c}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </figure>
  );
}

const W = 620;
const H = 170;
const PAD = 28;
/** Room right of the plot for the target line's label. */
const GUTTER = 80;
/** How far a label's glyphs reach above and below its baseline (11px text). */
const ASCENT = 11;
const DESCENT = 3;

/** Top of a percentage scale: the largest value with some headroom, rounded up to fives. */
function scaleTop(values: number[]): number {
  return Math.min(100, Math.max(10, Math.ceil((Math.max(...values) * 1.15) / 5) * 5));
}

export interface LabelSpot {
  x: number;
  y: number;
  anchor: 'start' | 'middle' | 'end';
}

/**
 * Where the value label of point `i` of a line goes, clear of the line's two segments at that
 * point (`ys` are screen y, smaller is higher; undefined points are skipped by the line): above
 * when neither neighbour is higher, above on the side of the lower neighbour when one is, below
 * when both are (unless that would pass `floor` or reach a bar). `ceiling` is the top of a bar
 * drawn at the point, which a label above also clears.
 */
export function pointLabel(
  xs: readonly number[],
  ys: ReadonlyArray<number | undefined>,
  i: number,
  floor: number,
  ceiling?: number,
): LabelSpot {
  const x = xs[i] ?? 0;
  const y = ys[i] ?? 0;
  const defined = (j: number) => ys[j] !== undefined;
  let l = i - 1;
  while (l >= 0 && !defined(l)) l -= 1;
  let r = i + 1;
  while (r < ys.length && !defined(r)) r += 1;
  const leftUp = l >= 0 && (ys[l] ?? y) < y;
  const rightUp = r < ys.length && (ys[r] ?? y) < y;
  const above = Math.min(y, ceiling ?? y) - 7;
  const below = y + 15;
  const roomBelow = below + DESCENT <= Math.min(floor, ceiling ?? floor);
  if (leftUp && rightUp && roomBelow) return { x, y: below, anchor: 'middle' };
  if (leftUp && !rightUp) return { x: x + 4, y: above, anchor: 'start' };
  if (rightUp && !leftUp) return { x: x - 4, y: above, anchor: 'end' };
  return { x, y: above, anchor: 'middle' };
}

/**
 * Where a bar's value label goes: just above the bar, unless the target line would cross the
 * label there; then just above the line.
 */
export function barLabelY(barTop: number, lineY: number): number {
  const baseline = barTop - 4;
  const crossed = lineY >= baseline - ASCENT && lineY <= baseline + DESCENT;
  return crossed ? lineY - 4 : baseline;
}

export function ShareChart({ report, labels }: { report: RetroAnswer; labels: string[] }) {
  const n = Math.max(1, report.sprints.length);
  const right = W - GUTTER;
  const step = (right - PAD) / n;
  const top = scaleTop([
    ...report.sprints.map((s) => s.thresholds.targetPercent),
    ...report.sprints.map((s) => s.completed.discoveryPercent ?? 0),
  ]);
  const y = (p: number) => H - PAD - ((H - PAD * 2) * Math.min(top, p)) / top;
  const description = report.sprints
    .map(
      (s, i) =>
        `${labels[i] ?? s.sprint.name}: ${s.completed.discoveryPercent === undefined ? 'not measured' : `${s.completed.discoveryPercent}%`} (target ${s.thresholds.targetPercent}%)`,
    )
    .join(', ');
  const last = report.sprints.at(-1);
  return (
    <svg
      className="retro-chart"
      width={W}
      height={H}
      viewBox={`0 0 ${W} ${H}`}
      role="img"
      aria-label={`Engineering discovery share of completed work, each sprint against the target in force when it ended: ${description}`}
      data-testid="share-chart"
    >
      <line x1={PAD} x2={right} y1={H - PAD} y2={H - PAD} stroke="var(--ds-border, #091e4224)" />
      {report.sprints.map((s, i) => {
        const p = s.completed.discoveryPercent;
        const x = PAD + i * step + step * 0.2;
        const targetY = y(s.thresholds.targetPercent);
        return (
          <g key={s.sprint.id}>
            {/* Not measured: no bar at all, rather than one at zero. */}
            {p !== undefined && (
              <rect
                x={x}
                y={y(p)}
                width={step * 0.6}
                height={H - PAD - y(p)}
                fill="var(--ds-background-discovery-bold, #6e5dc6)"
              />
            )}
            <text
              x={x + step * 0.3}
              y={barLabelY(p === undefined ? H - PAD : y(p), targetY)}
              textAnchor="middle"
            >
              {pct(p)}
            </text>
            <line
              x1={x - step * 0.1}
              x2={x + step * 0.7}
              y1={targetY}
              y2={targetY}
              stroke="var(--ds-border-danger, #e2483d)"
              strokeDasharray="4 3"
              data-testid="target-mark"
            />
            <text x={x + step * 0.3} y={H - PAD + 14} textAnchor="middle">
              {labels[i]}
            </text>
          </g>
        );
      })}
      {last && (
        <text
          x={right + 6}
          y={y(last.thresholds.targetPercent)}
          dominantBaseline="middle"
          data-testid="target-label"
        >
          target {last.thresholds.targetPercent}%
        </text>
      )}
    </svg>
  );
}

export function shareNumbers(report: RetroAnswer, labels: string[]): ChartNumbers {
  const unit = report.unit === 'points' ? 'pts' : 'issues';
  return {
    caption: 'Engineering discovery share of completed work per sprint',
    columns: [
      'Sprint',
      `Spikes and enablers (${unit})`,
      `Delivery (${unit})`,
      'Engineering discovery share',
      'Target then',
    ],
    rows: report.sprints.map((s, i) => ({
      label: labels[i] ?? s.sprint.name,
      cells: [
        s.completed.discovery,
        s.completed.delivery,
        pct(s.completed.discoveryPercent),
        `${s.thresholds.targetPercent}%`,
      ],
    })),
  };
}

/**
 * The hit rate of validated ideas over time: a bar per sprint for the items it delivered (hits
 * of those judged) and a line for the hit rate to date.
 */
export function HitRateChart({ report, labels }: { report: RetroAnswer; labels: string[] }) {
  const n = Math.max(1, report.sprints.length);
  const right = W - GUTTER;
  const step = (right - PAD) / n;
  const y = (p: number) => H - PAD - ((H - PAD * 2) * p) / 100;
  const cx = (i: number) => PAD + i * step + step / 2;
  const toDate = report.sprints.map((s) => s.outcomes.hitRateToDate);
  const xs = report.sprints.map((_, i) => cx(i));
  const ys = toDate.map((v) => (v === undefined ? undefined : y(v)));
  // A sprint with nothing judged yet is a gap in the line, never a point.
  const runs = lineRuns(toDate).filter((run) => run.length > 1);
  const description = report.sprints
    .map(
      (s, i) =>
        `${labels[i] ?? s.sprint.name}: ${pct(s.outcomes.hitRate)} of ${s.outcomes.judged} judged, ${pct(s.outcomes.hitRateToDate)} to date`,
    )
    .join('; ');
  return (
    <>
      <svg
        className="retro-chart"
        width={W}
        height={H}
        viewBox={`0 0 ${W} ${H}`}
        role="img"
        aria-label={`Hit rate of validated ideas per sprint and to date: ${description}`}
        data-testid="hit-rate-chart"
      >
        <line x1={PAD} x2={right} y1={H - PAD} y2={H - PAD} stroke="var(--ds-border, #091e4224)" />
        <line
          x1={PAD}
          x2={right}
          y1={y(100)}
          y2={y(100)}
          stroke="var(--ds-border, #091e4224)"
          strokeDasharray="2 3"
        />
        <text x={right + 6} y={y(100)} dominantBaseline="middle">
          100%
        </text>
        <text x={right + 6} y={y(0)} dominantBaseline="middle">
          0%
        </text>
        {report.sprints.map((s, i) => {
          const rate = s.outcomes.hitRate;
          return rate === undefined ? null : (
            <rect
              key={s.sprint.id}
              x={cx(i) - step * 0.25}
              y={Math.min(y(rate), H - PAD - 2)}
              width={step * 0.5}
              height={Math.max(2, H - PAD - y(rate))}
              fill="var(--ds-background-accent-green-subtle, #4bce97)"
            />
          );
        })}
        {runs.map((run) => (
          <polyline
            key={run[0]}
            data-testid="hit-rate-line"
            points={run.map((i) => `${cx(i)},${y(toDate[i] ?? 0)}`).join(' ')}
            fill="none"
            stroke="var(--ds-border-brand, #0c66e4)"
            strokeWidth={2}
          />
        ))}
        {report.sprints.map((s, i) => {
          const v = s.outcomes.hitRateToDate;
          const bar = s.outcomes.hitRate;
          const spot = pointLabel(xs, ys, i, H - PAD, bar === undefined ? undefined : y(bar));
          return (
            <g key={s.sprint.id}>
              {v !== undefined && (
                <>
                  <circle cx={cx(i)} cy={y(v)} r={3.5} fill="var(--ds-border-brand, #0c66e4)" />
                  <text x={spot.x} y={spot.y} textAnchor={spot.anchor}>
                    {v}%
                  </text>
                </>
              )}
              <text x={cx(i)} y={H - PAD + 14} textAnchor="middle">
                {labels[i]}
              </text>
            </g>
          );
        })}
      </svg>
      <span className="retro-legend" aria-hidden="true">
        <span className="retro-swatch retro-swatch-line" /> hit rate to date{' '}
        <span className="retro-swatch retro-swatch-bar" /> hit rate of the sprint&apos;s deliveries
      </span>
    </>
  );
}

export function hitRateNumbers(report: RetroAnswer, labels: string[]): ChartNumbers {
  return {
    caption: 'Hit rate of validated ideas per sprint',
    columns: ['Sprint', 'Judged', 'Hit', 'Partly', 'Missed', 'Sprint hit rate', 'To date'],
    rows: report.sprints.map((s, i) => ({
      label: labels[i] ?? s.sprint.name,
      cells: [
        s.outcomes.judged,
        s.outcomes.hit,
        s.outcomes.partly,
        s.outcomes.missed,
        pct(s.outcomes.hitRate),
        pct(s.outcomes.hitRateToDate),
      ],
    })),
  };
}
