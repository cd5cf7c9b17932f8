import { context, type Span, SpanStatusCode, trace } from '@opentelemetry/api';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { spanRecorder, traceExporter } from '../../../test/helpers/otlp.js';
import { type LogLine, sendLogs } from './seed-logs.js';
import { child, exportWithRetry, llm, root } from './seed-spans.js';

/**
 * A small multi-tenant agent platform's telemetry, sent over OTLP/protobuf with the official
 * OpenTelemetry SDK, shaped like our SDK shapes it: the scenario the dashboard is tested on.
 * - tenant-b: failing runs whose `get_account_data` tool returns 48-hour-old cached data;
 * - tenant-d: a noisy neighbour burning most of the fleet's tokens;
 * - tenant-c: one 2,000-span run (a loop), for the waterfall;
 * - `fillerTenants` more tenants with a few healthy runs each, for the overview.
 */
export interface SeedResult {
  /** tenant-b's last failing run handed a sub-agent to a queue: a trace of its own, linked. */
  linkedTrace: { from: string; to: string };
  /** Log records sent for tenant-b (one per run, one more per failure). */
  tenantBLogs: number;
  failingTraceIds: string[];
  /** A healthy run of tenant-a, which a key bound to tenant-b must not open. */
  otherTenantTraceId: string;
  bigTraceId: string;
  tenants: string[];
}

export const STALE_MESSAGE =
  'account data is 48h old (cached_at=2026-01-01T00:00:00Z, max_age=15m)';

