import type { LogRow, MetricPointRow, SpanRow, WriteBatch } from '../types.js';

/**
 * A fixed data set for the storage contract suite: two tenants with known runs, one unassigned
 * span and planted propagation problems, so every ReadStore method has exact expected values.
 */

export const T0_NS = 1_700_000_000_000n * 1_000_000n;
export const MS = 1_000_000n;

export const traceId = (n: number) => n.toString(16).padStart(32, '0');
export const spanId = (n: number) => n.toString(16).padStart(16, '0');

export function span(p: Partial<SpanRow> & Pick<SpanRow, 'tenantId' | 'traceId' | 'spanId'>) {
  const start = p.startTimeUnixNano ?? T0_NS;
  const duration = p.durationNs ?? MS;
  const row: SpanRow = {
    parentSpanId: '',
    name: 'work',
    kind: 1,
    startTimeUnixNano: start,
    endTimeUnixNano: start + duration,
    durationNs: duration,
    statusCode: 0,
    statusMessage: '',
    serviceName: 'agent-svc',
    scopeName: 'tenantry',
    agentId: null,
    agentName: null,
    operation: null,
    model: null,
    provider: null,
    inputTokens: null,
    outputTokens: null,
    toolName: null,
    errorType: null,
    isRun: false,
    userId: null,
    conversationId: null,
    attributes: {},
    resourceAttributes: { 'service.name': 'agent-svc' },
    events: [],
    links: [],
    ...p,
  };
  row.endTimeUnixNano = row.startTimeUnixNano + row.durationNs;
  return row;
}

/** Alpha run i (1..10): root of i*10 ms, one LLM call, one tool call; runs 1-2 fail, tools 1-3 fail. */
function alphaRun(i: number): SpanRow[] {
  const tid = traceId(i);
  const start = T0_NS + BigInt(i) * 1000n * MS;
  const agent = i % 2 === 1 ? 'support' : 'billing';
  const root = span({
    tenantId: 'alpha',
    traceId: tid,
    spanId: spanId(i * 100),
    name: `invoke_agent ${agent}`,
    startTimeUnixNano: start,
    durationNs: BigInt(i * 10) * MS,
    statusCode: i <= 2 ? 2 : 1,
    statusMessage: i <= 2 ? 'answer failed validation' : '',
    errorType: i <= 2 ? 'ValidationError' : null,
    agentId: `${agent}-v1`,
    agentName: agent,
    operation: 'invoke_agent',
    isRun: true,
    userId: i === 1 ? 'u-erase' : 'u-keep',
    attributes: { 'tenant.id': 'alpha', 'gen_ai.agent.name': agent, 'run.index': i },
  });
  const llm = span({
    tenantId: 'alpha',
    traceId: tid,
    spanId: spanId(i * 100 + 1),
    parentSpanId: root.spanId,
    name: 'chat gpt-4o-mini',
    kind: 3,
    startTimeUnixNano: start + MS,
    durationNs: 2n * MS,
    operation: 'chat',
    model: 'gpt-4o-mini',
    provider: 'openai',
    inputTokens: 100 * i,
    outputTokens: 10 * i,
    attributes: { 'tenant.id': 'alpha', 'gen_ai.request.model': 'gpt-4o-mini' },
  });
  const tools = i === 1 ? 6 : 1;
  const out = [root, llm];
  for (let k = 0; k < tools; k++) {
    out.push(
      span({
        tenantId: 'alpha',
        traceId: tid,
        spanId: spanId(i * 100 + 10 + k),
        parentSpanId: root.spanId,
        name: 'execute_tool search',
        startTimeUnixNano: start + 3n * MS + BigInt(k),
        durationNs: MS,
        operation: 'execute_tool',
        toolName: 'search',
        statusCode: i <= 3 && k === 0 ? 2 : 0,
        statusMessage: i <= 3 && k === 0 ? 'search failed' : '',
        errorType: i <= 3 && k === 0 ? 'ToolError' : null,
        attributes: { 'tenant.id': 'alpha', 'gen_ai.tool.call.arguments': '{"q":"refund"}' },
      }),
    );
  }
  return out;
}

