/**
 * CPU cost of one agent run (1 LLM call + 2 tool calls) in four ways, measured in the same process:
 * no tracing; bare OpenTelemetry making the same spans and attributes by hand through a
 * BatchSpanProcessor and the same discarding exporter; tenantry (redaction off, no metrics);
 * tenantry with metrics recorded into a reader; tenantry with the default redactor.
 * Cases alternate in short blocks (order rotated per block); values are medians over blocks and
 * ratios are ratios of those medians, so drift in machine speed hits every case alike. Goals: tenantry <= 1.15x bare OTel; redaction on/off <= 1.3x.
 */
import { SpanKind, type Tracer, trace } from '@opentelemetry/api';
import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import { MetricReader } from '@opentelemetry/sdk-metrics';
import {
  BatchSpanProcessor,
  type ReadableSpan,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import {
  agentRun,
  type InitOptions,
  init,
  llmCall,
  type TenantryHandle,
  toolCall,
} from '../../packages/sdk/src/index.js';
import { report } from '../_lib/report.js';
import { cpuPerRun } from './cpu-time.js';

const BLOCKS = 40;
const RUNS_PER_BLOCK = 1000;
const WARM_RUNS = 200;
const BATCH = { maxQueueSize: 65_536, maxExportBatchSize: 512, scheduledDelayMillis: 200 };

class DiscardExporter implements SpanExporter {
  exported = 0;
  export(spans: ReadableSpan[], done: (r: ExportResult) => void): void {
    this.exported += spans.length;
    done({ code: ExportResultCode.SUCCESS });
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

class HeldReader extends MetricReader {
  protected override onForceFlush(): Promise<void> {
    return Promise.resolve();
  }
  protected override onShutdown(): Promise<void> {
    return Promise.resolve();
  }
}

const INPUT =
  'Where is my order A-1001? It was supposed to arrive on Monday and it is now Thursday.';
const ARGS_1 = { orderId: 'A-1001', fields: ['status', 'eta'], verbose: false };
const ARGS_2 = { query: 'late delivery policy', limit: 5 };
const RESPONSE = {
  model: 'gpt-4o-mini-2024-07-18',
  choices: [{ message: { content: 'It ships tomorrow.' }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 120, completion_tokens: 18 },
};

let tenantIndex = 0;
const nextTenant = () => `tenant-${tenantIndex++ % 20}`;

// The agent's own work, identical in every case.
const callModel = async () => RESPONSE;
const lookup = async (args: unknown) => (args === ARGS_1 ? 'shipped' : 'policy');

async function noTracing(): Promise<void> {
  nextTenant();
  await callModel();
  await lookup(ARGS_1);
  await lookup(ARGS_2);
}

function bareOtel(tracerOf: () => Tracer): () => Promise<void> {
  return () => {
    const tracer = tracerOf();
    const tenant = nextTenant();
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
            const r = await callModel();
            span.setAttribute('gen_ai.usage.input_tokens', r.usage.prompt_tokens);
            span.setAttribute('gen_ai.usage.output_tokens', r.usage.completion_tokens);
            span.setAttribute('gen_ai.response.model', r.model);
            span.setAttribute(
              'gen_ai.response.finish_reasons',
              r.choices.map((c) => c.finish_reason),
            );
            span.end();
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
            },
          );
        }
        root.end();
      },
    );
  };
}

async function withTenantry(): Promise<void> {
  await agentRun(
    { tenantId: nextTenant(), agentId: 'support-v1', agentName: 'support', input: INPUT },
    async () => {
      await llmCall({ model: 'gpt-4o-mini', provider: 'openai' }, callModel);
      await toolCall({ name: 'order_status', args: ARGS_1 }, () => lookup(ARGS_1));
      await toolCall({ name: 'kb_search', args: ARGS_2 }, () => lookup(ARGS_2));
    },
  );
}

