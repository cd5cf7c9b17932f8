/** Shared by every benchmark: timing loops and the `BENCH` line format that bench/run.ts reads. */
export interface BenchResult {
  bench: string;
  case: string;
  metric: string;
  value: number;
  ratio?: number;
  baseline?: string;
  goal?: string;
  pass?: boolean;
}

export function report(result: BenchResult): void {
  process.stdout.write(`BENCH ${JSON.stringify(result)}\n`);
}

/** Runs `fn` for about `ms` milliseconds after a warm-up and returns the mean µs per call. */
export async function timePerCall(
  fn: () => unknown | Promise<unknown>,
  ms = 1500,
): Promise<number> {
  const warmUntil = performance.now() + Math.min(300, ms / 3);
  while (performance.now() < warmUntil) await fn();
  let calls = 0;
  const start = performance.now();
  let now = start;
  while (now - start < ms) {
    await fn();
    calls++;
    if ((calls & 15) === 0) now = performance.now();
  }
  now = performance.now();
  return ((now - start) * 1000) / calls;
}

export function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}
