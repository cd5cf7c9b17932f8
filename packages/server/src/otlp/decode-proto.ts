import type { WorkSlice } from '../ingest/work-slice.js';
import type { Attributes, SpanEventRow, SpanLinkRow } from '../storage/types.js';
import { DecodeBudget } from './decode-limits.js';
import { readAnyValue, readKeyValueInto, readResourceGroups } from './decode-proto-common.js';
import {
  type DecodedLog,
  type DecodedLogs,
  type DecodedMetric,
  type DecodedMetrics,
  type DecodedPoint,
  type DecodedSpan,
  type DecodedTraces,
  ENUM_MAX,
  emptyPoint,
  knownEnum,
} from './model.js';
import { ProtoReader } from './proto-reader.js';

/**
 * Decoders for ExportTraceServiceRequest, ExportLogsServiceRequest, ExportMetricsServiceRequest.
 * Given a slice, they yield to other requests between slices of work (ingest/work-slice.ts).
 */

/**
 * Most spans have no events and no links: they share these (frozen, so a push would throw rather
 * than reach every span) instead of allocating two empty arrays each.
 */
const NO_EVENTS: DecodedSpan['events'] = Object.freeze([]) as unknown as DecodedSpan['events'];
const NO_LINKS: DecodedSpan['links'] = Object.freeze([]) as unknown as DecodedSpan['links'];

export function decodeTracesProto(
  buf: Buffer,
  slice?: WorkSlice,
  budget = new DecodeBudget(),
): Promise<DecodedTraces> {
  return readResourceGroups(new ProtoReader(buf), readSpan, budget, slice);
}

export function decodeLogsProto(
  buf: Buffer,
  slice?: WorkSlice,
  budget = new DecodeBudget(),
): Promise<DecodedLogs> {
  return readResourceGroups(new ProtoReader(buf), readLog, budget, slice);
}

export function decodeMetricsProto(
  buf: Buffer,
  slice?: WorkSlice,
  budget = new DecodeBudget(),
): Promise<DecodedMetrics> {
  return readResourceGroups(new ProtoReader(buf), readMetric, budget, slice);
}

function readSpan(r: ProtoReader, budget: DecodeBudget): DecodedSpan {
  const span: DecodedSpan = {
    traceId: '',
    spanId: '',
    parentSpanId: '',
    name: '',
    kind: 0,
    startTimeUnixNano: 0n,
    endTimeUnixNano: 0n,
    attributes: {},
    events: NO_EVENTS,
    links: NO_LINKS,
    statusCode: 0,
    statusMessage: '',
  };
  while (!r.done) {
    const field = r.tag();
    const wt = r.wire;
    switch (field) {
      case 1:
        span.traceId = r.hex();
        break;
      case 2:
        span.spanId = r.hex();
        break;
      case 4:
        span.parentSpanId = r.hex();
        break;
      case 5:
        span.name = r.recurringString();
        break;
      case 6:
        span.kind = knownEnum(r.varint(), ENUM_MAX.spanKind);
        break;
      case 7:
        r.expect(wt, 1, 'Span.start_time_unix_nano');
        span.startTimeUnixNano = r.timestamp('Span.start_time_unix_nano');
        break;
      case 8:
        r.expect(wt, 1, 'Span.end_time_unix_nano');
        span.endTimeUnixNano = r.timestamp('Span.end_time_unix_nano');
        break;
      case 9:
        {
          const enclosing = r.enter();
          readKeyValueInto(r, span.attributes, budget);
          r.leave(enclosing);
        }
        break;
      case 11:
        if (span.events === NO_EVENTS) span.events = [];
        span.events.push(readEvent(r.sub(), budget));
        break;
      case 13:
        if (span.links === NO_LINKS) span.links = [];
        span.links.push(readLink(r.sub(), budget));
        break;
      case 15: {
        const sr = r.sub();
        while (!sr.done) {
          const f = sr.tag();
          const w = sr.wire;
          if (f === 2) span.statusMessage = sr.string();
          else if (f === 3) span.statusCode = knownEnum(sr.varint(), ENUM_MAX.statusCode);
          else sr.skip(w);
        }
        break;
      }
      default:
        r.skip(wt);
    }
  }
  return span;
}

function readEvent(r: ProtoReader, budget: DecodeBudget): SpanEventRow {
  const event: SpanEventRow = { timeUnixNano: 0n, name: '', attributes: {} };
  while (!r.done) {
    const field = r.tag();
    const wt = r.wire;
    if (field === 1 && wt === 1) event.timeUnixNano = r.timestamp('Span.Event.time_unix_nano');
    else if (field === 2) event.name = r.string();
    else if (field === 3) readKeyValueInto(r.sub(), event.attributes, budget);
    else r.skip(wt);
  }
  return event;
}