type CaseName = 'no-tracing' | 'bare-otel' | 'tenantry' | 'tenantry+metrics' | 'tenantry+redaction';
const samples: Record<CaseName, number[]> = {
  'no-tracing': [],
  'bare-otel': [],
  tenantry: [],
  'tenantry+metrics': [],
  'tenantry+redaction': [],
};

const exporter = new DiscardExporter();
const base: InitOptions = {
  exporter,
  batch: BATCH,
  redact: false,
  metrics: { exporter: 'none' },
  logs: { exporter: 'none' },
};
// Like tenantry's, bare OpenTelemetry's provider is built afresh for every block.
let bareProvider = new NodeTracerProvider();
let bareTracer: Tracer = bareProvider.getTracer('bare');
const bare = bareOtel(() => bareTracer);

/** Runs one case for a block of runs under its own init() and records its CPU µs per run. */
async function measure(name: CaseName, options: () => InitOptions, fn: () => Promise<void>) {
  const handle: TenantryHandle = init(options());
  bareProvider = new NodeTracerProvider({
    spanProcessors: [new BatchSpanProcessor(exporter, BATCH)],
  });
  bareTracer = bareProvider.getTracer('bare');
  for (let i = 0; i < WARM_RUNS; i++) await fn();
  samples[name].push(await cpuPerRun(fn, RUNS_PER_BLOCK));
  await handle.forceFlush();
  if (handle.droppedSpans() > 0) throw new Error(`tenantry dropped ${handle.droppedSpans()} spans`);
  await handle.shutdown();
}

const cases: [CaseName, () => InitOptions, () => Promise<void>][] = [
  ['no-tracing', () => base, noTracing],
  ['bare-otel', () => base, bare],
  ['tenantry', () => base, withTenantry],
  ['tenantry+redaction', () => ({ ...base, redact: undefined }), withTenantry],
  [
    'tenantry+metrics',
    // A reader binds to one MeterProvider, so each init gets a new one.
    () => ({ ...base, metrics: { exporter: 'none', readers: [new HeldReader()] } }),
    withTenantry,
  ],
];

// Short blocks, alternating cases and rotating their order, so that the machine's changing
// speed (other processes, frequency) hits every case alike; a ratio is taken per block.
for (let block = 0; block < BLOCKS; block++) {
  for (let i = 0; i < cases.length; i++) {
    const [name, options, fn] = cases[(i + block) % cases.length]!;
    await measure(name, options, fn);
  }
}
if (trace.getActiveSpan() !== undefined) throw new Error('context leaked out of the benchmark');

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const us = Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, median(v)])) as Record<
  CaseName,
  number
>;
const ratioOf = (a: CaseName, b: CaseName) => us[a] / us[b];

const bench = 'sdk-overhead';
const metric = 'us/run';
report({ bench, case: 'no-tracing', metric, value: us['no-tracing'] });
report({
  bench,
  case: 'bare-otel',
  metric,
  value: us['bare-otel'],
  ratio: ratioOf('bare-otel', 'no-tracing'),
  baseline: 'no-tracing',
});
const ratio = ratioOf('tenantry', 'bare-otel');
report({
  bench,
  case: 'tenantry',
  metric,
  value: us.tenantry,
  ratio,
  baseline: 'bare-otel',
  goal: '<= 1.15',
  pass: ratio <= 1.15,
});
report({
  bench,
  case: 'tenantry+metrics',
  metric,
  value: us['tenantry+metrics'],
  ratio: ratioOf('tenantry+metrics', 'bare-otel'),
  baseline: 'bare-otel',
});
report({
  bench,
  case: 'metrics-cost',
  metric,
  value: us['tenantry+metrics'] - us.tenantry,
});
const redactionRatio = ratioOf('tenantry+redaction', 'tenantry');
report({
  bench,
  case: 'tenantry+redaction',
  metric,
  value: us['tenantry+redaction'],
  ratio: redactionRatio,
  baseline: 'tenantry',
  goal: '<= 1.3',
  pass: redactionRatio <= 1.3,
});
