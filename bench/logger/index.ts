/**
 * Per-line CPU cost of the tenantry logger against bare pino writing the same fields (the four
 * correlation fields passed by hand), both into the same discarding destination, inside one
 * agent run. Cases: tenantry as configured by default (redaction on), with redaction off, and with
 * lines mirrored as OTel log records. Rounds are interleaved and rotated; ratios are medians of
 * per-round ratios. Goal: tenantry <= 1.3x bare pino.
 */
import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import type { LogRecordExporter, ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { type Logger, pino } from 'pino';
import {
  agentRun,
  getLogger,
  type InitOptions,
  init,
  toolCall,
} from '../../packages/sdk/src/index.js';
import { report } from '../_lib/report.js';
import { cpuPerCall } from '../sdk-overhead/cpu-time.js';

const ROUNDS = 10;
const MS = 250;

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

async function measure(
  options: InitOptions,
  cases: [CaseName, (ids: { traceId: string; spanId: string }) => () => void][],
) {
  const handle = init({ exporter: 'none', metrics: { exporter: 'none' }, ...options });
  await agentRun({ tenantId: 'tenant-abc-123', agentId: 'workflow-agent-v2' }, () =>
    toolCall({ name: 'step' }, async (span) => {
      const ids = { traceId: span.traceId, spanId: span.spanId };
      for (const [name, make] of cases) samples[name].push(await cpuPerCall(make(ids), MS));
    }),
  );
  await handle.shutdown();
}

const bareLine = (ids: { traceId: string; spanId: string }) => (): void => {
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

const tenantryLine = (log: Logger) => () => (): void => {
  log.warn({ tokens_used: 7840, tokens_limit: 8192 }, 'LLM context window approaching limit');
};

for (let round = 0; round < ROUNDS; round++) {
  const pair: [CaseName, (ids: { traceId: string; spanId: string }) => () => void][] = [
    ['bare-pino', bareLine],
    ['tenantry', tenantryLine(getLogger({ destination }))],
  ];
  await measure({ logs: { exporter: 'none' } }, round % 2 === 0 ? pair : pair.reverse());
  await measure({ logs: { exporter: 'none' }, redact: false }, [
    ['tenantry-redact-off', tenantryLine(getLogger({ destination }))],
  ]);
  await measure({ logs: { exporter: new DiscardLogs() } }, [
    ['tenantry+otel-logs', tenantryLine(getLogger({ destination }))],
  ]);
}
if (bytes === 0) throw new Error('nothing was written');

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const us = (c: CaseName) => median(samples[c]);
const ratio = (c: CaseName) => median(samples[c].map((v, i) => v / samples['bare-pino'][i]!));

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
