/** Small numeric summaries the benchmarks print. */

export function sorted(values: number[]): number[] {
  return [...values].sort((a, b) => a - b);
}

/** The value below which `p` percent of `values` fall (nearest rank). */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const ordered = sorted(values);
  return ordered[Math.min(ordered.length - 1, Math.max(0, Math.ceil((p / 100) * ordered.length) - 1))];
}

export function median(values: number[]): number {
  return percentile(values, 50);
}

/** `median 431 ms (395–587, 5 runs)`. */
export function summary(values: number[], unit = 'ms'): string {
  if (values.length === 0) return 'no runs';
  const ordered = sorted(values);
  const round = (n: number) => Math.round(n);
  return `median ${round(median(values))} ${unit} (${round(ordered[0])}–${round(ordered[ordered.length - 1])}, ${values.length} runs)`;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
