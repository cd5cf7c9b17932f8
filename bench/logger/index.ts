/**
 * Per-line CPU cost of the tenantry logger against bare pino writing the same fields (the four
 * correlation fields passed by hand), both into the same discarding destination, inside one
 * agent run. Cases: tenantry as configured by default (redaction on), with redaction off, and with
 * lines mirrored as OTel log records. Cases alternate in short blocks (order rotated per block);
 * values are medians over blocks, ratios are ratios of those medians. Goal: tenantry <= 1.3x.
 */
import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import type { LogRecordExporter, ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { pino } from 'pino';
import {
  agentRun,
  getLogger,
  type InitOptions,
  init,
  toolCall,
} from '../../packages/sdk/src/index.js';
import { report } from '../_lib/report.js';
import { cpuPerRun } from '../sdk-overhead/cpu-time.js';

const BLOCKS = 40;
const LINES_PER_BLOCK = 3000;
const WARM_LINES = 300;

let bytes = 0;
const destination = {
  write(line: string) {
    bytes += line.length;
    return true;
  },
};

class DiscardLogs implements LogRecordExporter {
  export(records: ReadableLogRecord[], done: (r: ExportResult) => void): void {
    bytes += records.length;
    done({ code: ExportResultCode.SUCCESS });
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
  forceFlush(): Promise<void> {
    return Promise.resolve();
  }
}

type CaseName = 'bare-pino' | 'tenantry' | 'tenantry-redact-off' | 'tenantry+otel-logs';
const samples: Record<CaseName, number[]> = {
  'bare-pino': [],
  tenantry: [],
  'tenantry-redact-off': [],
  'tenantry+otel-logs': [],
};

const bare = pino({}, destination);

type Line = (ids: { traceId: string; spanId: string }) => () => void;

/** One block of lines for one case, under its own init(), inside one run and tool span. */
async function measure(name: CaseName, options: InitOptions, line: Line) {
  const handle = init({ exporter: 'none', metrics: { exporter: 'none' }, ...options });
  await agentRun({ tenantId: 'tenant-abc-123', agentId: 'workflow-agent-v2' }, () =>
    toolCall({ name: 'step' }, async (span) => {
      const fn = line({ traceId: span.traceId, spanId: span.spanId });
      for (let i = 0; i < WARM_LINES; i++) fn();
      samples[name].push(await cpuPerRun(fn, LINES_PER_BLOCK));
    }),
  );
  await handle.shutdown();
}

const bareLine: Line = (ids) => () => {
  bare.warn(
    {
      tenant_id: 'tenant-abc-123',
      trace_id: ids.traceId,
      span_id: ids.spanId,
      agent_id: 'workflow-agent-v2',
      tokens_used: 7840,
      tokens_limit: 8192,
    },
    'LLM context window approaching limit',
  );
};

const tenantryLine: Line = () => {
  const log = getLogger({ destination });
  return () => {
    log.warn({ tokens_used: 7840, tokens_limit: 8192 }, 'LLM context window approaching limit');
  };
};

const cases: [CaseName, () => InitOptions, Line][] = [
  ['bare-pino', () => ({ logs: { exporter: 'none' } }), bareLine],
  ['tenantry', () => ({ logs: { exporter: 'none' } }), tenantryLine],
  ['tenantry-redact-off', () => ({ logs: { exporter: 'none' }, redact: false }), tenantryLine],
  ['tenantry+otel-logs', () => ({ logs: { exporter: new DiscardLogs() } }), tenantryLine],
];

// Short blocks, alternating cases and rotating their order (see bench/sdk-overhead).
for (let block = 0; block < BLOCKS; block++) {
  for (let i = 0; i < cases.length; i++) {
    const [name, options, line] = cases[(i + block) % cases.length]!;
    await measure(name, options(), line);
  }
}
if (bytes === 0) throw new Error('nothing was written');

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const us = (c: CaseName) => median(samples[c]);
const ratio = (c: CaseName) => us(c) / us('bare-pino');

const bench = 'logger';
const metric = 'us/line';
report({ bench, case: 'bare-pino', metric, value: us('bare-pino') });
const main = ratio('tenantry');
report({
  bench,
  case: 'tenantry',
  metric,
  value: us('tenantry'),
  ratio: main,
  baseline: 'bare-pino',
  goal: '<= 1.3',
  pass: main <= 1.3,
});
for (const c of ['tenantry-redact-off', 'tenantry+otel-logs'] as const) {
  report({ bench, case: c, metric, value: us(c), ratio: ratio(c), baseline: 'bare-pino' });
}
