/**
 * CPU cost of one agent run (1 LLM call + 2 tool calls) in several ways, measured in the same
 * process: no tracing; bare OpenTelemetry making the same spans and attributes by hand through a
 * BatchSpanProcessor and the same discarding exporter; the same plus the helpers' metric points
 * through the OTel metrics API into a reader; tenantry (redaction off, no metrics); tenantry with
 * its default metrics recorded into a reader; tenantry with the default redactor.
 * Cases alternate in short blocks (order rotated per block); values are medians over blocks and
 * ratios are ratios of those medians, so drift in machine speed hits every case alike. Goals:
 * tenantry <= 1.15x bare OTel; tenantry with metrics <= 1.3x bare OTel (spans only);
 * redaction on/off <= 1.3x.
 */
import { type Tracer, trace } from '@opentelemetry/api';
import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
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
import { ARGS_1, ARGS_2, callModel, INPUT, lookup, nextTenant } from './agent-work.js';
import { type BareInstruments, bareInstruments, bareOtel } from './bare-otel.js';
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

async function noTracing(): Promise<void> {
  nextTenant();
  await callModel();
  await lookup(ARGS_1);
  await lookup(ARGS_2);
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

type CaseName =
  | 'no-tracing'
  | 'bare-otel'
  | 'bare-otel+metrics'
  | 'tenantry'
  | 'tenantry+metrics'
  | 'tenantry+redaction';
const samples: Record<CaseName, number[]> = {
  'no-tracing': [],
  'bare-otel': [],
  'bare-otel+metrics': [],
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
let bareMeters = new MeterProvider({ readers: [new HeldReader()] });
let bareMetrics: BareInstruments = bareInstruments(bareMeters.getMeter('bare'));
const bare = bareOtel(() => bareTracer);
const bareWithMetrics = bareOtel(
  () => bareTracer,
  () => bareMetrics,
);

/** Runs one case for a block of runs under its own init() and records its CPU µs per run. */
async function measure(name: CaseName, options: () => InitOptions, fn: () => Promise<void>) {
  const handle: TenantryHandle = init(options());
  bareProvider = new NodeTracerProvider({
    spanProcessors: [new BatchSpanProcessor(exporter, BATCH)],
  });
  bareTracer = bareProvider.getTracer('bare');
  bareMeters = new MeterProvider({ readers: [new HeldReader()] });
  bareMetrics = bareInstruments(bareMeters.getMeter('bare'));
  for (let i = 0; i < WARM_RUNS; i++) await fn();
  samples[name].push(await cpuPerRun(fn, RUNS_PER_BLOCK));
  await handle.forceFlush();
  if (handle.droppedSpans() > 0) throw new Error(`tenantry dropped ${handle.droppedSpans()} spans`);
  await handle.shutdown();
}

const cases: [CaseName, () => InitOptions, () => Promise<void>][] = [
  ['no-tracing', () => base, noTracing],
  ['bare-otel', () => base, bare],
  ['bare-otel+metrics', () => base, bareWithMetrics],
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
  case: 'bare-otel+metrics',
  metric,
  value: us['bare-otel+metrics'],
  ratio: ratioOf('bare-otel+metrics', 'bare-otel'),
  baseline: 'bare-otel',
});
const metricsRatio = ratioOf('tenantry+metrics', 'bare-otel');
report({
  bench,
  case: 'tenantry+metrics',
  metric,
  value: us['tenantry+metrics'],
  ratio: metricsRatio,
  baseline: 'bare-otel',
  goal: '<= 1.3',
  pass: metricsRatio <= 1.3,
});
report({
  bench,
  case: 'tenantry+metrics',
  metric,
  value: us['tenantry+metrics'],
  ratio: ratioOf('tenantry+metrics', 'bare-otel+metrics'),
  baseline: 'bare-otel+metrics',
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
