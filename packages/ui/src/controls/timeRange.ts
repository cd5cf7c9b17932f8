import { useMemo } from 'react';
import { useUrl } from '../app/router.js';
import { useRefreshTick } from './refresh.js';

export const DEFAULT_FROM = 'now-1h';
export const DEFAULT_TO = 'now';

const UNIT_MS: Record<string, number> = {
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

export const RELATIVE_CHOICES: Array<{ from: string; label: string }> = [
  { from: 'now-15m', label: 'Last 15 minutes' },
  { from: 'now-1h', label: 'Last 1 hour' },
  { from: 'now-6h', label: 'Last 6 hours' },
  { from: 'now-24h', label: 'Last 24 hours' },
  { from: 'now-7d', label: 'Last 7 days' },
  { from: 'now-30d', label: 'Last 30 days' },
];

export const REFRESH_CHOICES = ['off', '10s', '30s', '1m', '5m'] as const;

/** `now`, `now-15m`, epoch ms or ISO 8601 to epoch ms; null when unparseable. */
export function parseTime(value: string, now: number): number | null {
  const v = value.trim();
  if (v === 'now') return now;
  const rel = /^now-(\d+)([smhdw])$/.exec(v);
  if (rel) return now - Number(rel[1]) * (UNIT_MS[rel[2]!] ?? 0);
  if (/^\d{10,}$/.test(v)) return Number(v);
  const t = Date.parse(v);
  return Number.isNaN(t) ? null : t;
}

export function isRelative(value: string): boolean {
  return value.startsWith('now');
}

/** Seconds of a refresh choice ("30s", "1m"), 0 for off or unknown. */
export function refreshSeconds(value: string | null): number {
  const m = value ? /^(\d+)([sm])$/.exec(value) : null;
  if (!m) return 0;
  return Number(m[1]) * (m[2] === 'm' ? 60 : 1);
}

export interface ResolvedRange {
  fromParam: string;
  toParam: string;
  fromMs: number;
  toMs: number;
  /** ISO strings to send to the API. */
  from: string;
  to: string;
  label: string;
  refresh: string;
}

/**
 * "Now" for a range: the next whole second, so queries issued in the same tick share one cache key
 * and a range ending now holds what arrived in the current second (rounded down, the run a user
 * just made in that second fell after the range's end until the next refresh).
 */
export function rangeNow(nowMs: number): number {
  return Math.ceil(nowMs / 1000) * 1000;
}

/** The range in the URL (`from`, `to`, `refresh`), resolved against now on every refresh tick. */
export function useTimeRange(): ResolvedRange {
  const { search } = useUrl();
  const tick = useRefreshTick();
  const fromParam = search.get('from') ?? DEFAULT_FROM;
  const toParam = search.get('to') ?? DEFAULT_TO;
  const refresh = search.get('refresh') ?? 'off';
  // biome-ignore lint/correctness/useExhaustiveDependencies: the tick moves "now" forward.
  return useMemo(() => {
    const now = rangeNow(Date.now());
    let fromMs = parseTime(fromParam, now) ?? now - 3_600_000;
    let toMs = parseTime(toParam, now) ?? now;
    if (fromMs >= toMs) [fromMs, toMs] = [toMs - 3_600_000, toMs];
    const preset = RELATIVE_CHOICES.find((c) => c.from === fromParam);
    const label =
      toParam === 'now' && preset
        ? preset.label
        : toParam === 'now' && isRelative(fromParam)
          ? `Last ${fromParam.slice(4)}`
          : `${new Date(fromMs).toLocaleString()} → ${new Date(toMs).toLocaleString()}`;
    return {
      fromParam,
      toParam,
      fromMs,
      toMs,
      from: new Date(fromMs).toISOString(),
      to: new Date(toMs).toISOString(),
      label,
      refresh,
    };
  }, [fromParam, toParam, refresh, tick]);
}
