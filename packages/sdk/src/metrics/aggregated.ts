/**
 * The helpers' metrics as init() records them: straight into the SDK's own series cells
 * (streams.ts), exported through the MeterProvider's readers by TenantMetricsProducer. Same
 * names, attributes, tenant caps and overflow counting as ApiMetrics, at a fraction of the cost:
 * a point is a Set lookup (the tenant cap), one Map lookup per attribute value and a few additions.
 */
import type { Attributes } from '@opentelemetry/api';
import { type GuardedMetric, METRICS } from './definitions.js';
import type { LlmMeasurement, Outcome, TenantryMetrics } from './instruments.js';
import { HistogramStream, SumStream } from './streams.js';
import { type OverflowCounter, TenantGuard } from './tenant-guard.js';

/** `tenantry.metrics.tenant_overflow`; also counts what TenantAttributesProcessor redirects. */
class OverflowStream extends SumStream implements OverflowCounter {
  add(value: number, attributes: Attributes): void {
    // Only ever { 'tenantry.metric': name } (TenantGuard), so that name finds the series.
    const metric = String(attributes['tenantry.metric']);
    const cell = this.get(metric) ?? this.open(attributes, metric);
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
    let tenant = this.guards.runDuration.resolve(tenantId);
    const duration =
      this.runDuration.get(tenant, agent, status) ??
      this.runDuration.open({ 'tenant.id': tenant, status, agent }, tenant, agent, status);
    this.runDuration.observe(duration, durationSeconds);
    tenant = this.guards.runs.resolve(tenantId);
    const runs =
      this.runs.get(tenant, agent, status) ??
      this.runs.open({ 'tenant.id': tenant, status, agent }, tenant, agent, status);
    runs.value += 1;
  }

  recordLlm(m: LlmMeasurement): void {
    const { operation, model, provider, errorType } = m;
    const tenant = this.guards.operationDuration.resolve(m.tenantId);
    let duration = this.operationDuration.get(tenant, operation, model, provider, errorType);
    if (duration === undefined) {
      const attributes: Attributes = {
        'tenant.id': tenant,
        'gen_ai.operation.name': operation,
        'gen_ai.request.model': model,
        'gen_ai.provider.name': provider,
      };
      if (errorType !== undefined) attributes['error.type'] = errorType;
      duration = this.operationDuration.open(
        attributes,
        tenant,
        operation,
        model,
        provider,
        errorType,
      );
    }
    this.operationDuration.observe(duration, m.durationSeconds);
    if (m.inputTokens === undefined && m.outputTokens === undefined) return;
    // One cap check per call for both token types, as ApiMetrics does.
    const tokenTenant = this.guards.tokenUsage.resolve(m.tenantId);
    if (m.inputTokens !== undefined) this.recordTokens(tokenTenant, m, 'input', m.inputTokens);
    if (m.outputTokens !== undefined) this.recordTokens(tokenTenant, m, 'output', m.outputTokens);
  }

  private recordTokens(
    tenant: string,
    m: LlmMeasurement,
    type: 'input' | 'output',
    tokens: number,
  ): void {
    const { operation, model, provider } = m;
    const cell =
      this.tokenUsage.get(tenant, operation, model, provider, type) ??
      this.tokenUsage.open(
        {
          'tenant.id': tenant,
          'gen_ai.operation.name': operation,
          'gen_ai.request.model': model,
          'gen_ai.provider.name': provider,
          'gen_ai.token.type': type,
        },
        tenant,
        operation,
        model,
        provider,
        type,
      );
    this.tokenUsage.observe(cell, tokens);
  }

  recordTool(tenantId: string, tool: string, status: Outcome): void {
    const tenant = this.guards.toolCalls.resolve(tenantId);
    const cell =
      this.toolCalls.get(tenant, tool, status) ??
      this.toolCalls.open(
        { 'tenant.id': tenant, 'gen_ai.tool.name': tool, status },
        tenant,
        tool,
        status,
      );
    cell.value += 1;
  }

  recordRedactions(tenantId: string | undefined, count: number): void {
    if (tenantId === undefined || !(count > 0)) return;
    const tenant = this.guards.redactions.resolve(tenantId);
    const cell =
      this.redactions.get(tenant) ?? this.redactions.open({ 'tenant.id': tenant }, tenant);
    cell.value += count;
  }
}
