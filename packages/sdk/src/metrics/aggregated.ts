/**
 * The helpers' metrics as init() records them: straight into the SDK's own series cells
 * (streams.ts), exported through the MeterProvider's readers by TenantMetricsProducer. Same
 * names, attributes, tenant caps and overflow counting as ApiMetrics, at a fraction of the cost:
 * a point is a Set lookup (the tenant cap), a key string, a Map lookup and a few additions.
 */
import type { Attributes } from '@opentelemetry/api';
import { type GuardedMetric, METRICS } from './definitions.js';
import type { LlmMeasurement, Outcome, TenantryMetrics } from './instruments.js';
import { HistogramStream, SumStream } from './streams.js';
import { type OverflowCounter, TenantGuard } from './tenant-guard.js';

/*
 * Series keys: each value but the last prefixed with its length, so no two different attribute
 * sets share a key whatever characters the values hold (and every key starts with a digit).
 */
const key1 = (a: string) => `${a.length}:${a}`;
const key3 = (a: string, b: string, c: string) => `${a.length}:${a}${b.length}:${b}${c}`;
const key4 = (a: string, b: string, c: string, d: string) =>
  `${a.length}:${a}${b.length}:${b}${c.length}:${c}${d}`;

/** `tenantry.metrics.tenant_overflow`; also counts what TenantAttributesProcessor redirects. */
class OverflowStream extends SumStream implements OverflowCounter {
  add(value: number, attributes: Attributes): void {
    // Rare (only past a cap), so a general key is fine: sorted names and values as JSON.
    const names = Object.keys(attributes).sort();
    const key = JSON.stringify(names.map((n) => [n, attributes[n]]));
    const cell = this.get(key) ?? this.open(key, attributes);
    cell.value += value;
  }
}

export class AggregatedMetrics implements TenantryMetrics {
  private readonly runDuration = new HistogramStream(METRICS.runDuration);
  private readonly runs = new SumStream(METRICS.runs);
  private readonly tokenUsage = new HistogramStream(METRICS.tokenUsage);
  private readonly operationDuration = new HistogramStream(METRICS.operationDuration);
  private readonly toolCalls = new SumStream(METRICS.toolCalls);
  private readonly redactions = new SumStream(METRICS.redactions);
  readonly overflow = new OverflowStream(METRICS.overflow);
  /** In the order the OTel SDK listed the instruments (their creation order). */
  readonly streams = [
    this.runDuration,
    this.runs,
    this.tokenUsage,
    this.operationDuration,
    this.toolCalls,
    this.redactions,
    this.overflow,
  ] as const;
  private readonly guards: Record<GuardedMetric, TenantGuard>;

  constructor(maxTenantsPerMetric: number) {
    const guard = (key: GuardedMetric) =>
      new TenantGuard(METRICS[key].name, maxTenantsPerMetric, this.overflow);
    this.guards = {
      runDuration: guard('runDuration'),
      runs: guard('runs'),
      tokenUsage: guard('tokenUsage'),
      operationDuration: guard('operationDuration'),
      toolCalls: guard('toolCalls'),
      redactions: guard('redactions'),
    };
  }

  recordRun(tenantId: string, agent: string, status: Outcome, durationSeconds: number): void {
    const durationTenant = this.guards.runDuration.resolve(tenantId);
    const durationKey = key3(durationTenant, agent, status);
    const duration =
      this.runDuration.get(durationKey) ??
      this.runDuration.open(durationKey, { 'tenant.id': durationTenant, status, agent });
    this.runDuration.observe(duration, durationSeconds);
    const tenant = this.guards.runs.resolve(tenantId);
    const key = tenant === durationTenant ? durationKey : key3(tenant, agent, status);
    const runs = this.runs.get(key) ?? this.runs.open(key, { 'tenant.id': tenant, status, agent });
    runs.value += 1;
  }

  recordLlm(m: LlmMeasurement): void {
    const tenant = this.guards.operationDuration.resolve(m.tenantId);
    // Without an error the key ends with the provider; with one, '|' and the error type follow.
    const series = key4(tenant, m.operation, m.model, m.provider);
    const key = m.errorType === undefined ? series : `${series.length}:${series}|${m.errorType}`;
    let duration = this.operationDuration.get(key);
    if (duration === undefined) {
      const attributes: Attributes = {
        'tenant.id': tenant,
        'gen_ai.operation.name': m.operation,
        'gen_ai.request.model': m.model,
        'gen_ai.provider.name': m.provider,
      };
      if (m.errorType !== undefined) attributes['error.type'] = m.errorType;
      duration = this.operationDuration.open(key, attributes);
    }
    this.operationDuration.observe(duration, m.durationSeconds);
    if (m.inputTokens === undefined && m.outputTokens === undefined) return;
    // One cap check per call for both token types, as ApiMetrics does.
    const tokenTenant = this.guards.tokenUsage.resolve(m.tenantId);
    const tokens =
      tokenTenant === tenant ? series : key4(tokenTenant, m.operation, m.model, m.provider);
    if (m.inputTokens !== undefined) this.recordTokens(tokens, tokenTenant, m, 'input');
    if (m.outputTokens !== undefined) this.recordTokens(tokens, tokenTenant, m, 'output');
  }

  private recordTokens(
    series: string,
    tenant: string,
    m: LlmMeasurement,
    type: 'input' | 'output',
  ): void {
    const key = `${series.length}:${series}${type}`;
    const cell =
      this.tokenUsage.get(key) ??
      this.tokenUsage.open(key, {
        'tenant.id': tenant,
        'gen_ai.operation.name': m.operation,
        'gen_ai.request.model': m.model,
        'gen_ai.provider.name': m.provider,
        'gen_ai.token.type': type,
      });
    this.tokenUsage.observe(cell, (type === 'input' ? m.inputTokens : m.outputTokens) as number);
  }

  recordTool(tenantId: string, tool: string, status: Outcome): void {
    const tenant = this.guards.toolCalls.resolve(tenantId);
    const key = key3(tenant, tool, status);
    const cell =
      this.toolCalls.get(key) ??
      this.toolCalls.open(key, { 'tenant.id': tenant, 'gen_ai.tool.name': tool, status });
    cell.value += 1;
  }

  recordRedactions(tenantId: string | undefined, count: number): void {
    if (tenantId === undefined || !(count > 0)) return;
    const tenant = this.guards.redactions.resolve(tenantId);
    const key = key1(tenant);
    const cell = this.redactions.get(key) ?? this.redactions.open(key, { 'tenant.id': tenant });
    cell.value += count;
  }
}
