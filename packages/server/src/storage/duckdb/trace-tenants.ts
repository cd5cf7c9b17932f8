import type { DuckDBAppender } from '@duckdb/node-api';
import { UNASSIGNED_TENANT } from '../../ingest/tenant.js';
import { WorkSlice } from '../../ingest/work-slice.js';
import { adoptSpanColumns } from '../pending-span-columns.js';
import type { SpanColumns } from '../span-columns.js';
import { adopt, type TraceClaim } from '../trace-claims.js';
import type { SettleOptions, SettleReport, SpanRow, WriteBatch } from '../types.js';
import { appendSpanRows } from './column-append.js';
import type { DuckDb, Row } from './database.js';
import { HeldPark } from './held-park.js';
import { spanFromRow, traceKey } from './rows.js';
import { StoredClaimKeys } from './stored-claim-keys.js';
import { decidedWith, storedDecisions, TRACE_PAGE, tracePage } from './trace-claim-lookup.js';

/** Parked spans moved per settle transaction, so ingest commits never wait long behind one. */
const SETTLE_BATCH_TRACES = 2_000;

export type AppendRows = <T>(
  table: string,
  rows: T[],
  append: (a: DuckDBAppender, row: T) => void,
) => Promise<number>;

/**
 * Trace-level tenants on the embedded DuckDB, inside the writer's transaction: claims are stored in
 * `trace_claims`; a span that states no tenant takes its trace's (root claim first, then the
 * smallest tenant id) or waits in `parked_spans`, and parked spans are adopted in the transaction
 * that brings their trace's claim. One writer connection does all of it, so nothing races; the
 * periodic settle only expires spans whose claim never came.
 */
export class DuckTraceTenants {
  /** Trace ids with parked spans: a claim for any other trace needs no look-up. */
  private parked: Set<string> | null = null;
  /** Trace keys with a stored claim (loaded on first use): most batches then need no look-up. */
  private claimKeys: StoredClaimKeys | null = null;
  /** Pending span columns parked within the open transaction, not yet in the table. */
  private readonly held = new HeldPark();

  constructor(
    private readonly db: DuckDb,
    private readonly claimKeysCapacity?: number,
  ) {}

