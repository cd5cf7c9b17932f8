import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clickHouseTargets } from '../../../../../test/helpers/chdb.js';
import { type ClickHouseNode, startClickHouse } from '../../../../../test/helpers/clickhouse.js';
import {
  exportSpans,
  isRootSpan,
  recordGuideRun,
  recordRun,
  recordSpans,
  traceExporter,
} from '../../../../../test/helpers/otlp.js';
import { type CliProcess, serverStarted, spawnCli } from '../../../../../test/helpers/process.js';
import { openClickHouseStorage } from './index.js';

/**
 * `tenantry up` on a real ClickHouse 18.16 with the ingest journal: spans acknowledged from the
 * journal alone survive a kill -9 and are stored exactly once, also when a restart replays records
 * ClickHouse already holds (a crash between a batch's inserts and its applied mark, reproduced by
 * putting back the journal as it was before the first replay).
 */
const DB = 'journal_crash';
const describeOnServer = clickHouseTargets().includes('server') ? describe : describe.skip;

describeOnServer('tenantry up on ClickHouse with the ingest journal', () => {
  let node: ClickHouseNode;
  let storage: Awaited<ReturnType<typeof openClickHouseStorage>>;
  const dataDir = mkdtempSync(join(tmpdir(), 'tenantry-ch-crash-'));
  const running: CliProcess[] = [];
  beforeAll(async () => {
    node = await startClickHouse();
    storage = await openClickHouseStorage({ url: node.url, database: DB });
  });
  afterAll(async () => {
    for (const p of running) p.child.kill('SIGKILL');
    await storage?.close();
    await node?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** Flushes never come on their own (a minute, a million rows); no reader forces one. */
  function start(config: string): CliProcess {
    const file = join(dataDir, 'tenantry.yaml');
    writeFileSync(file, config);
    const p = spawnCli(['up', '--port', '0', '--data-dir', dataDir, '--config', file]);
    running.push(p);
    return p;
  }
  const yaml = (journal: string) => `server:
  evaluateAlerts: false
storage:
  engine: clickhouse
  clickhouse:
    url: ${node.url}
    database: ${DB}
  journal:
    enabled: true
${journal}
ingest:
  settleIntervalSeconds: 600
`;
  const count = async (sql: string) =>
    Number((await storage.ch.query<{ n: string }>(sql))[0]?.n ?? 0);
  const rawSpans = (tenant: string) =>
    count(`SELECT count() AS n FROM ${DB}.spans WHERE tenant_id = '${tenant}'`);
  const parked = async () => (await storage.parkedSpans()).count;
  async function tenantSpans(url: string, admin: string, tenant: string): Promise<number> {
    const res = await fetch(`${url}/api/v1/tenants?q=${tenant}&from=${Date.now() - 86_400_000}`, {
      headers: { authorization: `Bearer ${admin}` },
    });
    const body = (await res.json()) as { items: Array<{ tenantId: string; spans: number }> };
    return body.items.find((t) => t.tenantId === tenant)?.spans ?? 0;
  }

  const sendLog = async (url: string, key: string) =>
    (
      await fetch(`${url}/v1/logs`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          resourceLogs: [
            {
              scopeLogs: [
                {
                  logRecords: [
                    {
                      timeUnixNano: String(BigInt(Date.now()) * 1_000_000n),
                      body: { stringValue: 'kept once' },
                      attributes: [{ key: 'tenant.id', value: { stringValue: 'durable' } }],
                    },
                  ],
                },
              ],
            },
          ],
        }),
      })
    ).status;

  it('stores every acknowledged span once after kill -9, and again once when the replay is repeated', async () => {
    const first = start(yaml('    flushIntervalMs: 60000\n    flushRows: 1000000'));
    const { url, adminKey: admin, ingestKey } = await serverStarted(first);
    const exporter = traceExporter(url, ingestKey);
    let acknowledged = 0;
    for (let i = 0; i < 8; i++) {
      const spans = await recordSpans((t) => {
        for (let r = 0; r < 10; r++) recordRun(t, { tenantId: 'durable', tools: [{ name: 'x' }] });
      });
      if ((await exportSpans(exporter, spans)).code === 0) acknowledged += spans.length;
    }
    // Ten runs in the guide's pattern (children first, no tenant): five roots arrive.
    const guide = await recordSpans((t) => {
      for (let r = 0; r < 10; r++) recordGuideRun(t, 'patient');
    });
    const children = guide.filter((s) => !isRootSpan(s));
    const roots = guide.filter(isRootSpan);
    expect((await exportSpans(exporter, children)).code).toBe(0);
    expect((await exportSpans(exporter, roots.slice(0, 5))).code).toBe(0);
    expect(acknowledged).toBe(240);
    // Acknowledged from the journal alone: ClickHouse has not seen a span yet.
    expect(await count(`SELECT count() AS n FROM ${DB}.spans`)).toBe(0);
    // Logs have no key a replay could deduplicate on: acknowledged once inserted, never journaled.
    expect(await sendLog(url, ingestKey)).toBe(200);
    expect(await count(`SELECT count() AS n FROM ${DB}.logs`)).toBe(1);
    first.child.kill('SIGKILL');
    await first.exited;
    const journal = join(dataDir, 'clickhouse-journal');
    const before = join(dataDir, 'journal-before-replay');
    cpSync(journal, before, { recursive: true });

    const expectStoredOnce = async (url: string) => {
      expect(await rawSpans('durable')).toBe(acknowledged);
      expect(await tenantSpans(url, admin, 'durable')).toBe(acknowledged);
      // Five runs adopted (root and two children each); the other five's children wait.
      expect(await rawSpans('patient')).toBe(15);
      expect(await parked()).toBe(10);
      expect(await count(`SELECT count() AS n FROM ${DB}.logs`)).toBe(1);
    };
    const second = start(yaml(''));
    const [, url2] = await second.waitFor(/listening on (http:\/\/[\d.:]+)/);
    expect(second.output()).toContain('replayed 10 request(s) into storage');
    await expectStoredOnce(url2!);
    second.child.kill('SIGKILL');
    await second.exited;

    // As if the second start died after its inserts and before its mark: the same ten again.
    rmSync(journal, { recursive: true });
    cpSync(before, journal, { recursive: true });
    const third = start(yaml(''));
    const [, url3] = await third.waitFor(/listening on (http:\/\/[\d.:]+)/);
    expect(third.output()).toContain('replayed 10 request(s) into storage');
    await expectStoredOnce(url3!);
    // The rest of the roots adopt their parked children, each once.
    expect((await exportSpans(traceExporter(url3!, ingestKey), roots.slice(5))).code).toBe(0);
    expect(await tenantSpans(url3!, admin, 'patient')).toBe(30);
    third.child.kill('SIGTERM');
    expect(await third.exited).toBe(0);
    expect(await rawSpans('patient')).toBe(30);
  }, 180_000);
});
