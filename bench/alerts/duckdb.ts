/**
 * The same evaluation over the embedded DuckDB storage (the demo's default): 10,000 tenants with
 * 40 minutes of runs (a root, an LLM call and a tool call each), default rules. Here the time is
 * mostly the storage's aggregate queries, which is what a real deployment pays every interval.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAlertEngine } from '../../packages/server/src/alerts/engine.js';
import { ManualClock } from '../../packages/server/src/alerts/memory.test-helper.js';
import { createWebhookNotifier } from '../../packages/server/src/alerts/notifier.js';
import { defaultAlertRules } from '../../packages/server/src/alerts/rules.js';
import type { AlertDataSource } from '../../packages/server/src/alerts/source.js';
import { whySuspect } from '../../packages/server/src/query/why-suspect.js';
import { span as spanFixture } from '../../packages/server/src/storage/contract/fixtures.js';
import { openDuckDbStorage } from '../../packages/server/src/storage/duckdb/index.js';
import type { SpanRow } from '../../packages/server/src/storage/types.js';

const MIN = 60_000;

function span(
  tenantId: string,
  traceId: string,
  spanId: string,
  parent: string,
  startMs: number,
  fields: Partial<SpanRow>,
): SpanRow {
  return spanFixture({
    tenantId,
    traceId,
    spanId,
    parentSpanId: parent,
    name: 'span',
    startTimeUnixNano: BigInt(startMs) * 1_000_000n,
    durationNs: 500_000_000n,
    serviceName: 'bench',
    scopeName: 'bench',
    agentName: 'support',
    resourceAttributes: {},
    ...fields,
  });
}

export interface DuckDbBenchResult {
  tenants: number;
  spans: number;
  evaluationsMs: number[];
  cpuMs: number[];
  queries: number;
  /** One 10-minute windowStats query over all tenants, for comparison. */
  windowQueryMs: number[];
}

export async function benchDuckDb(
  tenants: number,
  runsPerTenant: number,
  evaluations: number,
): Promise<DuckDbBenchResult> {
  const dir = await mkdtemp(join(tmpdir(), 'tenantry-bench-alerts-'));
  const storage = await openDuckDbStorage({ dataDir: dir });
  try {
    await storage.migrate();
    const t0 = Math.floor(Date.now() / MIN) * MIN;
    let batch: SpanRow[] = [];
    let spans = 0;
    let n = 0;
    for (let i = 0; i < tenants; i++) {
      const tenantId = `tenant-${String(i).padStart(5, '0')}`;
      for (let r = 0; r < runsPerTenant; r++) {
        n++;
        const at = t0 - 40 * MIN + Math.floor(((r + (i % 7) / 7) * 40 * MIN) / runsPerTenant);
        const traceId = n.toString(16).padStart(32, '0');
        const id = (k: number) => (n * 4 + k).toString(16).padStart(16, '0');
        const root = id(0);
        const failed = i % 100 === 7 && r % 4 === 0;
        batch.push(
          span(tenantId, traceId, root, '', at, {
            operation: 'invoke_agent',
            isRun: true,
            statusCode: failed ? 2 : 1,
          }),
          span(tenantId, traceId, id(1), root, at + 1, {
            operation: 'chat',
            model: 'gpt-4o-mini',
            inputTokens: 800,
            outputTokens: 200,
          }),
          span(tenantId, traceId, id(2), root, at + 2, {
            operation: 'execute_tool',
            toolName: 'search',
            attributes: { 'gen_ai.tool.call.arguments': `{"q":${r}}` },
          }),
        );
        if (batch.length >= 30_000) {
          spans += (await storage.write({ spans: batch, logs: [], metrics: [] })).spansWritten;
          batch = [];
        }
      }
    }
    spans += (await storage.write({ spans: batch, logs: [], metrics: [] })).spansWritten;

    const clock = new ManualClock(t0);
    const notifier = createWebhookNotifier({ webhooks: [] });
    const rules = defaultAlertRules();
    const engine = createAlertEngine({
      source: storage,
      store: storage,
      notifier,
      clock,
      rules: () => rules,
      dashboardUrl: 'http://127.0.0.1:4318',
      // As the server wires it: the suspect is computed on transitions to firing only.
      suspect: whySuspect(storage),
    });
    const firstStart = performance.now();
    const first = await engine.evaluateOnce();
    process.stderr.write(
      `first evaluation: ${first.transitions.filter((t) => t.to === 'firing').length} transitions to firing (a suspect computed for each), ${(performance.now() - firstStart).toFixed(0)} ms\n`,
    );
    const evaluationsMs: number[] = [];
    // Process CPU (DuckDB's threads included), steadier than wall time on a loaded machine.
    const cpuMs: number[] = [];
    let queries = 0;
    for (let e = 0; e < evaluations; e++) {
      clock.advance(30_000);
      const start = performance.now();
      const cpuStart = process.cpuUsage();
      const report = await engine.evaluateOnce();
      evaluationsMs.push(performance.now() - start);
      const cpu = process.cpuUsage(cpuStart);
      cpuMs.push((cpu.user + cpu.system) / 1000);
      queries += (report.queries + 1) / evaluations;
      if (report.errors.length > 0) throw new Error(JSON.stringify(report.errors));
    }
    await notifier.close();
    const source: AlertDataSource = storage;
    const windowQueryMs: number[] = [];
    for (let q = 0; q < 3; q++) {
      const start = performance.now();
      await source.windowStats(clock.now() - 10 * MIN, clock.now());
      windowQueryMs.push(performance.now() - start);
    }
    return { tenants, spans, evaluationsMs, cpuMs, queries, windowQueryMs };
  } finally {
    await storage.close();
    await rm(dir, { recursive: true, force: true });
  }
}