export async function seed(
  baseUrl: string,
  ingestKey: string,
  fillerTenants = 996,
): Promise<SeedResult> {
  const now = Date.now();
  const { spans, tracer, close } = spanRecorder(
    { 'service.name': 'support-platform' },
    'tenantry-e2e',
  );
  const logs: LogLine[] = [];
  const failingTraceIds: string[] = [];
  let lastFailing: Span | null = null;

  // tenant-b: 12 runs, 8 of them fail because get_account_data served a stale cache entry.
  for (let i = 0; i < 12; i++) {
    const at = now - 50 * 60_000 + i * 4 * 60_000;
    const fails = i % 3 !== 0;
    const r = root(tracer, 'tenant-b', 'billing-assistant', at, `user-${i % 4}`);
    llm(tracer, r, 'tenant-b', at + 5, 420, [900, 60]);
    const mem = child(tracer, r, 'memory.get session-store', at + 430, {
      'tenant.id': 'tenant-b',
      'tenantry.operation': 'memory',
      'tenantry.memory.store': 'session-store',
      'tenantry.memory.operation': 'get',
      'tenantry.memory.key': 'session:[REDACTED]',
    });
    mem.end(at + 436);
    const tool = child(tracer, r, 'execute_tool get_account_data', at + 440, {
      'tenant.id': 'tenant-b',
      'gen_ai.operation.name': 'execute_tool',
      'gen_ai.tool.name': 'get_account_data',
      'gen_ai.tool.call.id': `call_${i}`,
      'gen_ai.tool.call.arguments': '{"account_id":"acc_[REDACTED]","fields":["balance"]}',
    });
    logs.push({
      span: tool,
      tenant: 'tenant-b',
      at: at + 445,
      severity: SeverityNumber.INFO,
      text: 'INFO',
      body: 'get_account_data cache lookup',
      attrs: { 'cache.key': 'account:acc_[REDACTED]', 'cache.hit': true },
    });
    if (fails) {
      const err = new Error(STALE_MESSAGE);
      err.name = 'StaleCacheError';
      tool.recordException(err, at + 470);
      tool.setStatus({ code: SpanStatusCode.ERROR, message: `StaleCacheError: ${STALE_MESSAGE}` });
      tool.setAttribute('error.type', 'StaleCacheError');
      logs.push({
        span: tool,
        tenant: 'tenant-b',
        at: at + 468,
        severity: SeverityNumber.WARN,
        text: 'WARN',
        body: 'cache entry age 48h exceeds max age 15m for account:acc_[REDACTED]',
        attrs: { 'cache.age_seconds': 172_800 },
      });
      r.setStatus({
        code: SpanStatusCode.ERROR,
        message: 'tool get_account_data failed: stale cache',
      });
      r.setAttribute('error.type', 'StaleCacheError');
    }
    tool.end(at + 472);
    llm(tracer, r, 'tenant-b', at + 480, 380, [1100, 140]);
    r.end(at + 900 + (fails ? 300 : 0));
    if (fails) {
      failingTraceIds.push(r.spanContext().traceId);
      lastFailing = r;
    }
  }

  // A sub-agent that tenant-b's latest failing run handed to a queue: its own trace, linked back.
  const parentRun = lastFailing;
  const queued = tracer.startSpan('invoke_agent report-writer', {
    startTime: now - 3 * 60_000,
    attributes: {
      'tenant.id': 'tenant-b',
      'gen_ai.operation.name': 'invoke_agent',
      'gen_ai.agent.name': 'report-writer',
      'gen_ai.agent.id': 'report-writer-v1',
    },
    links: parentRun ? [{ context: parentRun.spanContext() }] : [],
  });
  llm(tracer, queued, 'tenant-b', now - 3 * 60_000 + 5, 200, [300, 90]);
  queued.end(now - 3 * 60_000 + 400);

  // tenant-a, tenant-d and the fillers: healthy runs; tenant-d burns tokens.
  const healthy = ['tenant-a', 'tenant-d'];
  for (let t = 0; t < fillerTenants; t++) healthy.push(`t${String(t).padStart(4, '0')}`);
  let otherTenantTraceId = '';
  healthy.forEach((tenant, n) => {
    const runs = tenant === 'tenant-d' ? 20 : 2;
    for (let i = 0; i < runs; i++) {
      const at = now - 55 * 60_000 + ((n * 7 + i * 13) % 50) * 60_000 + i;
      const r = root(tracer, tenant, 'support', at, `u${i}`);
      const heavy = tenant === 'tenant-d';
      llm(tracer, r, tenant, at + 2, heavy ? 2500 : 300, heavy ? [60_000, 4_000] : [500, 80]);
      const ret = child(tracer, r, 'retrieval kb-articles', at + (heavy ? 2510 : 310), {
        'tenant.id': tenant,
        'tenantry.operation': 'retrieval',
        'gen_ai.data_source.id': 'kb-articles',
        'tenantry.retrieval.query': 'refund policy',
        'tenantry.retrieval.top_k': 5,
        'tenantry.retrieval.result_count': 5,
      });
      ret.end(at + (heavy ? 2540 : 340));
      r.end(at + (heavy ? 2600 : 400) + (n % 5) * 40);
      if (tenant === 'tenant-a') otherTenantTraceId = r.spanContext().traceId;
    }
  });

  // A worker that lost the trace context: its span names a parent that never arrives (Doctor).
  const lostParent = trace.setSpanContext(context.active(), {
    traceId: 'abcdef0123456789abcdef0123456789',
    spanId: '0123456789abcdef',
    traceFlags: 1,
    isRemote: true,
  });
  tracer
    .startSpan(
      'execute_tool send_invoice',
      {
        startTime: now - 10 * 60_000,
        attributes: {
          'tenant.id': 'tenant-a',
          'gen_ai.operation.name': 'execute_tool',
          'gen_ai.tool.name': 'send_invoice',
        },
      },
      lostParent,
    )
    .end(now - 10 * 60_000 + 40);

  // tenant-c: one looping run of 2,000 spans with a sub-agent.
  const bigStart = now - 20 * 60_000;
  const big = root(tracer, 'tenant-c', 'research-agent', bigStart, 'u-loop');
  let count = 1;
  let at = bigStart + 1;
  const sub = child(tracer, big, 'invoke_agent summarizer', at, {
    'tenant.id': 'tenant-c',
    'gen_ai.operation.name': 'invoke_agent',
    'gen_ai.agent.name': 'summarizer',
    'gen_ai.agent.id': 'summarizer-v1',
  });
  count++;
  for (let i = 0; count < 2000; i++) {
    const parent = i < 30 ? sub : big;
    if (i % 2 === 0) {
      llm(tracer, parent, 'tenant-c', at, 8, [400, 30]);
    } else {
      const t = child(tracer, parent, 'execute_tool web_search', at, {
        'tenant.id': 'tenant-c',
        'gen_ai.operation.name': 'execute_tool',
        'gen_ai.tool.name': 'web_search',
        'gen_ai.tool.call.arguments': '{"q":"same query"}',
      });
      t.end(at + 5);
    }
    if (i === 30) sub.end(at);
    at += 9;
    count++;
  }
  big.end(at + 5);

  await close();
  const exporter = traceExporter(baseUrl, ingestKey, 'protobuf');
  for (let i = 0; i < spans.length; i += 2000) {
    await exportWithRetry(exporter, spans.slice(i, i + 2000));
  }
  await exporter.shutdown();
  await sendLogs(baseUrl, ingestKey, logs);

  return {
    linkedTrace: {
      from: lastFailing?.spanContext().traceId ?? '',
      to: queued.spanContext().traceId,
    },
    tenantBLogs: logs.filter((l) => l.tenant === 'tenant-b').length,
    failingTraceIds,
    otherTenantTraceId,
    bigTraceId: big.spanContext().traceId,
    tenants: ['tenant-b', 'tenant-c', ...healthy],
  };
}
