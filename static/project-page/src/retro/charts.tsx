import type { RetroAnswer } from '@contract/retro-report';
import type { TrendSeries } from '@domain/retro';

/**
 * Two small SVG charts drawn with the design tokens (no chart library): the discovery share of
 * completed work per sprint against the capacity target, and one line per trend. Each chart has
 * a text alternative; the numbers are in the table below it.
 */

const W = 560;
const H = 160;
const PAD = 28;

export function ShareChart({ report, labels }: { report: RetroAnswer; labels: string[] }) {
  const n = Math.max(1, report.sprints.length);
  const step = (W - PAD * 2) / n;
  const top = Math.min(
    100,
    Math.max(
      10,
      report.targetPercent * 2,
      ...report.sprints.map((s) => s.completed.discoveryPercent ?? 0),
    ),
  );
  const y = (p: number) => H - PAD - ((H - PAD * 2) * Math.min(top, p)) / top;
  const description = report.sprints
    .map((s, i) => `${labels[i] ?? s.sprint.name}: ${s.completed.discoveryPercent ?? 0}%`)
    .join(', ');
  return (
    <svg
      className="retro-chart"
      width={W}
      height={H}
      viewBox={`0 0 ${W} ${H}`}
      role="img"
      aria-label={`Discovery share of completed work, target ${report.targetPercent}%: ${description}`}
      data-testid="share-chart"
    >
      <line x1={PAD} x2={W - PAD} y1={H - PAD} y2={H - PAD} stroke="var(--ds-border, #091e4224)" />
      {report.sprints.map((s, i) => {
        const p = s.completed.discoveryPercent ?? 0;
        const x = PAD + i * step + step * 0.2;
        return (
          <g key={s.sprint.id}>
            <rect
              x={x}
              y={y(p)}
              width={step * 0.6}
              height={H - PAD - y(p)}
              fill="var(--ds-background-discovery-bold, #6e5dc6)"
            />
            <text x={x + step * 0.3} y={y(p) - 4} textAnchor="middle">
              {p}%
            </text>
            <text x={x + step * 0.3} y={H - PAD + 14} textAnchor="middle">
              {labels[i]}
            </text>
          </g>
        );
      })}
      <line
        x1={PAD}
        x2={W - PAD}
        y1={y(report.targetPercent)}
        y2={y(report.targetPercent)}
        stroke="var(--ds-border-danger, #e2483d)"
        strokeDasharray="4 3"
      />
      <text x={W - PAD} y={y(report.targetPercent) - 4} textAnchor="end">
        target {report.targetPercent}%
      </text>
    </svg>
  );
}

const TW = 240;
const TH = 90;

export function TrendChart({ series, labels }: { series: TrendSeries; labels: string[] }) {
  const known = series.values.filter((v): v is number => v !== undefined);
  const max = Math.max(1, ...known);
  const n = Math.max(2, series.values.length);
  const x = (i: number) => 12 + ((TW - 24) * i) / (n - 1);
  const y = (v: number) => TH - 22 - ((TH - 40) * v) / max;
  const points = series.values
    .map((v, i) => (v === undefined ? undefined : `${x(i)},${y(v)}`))
    .filter((p): p is string => p !== undefined)
    .join(' ');
  return (
    <figure style={{ margin: 0 }}>
      <svg
        className="retro-chart"
        width={TW}
        height={TH}
        viewBox={`0 0 ${TW} ${TH}`}
        role="img"
        aria-label={`${series.label} per sprint: ${series.values
          .map((v, i) => `${labels[i] ?? i + 1} ${v ?? 'not measured'}`)
          .join(', ')}`}
      >
        <polyline
          points={points}
          fill="none"
          stroke="var(--ds-border-brand, #0c66e4)"
          strokeWidth={2}
        />
        {series.values.map((v, i) =>
          v === undefined ? null : (
            <g key={labels[i] ?? i}>
              <circle cx={x(i)} cy={y(v)} r={3} fill="var(--ds-border-brand, #0c66e4)" />
              <text x={x(i)} y={y(v) - 6} textAnchor="middle">
                {v}
              </text>
            </g>
          ),
        )}
        <text x={12} y={TH - 4}>
          {labels[0]}
        </text>
        <text x={TW - 12} y={TH - 4} textAnchor="end">
          {labels.at(-1)}
        </text>
      </svg>
      <figcaption>
        <strong>{series.label}</strong>
      </figcaption>
    </figure>
  );
}
