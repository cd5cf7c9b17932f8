/**
 * Carrying a run across a boundary (queue message, HTTP request, worker thread). The tenant goes
 * in its own `tenantry-tenant` entry next to W3C `traceparent`/`tracestate`, not in baggage, so
 * auto-instrumented clients never forward it to third parties.
 */
import {
  type Context,
  context,
  defaultTextMapGetter,
  defaultTextMapSetter,
  ROOT_CONTEXT,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { warnOnce } from '../diag/warn.js';
import { getScope, type RunScope, setScope, validateTenantId } from './tenant.js';

export const TENANT_CARRIER_KEY = 'tenantry-tenant';
export const AGENT_CARRIER_KEY = 'tenantry-agent';

const w3c = new W3CTraceContextPropagator();

/** A plain object of string entries: HTTP headers, message attributes, `workerData`. */
export type Carrier = Record<string, unknown>;

/** Writes the active trace context and tenant into `carrier` and returns it. */
export function inject<C extends Carrier>(carrier: C): C {
  const ctx = context.active();
  w3c.inject(ctx, carrier, defaultTextMapSetter);
  const scope = getScope(ctx);
  if (scope !== undefined) {
    (carrier as Carrier)[TENANT_CARRIER_KEY] = encodeURIComponent(scope.tenantId);
    if (scope.agentId !== undefined) {
      (carrier as Carrier)[AGENT_CARRIER_KEY] = encodeURIComponent(scope.agentId);
    }
  }
  return carrier;
}

/**
 * Runs `fn` as a continuation of the injected span, with its tenant active again. A malformed
 * tenant entry is dropped with a warning (not thrown): carriers come from outside the process.
 */
export function extract<T>(carrier: Carrier, fn: () => T): T {
  return context.with(extractContext(carrier), fn);
}

/** The Context `extract()` runs in, for callers that manage context themselves. */
export function extractContext(carrier: Carrier, base: Context = ROOT_CONTEXT): Context {
  const headers = normalise(carrier);
  let ctx = w3c.extract(base, headers, defaultTextMapGetter);
  const tenantId = decode(headers[TENANT_CARRIER_KEY]);
  if (tenantId !== undefined) {
    try {
      const scope: RunScope = {
        tenantId: validateTenantId(tenantId),
        agentId: decode(headers[AGENT_CARRIER_KEY]),
      };
      ctx = setScope(ctx, scope);
    } catch {
      warnOnce('extract-tenant', 'extract() ignored an invalid tenantry-tenant entry');
    }
  }
  return ctx;
}

/** Node lower-cases incoming header names and may give arrays; carriers may hold anything. */
function normalise(carrier: Carrier): Record<string, string> {
  const out: Record<string, string> = {};
  if (typeof carrier !== 'object' || carrier === null) return out;
  for (const [key, value] of Object.entries(carrier)) {
    const v = Array.isArray(value) ? value[0] : value;
    if (typeof v === 'string') out[key.toLowerCase()] = v;
  }
  return out;
}

function decode(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  try {
    return decodeURIComponent(value);
  } catch {
    return undefined;
  }
}
