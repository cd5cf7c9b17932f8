/** The non-model steps of a run: tool calls, memory operations and retrieval. */
import { context, SpanKind } from '@opentelemetry/api';
import { getMetrics, runtime } from '../runtime.js';
import {
  ATTR_DATA_SOURCE_ID,
  ATTR_MEMORY_KEY,
  ATTR_MEMORY_OPERATION,
  ATTR_MEMORY_STORE,
  ATTR_OPERATION_NAME,
  ATTR_REDACTED_COUNT,
  ATTR_RETRIEVAL_QUERY,
  ATTR_RETRIEVAL_TOP_K,
  ATTR_TENANT_ID,
  ATTR_TENANTRY_OPERATION,
  ATTR_TOOL_ARGUMENTS,
  ATTR_TOOL_CALL_ID,
  ATTR_TOOL_NAME,
  truncate,
} from './attributes.js';
import {
  type MemorySpan,
  type RetrievalSpan,
  redactForAttribute,
  type ToolSpan,
} from './handle.js';
import { type Finisher, runInSpan } from './run-span.js';
import { runOf } from './scope-or-warn.js';

export interface ToolCallOptions {
  name: string;
  /** Recorded as `gen_ai.tool.call.arguments` only after redaction and truncation. */
  args?: unknown;
  callId?: string;
}

export interface MemoryOpOptions {
  store: string;
  operation: 'read' | 'write' | 'delete' | 'search';
  key?: string;
}

export interface RetrievalOptions {
  /** Recorded as `tenantry.retrieval.query` after redaction. */
  query: string;
  source: string;
  topK?: number;
}

/**
 * A tool execution: span `execute_tool {name}`. The callback's return value is recorded as the
 * result only when `captureContent` is on (or set explicitly with `span.setResult`).
 */
export function toolCall<T>(options: ToolCallOptions, fn: (span: ToolSpan) => T): T {
  const ctx = context.active();
  const scope = runOf(ctx, 'toolCall');
  const name = String(options.name);
  const attributes: Record<string, string | number> = {
    [ATTR_OPERATION_NAME]: 'execute_tool',
    [ATTR_TOOL_NAME]: name,
  };
  if (options.callId !== undefined) attributes[ATTR_TOOL_CALL_ID] = options.callId;
  if (scope !== undefined) attributes[ATTR_TENANT_ID] = scope.tenantId;
  let redacted = 0;
  if (options.args !== undefined) {
    const args = redactForAttribute(options.args, scope?.tenantId);
    attributes[ATTR_TOOL_ARGUMENTS] = args.text;
    redacted = args.count;
    if (redacted > 0) attributes[ATTR_REDACTED_COUNT] = redacted;
  }
  return runInSpan(
    `execute_tool ${name}`,
    { kind: SpanKind.INTERNAL, attributes },
    ctx,
    scope?.tenantId,
    fn,
    TOOL_FINISHER,
    name,
    redacted,
  );
}

const TOOL_FINISHER: Finisher = {
  timed: false,
  finish(handle, result, error) {
    if (error === undefined && runtime.captureContent && !handle.resultSet) {
      handle.setResult(result);
    }
    if (handle.tenantId !== undefined) {
      getMetrics()?.recordTool(
        handle.tenantId,
        handle.info as string,
        error === undefined ? 'ok' : 'error',
      );
    }
  },
};

/** A read/write/delete/search on an agent memory store: span `memory.{operation} {store}`. */
export function memoryOp<T>(options: MemoryOpOptions, fn: (span: MemorySpan) => T): T {
  const ctx = context.active();
  const scope = runOf(ctx, 'memoryOp');
  const attributes: Record<string, string> = {
    [ATTR_TENANTRY_OPERATION]: 'memory',
    [ATTR_MEMORY_STORE]: String(options.store),
    [ATTR_MEMORY_OPERATION]: String(options.operation),
  };
  if (options.key !== undefined) {
    attributes[ATTR_MEMORY_KEY] = truncate(String(options.key), runtime.maxAttributeLength);
  }
  if (scope !== undefined) attributes[ATTR_TENANT_ID] = scope.tenantId;
  return runInSpan(
    `memory.${options.operation} ${options.store}`,
    { kind: SpanKind.INTERNAL, attributes },
    ctx,
    scope?.tenantId,
    fn,
  );
}

/**
 * A retrieval from a knowledge source: span `retrieval {source}`. The result count comes from
 * `span.setResultCount(n)` or, when the callback returns an array, from its length.
 */
export function retrieval<T>(options: RetrievalOptions, fn: (span: RetrievalSpan) => T): T {
  const ctx = context.active();
  const scope = runOf(ctx, 'retrieval');
  const attributes: Record<string, string | number> = {
    [ATTR_TENANTRY_OPERATION]: 'retrieval',
    [ATTR_DATA_SOURCE_ID]: String(options.source),
  };
  if (options.topK !== undefined && Number.isFinite(options.topK)) {
    attributes[ATTR_RETRIEVAL_TOP_K] = options.topK;
  }
  if (scope !== undefined) attributes[ATTR_TENANT_ID] = scope.tenantId;
  const query = redactForAttribute(options.query, scope?.tenantId);
  attributes[ATTR_RETRIEVAL_QUERY] = query.text;
  if (query.count > 0) attributes[ATTR_REDACTED_COUNT] = query.count;
  return runInSpan(
    `retrieval ${options.source}`,
    { kind: SpanKind.INTERNAL, attributes },
    ctx,
    scope?.tenantId,
    fn,
    RETRIEVAL_FINISHER,
    undefined,
    query.count,
  );
}

const RETRIEVAL_FINISHER: Finisher = {
  timed: false,
  finish(handle, result) {
    if (handle.resultCount === undefined && Array.isArray(result)) {
      handle.setResultCount(result.length);
    }
  },
};
