/**
 * A run's clock. Live runs wait for real. Backfilled runs wait in virtual time: `wait()` returns
 * at once and moves the run's event time forward, and the time-shift exporters later map each
 * span's real timestamps through `map()`. So a backfilled hour costs only CPU, and durations are
 * the simulated latencies plus (a fifth of) the real time between waits, however busy the machine is.
 */
import { sleep } from './fake-llm.js';

/**
 * Real time between two waits of a backfilled run counts at this rate. Running an hour of traffic
 * in seconds on a busy machine stretches that time (queueing for the CPU, cold code); counted 1:1
 * it would add seconds of made-up latency to the first minutes of the backfill.
 */
const REAL_GAP_SCALE = 0.2;

/**
 * Real time as span timestamps see it: the OTel SDK starts a span at Date.now() and ends it that
 * plus a performance.now() delta. (performance.timeOrigin + now() drifts from Date.now() by up
 * to hundreds of ms on a busy VM, which would put a span's start on the wrong side of a wait.)
 */
export function realNow(): number {
  return Date.now();
}

export class RunClock {
  /** [real ms, event ms] pairs, real time ascending; empty for a live clock. */
  private readonly points: Array<[number, number]> = [];

  /** `eventStartMs` undefined: a live clock. */
  constructor(eventStartMs?: number) {
    if (eventStartMs !== undefined) this.points.push([realNow(), eventStartMs]);
  }

  static live(): RunClock {
    return new RunClock();
  }

  get virtual(): boolean {
    return this.points.length > 0;
  }

  /** Event time now, in ms. */
  now(): number {
    return this.virtual ? this.map(realNow()) : Date.now();
  }

  /** Pins the event time of this real instant (the worker does it per request). */
  anchor(eventMs: number): void {
    // Half a millisecond back: spans that start in this same millisecond belong after the anchor.
    const real = realNow() - 0.5;
    const last = this.points.at(-1);
    if (last !== undefined && last[0] >= real) {
      // Anchored in the millisecond the clock was created: move that instant instead.
      last[1] = Math.max(eventMs, last[1]);
      return;
    }
    this.points.push([real, Math.max(eventMs, this.map(real))]);
  }

  /** Waits `simulatedMs` of event time. */
  wait(simulatedMs: number): Promise<void> {
    if (!this.virtual) return sleep(simulatedMs);
    const real = realNow();
    const event = this.map(real);
    this.points.push([real, event], [real, event + Math.max(0, simulatedMs)]);
    // At least one real millisecond: whatever starts after the wait then has a later Date.now()
    // than the wait itself, and so lands after the jump.
    // (A 1 ms timer may fire within the same Date.now() millisecond: libuv's clock is cached.)
    return new Promise((resolve) => {
      const tick = () => (realNow() > real ? resolve() : setTimeout(tick, 1));
      setTimeout(tick, 1);
    });
  }

  /** Event time of a real instant: slowed real time between waits, jumping by each wait's length. */
  map(realMs: number): number {
    const points = this.points;
    if (points.length === 0) return realMs;
    // Last point strictly before realMs: an instant equal to a wait's (a span that ended, or
    // started, in the same millisecond before the wait) stays before the jump.
    let i = points.length - 1;
    while (i > 0 && (points[i] as [number, number])[0] >= realMs) i--;
    const [r, e] = points[i] as [number, number];
    const next = points[i + 1];
    const mapped = e + (realMs - r) * REAL_GAP_SCALE;
    return next === undefined ? mapped : Math.min(mapped, next[1]);
  }

  headers(): Record<string, string> {
    return this.virtual
      ? { 'x-demo-event-time': String(Math.round(this.now())), 'x-demo-virtual': '1' }
      : {};
  }
}
