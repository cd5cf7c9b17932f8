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

/**
 * OTLP enums as stored (small integer columns): a value outside the enum is unspecified (0), as
 * OTLP asks of unknown values, instead of a number the storage cannot hold.
 */
export const ENUM_MAX = { spanKind: 5, statusCode: 2, severity: 24, temporality: 2 } as const;

export function knownEnum(value: number, max: number): number {
  return Number.isInteger(value) && value >= 0 && value <= max ? value : 0;
}

/** Nanoseconds since the epoch fit a signed 64-bit integer until the year 2262. */
export const MAX_UNIX_NANO = 9_223_372_036_854_775_807n;

/**
 * `target[key] = value`, except that a `__proto__` key (the sender's to choose) becomes an own
 * attribute as any other key does, not the object's prototype: assigned, it would vanish from the
 * stored JSON and lend its keys to every lookup of the object's attributes.
 */
export function setAttribute(target: Attributes, key: string, value: AttributeValue): void {
  if (key === '__proto__')
    Object.defineProperty(target, key, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  else target[key] = value;
}
