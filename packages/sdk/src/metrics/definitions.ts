/**
 * The helpers' metrics as exported: names (OTel GenAI conventions where one exists), units,
 * descriptions and histogram buckets. Both ways of recording them read this one table: the OTel
 * metrics API (a host's own MeterProvider) and the SDK's own aggregation (init()).
 */
import { ValueType } from '@opentelemetry/api';
import { InstrumentType, type MetricDescriptor } from '@opentelemetry/sdk-metrics';

export const OVERFLOW_METRIC = 'tenantry.metrics.tenant_overflow';

const DURATION_BUCKETS = [
  0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92,
];
const TOKEN_BUCKETS = [
  1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864,
];

export interface MetricDefinition {
  readonly name: string;
  readonly unit: string;
  readonly description: string;
  /** Histograms only: explicit bucket upper bounds (inclusive), ascending. */
  readonly buckets?: readonly number[];
}

export const METRICS = {
  runDuration: {
    name: 'tenantry.agent.run.duration',
    unit: 's',
    description: 'Duration of agent runs',
    buckets: DURATION_BUCKETS,
  },
  runs: { name: 'tenantry.agent.runs', unit: '{run}', description: 'Agent runs by status' },
  tokenUsage: {
    name: 'gen_ai.client.token.usage',
    unit: '{token}',
    description: 'Tokens used per model call',
    buckets: TOKEN_BUCKETS,
  },
  operationDuration: {
    name: 'gen_ai.client.operation.duration',
    unit: 's',
    description: 'Duration of model calls',
    buckets: DURATION_BUCKETS,
  },
  toolCalls: {
    name: 'tenantry.tool.calls',
    unit: '{call}',
    description: 'Tool calls by tool and status',
  },
  redactions: {
    name: 'tenantry.redacted.count',
    unit: '{finding}',
    description: 'PII and secret findings replaced before export (counts only, never values)',
  },
  overflow: {
    name: OVERFLOW_METRIC,
    unit: '{point}',
    description: 'Points recorded under tenant.id="__overflow__" because a metric hit its cap',
  },
} as const satisfies Record<string, MetricDefinition>;

/** The guarded metrics: each keeps its own set of tenants (the overflow counter has none). */
export type GuardedMetric = Exclude<keyof typeof METRICS, 'overflow'>;

/** What the OTel SDK reports for an instrument created from `def` (through a view without renames). */
export interface ExportedDescriptor extends MetricDescriptor {
  readonly type: InstrumentType;
  readonly advice: { explicitBucketBoundaries?: number[] };
}

export function exportedDescriptor(def: MetricDefinition): ExportedDescriptor {
  const histogram = def.buckets !== undefined;
  return {
    name: def.name,
    description: def.description,
    type: histogram ? InstrumentType.HISTOGRAM : InstrumentType.COUNTER,
    unit: def.unit,
    valueType: ValueType.DOUBLE,
    advice: histogram ? { explicitBucketBoundaries: [...def.buckets] } : {},
  };
}
