/**
 * The runs of measured values a line may join: a sprint not measured is a gap in the line, never
 * a point (and so never the lowest one).
 */
export function lineRuns(values: ReadonlyArray<number | undefined>): number[][] {
  const runs: number[][] = [];
  let run: number[] = [];
  values.forEach((v, i) => {
    if (v === undefined) {
      if (run.length > 0) runs.push(run);
      run = [];
    } else run.push(i);
  });
  if (run.length > 0) runs.push(run);
  return runs;
}
