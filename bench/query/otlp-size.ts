import type { Attributes, HrTime } from '@opentelemetry/api';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { SpanRow } from '../../packages/server/src/storage/types.js';

/** BatchSpanProcessor's default maxExportBatchSize: one export request holds at most this many. */
const BATCH = 512;

const hr = (ns: bigint): HrTime => [Number(ns / 1_000_000_000n), Number(ns % 1_000_000_000n)];

/**
 * A stored span as the SDK would have exported it: the columns ingest derives from attributes
 * (model, tokens, tool, agent, user, error type) go back to the attribute names they came from,
 * the tenant to the resource attribute `tenant.id`.
 */
function toReadable(s: SpanRow): ReadableSpan {
  const attributes: Attributes = { ...(s.attributes as Attributes) };
  const put = (k: string, v: string | number | null) => {
    if (v !== null) attributes[k] = v;
  };
  put('gen_ai.operation.name', s.operation);
  put('gen_ai.agent.id', s.agentId);
  put('gen_ai.agent.name', s.agentName);
  put('gen_ai.request.model', s.model);
  put('gen_ai.provider.name', s.provider);
  put('gen_ai.usage.input_tokens', s.inputTokens);
  put('gen_ai.usage.output_tokens', s.outputTokens);
  put('gen_ai.tool.name', s.toolName);
  put('error.type', s.errorType);
  put('user.id', s.userId);
  put('gen_ai.conversation.id', s.conversationId);
  const ctx = { traceId: s.traceId, spanId: s.spanId, traceFlags: 1 };
  return {
    name: s.name,
    kind: Math.max(0, s.kind - 1),
    spanContext: () => ctx,
    parentSpanContext: s.parentSpanId
      ? { traceId: s.traceId, spanId: s.parentSpanId, traceFlags: 1 }
      : undefined,
    startTime: hr(s.startTimeUnixNano),
    endTime: hr(s.endTimeUnixNano),
    duration: hr(s.durationNs),
    status: { code: s.statusCode, ...(s.statusMessage ? { message: s.statusMessage } : {}) },
    attributes,
    links: [],
    events: [],
    ended: true,
    resource: resourceFromAttributes({
      ...(s.resourceAttributes as Attributes),
      'tenant.id': s.tenantId,
    }),
    instrumentationScope: { name: s.scopeName },
    droppedAttributesCount: 0,
    droppedEventsCount: 0,
    droppedLinksCount: 0,
  };
}

/**
 * OTLP/protobuf bytes per span of `sample` (uncompressed, as the official exporter sends them
 * without gzip): each tenant's spans in export requests of up to 512, the way each tenant's own
 * BatchSpanProcessor would send them.
 */
export function otlpProtobufBytesPerSpan(sample: SpanRow[]): number {
  const byTenant = new Map<string, ReadableSpan[]>();
  for (const s of sample) {
    const list = byTenant.get(s.tenantId) ?? [];
    list.push(toReadable(s));
    byTenant.set(s.tenantId, list);
  }
  let bytes = 0;
  for (const spans of byTenant.values()) {
    for (let i = 0; i < spans.length; i += BATCH) {
      bytes += ProtobufTraceSerializer.serializeRequest(spans.slice(i, i + BATCH))?.length ?? 0;
    }
  }
  return sample.length > 0 ? bytes / sample.length : 0;
}
