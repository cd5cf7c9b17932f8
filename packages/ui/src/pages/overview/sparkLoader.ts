import { apiGet } from '../../api/client.js';
import type { TimeseriesResponse } from '../../api/types.js';

/**
 * Sparkline series for the overview's visible rows. A few requests at a time, after the table has
 * drawn, so the 25-odd sparklines never compete with the table's own data; results are kept, so
 * scrolling back does not refetch.
 */
const MAX_IN_FLIGHT = 4;
const MAX_CACHED = 3000;

const cache = new Map<string, Promise<TimeseriesResponse>>();
const waiting: Array<() => void> = [];
let inFlight = 0;

function next(): void {
  while (inFlight < MAX_IN_FLIGHT && waiting.length > 0) waiting.shift()!();
}

function schedule<T>(task: () => Promise<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    waiting.push(() => {
      inFlight++;
      task()
        .then(resolve, reject)
        .finally(() => {
          inFlight--;
          next();
        });
    });
    next();
  });
}

export function loadSparkline(
  tenant: string,
  from: string,
  to: string,
  step: number,
): Promise<TimeseriesResponse> {
  const key = `${tenant}|${from}|${to}|${step}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const p = schedule(() =>
    apiGet<TimeseriesResponse>(`/tenants/${encodeURIComponent(tenant)}/timeseries`, {
      metrics: 'runs',
      from,
      to,
      step,
    }),
  );
  // A failure is not cached: the next mount (or refresh) tries again.
  p.catch(() => cache.delete(key));
  cache.set(key, p);
  if (cache.size > MAX_CACHED) cache.delete(cache.keys().next().value!);
  return p;
}
