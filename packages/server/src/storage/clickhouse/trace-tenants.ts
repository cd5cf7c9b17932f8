import { UNASSIGNED_TENANT } from '../../ingest/tenant.js';
import { adopt, decideTraceTenants, type TraceClaim } from '../trace-claims.js';
import type { SettleOptions, SettleReport, SpanRow, WriteBatch } from '../types.js';
import type { ChConnection } from './client.js';
import { deleteRows } from './lifecycle.js';
import { big, num, spanFromRow } from './rows.js';
import { CLAIM_PARTITION_NS, localTable } from './schema.js';
import { freshSpans } from './span-keys.js';
import { lit, litList } from './sql.js';
import { CLAIM_COLUMNS, claimFields, SPAN_COLUMNS, spanFields, tsvChunks } from './tsv.js';

/**
 * Trace-level tenants on ClickHouse, where several stateless servers share the tables and nothing
 * is transactional. `trace_claims` holds the tenants spans stated for their traces; a span that
 * states none takes its trace's (root claim first, then the smallest tenant id) or is parked in
 * `parked_spans`, durably and visible to no tenant read.
 *
 * Write time (one look-up per table at most, no mutation): the batch's claims are inserted first;
 * then the parked spans of the traces it claims are read and written to `spans` under their tenant
 * (so a run shows whole as soon as its root arrives), and its pending spans take a stored claim's
 * tenant or are parked. Parked rows are left for the settle to delete.
 *
 * Settle (every server, every few seconds): parked spans whose trace has a claim are adopted, those
 * of traces parked longer than the window with none become `_unassigned`: rows are inserted into
 * `spans` first and only then deleted from the park, by exact (trace, span), in one mutation per
 * step. This catches up what write time missed when two servers raced (a child parked just after
 * its claim's writer looked), and a settle that died between the insert and the delete is redone
 * harmlessly: a span already stored under any of its trace's claimed tenants (or `_unassigned`)
 * is not written again.
 */

/** Parked traces moved per settle step (one ALTER ... DELETE per node each). */
const SETTLE_BATCH_TRACES = 5_000;
/** Trace ids per IN list. */
const TRACE_CHUNK = 2_000;

export const wallClockNs = () => BigInt(Date.now()) * 1_000_000n;

/** What the write path does with a batch's claims and pending spans. */
export interface TraceTenantWrite {
  /** Spans that now have their tenant, each with the tenants it may be stored under already. */
  adopted: Map<SpanRow, readonly string[]>;
  /**
   * Those of `adopted` taken from the park, not sent in this batch: one found stored (written by an
   * earlier claim, awaiting the settle's delete) is no client's resend and no duplicate.
   */
  fromPark: Set<SpanRow>;
  parked: number;
}

export async function applyTraceTenants(
  ch: ChConnection,
  batch: WriteBatch,
  nowNs: bigint,
): Promise<TraceTenantWrite> {
  const claims = batch.traceClaims ?? [];
  const pending = batch.pendingSpans ?? [];
  const adopted = new Map<SpanRow, readonly string[]>();
  const fromPark = new Set<SpanRow>();
  // Claims first: a server about to park a child of one of these traces finds them from now on.
  await ch.insertTsv(
    'trace_claims',
    CLAIM_COLUMNS,
    tsvChunks(claims, (c) => claimFields(c, nowNs)),
  );
  // Most batches find the park empty: a one-granule probe first spares ClickHouse parsing and
  // planning an IN list of every claimed trace (about 5 ms of its CPU a batch on 18.16). A span
  // parked after the probe is one parked after these claims went in, the race the settle covers.
  const earlier =
    claims.length > 0 && (await anyParked(ch))
      ? await parkedOf(ch, unique(claims.map((c) => c.traceId)))
      : [];
  const traces = unique([...pending, ...earlier.map((p) => p.span)].map((s) => s.traceId));
  if (traces.length === 0) return { adopted, fromPark, parked: 0 };
  const known = new Claims([...(await storedClaims(ch, traces)), ...claims]);
  const waiting: SpanRow[] = [];
  for (const s of pending) {
    const tenant = known.tenantOf(s.traceId);
    if (tenant !== undefined) adopted.set(adopt(s, tenant), known.tenantsOf(s.traceId));
    else waiting.push(s);
  }
  // Spans parked before this batch's claims: written now, deleted from the park by the settle.
  for (const { span } of earlier) {
    const tenant = known.tenantOf(span.traceId);
    if (tenant === undefined) continue;
    const row = adopt(span, tenant);
    adopted.set(row, known.tenantsOf(span.traceId));
    fromPark.add(row);
  }
  await ch.insertTsv(
    'parked_spans',
    [...SPAN_COLUMNS, 'parked_ns'],
    tsvChunks(waiting, (s) => `${spanFields(s)}\t${nowNs}`),
  );
  return { adopted, fromPark, parked: waiting.length };
}

