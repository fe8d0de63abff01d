import type { TrendSeriesView as TrendSeries } from '@contract/retro-report';
import { pointLabel, type ChartNumbers } from './charts';
import { lineRuns } from './line-runs';

/**
 * One line per trend of the retro's signals. A sprint not measured is a gap in the line, never a
 * point (so never the lowest one). Runway and cadence carry each sprint's target as it stood when
 * the sprint ended: a shaded band over that sprint (from a minimum up when there is no maximum),
 * behind the line and its labels; a point outside its own sprint's target is in the danger colour.
 */

type Target = NonNullable<NonNullable<TrendSeries['targets']>[number]>;

const TH = 90;
const MISS_COLOUR = 'var(--ds-icon-danger, #c9372c)';
const LINE_COLOUR = 'var(--ds-border-brand, #0c66e4)';

/** "1-2", or "at least 3" for a target with no maximum. */
export function targetText(t: Target): string {
  return t.max === undefined ? `at least ${t.min}` : `${t.min}-${t.max}`;
}

function pointText(series: TrendSeries, i: number, label: string): string {
  const v = series.values[i];
  const t = series.targets?.[i];
  const judged = series.judged?.[i];
  const against = t ? ` (target then ${targetText(t)}${judged ? `: ${judged}` : ''})` : '';
  return `${label} ${v ?? 'not measured'}${against}`;
}

export function TrendChart({ series, labels }: { series: TrendSeries; labels: string[] }) {
  const known = series.values.filter((v): v is number => v !== undefined);
  const targets = series.targets ?? [];
  const tops = targets.flatMap((t) => (t ? [t.max ?? t.min] : []));
  const max = Math.max(1, ...known, ...tops);
  const n = Math.max(2, series.values.length);
  // Wide enough that neighbouring value labels keep apart at 12 sprints.
  const tw = Math.max(240, 24 + n * 32);
  const x = (i: number) => 12 + ((tw - 24) * i) / (n - 1);
  const half = (tw - 24) / (n - 1) / 2;
  const y = (v: number) => TH - 22 - ((TH - 40) * v) / max;
  const xs = series.values.map((_, i) => x(i));
  const ys = series.values.map((v) => (v === undefined ? undefined : y(v)));
  const runs = lineRuns(series.values).filter((run) => run.length > 1);
  const left = (i: number) => Math.max(0, x(i) - half);
  const right = (i: number) => Math.min(tw, x(i) + half);
  return (
    <svg
      className="retro-chart"
      width={tw}
      height={TH}
      viewBox={`0 0 ${tw} ${TH}`}
      role="img"
      aria-label={`${series.label} per sprint: ${series.values
        .map((_, i) => pointText(series, i, labels[i] ?? String(i + 1)))
        .join(', ')}`}
    >
      {targets.map((t, i) =>
        t === undefined ? null : (
          <rect
            key={labels[i] ?? i}
            className="retro-band"
            data-testid="trend-target"
            x={left(i)}
            width={right(i) - left(i)}
            y={y(t.max ?? max) - 1}
            height={Math.max(2, y(t.min) - y(t.max ?? max) + 2)}
            fill="var(--ds-background-accent-green-subtlest, #dcfff1)"
          />
        ),
      )}
      {runs.map((run) => (
        <polyline
          key={run[0]}
          data-testid="trend-line"
          points={run.map((i) => `${x(i)},${y(series.values[i] ?? 0)}`).join(' ')}
          fill="none"
          stroke={LINE_COLOUR}
          strokeWidth={2}
        />
      ))}
      {series.values.map((v, i) => {
        if (v === undefined) return null;
        const spot = pointLabel(xs, ys, i, TH - 1);
        const judged = series.judged?.[i];
        const miss = judged === 'below' || judged === 'above';
        return (
          <g key={labels[i] ?? i}>
            <circle
              data-testid="trend-point"
              data-judged={judged}
              cx={x(i)}
              cy={y(v)}
              r={miss ? 4 : 3}
              fill={miss ? MISS_COLOUR : LINE_COLOUR}
            />
            <text x={spot.x} y={spot.y} textAnchor={spot.anchor}>
              {v}
            </text>
          </g>
        );
      })}
      <text x={12} y={TH - 4}>
        {labels[0]}
      </text>
      <text x={tw - 12} y={TH - 4} textAnchor="end">
        {labels.at(-1)}
      </text>
    </svg>
  );
}

/** The legend of a trend with targets: what the shading and the coloured points mean. */
export function TargetLegend({ series }: { series: TrendSeries }) {
  if (!series.targets?.some((t) => t !== undefined)) return null;
  return (
    <span className="retro-legend" aria-hidden="true">
      <span className="retro-swatch retro-swatch-band" /> target in force when each sprint ended{' '}
      <span className="retro-swatch retro-swatch-miss" /> outside it
    </span>
  );
}

export function trendNumbers(series: TrendSeries, labels: string[]): ChartNumbers {
  const targets = series.targets;
  return {
    caption: `${series.label} per sprint`,
    columns: targets
      ? ['Sprint', series.label, 'Target then', 'Against it']
      : ['Sprint', series.label],
    rows: series.values.map((v, i) => {
      const t = targets?.[i];
      const judged = series.judged?.[i];
      return {
        label: labels[i] ?? String(i + 1),
        cells: targets ? [v ?? '–', t ? targetText(t) : '–', judged ?? '–'] : [v ?? '–'],
      };
    }),
  };
}
