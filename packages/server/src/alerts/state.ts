import type { AlertStateName } from '../storage/types.js';

/**
 * The per-(rule, tenant) state machine, Prometheus style: a condition must hold for `for` before
 * it fires (with `for: 0` it fires at once), a pending alert whose condition clears goes back to
 * inactive, a firing one resolves.
 */
export function nextState(
  current: AlertStateName,
  since: number,
  active: boolean,
  forMs: number,
  now: number,
): AlertStateName {
  if (active) {
    if (current === 'firing') return 'firing';
    if (current === 'pending') return now - since >= forMs ? 'firing' : 'pending';
    return forMs <= 0 ? 'firing' : 'pending';
  }
  if (current === 'firing') return 'resolved';
  if (current === 'pending') return 'inactive';
  return current;
}
