import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ClickHouseCluster, startClickHouseCluster } from '../helpers/clickhouse.js';
import { approx, getJson } from '../helpers/compare.js';
import { exportSpans, recordRun, recordSpans, traceExporter } from '../helpers/otlp.js';
import { type CliProcess, serverStarted, spawnCli } from '../helpers/process.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

/**
 * Scale-out end to end: two ClickHouse shards behind Distributed tables, two stateless `tenantry up`
 * processes on them (one is the alert leader), OTLP to both at once for 50 tenants, one process
 * killed with SIGKILL mid-load and restarted. Checked against one DuckDB server fed the same spans.
 */

const TENANTS = 50;
const FAILING = new Set(['m00', 'm01', 'm02', 'm03', 'm04']);
const NOW = Date.now();
const RANGE = `from=${NOW - 3_600_000}&to=${NOW + 600_000}`;

interface Receiver {
  url: string;
  bodies: Array<{ state: string; tenant: string; rule: { id: string } }>;
  server: Server;
}

function startReceiver(): Promise<Receiver> {
  const bodies: Receiver['bodies'] = [];
  const server = createServer((req, res) => {
    let text = '';
    req.on('data', (d: Buffer) => {
      text += d.toString();
    });
    req.on('end', () => {
      bodies.push(JSON.parse(text) as Receiver['bodies'][number]);
      res.writeHead(200).end('{}');
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const a = server.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      resolve({ url: `http://127.0.0.1:${port}/hook`, bodies, server });
    }),
  );
}

function configYaml(evaluateAlerts: boolean, receiverUrl: string): string {
  return `server:
  evaluateAlerts: ${evaluateAlerts}
storage:
  clickhouse:
    database: multinode
alerts:
  defaults: false
  interval: 2s
  webhooks:
    - url: ${receiverUrl}
      format: json
  rules:
    - id: failures
      name: Failure rate above 30%
      kind: failure_rate
      threshold: 0.3
      window: 1h
      min_runs: 4
      for: 0s
      severity: critical
`;
}

/** One request's worth of spans: half of one tenant's runs. */
async function requests(): Promise<ReadableSpan[][]> {
  const out: ReadableSpan[][] = [];
  for (let t = 0; t < TENANTS; t++) {
    const tenantId = `m${String(t).padStart(2, '0')}`;
    for (let half = 0; half < 2; half++) {
      out.push(
        await recordSpans((tracer) => {
          for (let r = 0; r < 4; r++) {
            const i = half * 4 + r;
            recordRun(tracer, {
              tenantId,
              startMs: NOW - 600_000 + t * 1000 + i * 10,
              durationMs: 5 + ((t * 7 + i * 13) % 200),
              failed: FAILING.has(tenantId) && i % 2 === 0,
              inputTokens: 100 + t + i,
              outputTokens: 10 + i,
              tools: [{ name: i % 3 === 0 ? 'lookup' : 'search', failed: i === 7 }],
            });
          }
        }),
      );
    }
  }
  return out;
}

describe('two tenantry servers over a two-shard ClickHouse cluster', () => {
  let cluster: ClickHouseCluster;
  let receiver: Receiver;
  let dir: string;
  const procs: CliProcess[] = [];

  beforeAll(async () => {
    [cluster, receiver] = await Promise.all([startClickHouseCluster(2), startReceiver()]);
    dir = mkdtempSync(join(tmpdir(), 'tenantry-multinode-'));
    writeFileSync(join(dir, 'leader.yaml'), configYaml(true, receiver.url));
    writeFileSync(join(dir, 'follower.yaml'), configYaml(false, receiver.url));
  });
  afterAll(async () => {
    for (const p of procs) if (p.child.exitCode === null) p.child.kill('SIGKILL');
    await Promise.all(procs.map((p) => p.exited));
    receiver?.server.close();
    await cluster?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const up = (name: 'leader' | 'follower', first: number) => {
    const p = spawnCli([
      'up',
      '--port',
      '0',
      '--data-dir',
      join(dir, `data-${name}`),
      '--config',
      join(dir, `${name}.yaml`),
      '--storage',
      'clickhouse',
      '--clickhouse-url',
      cluster.urls(first),
      '--clickhouse-cluster',
      cluster.name,
    ]);
    procs.push(p);
    return p;
  };

  it('loses nothing acknowledged, agrees with DuckDB, and fires each alert once', async () => {
    const t0 = Date.now();
    const lap = (what: string) => console.log(`multinode: ${what} at ${Date.now() - t0} ms`);
    const leader = up('leader', 0);
    const { url: urlA, adminKey, ingestKey } = await serverStarted(leader, 120_000);
    let follower = up('follower', 1);
    let [, urlB] = await follower.waitFor(/listening on (http:\/\/[\d.:]+)/, 120_000);
    // Keys live in ClickHouse: the second server bootstraps nothing and accepts the first's keys.
    expect(follower.output()).not.toContain('admin key');

    lap('both servers up');
    const batches = await requests();
    const acked = new Set<string>();
    let next = 0;
    let retriedOnLeader = 0;
    let killed: Promise<unknown> | null = null;
    const send = async (spans: ReadableSpan[], url: string) =>
      (await exportSpans(traceExporter(url, ingestKey), spans)).code === 0;
    const record = (spans: ReadableSpan[]) => {
      for (const s of spans) acked.add(`${s.spanContext().traceId}/${s.spanContext().spanId}`);
    };
    // Phase 1: 60 requests over both servers, 8 at a time; the follower is killed mid-load and a
    // request it did not acknowledge is retried on the leader, as a load balancer would.
    const worker = async (until: number) => {
      while (next < until) {
        const i = next++;
        const spans = batches[i]!;
        const target = i % 2 === 0 ? urlA : urlB!;
        if (await send(spans, target)) record(spans);
        else {
          retriedOnLeader++;
          expect(await send(spans, urlA)).toBe(true);
          record(spans);
        }
        if (i === 30 && !killed) {
          follower.child.kill('SIGKILL');
          killed = follower.exited;
        }
      }
    };
    await Promise.all(Array.from({ length: 8 }, () => worker(60)));
    await killed;
    lap('phase 1 sent');
    // Phase 2: the follower restarts on the same cluster and takes its share again.
    follower = up('follower', 1);
    [, urlB] = await follower.waitFor(/listening on (http:\/\/[\d.:]+)/, 120_000);
    await Promise.all(Array.from({ length: 8 }, () => worker(batches.length)));
    const total = batches.reduce((n, b) => n + b.length, 0);
    expect(killed).not.toBeNull();
    expect(acked.size).toBe(total);
    // Requests the dead follower never acknowledged went to the leader instead.
    console.log(`multinode: ${total} spans, ${retriedOnLeader} requests retried on the leader`);

    lap('phase 2 sent');
    // Every acknowledged span, through both servers (the span listing, paged).
    for (const url of [urlA, urlB!]) {
      const missing = new Set(acked);
      let cursor: string | null = '';
      while (cursor !== null) {
        const page: {
          items: Array<{ traceId: string; spanId: string }>;
          nextCursor: string | null;
        } = await getJson(
          url,
          adminKey,
          `/api/v1/spans?${RANGE}&limit=1000${cursor ? `&cursor=${cursor}` : ''}`,
        );
        for (const s of page.items) missing.delete(`${s.traceId}/${s.spanId}`);
        cursor = page.nextCursor;
      }
      expect(missing.size).toBe(0);
    }
    lap('traces checked');
    // Per-tenant aggregates: both servers, and one DuckDB server fed the same spans once.
    const duck: TestServer = await startTestServer({ alerts: false });
    try {
      const results = await Promise.all(
        batches.map((b) => exportSpans(traceExporter(duck.url, duck.ingestKey), b)),
      );
      expect(results.every((r) => r.code === 0)).toBe(true);
      const path = `/api/v1/tenants?${RANGE}&sort=tenant&order=asc&limit=100`;
      const [a, b, d] = await Promise.all([
        getJson<{ items: Array<{ tenantId: string; spans: number }> }>(urlA, adminKey, path),
        getJson(urlB!, adminKey, path),
        getJson(duck.url, duck.adminKey, path),
      ]);
      expect(a.items).toHaveLength(TENANTS);
      expect(a.items.reduce((n, t) => n + t.spans, 0)).toBe(total);
      expect(approx(a)).toEqual(approx(d));
      expect(approx(b)).toEqual(approx(d));
    } finally {
      await duck.stop();
    }

    lap('aggregates compared');
    // Alerts: only the leader evaluates, so each failing tenant is notified exactly once.
    const deadline = Date.now() + 60_000;
    const firing = () => receiver.bodies.filter((x) => x.state === 'firing');
    while (new Set(firing().map((x) => x.tenant)).size < FAILING.size && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
    }
    lap(`alerts fired: ${JSON.stringify(receiver.bodies.map((b) => [b.tenant, b.state]))}`);
    await new Promise((r) => setTimeout(r, 6_000)); // three more evaluation rounds
    expect(
      firing()
        .map((x) => x.tenant)
        .sort(),
    ).toEqual([...FAILING].sort());
    const history = await getJson<{ items: Array<{ tenantId: string; to: string }> }>(
      urlB!,
      adminKey,
      `/api/v1/alerts/history?limit=100`,
    );
    expect(
      history.items
        .filter((h) => h.to === 'firing')
        .map((h) => h.tenantId)
        .sort(),
    ).toEqual([...FAILING].sort());
  }, 300_000);
});
