/** A run's clock: event time, and sleeps that shrink by the backfill speed-up. */
import { sleep } from './fake-llm.js';
import type { TimeMapping } from './time-shift.js';

export class RunClock implements TimeMapping {
  readonly realStartMs = Date.now();

  constructor(
    readonly eventStartMs: number,
    readonly factor: number,
  ) {}

  static live(): RunClock {
    return new RunClock(Date.now(), 1);
  }

  /** Event time now, in ms. */
  now(): number {
    return this.eventStartMs + (Date.now() - this.realStartMs) * this.factor;
  }

  /** Waits `simulatedMs` of event time. */
  wait(simulatedMs: number): Promise<void> {
    return sleep(simulatedMs / this.factor);
  }

  headers(): Record<string, string> {
    return {
      'x-demo-event-time': String(Math.round(this.now())),
      'x-demo-speed': String(this.factor),
    };
  }
}