function readLink(r: ProtoReader, budget: DecodeBudget): SpanLinkRow {
  const link: SpanLinkRow = { traceId: '', spanId: '', attributes: {} };
  while (!r.done) {
    const field = r.tag();
    const wt = r.wire;
    if (field === 1) link.traceId = r.hex();
    else if (field === 2) link.spanId = r.hex();
    else if (field === 4) readKeyValueInto(r.sub(), link.attributes, budget);
    else r.skip(wt);
  }
  return link;
}

function readLog(r: ProtoReader, budget: DecodeBudget): DecodedLog {
  const log: DecodedLog = {
    timeUnixNano: 0n,
    observedTimeUnixNano: 0n,
    severityNumber: 0,
    severityText: '',
    body: null,
    attributes: {},
    traceId: '',
    spanId: '',
  };
  while (!r.done) {
    const field = r.tag();
    const wt = r.wire;
    switch (field) {
      case 1:
        r.expect(wt, 1, 'LogRecord.time_unix_nano');
        log.timeUnixNano = r.timestamp('LogRecord.time_unix_nano');
        break;
      case 2:
        log.severityNumber = knownEnum(r.varint(), ENUM_MAX.severity);
        break;
      case 3:
        log.severityText = r.string();
        break;
      case 5:
        log.body = readAnyValue(r.sub(), budget);
        break;
      case 6:
        readKeyValueInto(r.sub(), log.attributes, budget);
        break;
      case 9:
        log.traceId = r.hex();
        break;
      case 10:
        log.spanId = r.hex();
        break;
      case 11:
        r.expect(wt, 1, 'LogRecord.observed_time_unix_nano');
        log.observedTimeUnixNano = r.timestamp('LogRecord.observed_time_unix_nano');
        break;
      default:
        r.skip(wt);
    }
  }
  return log;
}

const METRIC_KINDS: Record<number, DecodedMetric['kind']> = {
  5: 'gauge',
  7: 'sum',
  9: 'histogram',
  10: 'exponential_histogram',
  11: 'summary',
};

function readMetric(r: ProtoReader, budget: DecodeBudget): DecodedMetric {
  const metric: DecodedMetric = {
    name: '',
    unit: '',
    kind: 'gauge',
    temporality: 0,
    isMonotonic: false,
    points: [],
  };
  while (!r.done) {
    const field = r.tag();
    const wt = r.wire;
    const kind = METRIC_KINDS[field];
    if (field === 1) metric.name = r.string();
    else if (field === 3) metric.unit = r.string();
    else if (kind !== undefined) {
      metric.kind = kind;
      readMetricData(r.sub(), metric, budget);
    } else r.skip(wt);
  }
  return metric;
}

function readMetricData(r: ProtoReader, metric: DecodedMetric, budget: DecodeBudget): void {
  while (!r.done) {
    const field = r.tag();
    const wt = r.wire;
    if (field === 1) {
      budget.item();
      metric.points.push(readPoint(r.sub(), metric.kind, budget));
    } else if (field === 2 && metric.kind !== 'gauge')
      metric.temporality = knownEnum(r.varint(), ENUM_MAX.temporality);
    else if (field === 3 && metric.kind === 'sum') metric.isMonotonic = r.varint() !== 0;
    else r.skip(wt);
  }
}

/** Field numbers differ per point type; attributes are 7 (number, summary), 9 (histogram), 1 (exp). */
function readPoint(
  r: ProtoReader,
  kind: DecodedMetric['kind'],
  budget: DecodeBudget,
): DecodedPoint {
  const p = emptyPoint();
  const attrField = kind === 'histogram' ? 9 : kind === 'exponential_histogram' ? 1 : 7;
  while (!r.done) {
    const field = r.tag();
    const wt = r.wire;
    if (field === attrField) {
      readKeyValueInto(r.sub(), p.attributes as Attributes, budget);
      continue;
    }
    if (field === 2 && wt === 1) {
      p.startTimeUnixNano = r.timestamp('DataPoint.start_time_unix_nano');
      continue;
    }
    if (field === 3 && wt === 1) {
      p.timeUnixNano = r.timestamp('DataPoint.time_unix_nano');
      continue;
    }
    if (kind === 'gauge' || kind === 'sum') {
      if (field === 4 && wt === 1) p.value = r.double();
      else if (field === 6 && wt === 1) p.value = r.sfixed64();
      else r.skip(wt);
      continue;
    }
    if (field === 4 && wt === 1) p.count = Number(r.fixed64());
    else if (field === 5 && wt === 1) p.sum = r.double();
    else if (kind === 'histogram' && field === 6)
      r.repeated8(wt, (x) => p.bucketCounts.push(Number(x.fixed64())));
    else if (kind === 'histogram' && field === 7)
      r.repeated8(wt, (x) => p.explicitBounds.push(x.double()));
    else if (kind === 'histogram' && field === 11 && wt === 1) p.min = r.double();
    else if (kind === 'histogram' && field === 12 && wt === 1) p.max = r.double();
    else if (kind === 'exponential_histogram' && field === 12 && wt === 1) p.min = r.double();
    else if (kind === 'exponential_histogram' && field === 13 && wt === 1) p.max = r.double();
    else r.skip(wt);
  }
  return p;
}
