import type { ReadStore, TraceRead } from './read-types.js';
import type { LogRow, TenantScope } from './types.js';

/**
 * A trace's page read in turn, for an engine that finds a trace's tenants only from its spans:
 * the spans, then each tenant's logs at once (a tenant-bound scope's logs beside the spans), and
 * no linking spans read ahead (the caller asks linkedTraces once it knows the trace's time).
 */
export async function readTraceInTurn(
  store: Pick<ReadStore, 'traceSpans' | 'traceLogs'>,
  scope: TenantScope,
  traceId: string,
): Promise<TraceRead> {
  const bound = scope.tenantId === null ? null : store.traceLogs(scope, traceId);
  // Awaited below; until then a failure must not count as unhandled (the spans may fail first).
  bound?.catch(() => {});
  const spans = await store.traceSpans(scope, traceId);
  const tenants = [...new Set(spans.map((s) => s.tenantId))];
  const logs =
    bound !== null
      ? await bound
      : (
          await Promise.all(tenants.map((tenantId) => store.traceLogs({ tenantId }, traceId)))
        ).flat();
  return { spans, logs: byTime(logs), linking: null };
}

/** Logs of several reads in one time order (stable: each read's own order kept within a time). */
export function byTime(logs: LogRow[]): LogRow[] {
  return logs.sort((a, b) =>
    a.timeUnixNano < b.timeUnixNano ? -1 : a.timeUnixNano > b.timeUnixNano ? 1 : 0,
  );
}