/** TraceTenantStore.settleParkedSpans: steps of up to SETTLE_BATCH_TRACES traces. */
export async function settleParkedSpans(
  ch: ChConnection,
  options: SettleOptions,
): Promise<SettleReport> {
  const report: SettleReport = { adopted: 0, expired: 0 };
  for (;;) {
    const { traces, more } = await settleCandidates(ch, options.expireBeforeNs);
    const moved = traces.length > 0 ? await settleStep(ch, traces, options, report) : 0;
    // A step that moved nothing (its claims were forgotten meanwhile) ends the sweep: no spin.
    if (!more || moved === 0) break;
  }
  await forgetClaims(ch, options.forgetClaimsBeforeNs);
  return report;
}

/** Distinct parked spans, and when the oldest was parked (0 when none). */
export async function parkedSummary(
  ch: ChConnection,
): Promise<{ count: number; oldestParkedNs: bigint }> {
  const [row] = await ch.query<{ n: string; oldest: string }>(
    `SELECT uniqExact(trace_id, span_id) AS n, min(parked_ns) AS oldest FROM ${ch.database}.parked_spans`,
  );
  const count = num(row?.n);
  return { count, oldestParkedNs: count === 0 ? 0n : big(row?.oldest) };
}

/** Parked traces that now have a claim, or whose oldest span was parked before `expireBeforeNs`. */
async function settleCandidates(
  ch: ChConnection,
  expireBeforeNs: bigint,
): Promise<{ traces: string[]; more: boolean }> {
  const db = ch.database;
  const n = SETTLE_BATCH_TRACES + 1;
  // GLOBAL: on a cluster the parked trace ids are gathered once and sent to every shard.
  const claimed = await ch.query<{ trace_id: string }>(
    `SELECT DISTINCT trace_id FROM ${db}.trace_claims
     WHERE trace_id GLOBAL IN (SELECT trace_id FROM ${db}.parked_spans) LIMIT ${n}`,
  );
  const expired = await ch.query<{ trace_id: string }>(
    `SELECT trace_id FROM ${db}.parked_spans GROUP BY trace_id
     HAVING min(parked_ns) < ${lit(expireBeforeNs)} LIMIT ${n}`,
  );
  const all = unique([...claimed, ...expired].map((r) => r.trace_id));
  return {
    traces: all.slice(0, SETTLE_BATCH_TRACES),
    more: claimed.length === n || expired.length === n || all.length > SETTLE_BATCH_TRACES,
  };
}

/** Moves the parked spans of `traces` that have a tenant now; returns how many left the park. */
async function settleStep(
  ch: ChConnection,
  traces: string[],
  options: SettleOptions,
  report: SettleReport,
): Promise<number> {
  const parked = await parkedOf(ch, traces);
  // Claims are read after the parked rows: a claim that arrives meanwhile adopts, not expires.
  const known = new Claims(await storedClaims(ch, traces));
  const oldest = new Map<string, bigint>();
  for (const p of parked) {
    const seen = oldest.get(p.span.traceId);
    if (seen === undefined || p.parkedNs < seen) oldest.set(p.span.traceId, p.parkedNs);
  }
  const moving = new Map<SpanRow, readonly string[]>();
  const expiring = new Set<SpanRow>();
  for (const { span } of parked) {
    const tenant = known.tenantOf(span.traceId);
    if (tenant !== undefined) moving.set(adopt(span, tenant), known.tenantsOf(span.traceId));
    else if (oldest.get(span.traceId)! < options.expireBeforeNs) {
      const row = adopt(span, UNASSIGNED_TENANT);
      moving.set(row, [UNASSIGNED_TENANT]);
      expiring.add(row);
    }
  }
  if (moving.size === 0) return 0;
  // Insert first, delete second: a crash in between leaves copies the next settle finds stored.
  const fresh = await freshSpans(ch, [...moving.keys()], (s) => moving.get(s) ?? [s.tenantId]);
  await ch.insertTsv('spans', SPAN_COLUMNS, tsvChunks(fresh, spanFields));
  for (const s of fresh) {
    if (expiring.has(s)) report.expired++;
    else report.adopted++;
  }
  const keys = [...moving.keys()].map((s) => `(${litList([s.traceId, s.spanId])})`);
  await deleteRows(ch, 'parked_spans', `WHERE (trace_id, span_id) IN (${keys.join(', ')})`);
  return moving.size;
}

