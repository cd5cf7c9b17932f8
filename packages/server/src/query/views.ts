import type { LogRow, SpanRow } from '../storage/types.js';
import type { LogView, RunStatus, SpanCategory, SpanView } from './contract.js';

const nsToIso = (ns: bigint) => new Date(Number(ns / 1_000_000n)).toISOString();
const nsToMs = (ns: bigint | number) => Number(ns) / 1e6;

export function statusOf(code: number): RunStatus {
  return code === 2 ? 'error' : code === 1 ? 'ok' : 'unset';
}

/**
 * How the waterfall colours a span, from the operation ingest normalised (ingest/conventions). A
 * workflow step, or a span with no operation, is an LLM call when it has tokens or a model; a run
 * root that is nothing else (a plain `agent.run`, a chain or workflow at the top) is the agent run.
 */
export function categoryOf(s: SpanRow): SpanCategory {
  switch (s.operation) {
    case 'invoke_agent':
    case 'create_agent':
      return 'agent';
    case 'execute_tool':
      return 'tool';
    case 'memory':
      return 'memory';
    case 'retrieval':
      return 'retrieval';
    case 'chat':
    case 'text_completion':
    case 'generate_content':
    case 'embeddings':
      return 'llm';
  }
  if (s.operation !== 'workflow' && (s.inputTokens !== null || s.model !== null)) return 'llm';
  if ('http.request.method' in s.attributes || 'http.method' in s.attributes) return 'http';
  return s.isRun ? 'agent' : 'other';
}

export function logView(l: LogRow): LogView {
  return {
    tenantId: l.tenantId,
    time: nsToIso(l.timeUnixNano),
    timeUnixNano: l.timeUnixNano.toString(),
    severityNumber: l.severityNumber,
    severityText: l.severityText,
    body: l.body,
    traceId: l.traceId || null,
    spanId: l.spanId || null,
    serviceName: l.serviceName,
    agentId: l.agentId,
    attributes: l.attributes,
  };
}

export function spanSummaryView(s: SpanRow): Omit<SpanView, 'logs' | 'events' | 'links'> {
  return {
    tenantId: s.tenantId,
    traceId: s.traceId,
    spanId: s.spanId,
    parentSpanId: s.parentSpanId || null,
    name: s.name,
    kind: s.kind,
    category: categoryOf(s),
    startTime: nsToIso(s.startTimeUnixNano),
    startTimeUnixNano: s.startTimeUnixNano.toString(),
    endTimeUnixNano: s.endTimeUnixNano.toString(),
    durationMs: nsToMs(s.durationNs),
    status: statusOf(s.statusCode),
    statusMessage: s.statusMessage || null,
    serviceName: s.serviceName,
    operation: s.operation,
    model: s.model,
    provider: s.provider,
    toolName: s.toolName,
    errorType: s.errorType,
    inputTokens: s.inputTokens,
    outputTokens: s.outputTokens,
    attributes: s.attributes,
    resourceAttributes: s.resourceAttributes,
  };
}

export function spanView(s: SpanRow, logs: LogRow[]): SpanView {
  return {
    ...spanSummaryView(s),
    events: s.events.map((e) => ({
      time: nsToIso(e.timeUnixNano),
      timeUnixNano: e.timeUnixNano.toString(),
      name: e.name,
      attributes: e.attributes,
    })),
    links: s.links,
    logs: logs.map(logView),
  };
}

export { nsToIso, nsToMs };
