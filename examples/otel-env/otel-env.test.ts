import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Page, RunSummary, TraceResponse } from '@tenantry/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../test/helpers/server.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({ alerts: false, retention: false });
});
afterAll(async () => {
  await server?.stop();
});

describe('examples/otel-env', () => {
  it('a plain OTel SDK configured only by OTEL_* variables lands in tenantry with its tenants', async () => {
    const key = await server.createKey('ingest');
    await promisify(execFile)(process.execPath, ['examples/otel-env'], {
      cwd: root,
      env: {
        PATH: process.env.PATH,
        OTEL_SERVICE_NAME: 'otel-env-agent',
        OTEL_EXPORTER_OTLP_ENDPOINT: server.url,
        OTEL_EXPORTER_OTLP_HEADERS: `Authorization=Bearer%20${key}`,
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
        OTEL_TRACES_EXPORTER: 'otlp',
        OTEL_METRICS_EXPORTER: 'none',
        OTEL_LOGS_EXPORTER: 'none',
      },
    });
    // Ingest is acknowledged before the write commits; poll until both runs are queryable.
    let runs: RunSummary[] = [];
    for (let i = 0; i < 50 && runs.length < 2; i++) {
      runs = (await server.api<Page<RunSummary>>('/api/v1/runs')).body.items;
      if (runs.length < 2) await new Promise((r) => setTimeout(r, 100));
    }
    expect(runs.map((r) => r.tenantId).sort()).toEqual(['acme', 'globex']);
    for (const run of runs) {
      expect(run.serviceName).toBe('otel-env-agent');
      expect(run.llmCalls).toBe(1);
      expect(run.toolCalls).toBe(1);
      const trace = await server.api<TraceResponse>(`/api/v1/traces/${run.traceId}`);
      expect(trace.body.spans).toHaveLength(3);
      for (const span of trace.body.spans) expect(span.tenantId).toBe(run.tenantId);
    }
  });

  it('without its variables says what to set instead of ending in a stack trace', async () => {
    const failed = await promisify(execFile)(process.execPath, ['examples/otel-env'], {
      cwd: root,
      env: { PATH: process.env.PATH },
    }).catch((err: { code: number; stderr: string }) => err);
    expect('code' in failed && failed.code).toBe(2);
    expect(failed.stderr).toContain('OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4318');
    expect(failed.stderr).not.toMatch(/\n\s+at /);
  });
});
