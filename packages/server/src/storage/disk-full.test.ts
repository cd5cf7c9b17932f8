import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExportResultCode } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { exportSpans, recordRun, recordSpans } from '../../../../test/helpers/otlp.js';
import { startTestServer, type TestServer } from '../../../../test/helpers/server.js';
import type { Page, RunSummary, TenantsResponse } from '../query/contract.js';
import { startServer } from '../server.js';

/**
 * A real full disk: the server's data dir on a 40 MiB tmpfs, filled with spans sent by the official
 * exporter until ingest answers 503; then what operators and clients see while it is full, and
 * that nothing acknowledged is lost or doubled once the tmpfs grows. Needs root (mount); skipped
 * with the reason printed otherwise.
 */

const dir = mkdtempSync(join(tmpdir(), 'tenantry-disk-full-'));

function mount(): string | null {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=40m', 'tmpfs', dir], { stdio: 'pipe' });
    return null;
  } catch (err) {
    const stderr = String((err as { stderr?: Buffer }).stderr ?? '').trim();
    return `cannot mount a tmpfs at ${dir} (${stderr || (err as Error).message}): needs root`;
  }
}

/** 40 MiB fills in about 30 exports; past this many, the disk never filled. */
const MAX_EXPORTS = 150;

const skipReason = mount();
if (skipReason) console.warn(`disk-full.test.ts skipped: ${skipReason}`);

afterAll(() => {
  if (!skipReason) {
    try {
      execFileSync('umount', ['-l', dir], { stdio: 'pipe' });
    } catch (err) {
      console.error(`could not unmount ${dir}: ${(err as Error).message}`);
    }
  }
  rmSync(dir, { recursive: true, force: true });
});

/** Random text: DuckDB cannot compress it, so the disk fills in a few dozen requests. */
const filler = (n: number) =>
  Array.from({ length: n }, () => Math.random().toString(36).slice(2)).join(' ');

/** 40 runs of 3 spans, each run carrying ~30 KB of barely compressible tool arguments. */
function batch(tenantId: string): Promise<ReadableSpan[]> {
  return recordSpans((tracer) => {
    for (let i = 0; i < 40; i++) {
      recordRun(tracer, { tenantId, tools: [{ name: 'search', args: filler(2800) }] });
    }
  });
}

