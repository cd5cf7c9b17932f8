import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { TenantryError } from '../errors.js';
import type { Signal } from '../ingest/pipeline.js';
import type { WorkSlice } from '../ingest/work-slice.js';
import { decodeLogsJson, decodeMetricsJson, decodeTracesJson } from './decode-json.js';
import type { DecodeBudget } from './decode-limits.js';
import { MalformedOtlpError, OtlpLimitError } from './errors.js';
import type { JsonJob, JsonReply } from './json-worker.js';
import type { ResourceGroup } from './model.js';

/** Below this, JSON.parse takes a few milliseconds: not worth a round trip to the worker. */
const INLINE_MAX_BYTES = 256 * 1024;

const INLINE = { traces: decodeTracesJson, logs: decodeLogsJson, metrics: decodeMetricsJson };

interface Pending {
  groups: ResourceGroup<unknown>[];
  resolve: (groups: ResourceGroup<unknown>[]) => void;
  reject: (err: Error) => void;
}

/**
 * OTLP/JSON decoding that never holds the event loop for long: bodies past INLINE_MAX_BYTES are
 * parsed on a worker thread and come back in chunks of items (json-worker.ts), so a tenant's
 * 20 MiB of JSON delays other tenants and /readyz by one chunk, not by a whole JSON.parse.
 */
export class JsonDecoder {
  private worker: Worker | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  async decode(
    signal: Signal,
    body: Buffer,
    slice: WorkSlice | undefined,
    budget: DecodeBudget,
  ): Promise<ResourceGroup<unknown>[]> {
    if (body.length <= INLINE_MAX_BYTES) {
      return (await INLINE[signal](body, slice, budget)) as ResourceGroup<unknown>[];
    }
    const id = this.nextId++;
    const job: JsonJob = { id, signal, body: new Uint8Array(body), limits: budget.limits };
    return new Promise((resolve, reject) => {
      this.pending.set(id, { groups: [], resolve, reject });
      this.start().postMessage(job);
    });
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    await worker?.terminate();
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const js = new URL('./json-worker.js', import.meta.url);
    const worker = existsSync(fileURLToPath(js))
      ? new Worker(js)
      : // Run from source (tests, tsx): the thread registers the TypeScript loader itself.
        new Worker(
          `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(
            new URL('./json-worker.ts', import.meta.url).href,
          )}); })`,
          { eval: true },
        );
    worker.unref();
    worker.on('message', (reply: JsonReply) => this.receive(reply));
    worker.on('error', (err) => this.failAll(err));
    worker.on('exit', (code) => {
      if (this.worker === worker) this.worker = null;
      if (code !== 0) this.failAll(new Error(`JSON decoder thread exited with code ${code}`));
    });
    this.worker = worker;
    return worker;
  }

  private receive(reply: JsonReply): void {
    const p = this.pending.get(reply.id);
    if (!p) return;
    if ('chunk' in reply) {
      for (const g of reply.chunk) p.groups.push(g);
      return;
    }
    this.pending.delete(reply.id);
    if ('done' in reply) p.resolve(p.groups);
    else p.reject(rebuildError(reply.error));
  }

  private failAll(err: Error): void {
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
  }
}

function rebuildError(e: { code: string; message: string; details?: Record<string, unknown> }) {
  if (e.code === 'TENANTRY_E_OTLP_LIMIT') {
    return new OtlpLimitError(e.message, (e.details ?? {}) as Record<string, number>);
  }
  if (e.code === 'TENANTRY_E_OTLP_MALFORMED') return new MalformedOtlpError(e.message);
  return new TenantryError('TENANTRY_E_INTERNAL', e.message);
}
