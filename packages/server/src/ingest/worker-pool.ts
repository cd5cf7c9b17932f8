import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { TenantryError } from '../errors.js';
import {
  type EncodedSpanLines,
  validateLineKeys,
  validateSpanLines,
} from '../storage/clickhouse/span-lines.js';
import { validatePendingSpanColumns } from '../storage/pending-span-columns.js';
import { validateSpanColumns } from '../storage/span-columns-transfer.js';
import { ServerSaturatedError } from './errors.js';
import type { IngestWorkerSetup, PreparedTraces, TraceJob, TraceReply } from './ingest-worker.js';
import { TRACE_TENANT_PENDING } from './tenant.js';

export interface WorkerPoolOptions {
  /** Threads decoding and building rows (ingest.workers). */
  workers: number;
  /**
   * Request bodies (bytes as sent) given to the pool and not yet answered; past this a request
   * is refused with 503 and Retry-After rather than queued in memory (ingest.workerQueueMiB).
   */
  maxQueuedBytes: number;
  /**
   * Old-generation heap of each thread, in MiB (V8's default when absent): a thread past it dies
   * alone, its jobs answered 503, instead of taking the process down.
   */
  maxHeapMiB?: number;
}

interface Pending {
  job: TraceJob;
  resolve: (p: PreparedTraces) => void;
  reject: (e: Error) => void;
}

interface Thread {
  worker: Worker;
  /** Jobs sent to this thread and not answered yet, by id. */
  running: Map<number, Pending>;
}

/**
 * Jobs one thread holds at once, interleaved in work slices (ingest-worker.ts): a thread busy with
 * one tenant's costly request still serves others, and never idles between two jobs.
 */
const JOBS_PER_THREAD = 4;
/** A thread that fails this soon after starting is not restarted at once (a crash loop). */
const RESTART_DELAY_MS = 1_000;

/**
 * A pool of ingest worker threads (ingest-worker.ts) with a bounded queue. A job goes to the thread
 * holding the fewest; when every thread holds JOBS_PER_THREAD, it waits in the queue, and when the
 * queue holds more than `maxQueuedBytes`, the request is refused (503, retry) instead.
 *
 * A thread that dies fails the jobs it held with 503 and is replaced: nothing it held was
 * acknowledged (the journal write comes after the worker's answer), so a client retry loses
 * nothing and stores nothing twice.
 */
export class IngestWorkerPool {
  private readonly threads: Array<Thread | null>;
  private readonly queue: Pending[] = [];
  private queuedBytes = 0;
  private nextId = 1;
  private closed = false;
  private started = false;

  constructor(
    private readonly setup: IngestWorkerSetup,
    private readonly options: WorkerPoolOptions,
    private readonly onError: (err: Error) => void = () => {},
  ) {
    // Started with the first job: a server that receives no traces (tests, a logs-only fleet)
    // never pays for the threads.
    this.threads = Array.from({ length: options.workers }, () => null);
  }

  /** Bytes of request bodies held by the pool (queued or being worked on). */
  get depthBytes(): number {
    return this.queuedBytes;
  }

  traces(job: Omit<TraceJob, 'id'>): Promise<PreparedTraces> {
    if (this.closed) return Promise.reject(new ServerSaturatedError('the server is stopping'));
    const bytes = job.body.byteLength;
    if (this.queuedBytes > 0 && this.queuedBytes + bytes > this.options.maxQueuedBytes) {
      return Promise.reject(
        new ServerSaturatedError(
          `ingest workers are saturated (${this.queuedBytes} bytes of requests waiting); retry`,
        ),
      );
    }
    this.queuedBytes += bytes;
    return new Promise<PreparedTraces>((resolve, reject) => {
      const settle =
        <T>(fn: (v: T) => void) =>
        (v: T) => {
          this.queuedBytes -= bytes;
          fn(v);
        };
      this.queue.push({
        job: { ...job, id: this.nextId++ },
        resolve: settle(resolve),
        reject: settle(reject),
      });
      this.dispatch();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    const failure = new ServerSaturatedError('the server is stopping');
    for (const p of this.queue.splice(0)) p.reject(failure);
    await Promise.all(
      this.threads.map(async (t, i) => {
        this.threads[i] = null;
        if (!t) return;
        for (const p of t.running.values()) p.reject(failure);
        t.running.clear();
        await t.worker.terminate();
      }),
    );
  }

  private dispatch(): void {
    if (!this.started) {
      this.started = true;
      for (let i = 0; i < this.threads.length; i++) this.start(i);
    }
    while (this.queue.length > 0) {
      let best: Thread | null = null;
      for (const t of this.threads) {
        if (t && t.running.size < JOBS_PER_THREAD && (!best || t.running.size < best.running.size))
          best = t;
      }
      if (!best) return;
      const pending = this.queue.shift()!;
      best.running.set(pending.job.id, pending);
      // Moved, not copied (cloning a body cost the event loop more than the rest of dispatching
      // it): the worker hands it back with its answer, for the journal.
      const body = ownBuffer(pending.job.body);
      best.worker.postMessage({ ...pending.job, body }, [body.buffer as ArrayBuffer]);
    }
  }

  private start(index: number): void {
    if (this.closed) return;
    const worker = spawn(this.setup, this.options.maxHeapMiB);
    const thread: Thread = { worker, running: new Map() };
    const startedAt = performance.now();
    worker.unref();
    worker.on('message', (reply: unknown) => this.receive(thread, reply));
    const fail = (err: Error) => {
      if (this.threads[index] !== thread) return;
      this.threads[index] = null;
      this.onError(err);
      const failure = new ServerSaturatedError(`an ingest worker failed (${err.message}); retry`);
      for (const p of thread.running.values()) p.reject(failure);
      thread.running.clear();
      void worker.terminate();
      const delay = performance.now() - startedAt < RESTART_DELAY_MS ? RESTART_DELAY_MS : 0;
      setTimeout(() => {
        this.start(index);
        this.dispatch();
      }, delay).unref();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`ingest worker exited with code ${code}`)));
    this.threads[index] = thread;
  }

