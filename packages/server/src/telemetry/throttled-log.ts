/**
 * Logs a failure once per cause and interval: while a disk is full every request and every commit
 * retry fails the same way, and a stack per failure (hundreds a minute) buries everything else.
 * The count of what was held back is printed with the next line of that cause.
 */
export function throttledLog(
  write: (line: string) => void,
  intervalMs = 60_000,
  now: () => number = Date.now,
): (err: Error) => void {
  const seen = new Map<string, { at: number; held: number }>();
  return (err) => {
    // Numbers (byte counts, sequence numbers, ports) vary between repeats of one cause.
    const cause = err.message.replace(/\d+/g, 'N');
    const t = now();
    const last = seen.get(cause);
    if (last && t - last.at < intervalMs) {
      last.held++;
      return;
    }
    const held = last?.held ?? 0;
    if (seen.size >= 1000) seen.clear();
    seen.set(cause, { at: t, held: 0 });
    write(`${err.message}${held > 0 ? ` (and ${held} more like it since the last report)` : ''}`);
  };
}
