import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeOnClickHouse } from '../../../../test/helpers/chdb.js';
import { recordRun, recordSpans } from '../../../../test/helpers/otlp.js';
import { startTestServer, type TestServer } from '../../../../test/helpers/server.js';
import { openClickHouseStorage } from '../storage/clickhouse/index.js';

type ChStorage = Awaited<ReturnType<typeof openClickHouseStorage>>;

/**
 * On ClickHouse the ingest workers send a request's spans as the insert's lines
 * (storage/clickhouse/span-lines.ts): a tenant refused under its limits must lose exactly its own
 * lines, and a resent request must be counted as duplicates, as when rows came back.
 */
describeOnClickHouse('ClickHouse ingest through the workers', (target) => {
  let storage: ChStorage;
  let server: TestServer;
  beforeAll(async () => {
    storage = await openClickHouseStorage(target().options('prepared_lines'));
    server = await startTestServer({
      alerts: false,
      storage,
      config: {
        ingest: { workers: 1 },
        limits: { tenants: { flood: { itemsPerSecond: 1, burstItems: 1 } } },
      },
    });
  });
  afterAll(async () => {
    await server?.stop();
  });

  const post = (body: Buffer) =>
    fetch(`${server.url}/v1/traces`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${server.ingestKey}`,
        'content-type': 'application/x-protobuf',
      },
      body,
    });

  const storedByTenant = async () =>
    Object.fromEntries(
      (
        await storage.ch.query<{ tenant_id: string; n: string }>(
          'SELECT tenant_id, count() AS n FROM prepared_lines.spans GROUP BY tenant_id',
        )
      ).map((r) => [r.tenant_id, Number(r.n)]),
    );

  it("stores the admitted tenants' spans of a request and none of a refused tenant's", async () => {
    const spans = await recordSpans((t) => {
      for (const tenantId of ['calm', 'flood', 'calm', 'other', 'flood'])
        recordRun(t, { tenantId });
    });
    const perRun = spans.length / 5;
    const body = Buffer.from(ProtobufTraceSerializer.serializeRequest(spans)!);
    const res = await post(body);
    expect(res.status).toBe(200);
    expect(await storedByTenant()).toEqual({ calm: 2 * perRun, other: perRun });
    const calmRuns = await storage.listRuns(
      { tenantId: 'calm' },
      {
        range: { fromNs: 0n, toNs: BigInt(Date.now() + 60_000) * 1_000_000n },
        limit: 10,
        offset: 0,
      },
    );
    expect(calmRuns).toHaveLength(2);

    // The same request again: nothing new is stored, and every admitted span is a duplicate.
    expect((await post(body)).status).toBe(200);
    expect(await storedByTenant()).toEqual({ calm: 2 * perRun, other: perRun });
    const metrics = await server.scrapeMetrics();
    expect(metrics).toMatch(new RegExp(`tenantry_duplicate_spans_total(\\{\\})? ${3 * perRun}\\b`));
    expect(metrics).toMatch(
      new RegExp(
        `tenantry_rejected_items_total\\{reason="rate_limited",signal="traces",tenant="flood"\\} ${4 * perRun}\\b`,
      ),
    );
  });
});
