import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import type { HrTime } from '@opentelemetry/api';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { recordRun, recordSpans } from '../../test/helpers/otlp.js';

/**
 * The ingest workload: OTLP protobuf requests of 512 spans (128 agent runs of 4 spans: root, LLM
 * call, two tool calls) over 50 tenants, every request with fresh ids so nothing is deduplicated.
 */
export const SPANS_PER_REQUEST = 512;

export async function templateSpans(): Promise<ReadableSpan[]> {
  return recordSpans((t) => {
    for (let i = 0; i < SPANS_PER_REQUEST / 4; i++) {
      recordRun(t, {
        tenantId: `tenant-${i % 50}`,
        failed: i % 17 === 0,
        tools: [
          { name: 'search_web', args: '{"q":"weather in Paris"}' },
          { name: 'get_account_data', failed: i % 9 === 0 },
        ],
      });
    }
  });
}

/**
 * Same spans, new trace and span ids (parents remapped) and times moved by `offsetMs`, so each
 * request stores new rows and requests arrive in time order, as live traffic does.
 */
export function withFreshIds(spans: ReadableSpan[], offsetMs = 0): ReadableSpan[] {
  const traceMap = new Map<string, string>();
  const spanMap = new Map<string, string>();
  const fresh = (map: Map<string, string>, id: string, bytes: number) => {
    let v = map.get(id);
    if (v === undefined) {
      v = randomBytes(bytes).toString('hex');
      map.set(id, v);
    }
    return v;
  };
  const trace = (id: string) => fresh(traceMap, id, 16);
  const span = (id: string) => fresh(spanMap, id, 8);
  return spans.map((s) => {
    const ctx = s.spanContext();
    const ids = { ...ctx, traceId: trace(ctx.traceId), spanId: span(ctx.spanId) };
    const parent = s.parentSpanContext
      ? {
          ...s.parentSpanContext,
          traceId: trace(s.parentSpanContext.traceId),
          spanId: span(s.parentSpanContext.spanId),
        }
      : undefined;
    return Object.assign(Object.create(Object.getPrototypeOf(s)), s, {
      spanContext: () => ids,
      parentSpanContext: parent,
      startTime: shift(s.startTime, offsetMs),
      endTime: shift(s.endTime, offsetMs),
    }) as ReadableSpan;
  });
}

export function encode(spans: ReadableSpan[]): Buffer {
  return Buffer.from(ProtobufTraceSerializer.serializeRequest(spans)!);
}

/**
 * Where the workload's spans state their tenant: on every span (as @tenantry/sdk does), or on the
 * run's root only (the guide's plain OpenTelemetry pattern), with a quarter of the roots exported
 * in the request after their children, as a BatchSpanProcessor does when a batch closes mid-run:
 * those children wait, parked, for their root.
 */
export type TenantShape = 'every-span' | 'root-only';

/** Runs (of 4 spans) per request whose root goes out with the next request. */
const LATE_ROOTS = SPANS_PER_REQUEST / 4 / 4;

export async function requestBodies(
  count: number,
  shape: TenantShape = 'every-span',
): Promise<{ raw: Buffer[]; gzipped: Buffer[] }> {
  const template = await templateSpans();
  const raw: Buffer[] = [];
  let late: ReadableSpan[] = [];
  for (let i = 0; i < count; i++) {
    const spans = withFreshIds(template, i * 50);
    if (shape === 'every-span') {
      raw.push(encode(spans));
      continue;
    }
    const roots = spans.filter((s) => s.parentSpanContext === undefined);
    const children = spans.filter((s) => s.parentSpanContext !== undefined).map(withoutTenant);
    const onTime = roots.slice(0, roots.length - LATE_ROOTS);
    // The last request sends its own late roots too, so every run ends up complete.
    const deferred = i === count - 1 ? [] : roots.slice(roots.length - LATE_ROOTS);
    raw.push(
      encode([
        ...late,
        ...children,
        ...onTime,
        ...(i === count - 1 ? roots.slice(onTime.length) : []),
      ]),
    );
    late = deferred;
  }
  return { raw, gzipped: raw.map((b) => gzipSync(b)) };
}

function withoutTenant(s: ReadableSpan): ReadableSpan {
  const { 'tenant.id': _tenant, ...attributes } = s.attributes;
  return Object.assign(Object.create(Object.getPrototypeOf(s)), s, { attributes }) as ReadableSpan;
}

/** Request bodies to a file, each as (uint32 big-endian length, bytes), for the load generator. */
export function writeBodies(path: string, bodies: Buffer[]): void {
  const parts: Buffer[] = [];
  for (const body of bodies) {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(body.length);
    parts.push(length, body);
  }
  writeFileSync(path, Buffer.concat(parts));
}

export function readBodies(path: string): Buffer[] {
  const file = readFileSync(path);
  const bodies: Buffer[] = [];
  for (let at = 0; at < file.length; at += 4 + file.readUInt32BE(at)) {
    bodies.push(file.subarray(at + 4, at + 4 + file.readUInt32BE(at)));
  }
  return bodies;
}

function shift([seconds, nanos]: HrTime, offsetMs: number): HrTime {
  const total = nanos + offsetMs * 1_000_000;
  return [seconds + Math.floor(total / 1e9), total % 1e9];
}
