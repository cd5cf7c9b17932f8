import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { RunClock, realNow } from './clock.js';
import { TimeShiftRegistry, TimeShiftSpanExporter } from './time-shift.js';

describe('RunClock (virtual time for backfilled runs)', () => {
  it('jumps event time by each wait and maps instants before and after it', async () => {
    const start = 1_700_000_000_000;
    const clock = new RunClock(start);
    const before = realNow();
    await clock.wait(2_500);
    const after = realNow();
    expect(clock.map(before) - start).toBeLessThan(50);
    expect(clock.map(after) - start).toBeGreaterThanOrEqual(2_500);
    expect(clock.map(after) - start).toBeLessThan(2_600);
  });

  it('a live clock sleeps for real and maps nothing', async () => {
    const clock = RunClock.live();
    expect(clock.virtual).toBe(false);
    const t0 = Date.now();
    await clock.wait(20);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(15);
    expect(clock.map(123)).toBe(123);
  });

  it('re-anchors to a later event time (the worker, once per request)', () => {
    const clock = new RunClock(1_000_000);
    clock.anchor(2_000_000);
    expect(clock.now()).toBeGreaterThanOrEqual(2_000_000);
  });
});

describe('TimeShiftSpanExporter', () => {
  it('re-times spans of registered traces only, keeping everything else', async () => {
    const registry = new TimeShiftRegistry();
    const clock = new RunClock(1_600_000_000_000);
    registry.register('a'.repeat(32), clock);
    const startMs = realNow();
    await clock.wait(1_000);
    const endMs = realNow();
    const hr = (ms: number): [number, number] => [
      Math.floor(ms / 1000),
      Math.round((ms % 1000) * 1e6),
    ];
    const span = (traceId: string) =>
      ({
        name: 'chat gpt-4o',
        spanContext: () => ({ traceId, spanId: 'b'.repeat(16), traceFlags: 1 }),
        startTime: hr(startMs),
        endTime: hr(endMs),
        duration: hr(endMs - startMs),
        events: [],
        attributes: { 'tenant.id': 'tenant-a' },
      }) as unknown as ReadableSpan;
    const exported: ReadableSpan[] = [];
    const inner = {
      export: (spans: ReadableSpan[], done: (r: { code: 0 }) => void) => {
        exported.push(...spans);
        done({ code: 0 });
      },
      shutdown: async () => {},
    } as SpanExporter;
    const live = span('c'.repeat(32));
    new TimeShiftSpanExporter(inner, registry).export([span('a'.repeat(32)), live], () => {});
    const [shifted, untouched] = exported;
    expect(shifted?.startTime[0]).toBe(1_600_000_000);
    const durationMs = (shifted?.duration[0] ?? 0) * 1000 + (shifted?.duration[1] ?? 0) / 1e6;
    expect(durationMs).toBeGreaterThanOrEqual(1_000);
    expect(shifted?.attributes['tenant.id']).toBe('tenant-a');
    expect(shifted?.name).toBe('chat gpt-4o');
    expect(untouched).toBe(live);
  });
});