  /**
   * Runs within the open transaction: stores the batch's claims, parks or adopts its pending spans,
   * and returns the spans that now have a tenant, to be written with the batch's own spans: this
   * batch's (`adopted`, and `adoptedColumns` from its pending span columns) and those parked
   * before (`unparked`). `onCommit` updates the in-memory parked set once the transaction commits.
   */
  async apply(
    batch: WriteBatch,
    append: AppendRows,
    nowNs: bigint,
  ): Promise<{
    adopted: SpanRow[];
    adoptedColumns: SpanColumns[];
    unparked: SpanRow[];
    parked: number;
    onCommit: () => void;
  }> {
    const claims = batch.traceClaims ?? [];
    const pending = batch.pendingSpans ?? [];
    const pendingColumns = batch.pendingSpanColumns ?? [];
    const parkedSet = await this.parkedTraces();
    const keys = await this.storedClaimKeys();
    const pendingTraces = new Set(pending.map((s) => s.traceId));
    for (const p of pendingColumns) for (const t of p.traceIds) pendingTraces.add(t);
    // Traces with a claim stored before this batch: only they need the table (asked before this
    // batch's own claims join the set); the others are decided by this batch's claims alone.
    const storedBefore = new Set<string>();
    for (const t of new Set([...claims.map((c) => c.traceId), ...pendingTraces]))
      if (!keys.certainlyAbsent(traceKey(t))) storedBefore.add(t);
    const adopted: SpanRow[] = [];
    const adoptedColumns: SpanColumns[] = [];
    const unparked: SpanRow[] = [];
    const parkedNow = new Set<string>();
    const released = new Set<string>();
    let parked = 0;
    if (claims.length > 0) {
      await append('trace_claims', claims, (a, c) => appendClaim(a, c, nowNs));
      for (const c of claims) keys.add(traceKey(c.traceId), nowNs);
    }
    if (pendingTraces.size > 0) {
      const decided = await decidedWith(this.db, [...pendingTraces], claims, storedBefore);
      const waiting: SpanRow[] = [];
      for (const s of pending) {
        const claim = decided.get(s.traceId);
        if (claim) adopted.push(adopt(s, claim.tenantId));
        else {
          waiting.push(s);
          parkedNow.add(s.traceId);
        }
      }
      // Rows are parked as they are (tenant ''), a data chunk at a time like the spans; pending
      // columns are held until the transaction commits (held-park.ts).
      if (waiting.length > 0) {
        const appender = await this.db.writer.createAppender('parked_spans');
        parked += await appendSpanRows(appender, waiting, new WorkSlice(), nowNs);
        appender.closeSync();
      }
      for (const p of pendingColumns) {
        const tenantOf = p.traceIds.map((t) => decided.get(t)?.tenantId);
        const taken = adoptSpanColumns(p, tenantOf);
        for (const cols of taken.adopted) adoptedColumns.push(cols);
        if (taken.waitingRows === 0) continue;
        this.held.hold(p, tenantOf, nowNs);
        parked += taken.waitingRows;
      }
    }
    const claimedTraces = [...new Set(claims.map((c) => c.traceId))];
    const claimed = claimedTraces.filter((t) => parkedSet.has(t));
    const claimedHeld = claimedTraces.filter((t) => this.held.has(t));
    if (claimed.length > 0 || claimedHeld.length > 0) {
      const decided = await decidedWith(
        this.db,
        [...claimed, ...claimedHeld],
        claims,
        storedBefore,
      );
      if (claimed.length > 0) {
        for (const row of await this.take(claimed)) {
          const claim = decided.get(row.traceId);
          if (claim) unparked.push(adopt(row, claim.tenantId));
        }
      }
      for (const cols of this.held.take(claimedHeld, decided)) adoptedColumns.push(cols);
      for (const t of claimed) released.add(t);
    }
    return {
      adopted,
      adoptedColumns,
      unparked,
      parked,
      onCommit: () => {
        for (const t of released) parkedSet.delete(t);
        for (const t of parkedNow) parkedSet.add(t);
      },
    };
  }

  /**
   * One settle step within an open transaction: up to SETTLE_BATCH_TRACES parked traces that now
   * have a claim, or were parked before `expireBeforeNs`, are taken out of `parked_spans`.
   */
  async settleStep(
    options: SettleOptions,
  ): Promise<{ rows: SpanRow[]; report: SettleReport; more: boolean; onCommit: () => void }> {
    const report: SettleReport = { adopted: 0, expired: 0 };
    // Nothing parked, nothing to settle: the join below would still scan every stored claim.
    if ((await this.parkedTraces()).size === 0) {
      return { rows: [], report, more: false, onCommit: () => {} };
    }
    const candidates = await this.db.queryOnWriter(
      `SELECT p.trace_id, bool_or(c.trace_id IS NOT NULL) AS claimed, min(p.parked_ns) AS parked
         FROM parked_spans p
         LEFT JOIN trace_claims c ON c.trace_key = p.trace_key AND c.trace_id = p.trace_id
         GROUP BY p.trace_id
         HAVING bool_or(c.trace_id IS NOT NULL) OR min(p.parked_ns) < ?
         LIMIT ${SETTLE_BATCH_TRACES + 1}`,
      [options.expireBeforeNs],
    );
    const more = candidates.length > SETTLE_BATCH_TRACES;
    const traces = candidates.slice(0, SETTLE_BATCH_TRACES).map((r) => String(r.trace_id));
    if (traces.length === 0) return { rows: [], report, more: false, onCommit: () => {} };
    const decided = await storedDecisions(this.db, traces);
    const rows: SpanRow[] = [];
    for (const row of await this.take(traces)) {
      const claim = decided.get(row.traceId);
      if (claim) report.adopted++;
      else report.expired++;
      rows.push(adopt(row, claim?.tenantId ?? UNASSIGNED_TENANT));
    }
    const parkedSet = await this.parkedTraces();
    return {
      rows,
      report,
      more,
      onCommit: () => {
        for (const t of traces) parkedSet.delete(t);
      },
    };
  }

