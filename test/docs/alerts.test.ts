import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { ManualClock } from '../../packages/server/src/alerts/memory.test-helper.js';
import { runSpans, sendTraces } from '../../packages/server/src/alerts/otlp.test-helper.js';
import { DocCoverage, loadDocConfig, shellCommands } from '../helpers/docs.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

/**
 * docs/alerts.md: the `alerts:` block validated by the real rule parser and run as the server's
 * config, with its two webhook URLs pointed at local receivers; the curl line creates its rule;
 * failing runs of tenant B fire alerts whose JSON and Slack bodies are checked against the
 * documented body. The evaluation clock is driven by the test (no 30 s waits).
 */
const DOC = 'docs/alerts.md';
const docs = new DocCoverage([DOC]);
const yamlBlock = docs.take(DOC, 'alerts:\n');
const MIN = 60_000;
const T0 = Math.floor(Date.now() / MIN) * MIN;
const clock = new ManualClock(T0);

interface Hook {
  url: string;
  got: Array<{ headers: IncomingHttpHeaders; body: Record<string, unknown> }>;
  server: Server;
}
async function receiver(): Promise<Hook> {
  const hook: Hook = { url: '', got: [], server: createServer() };
  hook.server.on('request', (req, res) => {
    let text = '';
    req.on('data', (d: Buffer) => {
      text += d.toString();
    });
    req.on('end', () => {
      hook.got.push({ headers: req.headers, body: JSON.parse(text) as Record<string, unknown> });
      res.end('ok');
    });
  });
  await new Promise<void>((r) => hook.server.listen(0, '127.0.0.1', r));
  hook.url = `http://127.0.0.1:${(hook.server.address() as AddressInfo).port}/alerts`;
  return hook;
}

let server: TestServer;
let json: Hook;
let slack: Hook;
const failedTraces = new Set<string>();

beforeAll(async () => {
  json = await receiver();
  slack = await receiver();
  const yaml = yamlBlock.code
    .replace('https://hooks.slack.com/services/T000/B000/XXXX', slack.url)
    .replace('http://127.0.0.1:9000/alerts', json.url);
  const config = loadDocConfig(yaml);
  server = await startTestServer({
    config: { alerts: config.alerts, server: { evaluateAlerts: false } },
    clock,
    retention: false,
    compaction: false,
  });
});
afterAll(async () => {
  await server?.stop();
  for (const h of [json, slack]) h?.server.close();
});

describe('docs/alerts.md', () => {
  it('Configuring rules: a bad window is refused with the message the text quotes', () => {
    const bad = parseYaml(yamlBlock.code) as { alerts: { rules: Array<Record<string, unknown>> } };
    bad.alerts.rules[1]!.window = '10 minutes';
    const text = JSON.stringify(bad);
    expect(() => loadDocConfig(text)).toThrow(
      "invalid alert rule at alerts.rules[1].window: expected a duration like '30s', '10m', '1h' or '1d'",
    );
  });

  it('Configuring rules: the server runs its three rules next to the defaults', async () => {
    const res = await server.api<{ items: Array<{ rule: { id: string }; source: string }> }>(
      '/api/v1/alert-rules',
    );
    const ids = res.body.items.map((e) => e.rule.id);
    expect(ids).toEqual(expect.arrayContaining(['slow-runs', 'tool-errors', 'daily-budget']));
    expect(ids).toContain('default.failure-rate');
  });

  it('API: the curl line creates strict-failures as an API rule', async () => {
    const block = docs.take(DOC, 'curl -s -X PUT');
    const [cmd] = shellCommands(block.code, { TENANTRY_ADMIN_KEY: server.adminKey });
    const argv = cmd!.argv;
    expect(argv[0]).toBe('curl');
    const url = new URL(argv.find((a) => a.startsWith('http'))!);
    const headers = Object.fromEntries(
      argv
        .filter((_, i) => argv[i - 1] === '-H')
        .map((h) => [h.slice(0, h.indexOf(':')), h.slice(h.indexOf(':') + 1).trim()]),
    );
    const res = await fetch(`${server.url}${url.pathname}`, {
      method: argv[argv.indexOf('-X') + 1]!,
      headers,
      body: argv[argv.indexOf('-d') + 1]!,
    });
    expect(res.status).toBe(200);
    const got = await server.api<{ rule: { threshold: number }; source: string }>(
      '/api/v1/alert-rules/strict-failures',
    );
    expect(got.body).toMatchObject({ source: 'api', rule: { threshold: 0.02 } });
  });

  it('Notifications: a firing failure rate reaches the JSON receiver with the documented body and the Slack one as {text, blocks}', async () => {
    const doc = JSON.parse(docs.take(DOC, '{\n  "version": 1').code) as Record<string, unknown>;
    // Tenant B: 25 runs in the last 5 minutes, 3 failed (12%).
    const spans = Array.from({ length: 25 }, (_, i) => {
      const run = runSpans({
        tenantId: 'B',
        startMs: T0 - 5 * MIN + i * 10_000,
        failed: i % 8 === 0,
      });
      if (i % 8 === 0) failedTraces.add(run.traceId);
      return run.spans;
    }).flat();
    await sendTraces(server.url, server.ingestKey, spans);
    await server.alerting.engine.evaluateOnce(); // pending (`for: 1m`)
    clock.advance(2 * MIN + 1000);
    await server.alerting.engine.evaluateOnce(); // firing
    await expect.poll(() => json.got.length, { timeout: 10_000 }).toBeGreaterThanOrEqual(2);
    const body = json.got
      .map((g) => g.body)
      .find((b) => (b.rule as { id: string }).id === (doc.rule as { id: string }).id)!;
    expect(Object.keys(body).sort()).toEqual(Object.keys(doc).sort());
    expect(Object.keys(body.rule as object).sort()).toEqual(Object.keys(doc.rule as object).sort());
    for (const k of Object.keys(doc)) expect(typeof body[k], k).toBe(typeof doc[k]);
    expect(body).toMatchObject({
      version: 1,
      state: 'firing',
      repeat: false,
      tenant: 'B',
      threshold: doc.threshold,
      window: doc.window,
      windowSeconds: doc.windowSeconds,
    });
    const shape = String(doc.summary)
      .replace(/[()%.]/g, '\\$&')
      .replace(/\d+(\\\.\d+)?/g, '[\\d.]+');
    expect(body.summary).toMatch(new RegExp(`^${shape}$`));
    const base = String(doc.dashboardUrl).replace('http://127.0.0.1:4318', server.url);
    expect(body.dashboardUrl).toContain(base.slice(0, base.indexOf('&from=') + 6));
    expect(failedTraces).toContain(body.exampleTraceId);
    expect(body.exampleTraceUrl).toBe(`${server.url}/traces/${body.exampleTraceId}`);
    expect(json.got[0]!.headers.authorization).toBe('Bearer my-receiver-token');
    // `severities: [critical]`: only the critical default rule goes to Slack, not strict-failures.
    await expect.poll(() => slack.got.length, { timeout: 10_000 }).toBe(1);
    expect(Object.keys(slack.got[0]!.body).sort()).toEqual(['blocks', 'text']);
  });
});

describe('every block of docs/alerts.md', () => {
  it('is run above or says why it is not', () => {
    expect(docs.uncovered()).toEqual([]);
  });
});
