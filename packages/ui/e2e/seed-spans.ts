import {
  type Attributes,
  context,
  type Span,
  SpanKind,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import { ExportResultCode } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { exportSpans } from '../../../test/helpers/otlp.js';

/** Span builders for the e2e seed, shaped like our SDK's agent, LLM, tool and memory spans. */

export function child(
  tracer: Tracer,
  parent: Span,
  name: string,
  startMs: number,
  attributes: Attributes,
  kind = SpanKind.INTERNAL,
): Span {
  return tracer.startSpan(
    name,
    { startTime: startMs, attributes, kind },
    trace.setSpan(context.active(), parent),
  );
}

export function llm(
  tracer: Tracer,
  parent: Span,
  tenant: string,
  at: number,
  dur: number,
  tokens: [number, number],
) {
  const s = child(
    tracer,
    parent,
    'chat gpt-4o-mini',
    at,
    {
      'tenant.id': tenant,
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'gpt-4o-mini',
      'gen_ai.response.model': 'gpt-4o-mini-2024-07-18',
      'gen_ai.usage.input_tokens': tokens[0],
      'gen_ai.usage.output_tokens': tokens[1],
      'gen_ai.response.finish_reasons': ['tool_calls'],
    },
    SpanKind.CLIENT,
  );
  s.end(at + dur);
}

export function root(
  tracer: Tracer,
  tenant: string,
  agent: string,
  at: number,
  user: string,
): Span {
  return tracer.startSpan(`invoke_agent ${agent}`, {
    startTime: at,
    attributes: {
      'tenant.id': tenant,
      'gen_ai.operation.name': 'invoke_agent',
      'gen_ai.agent.id': `${agent}-v3`,
      'gen_ai.agent.name': agent,
      'gen_ai.conversation.id': `conv-${Math.floor(at)}`,
      'user.id': user,
      'tenantry.run.input': 'What is my current balance? My email is [REDACTED:email]',
    },
  });
}

/** A retryable answer (429/503 while the server's writer catches up) is retried, as an SDK would. */
export async function exportWithRetry(
  exporter: SpanExporter,
  batch: ReadableSpan[],
): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const res = await exportSpans(exporter, batch);
    if (res.code === ExportResultCode.SUCCESS) return;
    if (attempt >= 8) throw new Error(`span export failed ${attempt} times: ${res.error}`);
    await new Promise((r) => setTimeout(r, 250 * attempt));
  }
}
