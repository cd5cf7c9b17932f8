import {
  type Attributes,
  context,
  type Span,
  SpanKind,
  SpanStatusCode,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import { OTLPTraceExporter as OTLPHttpJsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as OTLPProtoTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  type ReadableSpan,
  SimpleSpanProcessor,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-base';

export type Wire = 'protobuf' | 'json';

export function traceExporter(
  baseUrl: string,
  key: string,
  wire: Wire = 'protobuf',
  compression = false,
  /** The exporter gives up after this (its default is 10 s). */
  timeoutMillis?: number,
): SpanExporter {
  const options = {
    url: `${baseUrl}/v1/traces`,
    headers: { authorization: `Bearer ${key}` },
    ...(compression ? { compression: 'gzip' as never } : {}),
    ...(timeoutMillis ? { timeoutMillis } : {}),
  };
  return wire === 'protobuf'
    ? new OTLPProtoTraceExporter(options)
    : new OTLPHttpJsonTraceExporter(options);
}

/** Exports already-finished spans with an official exporter and reports the export result. */
export function exportSpans(exporter: SpanExporter, spans: ReadableSpan[]): Promise<ExportResult> {
  return new Promise((resolve) => exporter.export(spans, resolve));
}

/** A real TracerProvider whose finished spans collect in `spans`, for a caller to export later. */
export interface SpanRecorder {
  spans: ReadableSpan[];
  tracer: Tracer;
  /** Flushes and shuts the provider down; `spans` then holds every ended span. */
  close(): Promise<void>;
}

export function spanRecorder(
  resource: Attributes = { 'service.name': 'test-agent' },
  scope = 'tenantry-tests',
): SpanRecorder {
  const spans: ReadableSpan[] = [];
  const collector: SpanExporter = {
    export(batch, done) {
      spans.push(...batch);
      done({ code: ExportResultCode.SUCCESS });
    },
    async shutdown() {},
  };
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes(resource),
    spanProcessors: [new SimpleSpanProcessor(collector)],
  });
  return {
    spans,
    tracer: provider.getTracer(scope),
    async close() {
      await provider.forceFlush();
      await provider.shutdown();
    },
  };
}

/**
 * Records spans with the official SDK (a real TracerProvider) into memory, then the caller exports
 * them with the exporter of its choice, so a test knows exactly what was acknowledged.
 */
export async function recordSpans(
  build: (tracer: Tracer) => unknown,
  resource: Attributes = { 'service.name': 'test-agent' },
): Promise<ReadableSpan[]> {
  const recorder = spanRecorder(resource);
  await build(recorder.tracer);
  await recorder.close();
  return recorder.spans;
}

export interface RunShape {
  tenantId: string;
  agentName?: string;
  failed?: boolean;
  durationMs?: number;
  startMs?: number;
  model?: string;
  inputTokens?: number;
  outputTokens?: number;
  tools?: Array<{ name: string; failed?: boolean; args?: string }>;
  userId?: string;
}

/** One agent run as our SDK would shape it (root invoke_agent, an LLM call, tool calls). */
export function recordRun(tracer: Tracer, run: RunShape): string {
  const start = run.startMs ?? Date.now() - (run.durationMs ?? 100);
  const end = start + (run.durationMs ?? 100);
  const agent = run.agentName ?? 'support';
  const attrs: Attributes = {
    'tenant.id': run.tenantId,
    'gen_ai.operation.name': 'invoke_agent',
    'gen_ai.agent.id': `${agent}-v1`,
    'gen_ai.agent.name': agent,
  };
  if (run.userId) attrs['user.id'] = run.userId;
  const root = tracer.startSpan(`invoke_agent ${agent}`, { startTime: start, attributes: attrs });
  const ctx = traceContext(root);
  const model = run.model ?? 'gpt-4o-mini';
  const llm = tracer.startSpan(
    `chat ${model}`,
    {
      kind: SpanKind.CLIENT,
      startTime: start + 1,
      attributes: {
        'tenant.id': run.tenantId,
        'gen_ai.operation.name': 'chat',
        'gen_ai.provider.name': 'openai',
        'gen_ai.request.model': model,
        'gen_ai.usage.input_tokens': run.inputTokens ?? 100,
        'gen_ai.usage.output_tokens': run.outputTokens ?? 20,
      },
    },
    ctx,
  );
  llm.end(start + 2);
  for (const tool of run.tools ?? []) {
    const t = tracer.startSpan(
      `execute_tool ${tool.name}`,
      {
        startTime: start + 2,
        attributes: {
          'tenant.id': run.tenantId,
          'gen_ai.operation.name': 'execute_tool',
          'gen_ai.tool.name': tool.name,
          'gen_ai.tool.call.arguments': tool.args ?? '{}',
        },
      },
      ctx,
    );
    if (tool.failed) {
      t.setStatus({ code: SpanStatusCode.ERROR, message: `${tool.name} failed` });
      t.setAttribute('error.type', 'ToolError');
    }
    t.end(start + 3);
  }
  if (run.failed) {
    root.setStatus({ code: SpanStatusCode.ERROR, message: 'answer failed validation' });
    root.setAttribute('error.type', 'ValidationError');
  }
  root.end(end);
  return root.spanContext().traceId;
}

/**
 * One run in the guide's plain OpenTelemetry pattern (shared/context, Step 1): a root `agent.run`
 * with `tenant.id` on the root only (none when `tenantId` is null), an LLM call and a tool call
 * that state no tenant and end, as children do, before their root.
 */
export function recordGuideRun(tracer: Tracer, tenantId: string | null, toolFails = false): void {
  const start = Date.now() - 50;
  const root = tracer.startSpan('agent.run', {
    startTime: start,
    attributes: tenantId === null ? {} : { 'tenant.id': tenantId, 'agent.id': 'support' },
  });
  const ctx = traceContext(root);
  const llm = tracer.startSpan(
    'call LLM',
    {
      kind: SpanKind.CLIENT,
      startTime: start + 1,
      attributes: {
        'gen_ai.request.model': 'gpt-4o-mini',
        'gen_ai.usage.input_tokens': 120,
        'gen_ai.usage.output_tokens': 30,
      },
    },
    ctx,
  );
  llm.end(start + 10);
  const tool = tracer.startSpan(
    'execute tool: search_web',
    {
      startTime: start + 11,
      attributes: { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'search_web' },
    },
    ctx,
  );
  if (toolFails) tool.setStatus({ code: SpanStatusCode.ERROR, message: 'search timed out' });
  tool.end(start + 20);
  root.end(start + 30);
}

/** A finished span's root-ness as exporters see it. */
export const isRootSpan = (s: ReadableSpan) => s.parentSpanContext === undefined;

function traceContext(span: Span) {
  return trace.setSpan(context.active(), span);
}

export { SpanKind, SpanStatusCode };
