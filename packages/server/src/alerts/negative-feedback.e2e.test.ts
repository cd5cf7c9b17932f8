import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  agentRun,
  init,
  recordFeedback,
  type TenantryHandle,
  toolCall,
} from '../../../sdk/src/index.js';
import { type RunningServer, startServer } from '../server.js';
import { ManualClock } from './memory.test-helper.js';

/**
 * The default negative-feedback rule, fired by what the SDK's recordFeedback() sends: runs and
 * thumbs up/down from @tenantry/sdk over OTLP into the real server and its DuckDB storage, the
 * server's own alerting with the built-in rules evaluating them.
 */
let server: RunningServer;
let sdk: TenantryHandle;
let dir: string;
const clock = new ManualClock(Date.now());
const wrongRuns = new Set<string>();

/** `n` runs of a tenant; `verdicts[i]` is the user's thumbs (0 down, 1 up) on run i. */
async function runs(tenantId: string, verdicts: number[]): Promise<void> {
  for (const [i, score] of verdicts.entries()) {
    const ids = await agentRun({ tenantId, agentId: 'support-v1' }, async (run) => {
      // The answers users mark wrong are the ones built on the FAQ lookup: what the alert names.
      if (score < 0.5) await toolCall({ name: 'lookup_faq' }, async () => 'an outdated FAQ entry');
      // Half of the feedback arrives while the run is still going, half after it ended.
      if (i % 2 === 0) recordFeedback({ score, label: score < 0.5 ? 'wrong' : 'right' });
      return { traceId: run.traceId, spanId: run.spanId };
    });
    if (i % 2 === 1) recordFeedback({ ...ids, tenantId, score, comment: 'after the run' });
    if (score < 0.5) wrongRuns.add(ids.traceId);
  }
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tenantry-feedback-e2e-'));
  server = await startServer({
    config: { server: { port: 0, dataDir: dir, evaluateAlerts: false } },
    clock,
  });
  sdk = init({
    serviceName: 'support-platform',
    endpoint: server.url,
    apiKey: server.bootstrapKeys?.ingest ?? '',
    metrics: { exporter: 'none' },
    flushOnExit: false,
  });
  // acme: 5 of 12 answers marked wrong (42% > 30%); globex: all right; initech: 3 of 3 wrong,
  // but 3 scores are fewer than the rule's minimum of 10.
  await runs('acme', [0, 1, 1, 0, 1, 0, 1, 1, 0, 1, 0, 1]);
  await runs(
    'globex',
    Array.from({ length: 12 }, () => 1),
  );
  await runs('initech', [0, 0, 0]);
  await sdk.forceFlush();
  expect(sdk.droppedLogs()).toBe(0);
  clock.ms = Date.now() + 1000;
}, 60_000);

afterAll(async () => {
  await sdk?.shutdown();
  await server?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('default.negative-feedback', () => {
  it('fires for the tenant whose users mark more than 30% of answers wrong, and no other', async () => {
    const report = await server.alerting.engine.evaluateOnce();
    expect(report.transitions.map((t) => `${t.tenantId} ${t.ruleId} ${t.to}`)).toEqual([
      'acme default.negative-feedback firing',
    ]);
    const res = await fetch(`${server.url}/api/v1/alerts`, {
      headers: { authorization: `Bearer ${server.bootstrapKeys?.admin}` },
    });
    const { items } = (await res.json()) as {
      items: Array<{ ruleId: string; value: number; summary: string; exampleTraceId: string }>;
    };
    const alert = items.find((a) => a.ruleId === 'default.negative-feedback');
    expect(alert?.value).toBeCloseTo(5 / 12);
    expect(alert?.summary).toBe('negative feedback 41.7% (5/12 scores) over 1h, threshold 30.0%');
    expect(wrongRuns.has(alert?.exampleTraceId ?? '')).toBe(true);
  });

  it('names what the runs users marked wrong share, not what failed runs share', async () => {
    // The suspect is computed once, right after the transition (a moment after it is listed).
    type Suspect = { summary: string; failingTraceId: string | null };
    let suspect: Suspect | null = null;
    for (let i = 0; i < 50 && suspect === null; i++) {
      const res = await fetch(`${server.url}/api/v1/alerts?state=firing`, {
        headers: { authorization: `Bearer ${server.bootstrapKeys?.admin}` },
      });
      const { items } = (await res.json()) as {
        items: Array<{ ruleId: string; suspect: Suspect | null }>;
      };
      suspect = items.find((a) => a.ruleId === 'default.negative-feedback')?.suspect ?? null;
      if (suspect === null) await new Promise((r) => setTimeout(r, 100));
    }
    expect(suspect?.summary).toMatch(/lookup_faq/);
    expect(suspect?.summary).toMatch(/in 5 of 5 negatively scored runs and 0 of 7 others/);
    expect(wrongRuns.has(suspect?.failingTraceId ?? '')).toBe(true);
  });
});
