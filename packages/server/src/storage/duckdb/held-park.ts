import type { DuckDBAppender } from '@duckdb/node-api';
import type { WorkSlice } from '../../ingest/work-slice.js';
import { adoptSpanColumns, type PendingSpanColumns } from '../pending-span-columns.js';
import type { SpanColumns } from '../span-columns.js';
import type { TraceClaim } from '../trace-claims.js';
import { appendSpanColumns } from './column-append.js';

/** One batch's pending span columns, with the traces still waiting in it. */
interface HeldEntry {
  pending: PendingSpanColumns;
  /** Per trace index of `pending`: 1 while its rows wait. */
  waiting: Uint8Array;
  /** The waiting traces' indexes, by trace id. */
  index: Map<string, number>;
  parkedNs: bigint;
}

/**
 * Spans parked within the writer's open transaction, kept as the span columns they came in until
 * it commits, and written to `parked_spans` only then (`flush`, before COMMIT). A trace's children
 * mostly wait one request for their root: with row-group commits the transaction stays open across
 * many requests, so most parked spans are adopted before it commits and never touch the table.
 * Taking them back from it (`DELETE … RETURNING *`, then encoding the rows again) cost about 0.2 ms
 * a span taken, a fifth of the tenant-on-roots-only workload's event loop (docs/scaling.md).
 *
 * What a commit stores is the same either way: the spans still waiting are in `parked_spans`, the
 * adopted ones in `spans`. A rollback drops what is held with the rest of the transaction (`clear`),
 * and the journal's replay brings it back as it brings back the transaction's other rows.
 */
export class HeldPark {
  private entries: HeldEntry[] = [];
  private byTrace = new Map<string, HeldEntry[]>();

  get empty(): boolean {
    return this.entries.length === 0;
  }

  has(traceId: string): boolean {
    return this.byTrace.has(traceId);
  }

  /** Holds the rows of `pending` whose trace has no tenant yet (`tenantOf`, by trace index). */
  hold(
    pending: PendingSpanColumns,
    tenantOf: ReadonlyArray<string | undefined>,
    parkedNs: bigint,
  ): void {
    const entry: HeldEntry = {
      pending,
      waiting: new Uint8Array(pending.traceIds.length),
      index: new Map(),
      parkedNs,
    };
    for (let i = 0; i < pending.traceIds.length; i++) {
      if (tenantOf[i] !== undefined) continue;
      const traceId = pending.traceIds[i]!;
      entry.waiting[i] = 1;
      entry.index.set(traceId, i);
      const list = this.byTrace.get(traceId);
      if (list) list.push(entry);
      else this.byTrace.set(traceId, [entry]);
    }
    this.entries.push(entry);
  }

  /**
   * Takes the held rows of these traces, as span columns of the tenant `decided` gives each (a
   * trace without a decided claim stays held).
   */
  take(traceIds: readonly string[], decided: ReadonlyMap<string, TraceClaim>): SpanColumns[] {
    const touched = new Map<HeldEntry, Array<string | undefined>>();
    for (const traceId of traceIds) {
      const claim = decided.get(traceId);
      const entries = this.byTrace.get(traceId);
      if (claim === undefined || entries === undefined) continue;
      for (const entry of entries) {
        let tenantOf = touched.get(entry);
        if (!tenantOf) {
          tenantOf = new Array<string | undefined>(entry.pending.traceIds.length);
          touched.set(entry, tenantOf);
        }
        const i = entry.index.get(traceId)!;
        tenantOf[i] = claim.tenantId;
        entry.waiting[i] = 0;
        entry.index.delete(traceId);
      }
      this.byTrace.delete(traceId);
    }
    const adopted: SpanColumns[] = [];
    for (const [entry, tenantOf] of touched)
      for (const cols of adoptSpanColumns(entry.pending, tenantOf).adopted) adopted.push(cols);
    this.entries = this.entries.filter((e) => e.index.size > 0);
    return adopted;
  }

  /**
   * Appends what is still held to `parked_spans` (through `appender`), as it would have been
   * parked on arrival, and forgets it; returns the traces written.
   */
  async flush(appender: DuckDBAppender, slice: WorkSlice): Promise<string[]> {
    for (const entry of this.entries) {
      const { cols, traceOf } = entry.pending;
      const keep = new Uint8Array(cols.rows);
      for (let r = 0; r < cols.rows; r++) keep[r] = entry.waiting[traceOf[r]!]!;
      await appendSpanColumns(appender, [{ cols, keep }], slice, entry.parkedNs);
    }
    const traces = [...this.byTrace.keys()];
    this.clear();
    return traces;
  }

  clear(): void {
    this.entries = [];
    this.byTrace.clear();
  }
}
