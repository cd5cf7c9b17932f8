/**
 * The per-tenant metrics the span helpers record, so users do no bookkeeping: run latency and
 * failures, tokens, model call latency and tool errors. Names follow the OTel GenAI conventions.
 */
import type { Attributes, Counter, Histogram, Meter } from '@opentelemetry/api';
import { TenantGuard } from './tenant-guard.js';

export const OVERFLOW_METRIC = 'tenantry.metrics.tenant_overflow';

const DURATION_BUCKETS = [
  0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92,
];
const TOKEN_BUCKETS = [
  1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864,
];

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

export class TenantryMetrics {
  private readonly runDuration: Histogram;
  private readonly runs: Counter;
  private readonly tokenUsage: Histogram;
  private readonly operationDuration: Histogram;
  private readonly toolCalls: Counter;
  private readonly redactions: Counter;
  /** Also counts points the TenantAttributesProcessor redirects. */
  readonly overflow: Counter;
  private readonly guards: Record<
    'runDuration' | 'runs' | 'tokenUsage' | 'operationDuration' | 'toolCalls' | 'redactions',
    TenantGuard
  >;

  constructor(meter: Meter, maxTenantsPerMetric: number) {
    this.runDuration = meter.createHistogram('tenantry.agent.run.duration', {
      unit: 's',
      description: 'Duration of agent runs',
      advice: { explicitBucketBoundaries: DURATION_BUCKETS },
    });
    this.runs = meter.createCounter('tenantry.agent.runs', {
      unit: '{run}',
      description: 'Agent runs by status',
    });
    this.tokenUsage = meter.createHistogram('gen_ai.client.token.usage', {
      unit: '{token}',
      description: 'Tokens used per model call',
      advice: { explicitBucketBoundaries: TOKEN_BUCKETS },
    });
    this.operationDuration = meter.createHistogram('gen_ai.client.operation.duration', {
      unit: 's',
      description: 'Duration of model calls',
      advice: { explicitBucketBoundaries: DURATION_BUCKETS },
    });
    this.toolCalls = meter.createCounter('tenantry.tool.calls', {
      unit: '{call}',
      description: 'Tool calls by tool and status',
    });
    this.redactions = meter.createCounter('tenantry.redacted.count', {
      unit: '{finding}',
      description: 'PII and secret findings replaced before export (counts only, never values)',
    });
    const overflow = meter.createCounter(OVERFLOW_METRIC, {
      unit: '{point}',
      description: 'Points recorded under tenant.id="__overflow__" because a metric hit its cap',
    });
    this.overflow = overflow;
    const guard = (name: string) => new TenantGuard(name, maxTenantsPerMetric, overflow);
    this.guards = {
      runDuration: guard('tenantry.agent.run.duration'),
      runs: guard('tenantry.agent.runs'),
      tokenUsage: guard('gen_ai.client.token.usage'),
      operationDuration: guard('gen_ai.client.operation.duration'),
      toolCalls: guard('tenantry.tool.calls'),
      redactions: guard('tenantry.redacted.count'),
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
