import http from 'node:http';
import { readBodies } from './workload.js';

/**
 * The end-to-end load generator, run as its own process by bench/ingest: CLIENTS keep-alive
 * connections, each POSTing one gzip protobuf request at a time and waiting for its answer.
 *
 * It runs apart from the bench so that its own CPU can be measured (the load shares the server's two
 * cores, so it belongs in the budget) and so that its heap holds only the request bodies, not the
 * decoded rows the bench keeps for the append-only rounds. It uses node:http rather than fetch:
 * 1.4 µs of client CPU per span against 3.7 µs, measured on the same workload.
 *
 * Usage: load-client.ts <url> <ingest key> <bodies file> <clients> [warm-up requests], the bodies
 * file written by `writeBodies`. The first `warm-up` bodies go out first and are not measured: a
 * fresh server starts its ingest threads and compiles its hot paths on them (about a second, once).
 * Prints `start` when the first measured request goes out, then `result` and the result as JSON on
 * one line.
 */
export interface LoadResult {
  elapsedMs: number;
  latenciesMs: number[];
  statuses: Record<number, number>;
  failed: number;
  /** CPU this process used during the load, in microseconds. */
  clientCpuUs: number;
  /** Time to acknowledge each warm-up request (not in `latenciesMs`). */
  warmupLatenciesMs: number[];
}

async function run(
  url: URL,
  key: string,
  bodies: Buffer[],
  clients: number,
  warmup: number,
): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: clients });
  const post = (body: Buffer) =>
    new Promise<number>((resolve, reject) => {
      const req = http.request(
        {
          host: url.hostname,
          port: url.port,
          path: '/v1/traces',
          method: 'POST',
          agent,
          headers: {
            authorization: `Bearer ${key}`,
            'content-type': 'application/x-protobuf',
            'content-encoding': 'gzip',
            'content-length': body.length,
          },
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  const statuses: Record<number, number> = {};
  let failed = 0;
  let next = 0;
  const drive = async (end: number, latenciesMs: number[]) => {
    await Promise.all(
      Array.from({ length: clients }, async () => {
        while (next < end) {
          const body = bodies[next++]!;
          const sent = performance.now();
          const status = await post(body);
          latenciesMs.push(performance.now() - sent);
          if (status !== 200) {
            failed++;
            statuses[status] = (statuses[status] ?? 0) + 1;
          }
        }
      }),
    );
  };
  const warmupLatenciesMs: number[] = [];
  await drive(Math.min(warmup, bodies.length), warmupLatenciesMs);
  const latenciesMs: number[] = [];
  process.stdout.write('start\n');
  const cpuBefore = process.cpuUsage();
  const begin = performance.now();
  await drive(bodies.length, latenciesMs);
  const elapsedMs = performance.now() - begin;
  const cpu = process.cpuUsage(cpuBefore);
  agent.destroy();
  return {
    elapsedMs,
    latenciesMs,
    statuses,
    failed,
    clientCpuUs: cpu.user + cpu.system,
    warmupLatenciesMs,
  };
}

const [url, key, bodiesPath, clients, warmup] = process.argv.slice(2);
if (!url || !key || !bodiesPath) {
  process.stderr.write(
    'usage: load-client.ts <url> <ingest key> <bodies file> <clients> [warm-up requests]\n',
  );
  process.exit(2);
}
const result = await run(
  new URL(url),
  key,
  readBodies(bodiesPath),
  Number(clients ?? 4),
  Number(warmup ?? 0),
);
process.stdout.write(`result ${JSON.stringify(result)}\n`);
