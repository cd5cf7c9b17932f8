import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page, TenantsResponse, TraceResponse } from '@tenantry/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { defaultAlertRules, parseAlertRule } from '../../packages/server/src/alerts/rules.js';
import { journalSettings } from '../../packages/server/src/config/config.js';
import { DocCoverage, loadDocConfig } from '../helpers/docs.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

/**
 * docs/configuration.md: every YAML block is read as `tenantry up --config` reads it and validated
 * by the real schema, alert rule parser and redaction policy parser; the complete example then
 * runs a server (on DuckDB: no ClickHouse here) whose behaviour is checked against the text.
 */
const DOC = 'docs/configuration.md';
const docs = new DocCoverage([DOC]);
const complete = docs.take(DOC, 'server:\n  host: 0.0.0.0');
const ingestBlock = docs.take(DOC, 'ingest:\n  # In order of preference.');
const defaultRules = docs.take(DOC, '- id: default.failure-rate');
const clickHouseJournal = docs.take(
  DOC,
  'server:\n  dataDir: /var/lib/tenantry # a persistent volume',
);

const CA_PATH = '/etc/tenantry/clickhouse-ca.pem';
let server: TestServer;
let caDir = '';

type Attr = { key: string; value: { stringValue: string } | { intValue: string } };
const attrs = (o: Record<string, string | number>): Attr[] =>
  Object.entries(o).map(([key, v]) => ({
    key,
    value: typeof v === 'number' ? { intValue: String(v) } : { stringValue: v },
  }));
const hex = (n: number) =>
  Array.from({ length: n }, () => '0123456789abcdef'[Math.floor(Math.random() * 16)]).join('');

