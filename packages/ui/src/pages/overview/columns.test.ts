import { describe, expect, it } from 'vitest';
import type { TenantSummary, TenantsResponse } from '../../api/types.js';
import { buildRows, columns, compareRows, isNoisy, sortRows } from './columns.js';

function tenant(id: string, over: Partial<TenantSummary> = {}): TenantSummary {
  return {
    tenantId: id,
    spans: 40,
    runs: 10,
    failedRuns: 0,
    failureRate: 0,
    runLatencyMs: { p50: 100, p95: 200, p99: 300 },
    llmCalls: 10,
    inputTokens: 1000,
    outputTokens: 0,
    cost: { usd: 2, unpricedModels: [] },
    llmTimeMs: 1000,
    toolCalls: 0,
    toolErrors: 0,
    toolErrorRate: null,
    lastSeen: null,
    feedback: { count: 0, negative: 0, negativeShare: null, meanScore: null },
    ...over,
  };
}

function response(items: TenantSummary[]): TenantsResponse {
  const sum = (f: (t: TenantSummary) => number) => items.reduce((a, t) => a + f(t), 0);
  return {
    items,
    nextCursor: null,
    range: { from: '', to: '' },
    fleet: {
      tenants: items.length,
      inputTokens: sum((t) => t.inputTokens),
      outputTokens: sum((t) => t.outputTokens),
      llmTimeMs: sum((t) => t.llmTimeMs),
      runs: sum((t) => t.runs),
    },
  };
}

describe('overview rows', () => {
  it("computes each tenant's share of the fleet's tokens and LLM time", () => {
    const res = response([
      tenant('quiet'),
      tenant('noisy', { inputTokens: 8000, llmTimeMs: 3000 }),
      tenant('other'),
    ]);
    const rows = buildRows(res, new Map([['noisy', 2]]), 2 * 86_400_000);
    const noisy = rows.find((r) => r.t.tenantId === 'noisy')!;
    expect(noisy.tokenShare).toBeCloseTo(0.8);
    expect(noisy.llmShare).toBeCloseTo(0.6);
    expect(noisy.tokensPerDay).toBe(4000);
    expect(noisy.costPerDay).toBe(1);
    expect(noisy.firing).toBe(2);
  });

  it('sorts tenants without a value last in both directions', () => {
    const rows = buildRows(
      response([
        tenant('a', { toolErrorRate: 0.5 }),
        tenant('none'),
        tenant('b', { toolErrorRate: 0.1 }),
      ]),
      new Map(),
      86_400_000,
    );
    const col = columns(1 / 3).find((c) => c.key === 'toolErrors')!;
    const asc = [...rows].sort((x, y) => compareRows(x, y, col)).map((r) => r.t.tenantId);
    expect(asc).toEqual(['b', 'a', 'none']);
  });

  it('keeps tenants without a value last when sorting descending too', () => {
    const rows = buildRows(
      response([
        tenant('a', { toolErrorRate: 0.5 }),
        tenant('none'),
        tenant('b', { toolErrorRate: 0.1 }),
      ]),
      new Map(),
      86_400_000,
    );
    const col = columns(1 / 3).find((c) => c.key === 'toolErrors')!;
    expect(sortRows(rows, col, true).map((r) => r.t.tenantId)).toEqual(['a', 'b', 'none']);
    expect(sortRows(rows, col, false).map((r) => r.t.tenantId)).toEqual(['b', 'a', 'none']);
  });

  it('flags a noisy neighbour only well above its fair share', () => {
    expect(isNoisy(0.44, 1 / 1000)).toBe(true);
    expect(isNoisy(0.3, 1 / 2)).toBe(false);
    expect(isNoisy(0.05, 1 / 1000)).toBe(false);
  });

  it('has zero shares for a fleet with no tokens at all', () => {
    const rows = buildRows(
      response([tenant('a', { inputTokens: 0, llmTimeMs: 0 })]),
      new Map(),
      86_400_000,
    );
    expect(rows[0]!.tokenShare).toBe(0);
    expect(rows[0]!.llmShare).toBe(0);
  });
});
