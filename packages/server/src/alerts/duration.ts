/** Prometheus-style durations ('30s', '10m', '1h', '7d', '1h30m'), the unit people already write. */
const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

const PART = /(\d+)(ms|s|m|h|d|w)/g;
const WHOLE = /^(?:\d+(?:ms|s|m|h|d|w))+$/;

/** Milliseconds of a duration string, or null when it is not one. */
export function parseDuration(text: string): number | null {
  if (!WHOLE.test(text)) return null;
  let total = 0;
  for (const match of text.matchAll(PART)) {
    const unit = UNIT_MS[match[2] ?? ''];
    if (unit === undefined) return null;
    total += Number(match[1]) * unit;
  }
  return total;
}

const memo = new Map<string, number>();

/** Like parseDuration for strings already validated by the rule schema; memoised (hot path). */
export function durationMs(text: string): number {
  let ms = memo.get(text);
  if (ms === undefined) {
    const parsed = parseDuration(text);
    if (parsed === null) throw new RangeError(`not a duration: ${text}`);
    ms = parsed;
    if (memo.size < 1000) memo.set(text, ms);
  }
  return ms;
}
