import type { Attributes, AttributeValue, Span } from '@opentelemetry/api';
import { warnOnce } from '../diag/warn.js';
import { getMetrics, runtime } from '../runtime.js';
import {
  ATTR_CACHE_CREATION_TOKENS,
  ATTR_CACHE_READ_TOKENS,
  ATTR_FINISH_REASONS,
  ATTR_INPUT_TOKENS,
  ATTR_OUTPUT_TOKENS,
  ATTR_REASONING_TOKENS,
  ATTR_REDACTED_COUNT,
  ATTR_RESPONSE_MODEL,
  ATTR_RETRIEVAL_RESULT_COUNT,
  ATTR_TOOL_RESULT,
  toJson,
  truncate,
} from './attributes.js';

/** Token counts of one model call; unknown counts are left out rather than recorded as 0. */
export interface TokenUsage {
  inputTokens?: number;
  outputTokens?: number;
  cacheReadInputTokens?: number;
  cacheCreationInputTokens?: number;
  reasoningOutputTokens?: number;
}

/** What every helper's callback receives: the tenant, ids for correlation, and the raw span. */
export interface SpanHandle {
  /** The underlying OTel span, for anything the handle does not cover. */
  readonly span: Span;
  /** Undefined only when a helper is used outside any run (warned once). */
  readonly tenantId: string | undefined;
  readonly traceId: string;
  readonly spanId: string;
  /** Strings longer than the attribute limit are cut with a `…[truncated N chars]` marker. */
  setAttribute(key: string, value: AttributeValue | undefined): this;
  setAttributes(attributes: Attributes): this;
  addEvent(name: string, attributes?: Attributes): this;
}

export type AgentSpan = SpanHandle;
export type MemorySpan = SpanHandle;

export interface LlmSpan extends SpanHandle {
  /** Overrides what would be taken from the callback's response. */
  recordUsage(usage: TokenUsage): this;
  setResponseModel(model: string): this;
  setFinishReasons(reasons: readonly string[]): this;
}

export interface ToolSpan extends SpanHandle {
  /** Recorded (redacted, truncated) only when `captureContent` is on; ignored otherwise. */
  setResult(result: unknown): this;
}

export interface RetrievalSpan extends SpanHandle {
  setResultCount(count: number): this;
}

/** One implementation behind all handle types; the types above narrow what each helper offers. */
export class TenantrySpanHandle implements LlmSpan, ToolSpan, RetrievalSpan {
  readonly span: Span;
  readonly tenantId: string | undefined;
  usage: TokenUsage | undefined;
  resultCount: number | undefined;
  responseModel: string | undefined;
  finishReasonsSet = false;
  resultSet = false;
  /** Findings redacted so far on this span (also already on its attributes). */
  redactedCount: number;
  /** What the helper's finisher needs (agent id, tool name, model call attributes). */
  readonly info: unknown;

  constructor(span: Span, tenantId: string | undefined, info: unknown, redactedCount: number) {
    this.span = span;
    this.tenantId = tenantId;
    this.info = info;
    this.redactedCount = redactedCount;
  }

  get traceId(): string {
    return this.span.spanContext().traceId;
  }

  get spanId(): string {
    return this.span.spanContext().spanId;
  }

  setAttribute(key: string, value: AttributeValue | undefined): this {
    if (value === undefined) return this;
    this.span.setAttribute(
      key,
      typeof value === 'string' ? truncate(value, runtime.maxAttributeLength) : value,
    );
    return this;
  }

  setAttributes(attributes: Attributes): this {
    for (const key in attributes) this.setAttribute(key, attributes[key]);
    return this;
  }

  addEvent(name: string, attributes?: Attributes): this {
    this.span.addEvent(name, attributes);
    return this;
  }

  recordUsage(usage: TokenUsage): this {
    this.usage = this.usage === undefined ? usage : { ...this.usage, ...usage };
    setCount(this.span, ATTR_INPUT_TOKENS, usage.inputTokens);
    setCount(this.span, ATTR_OUTPUT_TOKENS, usage.outputTokens);
    setCount(this.span, ATTR_CACHE_READ_TOKENS, usage.cacheReadInputTokens);
    setCount(this.span, ATTR_CACHE_CREATION_TOKENS, usage.cacheCreationInputTokens);
    setCount(this.span, ATTR_REASONING_TOKENS, usage.reasoningOutputTokens);
    return this;
  }

  setResponseModel(model: string): this {
    this.responseModel = model;
    return this.setAttribute(ATTR_RESPONSE_MODEL, model);
  }

  setFinishReasons(reasons: readonly string[]): this {
    this.finishReasonsSet = true;
    this.span.setAttribute(ATTR_FINISH_REASONS, [...reasons]);
    return this;
  }

  setResultCount(count: number): this {
    if (!Number.isFinite(count) || count < 0) {
      warnOnce('result-count', `setResultCount() ignored a non-count value: ${String(count)}`);
      return this;
    }
    this.resultCount = Math.floor(count);
    this.span.setAttribute(ATTR_RETRIEVAL_RESULT_COUNT, this.resultCount);
    return this;
  }

  setResult(result: unknown): this {
    this.resultSet = true;
    if (!runtime.captureContent) return this;
    return this.setAttribute(ATTR_TOOL_RESULT, this.redactToJson(result));
  }

  /** Redacts, serialises and counts findings; the count goes on the span, the values never do. */
  redactToJson(value: unknown): string {
    const out = redactForAttribute(value, this.tenantId);
    if (out.count > 0) {
      this.redactedCount += out.count;
      this.span.setAttribute(ATTR_REDACTED_COUNT, this.redactedCount);
    }
    return out.text;
  }
}

/**
 * Redacted, serialised and truncated text for an attribute, before or after a span starts
 * (helpers put arguments into the start attributes). Findings are counted in the metric here.
 */
export function redactForAttribute(
  value: unknown,
  tenantId: string | undefined,
): { text: string; count: number } {
  const out = runtime.redactor(value, { tenantId });
  if (out.count > 0) getMetrics()?.recordRedactions(tenantId, out.count);
  return { text: truncate(toJson(out.value), runtime.maxAttributeLength), count: out.count };
}

function setCount(span: Span, key: string, value: number | undefined): void {
  if (value === undefined) return;
  if (!Number.isFinite(value) || value < 0) {
    warnOnce('token-count', `ignored a token count that is not a non-negative number: ${value}`);
    return;
  }
  span.setAttribute(key, value);
}