  private receive(thread: Thread, reply: unknown): void {
    const id = (reply as { id?: unknown } | null)?.id;
    const pending = typeof id === 'number' ? thread.running.get(id) : undefined;
    if (!pending) {
      this.onError(new Error('an ingest worker answered a job it was not given'));
      return;
    }
    thread.running.delete(id as number);
    const problem = checkReply(reply);
    if (problem !== null) {
      pending.reject(new TenantryError('TENANTRY_E_INTERNAL', `ingest worker reply: ${problem}`));
    } else {
      const r = reply as TraceReply;
      if (r.ok) pending.resolve(r.prepared);
      else pending.reject(new TenantryError(r.error.code, r.error.message, r.error.details));
    }
    this.dispatch();
  }
}

/** `bytes` if it is the whole of its buffer (so moving it moves nothing else), else a copy. */
function ownBuffer(bytes: Uint8Array): Uint8Array {
  return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength
    ? bytes
    : new Uint8Array(bytes);
}

function spawn(setup: IngestWorkerSetup, maxHeapMiB: number | undefined): Worker {
  const options = {
    workerData: setup,
    ...(maxHeapMiB ? { resourceLimits: { maxOldGenerationSizeMb: maxHeapMiB } } : {}),
  };
  const js = new URL('./ingest-worker.js', import.meta.url);
  if (existsSync(fileURLToPath(js))) return new Worker(js, options);
  // Run from source (tests, tsx): the thread registers the TypeScript loader itself.
  return new Worker(
    `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(
      new URL('./ingest-worker.ts', import.meta.url).href,
    )}); })`,
    { eval: true, ...options },
  );
}

/**
 * What crosses back from a worker is checked once, here: the shape of the reply and of each
 * partition, every span column (validateSpanColumns, validatePendingSpanColumns) or span line
 * (validateSpanLines), and the identity fields of span rows.
 */
function checkReply(reply: unknown): string | null {
  const r = reply as Record<string, unknown>;
  if (r.ok === false) {
    const e = r.error as Record<string, unknown> | undefined;
    return typeof e?.code === 'string' && typeof e.message === 'string' ? null : 'bad error';
  }
  if (r.ok !== true) return 'neither ok nor an error';
  const p = r.prepared as Record<string, unknown> | undefined;
  if (typeof p !== 'object' || p === null) return 'no result';
  for (const k of ['inflatedBytes', 'decodeMs', 'total'] as const)
    if (typeof p[k] !== 'number') return `${k} is not a number`;
  if (p.inflated !== undefined && !(p.inflated instanceof Uint8Array)) return 'bad inflated body';
  if (!(p.body instanceof Uint8Array)) return 'the body did not come back';
  if (!Array.isArray(p.rejections) || !Array.isArray(p.claims) || !Array.isArray(p.partitions))
    return 'missing lists';
  if (p.columns !== undefined) {
    const bad = validateSpanColumns(p.columns);
    if (bad !== null) return `span columns: ${bad}`;
  }
  if (p.pending !== undefined) {
    const bad = validatePendingSpanColumns(p.pending);
    if (bad !== null) return `pending span columns: ${bad}`;
  }
  if (p.lines !== undefined) {
    const bad = validateSpanLines(p.lines);
    if (bad !== null) return `span lines: ${bad}`;
  }
  for (const part of p.partitions as Array<Record<string, unknown>>) {
    if (typeof part.partition !== 'string' || typeof part.items !== 'number')
      return 'bad partition';
    if (typeof part.buildMs !== 'number' || typeof part.droppedAttributes !== 'number')
      return 'bad partition accounting';
    if (typeof part.redacted !== 'object' || part.redacted === null) return 'bad findings';
    // A partition's rows of the columns, or its lines (output `rows`): within what came back.
    for (const [range, of] of [
      [part.rows, p.columns],
      [part.lines, p.lines],
    ] as const) {
      if (range === undefined) continue;
      const [start, end] = (Array.isArray(range) ? range : []) as unknown[];
      const n = (of as { rows?: unknown } | undefined)?.rows;
      if (typeof n !== 'number' || !Number.isInteger(start) || !Number.isInteger(end))
        return 'partition rows without columns or lines';
      if ((start as number) < 0 || (end as number) < (start as number) || (end as number) > n)
        return 'partition rows out of range';
    }
    if (part.lines !== undefined && part.partition === TRACE_TENANT_PENDING)
      return 'lines for spans whose tenant is not known';
    if (part.spans !== undefined) {
      if (!Array.isArray(part.spans)) return 'spans is not a list';
      for (const s of part.spans as Array<Record<string, unknown>>) {
        if (
          typeof s?.tenantId !== 'string' ||
          typeof s.traceId !== 'string' ||
          typeof s.spanId !== 'string' ||
          typeof s.startTimeUnixNano !== 'bigint'
        )
          return 'a span row lacks its identity';
      }
    }
  }
  if (p.lines !== undefined) {
    const parts = p.partitions as Array<{ partition: string; lines?: [number, number] }>;
    const ranges = parts.flatMap((q) => (q.lines ? [[q.partition, ...q.lines] as const] : []));
    const bad = validateLineKeys(p.lines as EncodedSpanLines, ranges);
    if (bad !== null) return `span lines: ${bad}`;
  }
  return null;
}
