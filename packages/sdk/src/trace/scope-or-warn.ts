import type { Context } from '@opentelemetry/api';
import { getScope, type RunScope } from '../context/tenant.js';
import { warnOnce } from '../diag/warn.js';

/**
 * The run a step belongs to. A step outside any run still gets its span (the host may trace
 * without tenants), but it is warned once and gets no tenant-labelled metrics.
 */
export function runOf(ctx: Context, helper: string): RunScope | undefined {
  const scope = getScope(ctx);
  if (scope === undefined) {
    warnOnce(
      `outside-run:${helper}`,
      `${helper}() was called outside agentRun(): its span has no tenant.id and no metrics are recorded`,
    );
  }
  return scope;
}
