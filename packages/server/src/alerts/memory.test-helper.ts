import type {
  AlertRuleRecord,
  AlertStateRecord,
  AlertStore,
  AlertTransitionRecord,
  TenantScope,
} from '../storage/types.js';
import type {
  AlertDataSource,
  RunawayCandidate,
  RunawayThresholds,
  TenantWindowStats,
} from './source.js';

/**
 * In-memory implementations of the engine's two boundaries, for engine tests and the benchmark.
 * They compute the same aggregates storage does, from a plain list of runs.
 */

export interface ToolCall {
  name: string;
  arguments: string;
  error?: boolean;
}

export interface MemoryRun {
  tenantId: string;
  traceId: string;
  startMs: number;
  durationMs: number;
  failed: boolean;
  agentName?: string;
  llmCalls?: number;
  inputTokens?: number;
  outputTokens?: number;
  tools?: ToolCall[];
}

function quantile(sorted: number[], q: number): number | null {
  if (sorted.length === 0) return null;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  const a = sorted[lo] ?? 0;
  const b = sorted[hi] ?? 0;
  return a + (b - a) * (pos - lo);
}

export class MemoryAlertSource implements AlertDataSource {
  readonly runs: MemoryRun[] = [];
  windowStatsCalls = 0;
  runawayCalls = 0;
  /** Makes every query fail, to test that a broken source does not break the engine. */
  failWith: Error | null = null;

  add(...runs: MemoryRun[]): void {
    for (const r of runs) this.runs.push(r);
  }

  async windowStats(
    fromMs: number,
    toMs: number,
    tenantIds?: readonly string[],
  ): Promise<TenantWindowStats[]> {
    this.windowStatsCalls++;
    if (this.failWith) throw this.failWith;
    const only = tenantIds ? new Set(tenantIds) : null;
    const acc = new Map<
      string,
      { s: TenantWindowStats; latencies: number[]; lastFailedAt: number }
    >();
    for (const r of this.runs) {
      if (r.startMs < fromMs || r.startMs >= toMs) continue;
      if (only && !only.has(r.tenantId)) continue;
      let a = acc.get(r.tenantId);
      if (!a) {
        a = {
          s: {
            tenantId: r.tenantId,
            runs: 0,
            failedRuns: 0,
            runLatencyMs: { p50: null, p95: null, p99: null },
            toolCalls: 0,
            toolErrors: 0,
            llmCalls: 0,
            inputTokens: 0,
            outputTokens: 0,
            exampleFailedTraceId: null,
          },
          latencies: [],
          lastFailedAt: -Infinity,
        };
        acc.set(r.tenantId, a);
      }
      const s = a.s;
      s.runs++;
      a.latencies.push(r.durationMs);
      if (r.failed) {
        s.failedRuns++;
        if (r.startMs >= a.lastFailedAt) {
          a.lastFailedAt = r.startMs;
          s.exampleFailedTraceId = r.traceId;
        }
      }
      s.llmCalls += r.llmCalls ?? 0;
      s.inputTokens += r.inputTokens ?? 0;
      s.outputTokens += r.outputTokens ?? 0;
      for (const t of r.tools ?? []) {
        s.toolCalls++;
        if (t.error) s.toolErrors++;
      }
    }
    return [...acc.values()].map(({ s, latencies }) => {
      latencies.sort((x, y) => x - y);
      s.runLatencyMs = {
        p50: quantile(latencies, 0.5),
        p95: quantile(latencies, 0.95),
        p99: quantile(latencies, 0.99),
      };
      return s;
    });
  }

  async runawayRuns(
    fromMs: number,
    toMs: number,
    t: RunawayThresholds,
  ): Promise<RunawayCandidate[]> {
    this.runawayCalls++;
    if (this.failWith) throw this.failWith;
    const out: RunawayCandidate[] = [];
    for (const r of this.runs) {
      if (r.startMs < fromMs || r.startMs >= toMs) continue;
      const counts = new Map<string, { name: string; arguments: string; count: number }>();
      for (const call of r.tools ?? []) {
        const k = `${call.name}\u0000${call.arguments}`;
        const c = counts.get(k) ?? { name: call.name, arguments: call.arguments, count: 0 };
        c.count++;
        counts.set(k, c);
      }
      let top: RunawayCandidate['topRepeatedTool'] = null;
      for (const c of counts.values()) if (!top || c.count > top.count) top = c;
      const llmCalls = r.llmCalls ?? 0;
      const totalTokens = (r.inputTokens ?? 0) + (r.outputTokens ?? 0);
      if (
        llmCalls > t.maxLlmCalls ||
        totalTokens > t.maxTokens ||
        (top && top.count > t.maxRepeatedToolCalls)
      ) {
        out.push({
          tenantId: r.tenantId,
          traceId: r.traceId,
          spanId: r.traceId.slice(0, 16),
          agentName: r.agentName ?? null,
          llmCalls,
          totalTokens,
          topRepeatedTool: top,
        });
      }
    }
    return out;
  }
}

export class MemoryAlertStore implements AlertStore {
  readonly states = new Map<string, AlertStateRecord>();
  readonly transitions: AlertTransitionRecord[] = [];
  readonly rules = new Map<string, AlertRuleRecord>();
  saveCalls = 0;
  /** Makes writes fail, to test that a storage outage does not stop notifications. */
  failWith: Error | null = null;

  async loadAlertStates(): Promise<AlertStateRecord[]> {
    return [...this.states.values()].map((s) => ({ ...s }));
  }
  async saveAlertStates(states: AlertStateRecord[]): Promise<void> {
    this.saveCalls++;
    if (this.failWith) throw this.failWith;
    for (const s of states) this.states.set(`${s.tenantId}\u0000${s.ruleId}`, { ...s });
  }
  async deleteAlertStates(ruleId: string): Promise<void> {
    for (const [key, s] of this.states) if (s.ruleId === ruleId) this.states.delete(key);
  }
  async appendAlertTransitions(transitions: AlertTransitionRecord[]): Promise<void> {
    this.transitions.push(...transitions.map((t) => ({ ...t })));
  }
  async listAlertTransitions(
    scope: TenantScope,
    query: { fromMs?: number; toMs?: number; limit: number; cursor?: string },
  ): Promise<{ items: AlertTransitionRecord[]; nextCursor: string | null }> {
    // Newest first; the cursor is the offset into that order.
    const all = this.transitions
      .filter((t) => scope.tenantId === null || t.tenantId === scope.tenantId)
      .filter(
        (t) =>
          (query.fromMs === undefined || t.at >= query.fromMs) &&
          (query.toMs === undefined || t.at < query.toMs),
      )
      .reverse();
    const offset = query.cursor ? Number(query.cursor) : 0;
    const items = all.slice(offset, offset + query.limit);
    const next = offset + query.limit;
    return { items, nextCursor: next < all.length ? String(next) : null };
  }
  async listAlertRules(): Promise<AlertRuleRecord[]> {
    return [...this.rules.values()];
  }
  async upsertAlertRule(rule: AlertRuleRecord): Promise<void> {
    this.rules.set(rule.id, rule);
  }
  async deleteAlertRule(id: string): Promise<boolean> {
    return this.rules.delete(id);
  }
}

export class ManualClock {
  constructor(public ms: number) {}
  now(): number {
    return this.ms;
  }
  advance(ms: number): void {
    this.ms += ms;
  }
}
