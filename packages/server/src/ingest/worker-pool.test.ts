import { gzipSync } from 'node:zlib';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { afterEach, describe, expect, it } from 'vitest';
import { isRootSpan, recordGuideRun, recordSpans } from '../../../../test/helpers/otlp.js';
import { recordRichSpans } from '../../../../test/helpers/otlp-payloads.js';
import { defaultLimits, parseConfig } from '../config/config.js';
import { TenantLimiter } from '../limits/tenant-limits.js';
import { DEFAULT_DECODE_LIMITS } from '../otlp/decode-limits.js';
import { decodeTracesProto } from '../otlp/decode-proto.js';
import { spanFields } from '../storage/clickhouse/tsv.js';
import { adoptSpanColumns, encodePendingSpanColumns } from '../storage/pending-span-columns.js';
import { encodeSpanColumns } from '../storage/span-columns.js';
import { adopt } from '../storage/trace-claims.js';
import type { WriteBatch } from '../storage/types.js';
import { ServerSaturatedError } from './errors.js';
import type { TraceJob } from './ingest-worker.js';
import { redactionCore } from './redaction.js';
import { partitionByTenant, spanBuilder, spanIdentity } from './row-builders.js';
import { IngestWorkerPool } from './worker-pool.js';

const config = parseConfig({});
const setup = {
  redaction: config.redaction,
  limits: defaultLimits(config),
  tenantLimits: {},
  tenantAttributes: config.ingest.tenantAttributes,
};
const platform = { keyId: 'k', kind: 'ingest' as const, tenantId: null };

function job(body: Buffer, over: Partial<TraceJob> = {}): Omit<TraceJob, 'id'> {
  return {
    format: 'protobuf',
    encoding: 'gzip',
    body: gzipSync(body),
    principal: platform,
    decodeLimits: DEFAULT_DECODE_LIMITS,
    maxBodyBytes: 16 * 1024 * 1024,
    output: 'columns',
    ...over,
  };
}

const pools: IngestWorkerPool[] = [];
function pool(options: Partial<ConstructorParameters<typeof IngestWorkerPool>[1]> = {}) {
  const p = new IngestWorkerPool(setup, { workers: 1, maxQueuedBytes: 1 << 20, ...options });
  pools.push(p);
  return p;
}
afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.close()));
});

async function richBody(): Promise<Buffer> {
  return Buffer.from(ProtobufTraceSerializer.serializeRequest(await recordRichSpans())!);
}

async function spanCount(body: Buffer): Promise<number> {
  let n = 0;
  for (const g of await decodeTracesProto(body)) for (const s of g.scopes) n += s.items.length;
  return n;
}

/** The rows the event loop builds from `body` (the oracle the workers are held to). */
async function eventLoopBuild(
  body: Buffer,
  claimOf: Parameters<typeof partitionByTenant>[3]['claimOf'],
): Promise<WriteBatch> {
  const part = await partitionByTenant(
    await decodeTracesProto(body),
    platform,
    (s) => s.attributes,
    {
      claimOf,
      traceOf: spanIdentity,
    },
  );
  const batch: WriteBatch = { spans: [], logs: [], metrics: [] };
  const build = spanBuilder(
    batch,
    redactionCore(config.redaction, () => 0),
  );
  const limiter = new TenantLimiter(defaultLimits(config), {});
  for (const [tenant, items] of part.byTenant)
    for (const item of items) build(tenant, limiter.limitsFor(tenant), item);
  return batch;
}

