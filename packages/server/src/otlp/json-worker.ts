import { parentPort } from 'node:worker_threads';
import { TenantryError } from '../errors.js';
import type { Signal } from '../ingest/pipeline.js';
import { decodeLogsJson, decodeMetricsJson, decodeTracesJson } from './decode-json.js';
import { DecodeBudget, type DecodeLimits } from './decode-limits.js';
import type { ResourceGroup } from './model.js';

/**
 * The OTLP/JSON decoder's thread (json-decoder.ts): JSON.parse cannot be sliced, and 20 MiB of
 * JSON holds the thread that runs it for a quarter of a second or more. Here it holds only this
 * one; the decoded groups go back in chunks, each small enough to take in between other work.
 */

export interface JsonJob {
  id: number;
  signal: Signal;
  body: Uint8Array;
  limits: DecodeLimits;
}

export type JsonReply =
  | { id: number; chunk: ResourceGroup<unknown>[] }
  | { id: number; done: true }
  | { id: number; error: { code: string; message: string; details?: Record<string, unknown> } };

/** Items per message back: a chunk takes the main thread a few milliseconds to receive. */
const ITEMS_PER_CHUNK = 500;

const DECODE = { traces: decodeTracesJson, logs: decodeLogsJson, metrics: decodeMetricsJson };

async function run(job: JsonJob): Promise<void> {
  const port = parentPort!;
  try {
    const body = Buffer.from(job.body.buffer, job.body.byteOffset, job.body.byteLength);
    const groups = (await DECODE[job.signal](
      body,
      undefined,
      new DecodeBudget(job.limits),
    )) as ResourceGroup<unknown>[];
    for (const chunk of chunked(groups))
      port.postMessage({ id: job.id, chunk } satisfies JsonReply);
    port.postMessage({ id: job.id, done: true } satisfies JsonReply);
  } catch (err) {
    const e =
      err instanceof TenantryError
        ? { code: err.code, message: err.message, details: err.details }
        : { code: 'TENANTRY_E_OTLP_MALFORMED', message: `body could not be decoded: ${err}` };
    port.postMessage({ id: job.id, error: e } satisfies JsonReply);
  }
}

/** Groups split so that no chunk holds more than ITEMS_PER_CHUNK items. */
function* chunked(groups: ResourceGroup<unknown>[]): Generator<ResourceGroup<unknown>[]> {
  let chunk: ResourceGroup<unknown>[] = [];
  let items = 0;
  for (const g of groups) {
    for (const s of g.scopes) {
      for (let at = 0; at < s.items.length; at += ITEMS_PER_CHUNK) {
        const part = s.items.slice(at, at + ITEMS_PER_CHUNK);
        chunk.push({
          resource: g.resource,
          scopes: [{ scopeName: s.scopeName, scopeVersion: s.scopeVersion, items: part }],
        });
        items += part.length;
        if (items >= ITEMS_PER_CHUNK) {
          yield chunk;
          chunk = [];
          items = 0;
        }
      }
    }
  }
  if (chunk.length > 0) yield chunk;
}

let queue: Promise<void> = Promise.resolve();
parentPort?.on('message', (job: JsonJob) => {
  queue = queue.then(() => run(job));
});
