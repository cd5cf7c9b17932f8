import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { Principal } from '../auth/principal.js';
import { defaultLimits, parseConfig } from '../config/config.js';
import { TenantLimiter } from '../limits/tenant-limits.js';
import { DECODERS } from '../otlp/decoders.js';
import type { DecodedLogs, DecodedMetrics, DecodedTraces } from '../otlp/model.js';
import type { IngestWriter } from '../storage/batch-writer.js';
import type { WriteBatch } from '../storage/types.js';
import { createServerMetrics } from '../telemetry/registry.js';
import { IngestPipeline, type IngestRequest, type Signal } from './pipeline.js';
import { createIngestRedactor } from './redaction.js';
import { rebuildFromJournal } from './replay.js';

const attr = (key: string, value: string) => ({ key, value: { stringValue: value } });
const resource = { attributes: [attr('service.name', 'agent-svc')] };
const T = '1700000000000000000';

/** OTLP/JSON bodies over three tenants: `acme`, `globex`, and `initech`, which is over its limit. */
const BODIES: Record<Signal, unknown> = {
  traces: {
    resourceSpans: [
      {
        resource,
        scopeSpans: [
          {
            scope: { name: 'agent' },
            spans: ['acme', 'globex', 'initech'].map((tenant, i) => ({
              traceId: `${i + 1}`.padStart(32, '0'),
              spanId: `${i + 1}`.padStart(16, '0'),
              name: 'execute_tool lookup',
              kind: 1,
              startTimeUnixNano: T,
              endTimeUnixNano: T,
              attributes: [attr('tenant.id', tenant), attr('user.email', 'ada@example.com')],
              status: { code: 2, message: 'call ada@example.com failed' },
            })),
          },
        ],
      },
    ],
  },
  logs: {
    resourceLogs: [
      {
        resource,
        scopeLogs: [
          {
            logRecords: ['acme', 'globex', 'initech'].map((tenant) => ({
              timeUnixNano: T,
              severityNumber: 9,
              body: { stringValue: `reset sent to ada@example.com for ${tenant}` },
              attributes: [attr('tenant.id', tenant)],
            })),
          },
        ],
      },
    ],
  },
  metrics: {
    resourceMetrics: [
      {
        resource,
        scopeMetrics: [
          {
            metrics: [
              {
                name: 'tenantry.agent.runs',
                sum: {
                  aggregationTemporality: 1,
                  isMonotonic: true,
                  dataPoints: ['acme', 'globex', 'initech'].map((tenant) => ({
                    startTimeUnixNano: T,
                    timeUnixNano: T,
                    asInt: '3',
                    attributes: [attr('tenant.id', tenant)],
                  })),
                },
              },
            ],
          },
        ],
      },
    ],
  },
};

function setup() {
  const config = parseConfig({
    limits: { tenants: { initech: { itemsPerSecond: 0.001, burstItems: 0.5 } } },
  });
  const limiter = new TenantLimiter(defaultLimits(config), config.limits.tenants);
  const redactor = createIngestRedactor(config.redaction, createServerMetrics());
  const journaled: Array<{ batch: WriteBatch; payload: Buffer }> = [];
  const writer: IngestWriter = {
    write: async (batch, payload) => {
      journaled.push({ batch, payload: payload() });
      return {
        spansWritten: batch.spans.length,
        spansDuplicate: 0,
        logsWritten: batch.logs.length,
        metricsWritten: batch.metrics.length,
      };
    },
    drain: async () => {},
    depth: 0,
    failing: null,
  };
  const pipeline = new IngestPipeline({
    limiter,
    writer,
    metrics: createServerMetrics(),
    redactor,
  });
  return { pipeline, journaled, rebuild: rebuildFromJournal({ limiter, redactor }) };
}

const principal: Principal = { keyId: 'k1', kind: 'ingest', tenantId: null };

describe('journal replay', () => {
  it.each<Signal>(['traces', 'logs', 'metrics'])(
    'rebuilds exactly the %s rows ingest stored: same tenants admitted, same redaction',
    async (signal) => {
      const { pipeline, journaled, rebuild } = setup();
      const bytes = Buffer.from(JSON.stringify(BODIES[signal]));
      const sent = gzipSync(bytes);
      // Chunked as a socket would deliver it.
      const request: IngestRequest = {
        principal,
        format: 'json',
        body: {
          bytes,
          sentChunks: [sent.subarray(0, 7), sent.subarray(7)],
          encoding: 'gzip',
          sentBytes: sent.length,
        },
      };
      const decoded = await DECODERS[signal].json(bytes);
      const outcome =
        signal === 'traces'
          ? await pipeline.traces(decoded as DecodedTraces, request)
          : signal === 'logs'
            ? await pipeline.logs(decoded as DecodedLogs, request)
            : await pipeline.metrics(decoded as DecodedMetrics, request);
      expect(outcome).toMatchObject({ accepted: 2, rejected: 1 });

      const [{ batch, payload }] = journaled as [(typeof journaled)[number]];
      const rebuilt = await rebuild(payload);
      expect(rebuilt).toEqual(batch);
      const tenants = [...rebuilt.spans, ...rebuilt.logs, ...rebuilt.metrics].map(
        (r) => r.tenantId,
      );
      expect(tenants.sort()).toEqual(['acme', 'globex']);
      expect(
        JSON.stringify(rebuilt, (_k, v) => (typeof v === 'bigint' ? String(v) : v)),
      ).not.toContain('ada@example.com');
    },
  );
});
