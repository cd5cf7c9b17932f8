import type { SpanRow } from './types.js';

/**
 * A trace's tenant as one span of an unbound key stated it (ingest/trace-tenant.ts). Spans of that
 * trace that state no tenant take it: the ones parked before it arrived, and any that come after.
 */
export interface TraceClaim {
  traceId: string;
  tenantId: string;
  /** Stated by the trace's root span: the root's word wins over any other span's. */
  fromRoot: boolean;
}

/**
 * Which of two claims on one trace decides its tenant: the root's, then the smallest tenant id.
 * Every server and every replay picks the same one, whatever order the claims arrived in. A trace
 * with claims of two tenants is a leak that `tenantry doctor` reports (mixed_tenant_trace).
 */
export function preferredClaim(a: TraceClaim, b: TraceClaim): TraceClaim {
  if (a.fromRoot !== b.fromRoot) return a.fromRoot ? a : b;
  return a.tenantId <= b.tenantId ? a : b;
}

/** The deciding claim per trace id. */
export function decideTraceTenants(claims: Iterable<TraceClaim>): Map<string, TraceClaim> {
  const out = new Map<string, TraceClaim>();
  for (const c of claims) {
    const seen = out.get(c.traceId);
    out.set(c.traceId, seen === undefined ? c : preferredClaim(seen, c));
  }
  return out;
}

/** A parked span (tenant unknown) given its trace's tenant: the row it is stored as. */
export function adopt(span: SpanRow, tenantId: string): SpanRow {
  return { ...span, tenantId };
}
