import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Page, RunSummary, TenantSummary, TenantsResponse } from '@tenantry/server';
import { expect, it } from 'vitest';
import { REPO_ROOT } from './process.js';
import { startTestServer, type TestServer } from './server.js';

/**
 * Shared checks for the third-party interop examples (examples/<scenario>): each example runs real
 * instrumentation from npm (OpenInference, OpenLLMetry, the Vercel AI SDK, the OpenAI Agents SDK,
 * plain OTel) against the local fake LLM, sends OTLP to a real tenantry server with the platform
 * ingest key, and the test checks what the query API answers, per tenant.
 *
 * Every example runs two tenants: `acme`, whose search_web tool call fails, then `globex`, all OK.
 * The fake LLM answers every call with FAKE_USAGE tokens, so token sums are exact.
 */

export const FAKE_USAGE = { input: 100, output: 20 } as const;

/** What one tenant's row of GET /api/v1/tenants must say. */
export interface TenantExpectation {
  /** Every span of the tenant's traces, children included (the tenant set on the root only). */
  spans: number;
  runs: number;
  failedRuns: number;
  llmCalls: number;
  toolCalls: number;
  toolErrors: number;
  /** LLM calls times FAKE_USAGE unless given. */
  inputTokens?: number;
  outputTokens?: number;
}

/** One run of GET /api/v1/runs?tenant=..., in the fields the examples control. */
export interface RunExpectation {
  status: RunSummary['status'];
  llmCalls: number;
  toolCalls: number;
  toolErrors: number;
  inputTokens?: number;
  outputTokens?: number;
}

/**
 * A real server on a fresh data dir. `tenantAttributes` sets `ingest.tenantAttributes`, the
 * attribute names that hold a tenant (default `tenant.id`, `tenant_id`): what a platform whose
 * instrumentation keeps the tenant elsewhere (OpenInference metadata, Vercel AI telemetry
 * metadata, Traceloop association properties) puts in its config.
 */
export async function startInteropServer(tenantAttributes?: string[]): Promise<TestServer> {
  return startTestServer({
    alerts: false,
    retention: false,
    ...(tenantAttributes ? { config: { ingest: { tenantAttributes } } } : {}),
  });
}

/**
 * Runs `node examples/<name>` against `server` with only the variables a user would set: the OTLP
 * endpoint, the platform ingest key and the fake LLM's fixed usage (plus `env`). No provider keys,
 * no vendor telemetry.
 */
export async function runInteropExample(
  name: string,
  server: TestServer,
  env: Record<string, string> = {},
): Promise<void> {
  await promisify(execFile)(process.execPath, [`examples/${name}`], {
    cwd: REPO_ROOT,
    timeout: 60_000,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      OTEL_EXPORTER_OTLP_ENDPOINT: server.url,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
      TENANTRY_INGEST_KEY: server.ingestKey,
      FAKE_OPENAI_USAGE: `${FAKE_USAGE.input},${FAKE_USAGE.output}`,
      // Vendor tracing and telemetry that would phone home: off (the examples do not need them).
      LANGCHAIN_TRACING_V2: 'false',
      LANGSMITH_TRACING: 'false',
      TRACELOOP_TELEMETRY: 'false',
      ...env,
    },
  });
}

const TENANT_FIELDS = [
  'spans',
  'runs',
  'failedRuns',
  'llmCalls',
  'toolCalls',
  'toolErrors',
  'toolErrorRate',
  'inputTokens',
  'outputTokens',
] as const;

type TenantRow = Pick<TenantSummary, (typeof TENANT_FIELDS)[number]>;

function pickTenant(t: TenantSummary): TenantRow {
  return Object.fromEntries(TENANT_FIELDS.map((k) => [k, t[k]])) as TenantRow;
}

function expectedRow(e: TenantExpectation): TenantRow {
  return {
    spans: e.spans,
    runs: e.runs,
    failedRuns: e.failedRuns,
    llmCalls: e.llmCalls,
    toolCalls: e.toolCalls,
    toolErrors: e.toolErrors,
    toolErrorRate: e.toolCalls === 0 ? null : e.toolErrors / e.toolCalls,
    inputTokens: e.inputTokens ?? e.llmCalls * FAKE_USAGE.input,
    outputTokens: e.outputTokens ?? e.llmCalls * FAKE_USAGE.output,
  };
}

async function tenantRows(server: TestServer): Promise<Record<string, TenantRow>> {
  const res = await server.api<TenantsResponse>('/api/v1/tenants?limit=100');
  if (res.status !== 200)
    throw new Error(`/api/v1/tenants: ${res.status} ${JSON.stringify(res.body)}`);
  return Object.fromEntries(res.body.items.map((t) => [t.tenantId, pickTenant(t)]));
}

