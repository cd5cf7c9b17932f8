/**
 * The per-tenant metrics the span helpers record, so users do no bookkeeping: run latency and
 * failures, tokens, model call latency and tool errors (names and buckets in definitions.ts).
 */
import type { Attributes, Counter, Histogram, Meter } from '@opentelemetry/api';
import { type GuardedMetric, METRICS, type MetricDefinition } from './definitions.js';
import { TenantGuard } from './tenant-guard.js';

export { OVERFLOW_METRIC } from './definitions.js';

export type Outcome = 'ok' | 'error';

export interface LlmMeasurement {
  tenantId: string;
  operation: string;
  model: string;
  provider: string;
  durationSeconds: number;
  inputTokens: number | undefined;
  outputTokens: number | undefined;
  errorType: string | undefined;
}

/** What the helpers record into; init() uses AggregatedMetrics, a host's own provider the API. */
export interface TenantryMetrics {
  recordRun(tenantId: string, agent: string, status: Outcome, durationSeconds: number): void;
  recordLlm(m: LlmMeasurement): void;
  recordTool(tenantId: string, tool: string, status: Outcome): void;
  recordRedactions(tenantId: string | undefined, count: number): void;
}

/**
 * Records through the OTel metrics API, for a MeterProvider the SDK did not build (the host's own,
 * without init()): the SDK cannot add its own aggregation to that provider's readers.
 */
export class ApiMetrics implements TenantryMetrics {
  private readonly runDuration: Histogram;
  private readonly runs: Counter;
  private readonly tokenUsage: Histogram;
  private readonly operationDuration: Histogram;
  private readonly toolCalls: Counter;
  private readonly redactions: Counter;
  private readonly guards: Record<GuardedMetric, TenantGuard>;

  constructor(meter: Meter, maxTenantsPerMetric: number) {
    const histogram = (def: MetricDefinition) =>
      meter.createHistogram(def.name, {
        unit: def.unit,
        description: def.description,
        advice: { explicitBucketBoundaries: [...(def.buckets ?? [])] },
      });
    const counter = (def: MetricDefinition) =>
      meter.createCounter(def.name, { unit: def.unit, description: def.description });
    this.runDuration = histogram(METRICS.runDuration);
    this.runs = counter(METRICS.runs);
    this.tokenUsage = histogram(METRICS.tokenUsage);
    this.operationDuration = histogram(METRICS.operationDuration);
    this.toolCalls = counter(METRICS.toolCalls);
    this.redactions = counter(METRICS.redactions);
    const overflow = counter(METRICS.overflow);
    const guard = (key: GuardedMetric) =>
      new TenantGuard(METRICS[key].name, maxTenantsPerMetric, overflow);
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
    this.runDuration.record(durationSeconds, {
      'tenant.id': this.guards.runDuration.resolve(tenantId),
      status,
      agent,
    });
    this.runs.add(1, { 'tenant.id': this.guards.runs.resolve(tenantId), status, agent });
  }

  recordLlm(m: LlmMeasurement): void {
    // Attribute objects are written out literally: spreads here showed up in the hot path.
    const duration: Attributes = {
      'tenant.id': this.guards.operationDuration.resolve(m.tenantId),
      'gen_ai.operation.name': m.operation,
      'gen_ai.request.model': m.model,
      'gen_ai.provider.name': m.provider,
    };
    if (m.errorType !== undefined) duration['error.type'] = m.errorType;
    this.operationDuration.record(m.durationSeconds, duration);
    if (m.inputTokens === undefined && m.outputTokens === undefined) return;
    const tenant = this.guards.tokenUsage.resolve(m.tenantId);
    if (m.inputTokens !== undefined) {
      this.tokenUsage.record(m.inputTokens, {
        'tenant.id': tenant,
        'gen_ai.operation.name': m.operation,
        'gen_ai.request.model': m.model,
        'gen_ai.provider.name': m.provider,
        'gen_ai.token.type': 'input',
      });
    }
    if (m.outputTokens !== undefined) {
      this.tokenUsage.record(m.outputTokens, {
        'tenant.id': tenant,
        'gen_ai.operation.name': m.operation,
        'gen_ai.request.model': m.model,
        'gen_ai.provider.name': m.provider,
        'gen_ai.token.type': 'output',
      });
    }
  }

  recordTool(tenantId: string, tool: string, status: Outcome): void {
    this.toolCalls.add(1, {
      'tenant.id': this.guards.toolCalls.resolve(tenantId),
      'gen_ai.tool.name': tool,
      status,
    });
  }

  recordRedactions(tenantId: string | undefined, count: number): void {
    if (tenantId === undefined || count <= 0) return;
    this.redactions.add(count, { 'tenant.id': this.guards.redactions.resolve(tenantId) });
  }
}

/**
 * runtime.ts builds the API flavour under this name when init() did not run; the interface of
 * the same name is what both flavours implement.
 */
export const TenantryMetrics = ApiMetrics;