/** One run: a root with `rootAttrs` and a gpt-4o-mini call of 1 M input and 1 M output tokens. */
async function sendRun(rootAttrs: Record<string, string>, resource: Record<string, string> = {}) {
  const traceId = hex(32);
  const root = hex(16);
  const now = BigInt(Date.now()) * 1_000_000n;
  const span = (
    spanId: string,
    parent: string,
    name: string,
    a: Record<string, string | number>,
  ) => ({
    traceId,
    spanId,
    parentSpanId: parent,
    name,
    kind: 1,
    startTimeUnixNano: String(now),
    endTimeUnixNano: String(now + 1_000_000n),
    attributes: attrs(a),
    status: { code: 1 },
  });
  const body = {
    resourceSpans: [
      {
        resource: { attributes: attrs({ 'service.name': 'docs', ...resource }) },
        scopeSpans: [
          {
            spans: [
              span(hex(16), root, 'chat gpt-4o-mini', {
                'gen_ai.operation.name': 'chat',
                'gen_ai.request.model': 'gpt-4o-mini',
                'gen_ai.usage.input_tokens': 1_000_000,
                'gen_ai.usage.output_tokens': 1_000_000,
              }),
              span(root, '', 'invoke_agent support', {
                'gen_ai.operation.name': 'invoke_agent',
                ...rootAttrs,
              }),
            ],
          },
        ],
      },
    ],
  };
  const res = await fetch(`${server.url}/v1/traces`, {
    method: 'POST',
    headers: { authorization: `Bearer ${server.ingestKey}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(res.status).toBe(200);
  return traceId;
}

beforeAll(async () => {
  caDir = mkdtempSync(join(tmpdir(), 'tenantry-doc-ca-'));
  const ca = join(caDir, 'ca.pem');
  writeFileSync(ca, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
  const config = loadDocConfig(complete.code.replace(CA_PATH, ca)) as unknown as Record<
    string,
    Record<string, unknown>
  >;
  // The example's ClickHouse is not here: the same file on the default engine. Its address and
  // data dir are the test's; evaluateAlerts off keeps the example's Slack webhook unreached.
  // Its `ingest` section is replaced by the `ingest` block, as a reader adopting it would.
  const ingest = (parseYaml(ingestBlock.code) as { ingest: Record<string, unknown> }).ingest;
  const dataDir = join(caDir, 'data');
  server = await startTestServer({
    config: {
      ...config,
      server: { ...config.server, host: '127.0.0.1', port: 0, dataDir, evaluateAlerts: false },
      storage: { engine: 'duckdb' },
      ingest,
    },
    retention: false,
    compaction: false,
  });
});
afterAll(async () => {
  await server?.stop();
  rmSync(caDir, { recursive: true, force: true });
});

describe('docs/configuration.md: A complete example', () => {
  it('is refused naming storage.clickhouse.caFile while its CA file does not exist', () => {
    expect(complete.code).toContain(`caFile: ${CA_PATH}`);
    expect(() => loadDocConfig(complete.code)).toThrow(
      /TENANTRY_E_INVALID_CONFIG|storage\.clickhouse\.caFile: cannot read/,
    );
  });

  it('starts a server that has the config rule next to the four default rules', async () => {
    const rules = await server.api<{ items: Array<{ rule: { id: string }; source: string }> }>(
      '/api/v1/alert-rules',
    );
    expect(rules.status).toBe(200);
    expect(rules.body.items.map((r) => r.rule.id).sort()).toEqual([
      'default.failure-rate',
      'default.negative-feedback',
      'default.runaway-run',
      'default.token-anomaly',
      'p95-latency',
    ]);
    expect(rules.body.items.find((r) => r.rule.id === 'p95-latency')?.source).toBe('config');
  });

  it('redacts at ingest as its policy says: EMAIL hashed, customer_notes removed, not for internal-sandbox', async () => {
    const email = 'jane.doe@example.com';
    const notes = 'asked about the refund';
    const stored = async (tenant: string) => {
      const traceId = await sendRun({
        'tenant.id': tenant,
        'user.email': email,
        customer_notes: notes,
      });
      const trace = await server.api<TraceResponse>(`/api/v1/traces/${traceId}`);
      expect(trace.status).toBe(200);
      return trace.body.spans.find((s) => s.name.startsWith('invoke_agent'))!.attributes;
    };
    const acme = await stored('acme');
    expect(JSON.stringify(acme)).not.toContain(email);
    expect(JSON.stringify(acme)).not.toContain(notes);
    expect(String(acme['user.email'])).toMatch(/EMAIL/);
    const sandbox = await stored('internal-sandbox');
    expect(sandbox).toMatchObject({ 'user.email': email, customer_notes: notes });
  });

  it('prices tokens from its pricing table: 1 M in and 1 M out of gpt-4o-mini cost 0.15 + 0.6 USD', async () => {
    await sendRun({ 'tenant.id': 'priced' });
    const res = await server.api<TenantsResponse>('/api/v1/tenants?limit=100');
    const row = res.body.items.find((t) => t.tenantId === 'priced');
    expect(row?.cost).toEqual({ usd: expect.closeTo(0.75, 6), unpricedModels: [] });
  });
});

describe('docs/configuration.md: ingest', () => {
  it('the block is a valid tenantry.yaml', () => {
    expect(loadDocConfig(ingestBlock.code).ingest.tenantAttributes).toContain('metadata.tenant_id');
  });

  it('a tenant in a resource attribute or in OpenInference metadata JSON is found', async () => {
    const fromResource = await sendRun({}, { 'customer.id': 'globex' });
    const fromMetadata = await sendRun({ metadata: JSON.stringify({ tenant_id: 'initech' }) });
    for (const [traceId, tenant] of [
      [fromResource, 'globex'],
      [fromMetadata, 'initech'],
    ] as const) {
      const runs = await server.api<Page<{ traceId: string }>>(`/api/v1/runs?tenant=${tenant}`);
      expect(runs.body.items.map((r) => r.traceId)).toEqual([traceId]);
    }
  });
});

describe('docs/configuration.md: the journal on ClickHouse', () => {
  it('the block turns the journal on with ClickHouse flush defaults', () => {
    const config = loadDocConfig(clickHouseJournal.code);
    expect(config.storage.engine).toBe('clickhouse');
    expect(journalSettings(config)).toMatchObject({
      enabled: true,
      flushRows: 100_000,
      flushIntervalMs: 1_000,
    });
  });
});

describe('docs/configuration.md: Default rules', () => {
  it('lists exactly the rules the server ships, field for field', () => {
    const listed = (parseYaml(defaultRules.code) as unknown[]).map((r, i) =>
      parseAlertRule(r, `rules[${i}]`),
    );
    expect(listed).toEqual(defaultAlertRules());
  });
});

describe('every block of docs/configuration.md', () => {
  it('is run above or says why it is not', () => {
    expect(docs.uncovered()).toEqual([]);
  });
});
