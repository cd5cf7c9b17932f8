import { randomBytes } from 'node:crypto';

/** Builds OTLP/JSON trace bodies for agent runs, as the SDK would send them. */

type AnyValue = { stringValue: string } | { intValue: string } | { boolValue: boolean };

function attr(key: string, value: string | number | boolean): { key: string; value: AnyValue } {
  if (typeof value === 'string') return { key, value: { stringValue: value } };
  if (typeof value === 'number') return { key, value: { intValue: String(Math.round(value)) } };
  return { key, value: { boolValue: value } };
}

const hex = (bytes: number) => randomBytes(bytes).toString('hex');
const ns = (ms: number) => `${BigInt(Math.round(ms)) * 1_000_000n}`;

export interface OtlpRun {
  tenantId: string;
  startMs: number;
  failed?: boolean;
  llmCalls?: number;
  tokensPerCall?: number;
  tools?: Array<{ name: string; arguments: string }>;
  /**
   * `sdk` (default): every span states `tenant.id`, the root is `invoke_agent`. `guide`: the
   * guide's plain OpenTelemetry pattern, `tenant.id` on an `agent.run` root only.
   */
  shape?: 'sdk' | 'guide';
}

interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  kind: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: Array<{ key: string; value: AnyValue }>;
  status: { code: number; message?: string };
}

/** One run: an `invoke_agent` root, its LLM calls and tool calls. Returns spans and the trace id. */
export function runSpans(run: OtlpRun): { traceId: string; spans: OtlpSpan[] } {
  const traceId = hex(16);
  const root = hex(8);
  const t = run.tenantId;
  const guide = run.shape === 'guide';
  const tenant = guide ? [] : [attr('tenant.id', t)];
  const spans: OtlpSpan[] = [];
  let at = run.startMs + 1;
  for (let i = 0; i < (run.llmCalls ?? 1); i++) {
    const tokens = run.tokensPerCall ?? 500;
    spans.push({
      traceId,
      spanId: hex(8),
      parentSpanId: root,
      name: 'chat gpt-4o-mini',
      kind: 3,
      startTimeUnixNano: ns(at),
      endTimeUnixNano: ns(at + 100),
      attributes: [
        ...tenant,
        attr('gen_ai.operation.name', 'chat'),
        attr('gen_ai.provider.name', 'openai'),
        attr('gen_ai.request.model', 'gpt-4o-mini'),
        attr('gen_ai.usage.input_tokens', Math.round(tokens * 0.8)),
        attr('gen_ai.usage.output_tokens', Math.round(tokens * 0.2)),
      ],
      status: { code: 0 },
    });
    at += 101;
  }
  for (const tool of run.tools ?? []) {
    spans.push({
      traceId,
      spanId: hex(8),
      parentSpanId: root,
      name: `execute_tool ${tool.name}`,
      kind: 1,
      startTimeUnixNano: ns(at),
      endTimeUnixNano: ns(at + 10),
      attributes: [
        ...tenant,
        attr('gen_ai.operation.name', 'execute_tool'),
        attr('gen_ai.tool.name', tool.name),
        attr('gen_ai.tool.call.arguments', tool.arguments),
      ],
      status: { code: 0 },
    });
    at += 11;
  }
  spans.push({
    traceId,
    spanId: root,
    parentSpanId: '',
    name: guide ? 'agent.run' : 'invoke_agent support',
    kind: 1,
    startTimeUnixNano: ns(run.startMs),
    endTimeUnixNano: ns(at + 5),
    attributes: guide
      ? [attr('tenant.id', t), attr('agent.id', 'support')]
      : [
          attr('tenant.id', t),
          attr('gen_ai.operation.name', 'invoke_agent'),
          attr('gen_ai.agent.name', 'support'),
        ],
    status: run.failed ? { code: 2, message: 'agent failed' } : { code: 1 },
  });
  return { traceId, spans };
}

export function tracesBody(spans: OtlpSpan[]): unknown {
  return {
    resourceSpans: [
      {
        resource: { attributes: [attr('service.name', 'agent-platform')] },
        scopeSpans: [{ scope: { name: '@tenantry/sdk' }, spans }],
      },
    ],
  };
}

/** POSTs spans to /v1/traces as OTLP/JSON; throws on a non-2xx answer. */
export async function sendTraces(baseUrl: string, key: string, spans: OtlpSpan[]): Promise<void> {
  const res = await fetch(`${baseUrl}/v1/traces`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify(tracesBody(spans)),
  });
  if (!res.ok) throw new Error(`OTLP export failed: ${res.status} ${await res.text()}`);
}

/** Ten failed runs for each tenant, 50 s apart, in the ten minutes before `beforeMs`. */
export function failedRunSpans(tenantIds: string[], beforeMs: number): OtlpSpan[] {
  return tenantIds.flatMap((tenantId) =>
    Array.from(
      { length: 10 },
      (_, i) => runSpans({ tenantId, startMs: beforeMs - (i + 1) * 50_000, failed: true }).spans,
    ).flat(),
  );
}
