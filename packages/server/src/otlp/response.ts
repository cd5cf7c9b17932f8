import type { Signal } from '../ingest/pipeline.js';
import type { OtlpFormat } from './body.js';

/**
 * OTLP responses: Export{Trace,Logs,Metrics}ServiceResponse with partial_success when items were
 * rejected, and google.rpc.Status for protobuf errors. Encoded by hand (a handful of fields).
 */

const REJECTED_FIELD: Record<Signal, string> = {
  traces: 'rejectedSpans',
  logs: 'rejectedLogRecords',
  metrics: 'rejectedDataPoints',
};

function varint(n: number): number[] {
  const out: number[] = [];
  let v = n;
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
  return out;
}

function lengthDelimited(field: number, bytes: Buffer): Buffer {
  return Buffer.concat([Buffer.from([(field << 3) | 2, ...varint(bytes.length)]), bytes]);
}

export function encodeExportResponse(
  signal: Signal,
  format: OtlpFormat,
  rejected: number,
  message: string,
): Buffer {
  if (format === 'json') {
    const body =
      rejected > 0 || message
        ? { partialSuccess: { [REJECTED_FIELD[signal]]: String(rejected), errorMessage: message } }
        : {};
    return Buffer.from(JSON.stringify(body));
  }
  if (rejected === 0 && !message) return Buffer.alloc(0);
  const partial = Buffer.concat([
    Buffer.from([(1 << 3) | 0, ...varint(rejected)]),
    lengthDelimited(2, Buffer.from(message, 'utf8')),
  ]);
  return lengthDelimited(1, partial);
}

/** google.rpc.Status { int32 code = 1; string message = 2; } */
export function encodeStatus(grpcCode: number, message: string): Buffer {
  return Buffer.concat([
    Buffer.from([(1 << 3) | 0, ...varint(grpcCode)]),
    lengthDelimited(2, Buffer.from(message, 'utf8')),
  ]);
}