function betaRun(i: number): SpanRow[] {
  const tid = traceId(100 + i);
  const start = T0_NS + BigInt(i) * 2000n * MS;
  const root = span({
    tenantId: 'beta',
    traceId: tid,
    spanId: spanId(5000 + i * 10),
    name: 'invoke_agent triage',
    startTimeUnixNano: start,
    durationNs: 50n * MS,
    statusCode: 1,
    agentId: 'triage-v1',
    agentName: 'triage',
    operation: 'invoke_agent',
    isRun: true,
    attributes: { 'tenant.id': 'beta', 'http.status_code': 500 },
    links: i === 1 ? [{ traceId: traceId(1), spanId: spanId(100), attributes: {} }] : [],
  });
  const llm = span({
    tenantId: 'beta',
    traceId: tid,
    spanId: spanId(5000 + i * 10 + 1),
    parentSpanId: root.spanId,
    name: 'chat mystery',
    kind: 3,
    startTimeUnixNano: start + MS,
    durationNs: 4n * MS,
    operation: 'chat',
    model: 'mystery',
    provider: 'acme',
    inputTokens: 1000,
    outputTokens: 10,
  });
  return [root, llm];
}

/** Planted problems: an orphan, a run cut off before its root, a trace shared by two tenants. */
function problems(): SpanRow[] {
  const at = T0_NS + 30_000n * MS;
  return [
    span({
      tenantId: 'alpha',
      traceId: traceId(900),
      spanId: spanId(9000),
      parentSpanId: spanId(8999),
      name: 'orphan-child',
      startTimeUnixNano: at,
    }),
    span({
      tenantId: 'alpha',
      traceId: traceId(901),
      spanId: spanId(9010),
      parentSpanId: spanId(9009),
      name: 'invoke_agent sub',
      operation: 'invoke_agent',
      startTimeUnixNano: at + MS,
    }),
    span({
      tenantId: 'beta',
      traceId: traceId(950),
      spanId: spanId(9500),
      name: 'invoke_agent shared',
      operation: 'invoke_agent',
      isRun: true,
      statusCode: 1,
      durationNs: 20n * MS,
      startTimeUnixNano: at + 2n * MS,
    }),
    span({
      tenantId: 'alpha',
      traceId: traceId(950),
      spanId: spanId(9501),
      parentSpanId: spanId(9500),
      name: 'leaked-child',
      startTimeUnixNano: at + 3n * MS,
    }),
    span({
      tenantId: '_unassigned',
      traceId: traceId(960),
      spanId: spanId(9600),
      name: 'no-tenant',
      startTimeUnixNano: at + 4n * MS,
    }),
  ];
}

export function log(p: Partial<LogRow> & Pick<LogRow, 'tenantId' | 'body'>): LogRow {
  return {
    timeUnixNano: T0_NS,
    observedTimeUnixNano: T0_NS,
    traceId: '',
    spanId: '',
    severityNumber: 9,
    severityText: 'INFO',
    serviceName: 'agent-svc',
    agentId: null,
    attributes: { 'tenant.id': p.tenantId },
    resourceAttributes: {},
    ...p,
  };
}

function metric(tenantId: string, value: number): MetricPointRow {
  return {
    tenantId,
    name: 'tenantry.agent.runs',
    kind: 'sum',
    unit: '1',
    temporality: 1,
    isMonotonic: true,
    startTimeUnixNano: T0_NS,
    timeUnixNano: T0_NS + 60_000n * MS,
    value,
    count: null,
    sum: null,
    min: null,
    max: null,
    explicitBounds: [],
    bucketCounts: [],
    serviceName: 'agent-svc',
    attributes: { 'tenant.id': tenantId },
    resourceAttributes: {},
  };
}

export function dataset(): WriteBatch {
  const spans: SpanRow[] = [];
  for (let i = 1; i <= 10; i++) spans.push(...alphaRun(i));
  for (let i = 1; i <= 3; i++) spans.push(...betaRun(i));
  spans.push(...problems());
  const logs = [
    log({
      tenantId: 'alpha',
      body: 'search returned a 48h old cache entry',
      severityNumber: 17,
      severityText: 'ERROR',
      traceId: traceId(1),
      spanId: spanId(110),
      agentId: 'support-v1',
      timeUnixNano: T0_NS + 1000n * MS + 4n * MS,
    }),
    log({
      tenantId: 'alpha',
      body: 'run started',
      traceId: traceId(1),
      spanId: spanId(100),
      agentId: 'support-v1',
      timeUnixNano: T0_NS + 1000n * MS,
    }),
    log({
      tenantId: 'alpha',
      body: 'profile viewed',
      timeUnixNano: T0_NS + 5000n * MS,
      attributes: { 'tenant.id': 'alpha', 'user.id': 'u-erase' },
    }),
    log({ tenantId: 'beta', body: 'secret plans of beta', timeUnixNano: T0_NS + 2000n * MS }),
  ];
  return { spans, logs, metrics: [metric('alpha', 10), metric('beta', 3)] };
}

export const PRICES = { 'gpt-4o-mini': { input: 0.15, output: 0.6 } };
export const RANGE = { fromNs: T0_NS - 60_000n * MS, toNs: T0_NS + 3_600_000n * MS };
