import type { MemoryAlertSource, MemoryRun } from './memory.test-helper.js';

/** Steady synthetic agent traffic: one run per tenant every `everyMs`, shaped per tenant by `shape`. */
export interface TrafficShape {
  failed?: (n: number) => boolean;
  tokens?: (n: number, startMs: number) => number;
  tools?: MemoryRun['tools'];
}

const counters = new WeakMap<MemoryAlertSource, Map<string, number>>();

export function traffic(
  source: MemoryAlertSource,
  tenants: readonly string[],
  fromMs: number,
  toMs: number,
  shape: (tenant: string) => TrafficShape = () => ({}),
  everyMs = 10_000,
): void {
  let seen = counters.get(source);
  if (!seen) {
    seen = new Map();
    counters.set(source, seen);
  }
  for (let t = fromMs; t < toMs; t += everyMs) {
    for (const tenant of tenants) {
      const n = seen.get(tenant) ?? 0;
      seen.set(tenant, n + 1);
      const s = shape(tenant);
      const tokens = s.tokens?.(n, t) ?? 500;
      source.add({
        tenantId: tenant,
        traceId: `${tenant}-${n}`.padEnd(32, '0'),
        startMs: t,
        durationMs: 800 + (n % 7) * 100,
        failed: s.failed?.(n) ?? false,
        agentName: 'support',
        llmCalls: 2,
        inputTokens: Math.round(tokens * 0.8),
        outputTokens: Math.round(tokens * 0.2),
        tools: s.tools ?? [{ name: 'lookup', arguments: `{"n":${n}}` }],
      });
    }
  }
}

/** About 1% of runs fail. */
export const healthy = (n: number) => n % 100 === 50;
/** 12% of runs fail. */
export const degraded = (n: number) => n % 25 === 0 || n % 25 === 8 || n % 25 === 16;
