import { type Context, context, INVALID_SPANID, INVALID_TRACEID, trace } from '@opentelemetry/api';
import { getScope } from '../context/tenant.js';

/** The correlation fields of a log line; absent (never wrong) outside a run or span. */
export interface TenantryLogFields {
  tenant_id?: string;
  trace_id?: string;
  span_id?: string;
  agent_id?: string;
}

/**
 * The fields tenantry adds to every log line, read from the active context. Use it as a pino
 * `mixin` or inside a winston format if you keep your own logger.
 */
export function tenantryLogFields(): TenantryLogFields {
  const ctx = context.active();
  const fields: TenantryLogFields = {};
  const scope = getScope(ctx);
  if (scope !== undefined) fields.tenant_id = scope.tenantId;
  const spanContext = trace.getSpanContext(ctx);
  // String compares instead of isSpanContextValid(): its two regexes ran on every log line, and
  // span contexts here come from the SDK or extract(), both of which validate ids already.
  if (
    spanContext !== undefined &&
    spanContext.traceId !== INVALID_TRACEID &&
    spanContext.spanId !== INVALID_SPANID
  ) {
    fields.trace_id = spanContext.traceId;
    fields.span_id = spanContext.spanId;
  }
  if (scope?.agentId !== undefined) fields.agent_id = scope.agentId;
  return fields;
}

/**
 * getLogger()'s mixin: the same fields in one fixed-shape object (absent ones undefined, which
 * pino leaves out of the line), cheaper than growing an empty object field by field.
 */
export function correlationFields(ctx: Context, fixedAgent: string | undefined): TenantryLogFields {
  const scope = getScope(ctx);
  const spanContext = trace.getSpanContext(ctx);
  const valid =
    spanContext !== undefined &&
    spanContext.traceId !== INVALID_TRACEID &&
    spanContext.spanId !== INVALID_SPANID;
  return {
    tenant_id: scope?.tenantId,
    trace_id: valid ? spanContext.traceId : undefined,
    span_id: valid ? spanContext.spanId : undefined,
    agent_id: fixedAgent ?? scope?.agentId,
  };
}
