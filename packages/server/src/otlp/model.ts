import type {
  Attributes,
  AttributeValue,
  MetricKind,
  SpanEventRow,
  SpanLinkRow,
} from '../storage/types.js';

/**
 * OTLP requests decoded from protobuf or JSON into one shape, before tenant resolution and
 * conversion to storage rows. Both decoders produce exactly this.
 */
export interface ScopeGroup<T> {
  scopeName: string;
  scopeVersion: string;
  items: T[];
}

export interface ResourceGroup<T> {
  resource: Attributes;
  scopes: ScopeGroup<T>[];
}

export interface DecodedSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  kind: number;
  startTimeUnixNano: bigint;
  endTimeUnixNano: bigint;
  attributes: Attributes;
  events: SpanEventRow[];
  links: SpanLinkRow[];
  statusCode: number;
  statusMessage: string;
}

export interface DecodedLog {
  timeUnixNano: bigint;
  observedTimeUnixNano: bigint;
  severityNumber: number;
  severityText: string;
  body: AttributeValue;
  attributes: Attributes;
  traceId: string;
  spanId: string;
}

export interface DecodedPoint {
  attributes: Attributes;
  startTimeUnixNano: bigint;
  timeUnixNano: bigint;
  value: number | null;
  count: number | null;
  sum: number | null;
  min: number | null;
  max: number | null;
  explicitBounds: number[];
  bucketCounts: number[];
}

export interface DecodedMetric {
  name: string;
  unit: string;
  kind: MetricKind;
  temporality: number;
  isMonotonic: boolean;
  points: DecodedPoint[];
}

export type DecodedTraces = ResourceGroup<DecodedSpan>[];
export type DecodedLogs = ResourceGroup<DecodedLog>[];
export type DecodedMetrics = ResourceGroup<DecodedMetric>[];

export function emptyPoint(): DecodedPoint {
  return {
    attributes: {},
    startTimeUnixNano: 0n,
    timeUnixNano: 0n,
    value: null,
    count: null,
    sum: null,
    min: null,
    max: null,
    explicitBounds: [],
    bucketCounts: [],
  };
}
