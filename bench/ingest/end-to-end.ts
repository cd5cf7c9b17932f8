import { fileURLToPath } from 'node:url';
import { serverStarted, spawnCli, spawnScript } from '../../test/helpers/process.js';
import { quantile } from '../_lib/report.js';
import { peakRssMiB, sampleCpu, threadCount } from './cpu.js';
import type { LoadResult } from './load-client.js';

export const CLIENTS = 4;
/**
 * Requests sent before the measured load, to each server (not timed, not in the CPU or the p99): a
 * fresh server starts its ingest threads and compiles its hot paths on its first requests, which
 * took 0.8-1.2 s each for the first four (reported on their own row).
 */
export const WARMUP_REQUESTS = 16;
const LOAD_CLIENT = fileURLToPath(new URL('./load-client.ts', import.meta.url));

/**
 * End to end: `tenantry up` in its own process, driven by load-client.ts in another (CLIENTS
 * concurrent gzip protobuf posters), so neither shares a heap with this one.
 */
export async function endToEnd(
  upArgs: string[],
  bodies: string,
  spans: number,
  /** Other processes the server works through (clickhouse-server): their CPU per span too. */
  storagePids: number[] = [],
) {
  const server = spawnCli(['up', '--port', '0', ...upArgs]);
  const { url, adminKey: admin, ingestKey: key } = await serverStarted(server);
  const client = spawnScript(LOAD_CLIENT, [
    url,
    key,
    bodies,
    String(CLIENTS),
    String(WARMUP_REQUESTS),
  ]);
  const pid = server.child.pid ?? 0;
  await client.waitFor(/^start$/m, 120_000);
  const cpuBefore = sampleCpu(pid);
  // The warm-up's share of the counter, taken as the load starts (its last commits may still land
  // in the measured window: at most 16 of the run's requests).
  const processingBefore = await processingSeconds(url, admin);
  const storageBefore = storagePids.map(sampleCpu);
  const [, json] = await client.waitFor(/^result (.*)\n/m, 30 * 60_000);
  // A read of nothing once everything is acknowledged: reads first commit what waits for storage
  // (the read barrier; with row-group commits, up to a row group held open), so the CPU below
  // counts every span's commit, whichever way the journal commits, and not the checks after it.
  const barrier = await fetch(`${url}/api/v1/runs?from=0&to=1&limit=1`, {
    headers: { authorization: `Bearer ${admin}` },
  });
  if (!barrier.ok) throw new Error(`the read that commits answered ${barrier.status}`);
  await barrier.arrayBuffer();
  const cpuAfter = sampleCpu(pid);
  const storageUs = storagePids.reduce((us, p, i) => {
    const [before, after] = [storageBefore[i], sampleCpu(p)];
    return before && after ? us + ((after.process - before.process) * 1e6) / spans : us;
  }, 0);
  const rssMiB = peakRssMiB(pid);
  const threads = threadCount(pid);
  await client.exited;
  const load = JSON.parse(json!) as LoadResult;
  const rate = spans / (load.elapsedMs / 1000);
  // Server CPU over the load only (start-up excluded), per span: all threads, and the event loop.
  const cpu =
    cpuBefore && cpuAfter
      ? {
          serverUs: ((cpuAfter.process - cpuBefore.process) * 1e6) / spans,
          eventLoopUs: ((cpuAfter.eventLoop - cpuBefore.eventLoop) * 1e6) / spans,
          clientUs: load.clientCpuUs / spans,
          processingUs: (((await processingSeconds(url, admin)) - processingBefore) * 1e6) / spans,
          storageUs,
        }
      : null;
  const stored = await storedByTenant(url, admin);
  server.child.kill('SIGTERM');
  await server.exited;
  const latencies = load.latenciesMs.sort((a, b) => a - b);
  return {
    rate,
    p99: quantile(latencies, 0.99),
    warmupMaxMs: Math.max(...load.warmupLatenciesMs),
    failed: load.failed,
    statuses: load.statuses,
    cpu,
    stored,
    rssMiB,
    threads,
  };
}

/** What the server stores once the load is acknowledged: every span under a tenant, none parked. */
async function storedByTenant(url: string, admin: string) {
  // The workload's times run ahead of the clock (50 ms a request).
  const range = `from=${Date.now() - 86_400_000}&to=${Date.now() + 86_400_000}`;
  const get = async <T>(path: string) =>
    (await (
      await fetch(url + path, { headers: { authorization: `Bearer ${admin}` } })
    ).json()) as T;
  const tenants = await get<{ items: Array<{ tenantId: string; spans: number }> }>(
    `/api/v1/tenants?${range}&limit=1000`,
  );
  const doctor = await get<{ findings: Array<{ kind: string; count: number }> }>(
    `/api/v1/doctor?${range}`,
  );
  return {
    spans: tenants.items.reduce((n, t) => n + t.spans, 0),
    unassigned: tenants.items.find((t) => t.tenantId === '_unassigned')?.spans ?? 0,
    parked: doctor.findings.find((f) => f.kind === 'waiting_for_trace_tenant')?.count ?? 0,
  };
}

/** Event-loop seconds the server spent sanitizing, redacting and building rows, from /metrics. */
async function processingSeconds(url: string, admin: string): Promise<number> {
  const text = await (
    await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${admin}` } })
  ).text();
  let total = 0;
  for (const m of text.matchAll(/^tenantry_ingest_processing_seconds_total\{[^}]*\} (\S+)$/gm))
    total += Number(m[1]);
  return total;
}

export type EndToEnd = Awaited<ReturnType<typeof endToEnd>>;