describe.skipIf(skipReason !== null)('a full disk under the data dir', () => {
  let server: TestServer;
  let key: string;
  let acknowledged = 0;
  let exports = 0;
  const logged: string[] = [];

  beforeAll(async () => {
    // Everything the server prints, to count how often it reports the failure.
    const error = console.error.bind(console);
    vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => {
      logged.push(`${args.map(String).join(' ')}\n`);
      error(...args);
    });
    for (const stream of [process.stderr, process.stdout]) {
      const write = stream.write.bind(stream);
      vi.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array, ...rest) => {
        logged.push(String(chunk));
        return write(chunk, ...(rest as []));
      });
    }
    server = await startTestServer({
      dataDir: dir,
      config: {
        storage: { journal: { segmentMiB: 4 } },
        limits: {
          default: {
            itemsPerSecond: 1e6,
            burstItems: 1e6,
            bytesPerSecond: 1e9,
            burstBytes: 1e9,
            processingMsPerSecond: 1000,
            burstProcessingMs: 60_000,
          },
        },
        compaction: { enabled: false },
      },
    });
    key = await server.createKey('ingest', 'disk');
  });
  afterAll(async () => {
    vi.restoreAllMocks();
    await server?.stop();
  });

  const exporter = () =>
    new OTLPTraceExporter({
      url: `${server.url}/v1/traces`,
      headers: { authorization: `Bearer ${key}` },
      timeoutMillis: 2000,
    });

  async function post(spans: ReadableSpan[]): Promise<Response> {
    return fetch(`${server.url}/v1/traces`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/x-protobuf' },
      body: Buffer.from(ProtobufTraceSerializer.serializeRequest(spans)!),
    });
  }

  async function storedSpans(tenant: string): Promise<number> {
    const res = await server.api<TenantsResponse>('/api/v1/tenants');
    expect(res.status).toBe(200);
    return res.body.items.find((t) => t.tenantId === tenant)?.spans ?? 0;
  }

  it('fills the disk with acknowledged spans until ingest answers 503 with Retry-After', async () => {
    // One POST per batch, no client retries or timeouts: what the server answered 200 is exactly
    // what was acknowledged (an exporter that gives up on a slow answer would blur that).
    for (; exports < MAX_EXPORTS; exports++) {
      const spans = await batch('disk');
      const res = await post(spans);
      if (res.status !== 200) break;
      acknowledged += spans.length;
    }
    expect(acknowledged).toBeGreaterThan(0);
    expect(exports).toBeLessThan(MAX_EXPORTS);
    // A refused write's bytes are truncated away and commits free journal files, so a request can
    // squeeze through now and then: every 200 counts as acknowledged, and refusals must come.
    let refused: Response | null = null;
    for (let i = 0; i < 10 && refused === null; i++) {
      const spans = await batch('disk');
      const res = await post(spans);
      if (res.status === 200) acknowledged += spans.length;
      else refused = res;
    }
    expect(refused?.status).toBe(503);
    expect(Number(refused?.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('is not ready, keeps reading what is committed, and logs the failure a bounded number of times', async () => {
    const before = logged.length;
    const spans = await batch('disk');
    const answers: number[] = [];
    const readiness: number[] = [];
    for (let i = 0; i < 40; i++) {
      const status = (await post(spans)).status;
      answers.push(status);
      // Right after a refusal the server must say it is not ready.
      if (status === 503) readiness.push((await fetch(`${server.url}/readyz`)).status);
    }
    // The same spans each time: one that got through is stored once.
    if (answers.includes(200)) acknowledged += spans.length;
    expect(answers.filter((a) => a !== 200 && a !== 503)).toEqual([]);
    expect(answers.filter((a) => a === 503).length).toBeGreaterThan(30);
    expect(readiness).toContain(503);
    expect(await storedSpans('disk')).toBeLessThanOrEqual(acknowledged);
    const runs = await server.api<Page<RunSummary>>('/api/v1/runs?tenant=disk');
    expect(runs.status).toBe(200);
    const lines = logged.slice(before).join('').split('\n').filter(Boolean);
    const stackLines = lines.filter((l) => /^\s+at /.test(l));
    console.log(`${lines.length} line(s) logged for 40 refused requests`);
    expect(stackLines).toEqual([]);
    expect(lines.length).toBeLessThanOrEqual(4);
  });

  // A failed commit used to leave DuckIngestWriter believing its temp staging table (rolled back
  // with the transaction) still existed, so every retry failed until a restart.
  it('is ready again once space returns and stores every acknowledged span exactly once', async () => {
    execFileSync('mount', ['-o', 'remount,size=400m', dir]);
    const deadline = Date.now() + 5_000;
    let ready = 0;
    while (Date.now() < deadline) {
      ready = (await fetch(`${server.url}/readyz`)).status;
      if (ready === 200) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(ready).toBe(200);
    // The exporter's refused batches were not stored: the count is exactly what was acknowledged.
    expect(await storedSpans('disk')).toBe(acknowledged);
    const after = await batch('disk');
    expect((await exportSpans(exporter(), after)).code).toBe(ExportResultCode.SUCCESS);
    acknowledged += after.length;
    expect(await storedSpans('disk')).toBe(acknowledged);
  });

  it('stores every acknowledged span exactly once after a restart (journal replay)', async () => {
    await server.close();
    const again = await startServer({ config: server.config });
    try {
      const res = await fetch(`${again.url}/api/v1/tenants`, {
        headers: { authorization: `Bearer ${server.adminKey}` },
      });
      const body = (await res.json()) as TenantsResponse;
      const stored = body.items.find((t) => t.tenantId === 'disk')?.spans ?? 0;
      expect(stored).toBe(acknowledged);
      expect((await fetch(`${again.url}/readyz`)).status).toBe(200);
    } finally {
      await again.close();
    }
  });
});