/**
 * GET /api/v1/tenants lists exactly `expected` (so `_unassigned` and any stray tenant are absent),
 * each with exactly these numbers. Ingest acknowledges before it commits and may settle a trace's
 * tenant later, so this polls until the answer matches or `timeoutMs` passes (the failure shows
 * the last answer against the expectation).
 */
export async function expectTenantSummaries(
  server: TestServer,
  expected: Record<string, TenantExpectation>,
  timeoutMs = 6_000,
): Promise<void> {
  const want = Object.fromEntries(
    Object.entries(expected).map(([tenant, e]) => [tenant, expectedRow(e)]),
  );
  await expect.poll(() => tenantRows(server), { timeout: timeoutMs, interval: 100 }).toEqual(want);
}

/** GET /api/v1/runs?tenant= answers exactly these runs (order-independent). */
export async function expectRuns(
  server: TestServer,
  tenant: string,
  expected: RunExpectation[],
): Promise<RunSummary[]> {
  const res = await server.api<Page<RunSummary>>(
    `/api/v1/runs?tenant=${encodeURIComponent(tenant)}&limit=100`,
  );
  expect(res.status).toBe(200);
  const got = res.body.items.map((r) => ({
    status: r.status,
    llmCalls: r.llmCalls,
    toolCalls: r.toolCalls,
    toolErrors: r.toolErrors,
    inputTokens: r.inputTokens,
    outputTokens: r.outputTokens,
  }));
  const want = expected.map((e) => ({
    ...e,
    inputTokens: e.inputTokens ?? e.llmCalls * FAKE_USAGE.input,
    outputTokens: e.outputTokens ?? e.llmCalls * FAKE_USAGE.output,
  }));
  const key = (r: object) => JSON.stringify(r);
  expect(got.map(key).sort()).toEqual(want.map(key).sort());
  for (const r of res.body.items) expect(r.tenantId).toBe(tenant);
  return res.body.items;
}

/** `_unassigned` has no runs (the tenant summary check already shows it has no spans). */
export async function expectNothingUnassigned(server: TestServer): Promise<void> {
  const res = await server.api<Page<RunSummary>>('/api/v1/runs?tenant=_unassigned');
  expect(res.status).toBe(200);
  expect(res.body.items).toEqual([]);
}

/**
 * The whole check for the usual shape: acme (tool fails) and globex (all OK), one run each, the
 * tenant totals, each run's numbers, nothing unassigned.
 */
export async function expectAcmeAndGlobex(
  server: TestServer,
  expected: {
    acme: TenantExpectation & { runStatus: RunSummary['status'] };
    globex: TenantExpectation & { runStatus: RunSummary['status'] };
  },
): Promise<void> {
  const { acme, globex } = expected;
  await expectTenantSummaries(server, { acme, globex });
  for (const [tenant, e] of [
    ['acme', acme],
    ['globex', globex],
  ] as const) {
    await expectRuns(server, tenant, [
      {
        status: e.runStatus,
        llmCalls: e.llmCalls,
        toolCalls: e.toolCalls,
        toolErrors: e.toolErrors,
      },
    ]);
  }
  await expectNothingUnassigned(server);
}

type Expected = Parameters<typeof expectAcmeAndGlobex>[1];
type Pair<T> = [acme: T, globex: T];

/**
 * What every example's two runs come to: acme's search_web call fails and globex's does not, one
 * tool call and one run each; per tenant its span count, LLM calls and run status (a run fails when
 * its root's status is error; some frameworks hand the tool error to the model and answer).
 */
export function acmeToolFails(o: {
  spans: Pair<number>;
  llmCalls: Pair<number>;
  status: Pair<RunSummary['status']>;
}): Expected {
  const tenant = (i: 0 | 1) => ({
    spans: o.spans[i],
    runs: 1,
    failedRuns: o.status[i] === 'error' ? 1 : 0,
    llmCalls: o.llmCalls[i],
    toolCalls: 1,
    toolErrors: i === 0 ? 1 : 0,
    runStatus: o.status[i],
  });
  return { acme: tenant(0), globex: tenant(1) };
}

/**
 * One test: `node examples/<example>` against a fresh server (with `tenantAttributes` as its
 * ingest.tenantAttributes), then the whole acme/globex check.
 */
export function itRunsExample(
  title: string,
  c: {
    example: string;
    expected: Expected;
    tenantAttributes?: string[];
    env?: Record<string, string>;
  },
): void {
  it(title, async () => {
    const server = await startInteropServer(c.tenantAttributes);
    try {
      await runInteropExample(c.example, server, c.env);
      await expectAcmeAndGlobex(server, c.expected);
    } finally {
      await server.stop();
    }
  });
}
