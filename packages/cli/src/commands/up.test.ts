import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TenantsResponse } from '@tenantry/server';
import { afterAll, describe, expect, it } from 'vitest';
import {
  exportSpans,
  isRootSpan,
  recordGuideRun,
  recordRun,
  recordSpans,
  traceExporter,
} from '../../../../test/helpers/otlp.js';
import { serverStarted, spawnCli } from '../../../../test/helpers/process.js';

const dataDir = mkdtempSync(join(tmpdir(), 'tenantry-up-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

async function storedSpans(url: string, key: string, tenant: string): Promise<number> {
  const res = await fetch(`${url}/api/v1/tenants?q=${tenant}&from=${Date.now() - 86_400_000}`, {
    headers: { authorization: `Bearer ${key}` },
  });
  const body = (await res.json()) as TenantsResponse;
  return body.items.find((t) => t.tenantId === tenant)?.spans ?? 0;
}

describe('tenantry up', () => {
  it('keeps every acknowledged span across a kill -9 and a restart, replaying its journal', async () => {
    // Nothing reaches DuckDB before the kill: every span is acknowledged from the journal alone.
    const config = join(dataDir, 'journal-only.yaml');
    writeFileSync(config, 'storage:\n  journal:\n    flushIntervalMs: 60000\n');
    const first = spawnCli(['up', '--port', '0', '--data-dir', dataDir, '--config', config]);
    const { url, adminKey, ingestKey } = await serverStarted(first);
    const exporter = traceExporter(url, ingestKey);
    let acknowledged = 0;
    for (let i = 0; i < 10; i++) {
      const spans = await recordSpans((t) => {
        for (let r = 0; r < 10; r++) recordRun(t, { tenantId: 'durable', tools: [{ name: 'x' }] });
      });
      const result = await exportSpans(exporter, spans);
      if (result.code === 0) acknowledged += spans.length;
    }
    // Killed right after the last 200: no graceful shutdown, no checkpoint.
    first.child.kill('SIGKILL');
    await first.exited;
    expect(acknowledged).toBe(300);

    const second = spawnCli(['up', '--port', '0', '--data-dir', dataDir]);
    const [, url2] = await second.waitFor(/listening on (http:\/\/[\d.:]+)/);
    expect(second.output()).not.toContain('admin key');
    expect(second.output()).toContain('replayed 10 request(s) into storage');
    expect(await storedSpans(url2!, adminKey, 'durable')).toBe(acknowledged);
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
    expect(second.output()).toContain('shutting down');
  });

  it("keeps spans waiting for their trace's tenant across a kill -9, each adopted once", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tenantry-up-parked-'));
    const config = join(dir, 'journal-only.yaml');
    writeFileSync(config, 'storage:\n  journal:\n    flushIntervalMs: 60000\n');
    const first = spawnCli(['up', '--port', '0', '--data-dir', dir, '--config', config]);
    const { url, adminKey, ingestKey } = await serverStarted(first);
    // Ten runs in the guide's pattern; every child is exported before its root.
    const spans = await recordSpans((t) => {
      for (let r = 0; r < 10; r++) recordGuideRun(t, 'patient');
    });
    const roots = spans.filter(isRootSpan);
    const children = spans.filter((s) => !isRootSpan(s));
    expect((await exportSpans(traceExporter(url, ingestKey), children)).code).toBe(0);
    expect((await exportSpans(traceExporter(url, ingestKey), roots.slice(0, 5))).code).toBe(0);
    first.child.kill('SIGKILL');
    await first.exited;

    const second = spawnCli(['up', '--port', '0', '--data-dir', dir]);
    const [, url2] = await second.waitFor(/listening on (http:\/\/[\d.:]+)/);
    expect(second.output()).toContain('replayed 2 request(s) into storage');
    // Five runs were adopted in the replay; the other five runs' children wait for their roots.
    expect(await storedSpans(url2!, adminKey, 'patient')).toBe(15);
    expect((await exportSpans(traceExporter(url2!, ingestKey), roots.slice(5))).code).toBe(0);
    expect(await storedSpans(url2!, adminKey, 'patient')).toBe(30);
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
    rmSync(dir, { recursive: true, force: true });
  });

  it('exits 2 with a clear message on a bad flag', async () => {
    const p = spawnCli(['up', '--port', 'abc']);
    expect(await p.exited).toBe(2);
    expect(p.output()).toContain('--port must be a non-negative integer');
  });

  it('exits 1 with a coded message on an invalid config file', async () => {
    const p = spawnCli(['up', '--config', join(dataDir, 'missing.yaml')]);
    expect(await p.exited).toBe(1);
    expect(p.output()).toContain('TENANTRY_E_INVALID_CONFIG');
  });
});
