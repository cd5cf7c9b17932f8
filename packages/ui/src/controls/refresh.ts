import { useSyncExternalStore } from 'react';

/**
 * One global refresh tick: the auto-refresh timer (and the manual refresh button) bump it, every
 * query re-runs, and relative time ranges ("last 1h") are re-resolved against the new now.
 */
let tick = 0;
const listeners = new Set<() => void>();

export function bumpRefresh(): void {
  tick += 1;
  for (const l of listeners) l();
}

function subscribe(l: () => void): () => void {
  listeners.add(l);
  return () => listeners.delete(l);
}

export function useRefreshTick(): number {
  return useSyncExternalStore(
    subscribe,
    () => tick,
    () => tick,
  );
}
