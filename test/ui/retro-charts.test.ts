import { lineRuns } from '../../static/project-page/src/retro/line-runs';

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
