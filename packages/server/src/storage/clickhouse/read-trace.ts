import { byTime } from '../log-order.js';
import {
  LINKING_WITHIN_NS,
  type LinkingSpan,
  type NsRange,
  type TraceRead,
} from '../read-types.js';
import type { TenantScope } from '../types.js';
import type { ChConnection } from './client.js';
import { locateTrace, spansOf, traceLogs } from './read-runs.js';
import { litList, Where } from './sql.js';

/** Linking spans read ahead; past it the caller searches the trace's own hours. */
const LINKING_LIMIT = 1_000;

/**
 * A trace's page in one go: once the trace index names its tenants and days, its spans, each
 * tenant's logs and the spans that link to it within an hour of those days are read at once,
 * instead of the logs and links after the spans (on 18.16 each is a round trip of its own).
 */
export async function readTrace(
  ch: ChConnection,
  scope: TenantScope,
  traceId: string,
): Promise<TraceRead> {
  const found = await locateTrace(ch, scope, traceId);
  if (found === null) return { spans: [], logs: [], linking: null };
  const within: NsRange = {
    fromNs: found.range.fromNs - LINKING_WITHIN_NS,
    toNs: found.range.toNs + LINKING_WITHIN_NS,
  };
  const where = new Where(scope)
    .add(`tenant_id IN (${litList(found.tenants)})`)
    .add('position(links, ?) > 0', `"traceId":"${traceId}"`)
    .add('trace_id != ?', traceId)
    .add('start_ns >= ?', within.fromNs)
    .add('start_ns < ?', within.toNs);
  // A span not merged yet may come twice: harmless, the earliest span of a trace names it.
  const [spans, logs, linking] = await Promise.all([
    spansOf(ch, scope, traceId, found),
    Promise.all(found.tenants.map((tenantId) => traceLogs(ch, { tenantId }, traceId))),
    ch.query<{ tenant_id: string; trace_id: string; name: string; start_text: string }>(
      `SELECT tenant_id, trace_id, name, toString(start_ns) AS start_text
       FROM ${ch.database}.spans ${where.sql} LIMIT ${LINKING_LIMIT + 1}`,
    ),
  ]);
  const tenants = new Set(spans.map((s) => s.tenantId));
  return {
    spans,
    logs: byTime(logs.flat().filter((l) => tenants.has(l.tenantId))),
    linking:
      linking.length > LINKING_LIMIT
        ? null
        : {
            within: [within],
            spans: linking.map(
              (r): LinkingSpan => ({
                tenantId: r.tenant_id,
                traceId: r.trace_id,
                name: r.name,
                startNs: BigInt(r.start_text),
              }),
            ),
          },
  };
}
