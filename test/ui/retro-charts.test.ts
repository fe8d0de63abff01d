import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import type { TrendSeriesView } from '../../src/contract/retro-report';
import { lineRuns } from '../../static/project-page/src/retro/line-runs';
import { TrendChart, trendNumbers } from '../../static/project-page/src/retro/trend-chart';

/** Chart honesty (issue 17, item 7): a sprint not measured is a gap in a trend line, not a point. */
describe('trend lines', () => {
  it.each<[string, Array<number | undefined>, number[][]]>([
    ['every sprint measured: one line', [1, 2, 3], [[0, 1, 2]]],
    [
      'the first sprint not measured: the line starts at the second',
      [undefined, 0.8, 1.2],
      [[1, 2]],
    ],
    ['a gap in the middle: two lines', [1, undefined, 2, 3], [[0], [2, 3]]],
    ['nothing measured: no line', [undefined, undefined], []],
  ])('%s', (_name, values, runs) => {
    expect(lineRuns(values)).toEqual(runs);
  });
});

/** The chart as markup, and its circles, lines and target marks. */
function drawn(series: TrendSeriesView, labels = ['S1', 'S2', 'S3', 'S4']) {
  const html = renderToStaticMarkup(createElement(TrendChart, { series, labels }));
  const attrs = (tag: string): Array<Record<string, string>> =>
    [...html.matchAll(new RegExp(`<${tag} ([^>]*)>`, 'g'))].map((m) => {
      const found: Record<string, string> = {};
      for (const a of (m[1] ?? '').matchAll(/([\w-]+)="([^"]*)"/g)) found[a[1] ?? ''] = a[2] ?? '';
      return found;
    });
  return {
    html,
    circles: attrs('circle'),
    lines: attrs('polyline'),
    targets: [...attrs('rect'), ...attrs('line')],
  };
}

const runway = (values: Array<number | undefined>): TrendSeriesView => ({
  metric: 'runway',
  label: 'Runway',
  values,
  summary: '',
});

describe('a trend chart as drawn (issue 17, item 7)', () => {
  it('a sprint not measured has no point and breaks the line; it is not drawn as the lowest value', () => {
    const { html, circles, lines } = drawn(runway([1.2, undefined, 0.4, 1]));
    // Three points, none at the x of the second sprint.
    expect(circles).toHaveLength(3);
    const xs = circles.map((c) => Number(c['cx']));
    expect(xs).toEqual([12, 12 + 216 * (2 / 3), 228]);
    // One line, from the third sprint to the fourth: nothing joins the first to the third.
    expect(lines).toHaveLength(1);
    expect(lines[0]?.['points']?.split(' ')).toHaveLength(2);
    // The lowest point drawn is the measured 0.4, not the sprint without a value.
    const lowest = circles.reduce((a, b) => (Number(a['cy']) > Number(b['cy']) ? a : b));
    expect(Number(lowest['cx'])).toBe(12 + 216 * (2 / 3));
    expect(html).toContain('S2 not measured');
  });

  it('every sprint measured: one unbroken line through every point', () => {
    const { circles, lines } = drawn(runway([1, 0, 2, 3]));
    expect(circles).toHaveLength(4);
    expect(lines).toHaveLength(1);
    expect(lines[0]?.['points']?.split(' ')).toHaveLength(4);
  });

  it('each sprint is drawn against its own target of then, and a point outside it stands out', () => {
    const series: TrendSeriesView = {
      ...runway([0.5, 1.5, 3, undefined]),
      targets: [
        { min: 1, max: 2 },
        { min: 1, max: 2 },
        { min: 2, max: 4 },
        { min: 2, max: 4 },
      ],
      judged: ['below', 'within', 'within', undefined],
    };
    const { html, circles, targets } = drawn(series);
    expect(targets).toHaveLength(4);
    expect(circles.map((c) => c['data-judged'])).toEqual(['below', 'within', 'within']);
    expect(circles[0]?.['fill']).not.toBe(circles[1]?.['fill']);
    expect(circles[1]?.['fill']).toBe(circles[2]?.['fill']);
    // The band of sprint 3 (2-4) sits higher than that of sprint 1 (1-2).
    const top = (t: Record<string, string>) => Number(t['y']);
    expect(top(targets[2] ?? {})).toBeLessThan(top(targets[0] ?? {}));
    expect(html).toContain('S1 0.5 (target then 1-2: below)');
    expect(trendNumbers(series, ['S1', 'S2', 'S3', 'S4']).rows.map((r) => r.cells)).toEqual([
      [0.5, '1-2', 'below'],
      [1.5, '1-2', 'within'],
      [3, '2-4', 'within'],
      ['–', '2-4', '–'],
    ]);
  });

  it('a target with only a minimum shades from the minimum up to the top of the plot', () => {
    const series: TrendSeriesView = {
      metric: 'cadence',
      label: 'Product discovery activities',
      values: [1, 4],
      targets: [{ min: 3 }, { min: 3 }],
      judged: ['below', 'within'],
      summary: '',
    };
    const { circles, targets } = drawn(series, ['S1', 'S2']);
    const band = targets[0] ?? {};
    const [low, high] = circles.map((c) => Number(c['cy']));
    // The band reaches above the highest point (4) and its bottom edge lies between 1 and 4.
    expect(Number(band['y'])).toBeLessThan(high ?? 0);
    const bottom = Number(band['y']) + Number(band['height']);
    expect(bottom).toBeGreaterThan(high ?? 0);
    expect(bottom).toBeLessThan(low ?? 0);
  });
});
