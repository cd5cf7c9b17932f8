import type { SpanRow } from '../types.js';
import type { ChConnection } from './client.js';
import { lit, litList } from './sql.js';

/** (tenant, trace) pairs per dedup look-up query. */
const LOOKUP_CHUNK = 2_000;

export const keyOf = (tenantId: string, traceId: string, spanId: string) =>
  `${tenantId}\u0000${traceId}\u0000${spanId}`;

/** What the look-up reads of a span: a row, or a line a worker encoded (span-lines.ts). */
export type SpanKey = Pick<SpanRow, 'tenantId' | 'traceId' | 'spanId' | 'startTimeUnixNano'>;

/** The tenants a span counts as stored under: its own, or for an adopted span every claimed one. */
export type TenantsOf<S extends SpanKey = SpanRow> = (s: S) => readonly string[];
const ownTenant = (s: SpanKey): readonly string[] => [s.tenantId];

/**
 * Which (tenant, trace, span) keys of these spans ClickHouse already has, looking under the
 * tenants `tenantsOf` names for each. The look-up names exact (tenant_id, trace_id) pairs, a prefix
 * of the primary key, so only their granules are read; and a resent span keeps its start time, so
 * the batch's start range prunes the day partitions. (Separate IN lists on the two columns let the
 * key narrow by tenant only: the look-up then read each tenant's whole day and slowed down as the
 * table grew.) It gives exact duplicate counts for one writer; with several writers racing on the
 * same span the ReplacingMergeTree key and deduplicating reads still keep counts single.
 */
async function existingKeys<S extends SpanKey>(
  ch: ChConnection,
  spans: S[],
  tenantsOf: TenantsOf<S>,
): Promise<Set<string>> {
  const found = new Set<string>();
  const pairs = new Map<string, string>();
  let minStart = spans[0]!.startTimeUnixNano;
  let maxStart = minStart;
  for (const s of spans) {
    // A trace's spans share a pair: its literal is rendered once (profiled: lit() was a quarter
    // of the look-up's event-loop time when rendered for every span).
    for (const t of tenantsOf(s)) {
      const pair = `${t}\u0000${s.traceId}`;
      if (!pairs.has(pair)) pairs.set(pair, `(${litList([t, s.traceId])})`);
    }
    if (s.startTimeUnixNano < minStart) minStart = s.startTimeUnixNano;
    if (s.startTimeUnixNano > maxStart) maxStart = s.startTimeUnixNano;
  }
  const tuples = [...pairs.values()];
  for (let i = 0; i < tuples.length; i += LOOKUP_CHUNK) {
    const chunk = tuples.slice(i, i + LOOKUP_CHUNK);
    const rows = await ch.query<{ tenant_id: string; trace_id: string; span_id: string }>(
      `SELECT tenant_id, trace_id, span_id FROM ${ch.database}.spans
       WHERE start_ns >= ${lit(minStart)} AND start_ns <= ${lit(maxStart)}
         AND (tenant_id, trace_id) IN (${chunk.join(', ')})`,
    );
    for (const r of rows) found.add(keyOf(r.tenant_id, r.trace_id, r.span_id));
  }
  return found;
}

/**
 * The spans to insert: repeats within `spans` dropped (first wins), then those already stored under
 * any tenant `tenantsOf` names for them. An adopted span is looked for under every tenant its
 * trace was claimed for, so a decision that changed (a root claim arriving after another) never
 * stores one span under two tenants.
 */
export async function freshSpans<S extends SpanKey>(
  ch: ChConnection,
  spans: S[],
  tenantsOf: TenantsOf<S> = ownTenant,
): Promise<S[]> {
  const seen = new Set<string>();
  const unique: S[] = [];
  for (const s of spans) {
    const k = keyOf(s.tenantId, s.traceId, s.spanId);
    if (seen.has(k)) continue;
    seen.add(k);
    unique.push(s);
  }
  if (unique.length === 0) return [];
  const existing = await existingKeys(ch, unique, tenantsOf);
  return unique.filter(
    (s) => !tenantsOf(s).some((t) => existing.has(keyOf(t, s.traceId, s.spanId))),
  );
}