  /** Deletes old claims; returns what to run once that deletion has committed. */
  async forgetClaims(beforeNs: bigint): Promise<() => void> {
    await this.db.exec('DELETE FROM trace_claims WHERE claimed_ns < ?', [beforeNs]);
    return () => {
      if (this.claimKeys?.needsReload) this.claimKeys = null;
      else this.claimKeys?.forgetBefore(beforeNs);
    };
  }

  async parkedSummary(): Promise<{ count: number; oldestParkedNs: bigint }> {
    // A span parked twice (a client's resend) is one span waiting.
    const rows = await this.db.query(
      `SELECT (SELECT count(*) FROM (SELECT DISTINCT trace_id, span_id FROM parked_spans)) AS n,
         (SELECT coalesce(min(parked_ns), 0) FROM parked_spans) AS oldest`,
    );
    const oldest = rows[0]?.oldest;
    return {
      count: Number(rows[0]?.n ?? 0),
      oldestParkedNs: typeof oldest === 'bigint' ? oldest : BigInt(Number(oldest ?? 0)),
    };
  }

  /**
   * Writes the spans held in the open transaction (held-park.ts) to `parked_spans`: to run just
   * before it commits.
   */
  async beforeCommit(): Promise<void> {
    if (this.held.empty) return;
    const parkedSet = await this.parkedTraces();
    const appender = await this.db.writer.createAppender('parked_spans');
    const traces = await this.held.flush(appender, new WorkSlice());
    appender.closeSync();
    for (const t of traces) parkedSet.add(t);
  }

  /**
   * Drops the in-memory parked set, to be read again from the table, and what the transaction
   * held: after a rollback of a transaction whose batches already updated them (write.ts).
   */
  forgetParked(): void {
    this.parked = null;
    this.held.clear();
  }

  private async parkedTraces(): Promise<Set<string>> {
    if (!this.parked) {
      const rows = await this.db.queryOnWriter('SELECT DISTINCT trace_id FROM parked_spans');
      this.parked = new Set(rows.map((r) => String(r.trace_id)));
    }
    return this.parked;
  }

  private async storedClaimKeys(): Promise<StoredClaimKeys> {
    if (!this.claimKeys)
      this.claimKeys = await StoredClaimKeys.load(this.db, this.claimKeysCapacity);
    return this.claimKeys;
  }

  /** Reads and deletes the parked spans of these traces. */
  private async take(traceIds: string[]): Promise<SpanRow[]> {
    // One pass: the delete finds the rows by their two join columns and returns them whole, where
    // a SELECT * then a DELETE read every column of the table (deleted rows included until a
    // checkpoint) twice.
    const taken = await this.db.queryOnWriter(
      `DELETE FROM parked_spans USING ${TRACE_PAGE}
         WHERE parked_spans.trace_key = page.k AND parked_spans.trace_id = page.id
         RETURNING *`,
      tracePage(traceIds),
    );
    // The same span parked twice (a client's resend) is taken once: its first parking.
    const first = new Map<string, Row>();
    for (const row of taken) {
      const id = `${row.trace_id}/${row.span_id}`;
      const seen = first.get(id);
      if (!seen || (row.parked_ns as bigint) < (seen.parked_ns as bigint)) first.set(id, row);
    }
    const rows = [...first.values()];
    return rows.map(spanFromRow);
  }
}

function appendClaim(a: DuckDBAppender, c: TraceClaim, nowNs: bigint): void {
  a.appendUBigInt(traceKey(c.traceId));
  a.appendVarchar(c.traceId);
  a.appendVarchar(c.tenantId);
  a.appendBoolean(c.fromRoot);
  a.appendBigInt(nowNs);
  a.endRow();
}