/**
 * Forgets claims older than `beforeNs` by dropping whole partitions on every node (no mutation): a
 * claim may outlive its cutoff by up to CLAIM_PARTITION_NS, which only adopts a late child.
 */
async function forgetClaims(ch: ChConnection, beforeNs: bigint): Promise<void> {
  const [db, table] = localTable(ch, 'trace_claims').split('.');
  for (let node = 0; node < ch.ddlNodes; node++) {
    const parts = await ch.queryOn<{ partition: string }>(
      node,
      `SELECT DISTINCT partition FROM system.parts
       WHERE database = ${lit(db!)} AND table = ${lit(table!)} AND active`,
    );
    for (const { partition } of parts) {
      if (!/^-?\d+$/.test(partition)) continue;
      if ((BigInt(partition) + 1n) * CLAIM_PARTITION_NS > beforeNs) continue;
      await ch.exec(`ALTER TABLE ${db}.${table}${ch.onCluster} DROP PARTITION ${partition}`, node);
    }
  }
}

async function anyParked(ch: ChConnection): Promise<boolean> {
  return (await ch.query(`SELECT 1 AS one FROM ${ch.database}.parked_spans LIMIT 1`)).length > 0;
}

/** The parked spans of these traces, one row per span (a client's resend is parked twice). */
async function parkedOf(
  ch: ChConnection,
  traceIds: string[],
): Promise<Array<{ span: SpanRow; parkedNs: bigint }>> {
  const out: Array<{ span: SpanRow; parkedNs: bigint }> = [];
  for (let i = 0; i < traceIds.length; i += TRACE_CHUNK) {
    const chunk = traceIds.slice(i, i + TRACE_CHUNK);
    const rows = await ch.query(
      `SELECT * FROM ${ch.database}.parked_spans WHERE trace_id IN (${litList(chunk)})
       ORDER BY parked_ns LIMIT 1 BY trace_id, span_id`,
    );
    for (const r of rows) out.push({ span: spanFromRow(r), parkedNs: big(r.parked_ns) });
  }
  return out;
}

async function storedClaims(ch: ChConnection, traceIds: string[]): Promise<TraceClaim[]> {
  const out: TraceClaim[] = [];
  for (let i = 0; i < traceIds.length; i += TRACE_CHUNK) {
    const chunk = traceIds.slice(i, i + TRACE_CHUNK);
    const rows = await ch.query<{ trace_id: string; tenant_id: string; from_root: number }>(
      `SELECT DISTINCT trace_id, tenant_id, from_root FROM ${ch.database}.trace_claims
       WHERE trace_id IN (${litList(chunk)})`,
    );
    for (const r of rows) {
      out.push({ traceId: r.trace_id, tenantId: r.tenant_id, fromRoot: num(r.from_root) === 1 });
    }
  }
  return out;
}

/** The claims known for some traces: the deciding tenant, and where their spans may be stored. */
class Claims {
  private readonly decided: Map<string, TraceClaim>;
  private readonly tenants = new Map<string, Set<string>>();

  constructor(claims: TraceClaim[]) {
    this.decided = decideTraceTenants(claims);
    for (const c of claims) {
      const set = this.tenants.get(c.traceId) ?? new Set<string>();
      set.add(c.tenantId);
      this.tenants.set(c.traceId, set);
    }
  }

  tenantOf(traceId: string): string | undefined {
    return this.decided.get(traceId)?.tenantId;
  }

  /**
   * Where a span of the trace may already be stored: under any tenant claimed for it (a root claim
   * that came after another), or `_unassigned` (a settle expired it as its first claim arrived).
   */
  tenantsOf(traceId: string): string[] {
    return [...(this.tenants.get(traceId) ?? []), UNASSIGNED_TENANT];
  }
}

const unique = <T>(values: T[]): T[] => [...new Set(values)];