describe('ingest worker pool', () => {
  it('builds the rows the event loop builds, as columns and as ClickHouse lines', async () => {
    const body = await richBody();
    const batch = await eventLoopBuild(
      body,
      (item, resource) => (item['tenant.id'] ?? resource['tenant.id']) as string,
    );

    const p = pool();
    const asColumns = await p.traces(job(body));
    expect(asColumns.total).toBe(batch.spans.length);
    expect(asColumns.partitions.map((x) => [x.partition, x.items])).toEqual([
      ['fuzz', batch.spans.length],
    ]);
    expect(asColumns.columns).toEqual(encodeSpanColumns(batch.spans));
    const asRows = await p.traces(job(body, { output: 'rows' }));
    expect(asRows.partitions[0]!.lines).toEqual([0, batch.spans.length]);
    expect(asRows.partitions[0]!.spans).toBeUndefined();
    const lines = asRows.lines!;
    expect(Buffer.from(lines.bytes)).toEqual(
      Buffer.from(batch.spans.map((s) => `${spanFields(s)}\n`).join(''), 'utf8'),
    );
    expect(lines.spanIds).toEqual(batch.spans.map((s) => s.spanId));
    expect([...lines.startNs]).toEqual(batch.spans.map((s) => s.startTimeUnixNano));
    expect(asRows.inflatedBytes).toBe(body.length);
  });

  it('sends spans waiting for their trace tenant as columns that adopt into the rows the event loop builds', async () => {
    // Children exported before their root: their trace's tenant is not in this request.
    const spans = await recordSpans((t) => {
      recordGuideRun(t, 'acme', true);
      recordGuideRun(t, 'globex', false);
    });
    const body = Buffer.from(
      ProtobufTraceSerializer.serializeRequest(spans.filter((s) => !isRootSpan(s)))!,
    );
    const batch = await eventLoopBuild(body, (item) => item['tenant.id'] as string | undefined);
    const rows = batch.pendingSpans!;
    expect(rows).toHaveLength(4);

    const prepared = await pool().traces(job(body));
    expect(prepared.partitions.map((x) => [x.partition, x.items])).toEqual([['', 4]]);
    expect(prepared.partitions[0]!.spans).toBeUndefined();
    expect(prepared.pending).toEqual(encodePendingSpanColumns(rows));
    // Once the traces' tenants are known: the columns of the rows adopted on the event loop.
    const tenants = new Map([
      [rows[0]!.traceId, 'acme'],
      [rows[2]!.traceId, 'a-much-longer-tenant-id'],
    ]);
    const taken = adoptSpanColumns(
      prepared.pending!,
      prepared.pending!.traceIds.map((t) => tenants.get(t)),
    );
    expect(taken.waitingRows).toBe(0);
    const adopted = encodeSpanColumns(rows.map((s) => adopt(s, tenants.get(s.traceId)!)));
    expect(taken.adopted).toHaveLength(1);
    expect(taken.adopted[0]!.fingerprints).toEqual(adopted.fingerprints);
    expect(taken.adopted[0]!.tenantKey).toEqual(adopted.tenantKey);
  });

  it('answers malformed and oversized bodies with the errors the event loop gives', async () => {
    const p = pool();
    const malformed = p.traces(job(Buffer.from([0x0a, 0xff, 0xff, 0xff])));
    await expect(malformed).rejects.toMatchObject({ code: 'TENANTRY_E_OTLP_MALFORMED' });
    const bomb = p.traces(job(Buffer.alloc(4 * 1024 * 1024), { maxBodyBytes: 1024 * 1024 }));
    await expect(bomb).rejects.toMatchObject({ code: 'TENANTRY_E_PAYLOAD_TOO_LARGE' });
    const notGzip = p.traces({ ...job(await richBody()), body: Buffer.from('not gzip') });
    await expect(notGzip).rejects.toMatchObject({ code: 'TENANTRY_E_OTLP_MALFORMED' });
    const body = await richBody();
    await expect(p.traces(job(body))).resolves.toMatchObject({ total: await spanCount(body) });
  });

  it('refuses with 503 past its queue instead of holding more bodies', async () => {
    const body = await richBody();
    const p = pool({ maxQueuedBytes: gzipSync(body).length + 10 });
    const first = p.traces(job(body));
    const second = p.traces(job(body));
    await expect(second).rejects.toBeInstanceOf(ServerSaturatedError);
    const total = await spanCount(body);
    await expect(first).resolves.toMatchObject({ total });
    expect(p.depthBytes).toBe(0);
    await expect(p.traces(job(body))).resolves.toMatchObject({ total });
  });

  it('fails the jobs of a thread that dies with 503, and serves the next on a new thread', async () => {
    // A thread with a small heap, and a request whose attributes do not fit in it.
    const p = pool({ maxHeapMiB: 32 });
    const spans = await recordRichSpans();
    const copies = Array.from({ length: 300 }, (_, i) => {
      const s = spans[i % spans.length]!;
      const attributes = { ...s.attributes, big: 'x'.repeat(200_000) };
      return Object.assign(Object.create(Object.getPrototypeOf(s)), s, { attributes });
    });
    const huge = Buffer.from(ProtobufTraceSerializer.serializeRequest(copies)!);
    const dying = p.traces(job(huge, { maxBodyBytes: 512 * 1024 * 1024 }));
    await expect(dying).rejects.toBeInstanceOf(ServerSaturatedError);
    await expect(dying).rejects.toThrow(/ingest worker failed/);
    const body = await richBody();
    const next = await p.traces(job(body));
    expect(next.total).toBe(await spanCount(body));
  }, 60_000);
});
