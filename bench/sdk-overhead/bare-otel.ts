/**
 * The baselines: what a user writing OpenTelemetry by hand would do for the same agent run. The
 * same spans and attributes, and optionally the same metric points through the OTel metrics API
 * (same instruments, units, buckets and attributes; no tenant cap).
 */
import {
  type Counter,
  type Histogram,
  type Meter,
  SpanKind,
  type Tracer,
} from '@opentelemetry/api';
import { METRICS } from '../../packages/sdk/src/metrics/definitions.js';
import { ARGS_1, ARGS_2, callModel, INPUT, lookup, nextTenant } from './agent-work.js';

export interface BareInstruments {
  runDuration: Histogram;
  runs: Counter;
  tokenUsage: Histogram;
  operationDuration: Histogram;
  toolCalls: Counter;
}

export function bareInstruments(meter: Meter): BareInstruments {
  const histogram = (def: {
    name: string;
    unit: string;
    description: string;
    buckets: readonly number[];
  }) =>
    meter.createHistogram(def.name, {
      unit: def.unit,
      description: def.description,
      advice: { explicitBucketBoundaries: [...def.buckets] },
    });
  const counter = (def: { name: string; unit: string; description: string }) =>
    meter.createCounter(def.name, { unit: def.unit, description: def.description });
  return {
    runDuration: histogram(METRICS.runDuration),
    runs: counter(METRICS.runs),
    tokenUsage: histogram(METRICS.tokenUsage),
    operationDuration: histogram(METRICS.operationDuration),
    toolCalls: counter(METRICS.toolCalls),
  };
}

/** One run; with `instrumentsOf` returning instruments, also the helpers' 7 metric points. */
export function bareOtel(
  tracerOf: () => Tracer,
  instrumentsOf: () => BareInstruments | undefined = () => undefined,
): () => Promise<void> {
  return () => {
    const tracer = tracerOf();
    const m = instrumentsOf();
    const tenant = nextTenant();
    const runStart = performance.now();
    return tracer.startActiveSpan(
      'invoke_agent support',
      {
        attributes: {
          'tenant.id': tenant,
          'gen_ai.operation.name': 'invoke_agent',
          'gen_ai.agent.id': 'support-v1',
          'gen_ai.agent.name': 'support',
          'tenantry.run.input': INPUT,
        },
      },
      async (root) => {
        await tracer.startActiveSpan(
          'chat gpt-4o-mini',
          {
            kind: SpanKind.CLIENT,
            attributes: {
              'tenant.id': tenant,
              'gen_ai.operation.name': 'chat',
              'gen_ai.provider.name': 'openai',
              'gen_ai.request.model': 'gpt-4o-mini',
            },
          },
          async (span) => {
            const start = performance.now();
            const r = await callModel();
            span.setAttribute('gen_ai.usage.input_tokens', r.usage.prompt_tokens);
            span.setAttribute('gen_ai.usage.output_tokens', r.usage.completion_tokens);
            span.setAttribute('gen_ai.response.model', r.model);
            span.setAttribute(
              'gen_ai.response.finish_reasons',
              r.choices.map((c) => c.finish_reason),
            );
            span.end();
            if (m !== undefined) {
              const call = {
                'tenant.id': tenant,
                'gen_ai.operation.name': 'chat',
                'gen_ai.request.model': 'gpt-4o-mini',
                'gen_ai.provider.name': 'openai',
              };
              m.operationDuration.record((performance.now() - start) / 1000, call);
              m.tokenUsage.record(r.usage.prompt_tokens, { ...call, 'gen_ai.token.type': 'input' });
              m.tokenUsage.record(r.usage.completion_tokens, {
                ...call,
                'gen_ai.token.type': 'output',
              });
            }
          },
        );
        for (const [name, args] of [
          ['order_status', ARGS_1],
          ['kb_search', ARGS_2],
        ] as const) {
          await tracer.startActiveSpan(
            `execute_tool ${name}`,
            {
              attributes: {
                'tenant.id': tenant,
                'gen_ai.operation.name': 'execute_tool',
                'gen_ai.tool.name': name,
                'gen_ai.tool.call.arguments': JSON.stringify(args),
              },
            },
            async (span) => {
              await lookup(args);
              span.end();
              m?.toolCalls.add(1, { 'tenant.id': tenant, 'gen_ai.tool.name': name, status: 'ok' });
            },
          );
        }
        root.end();
        if (m !== undefined) {
          const run = { 'tenant.id': tenant, status: 'ok', agent: 'support-v1' };
          m.runDuration.record((performance.now() - runStart) / 1000, run);
          m.runs.add(1, run);
        }
      },
    );
  };
}
