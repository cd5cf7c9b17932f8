import type { SpanColumns } from '../span-columns.js';
import type { SpanRow } from '../types.js';
import { FingerprintSet, spanFingerprint } from './fingerprint-set.js';

/** Start-time buckets: a resent span keeps its start time, so it can only be in its own bucket. */
const BUCKET_NS = 10_000_000_000;

export interface RecentSpanKeysOptions {
  /** Fingerprints kept in memory (about 16 bytes each); past this the oldest buckets are dropped. */
  capacity: number;
}

export const DEFAULT_RECENT_SPAN_KEYS_OPTIONS: RecentSpanKeysOptions = { capacity: 2_000_000 };

export interface Classified {
  /** Spans that are certainly not stored yet: append them straight away. */
  fresh: SpanRow[];
  /** Spans that may be stored already (or repeat one earlier in the batch): check them first. */
  suspect: SpanRow[];
}

/**
 * Resent-span deduplication without reading the table for every span. It holds the fingerprint of
 * every stored span whose start time is at or after a watermark, so a span past the watermark whose
 * fingerprint is absent cannot be a resend. Everything else (a fingerprint hit, which may be a hash
 * collision, or a span older than the watermark) is checked against the table itself, so a
 * collision costs a lookup, never a lost span.
 *
 * At open the watermark is just past the newest stored span, so nothing needs loading after a
 * crash: spans resent then are older than the watermark and take the checked path.
 *
 * Fingerprints are added when a batch is classified, before it commits; if the commit fails they
 * stay, and the span's retry takes the checked path. Batches are classified and committed one at a
 * time (the single-writer queue), so a checked span always sees every earlier batch's rows.
 */
export class RecentSpanKeys {
  private readonly buckets = new Map<number, FingerprintSet>();
  private total = 0;
  private watermark: number;

  constructor(
    newestStoredStartNs: bigint | null,
    private readonly options: RecentSpanKeysOptions = DEFAULT_RECENT_SPAN_KEYS_OPTIONS,
  ) {
    this.watermark =
      newestStoredStartNs === null ? Number.NEGATIVE_INFINITY : bucketOf(newestStoredStartNs) + 1;
  }

  get size(): number {
    return this.total;
  }

  /** Splits a batch into fresh and suspect spans, and remembers the fresh ones. */
  classify(spans: SpanRow[]): Classified {
    const fresh: SpanRow[] = [];
    const suspect: SpanRow[] = [];
    for (const span of spans) {
      const bucket = bucketOf(span.startTimeUnixNano);
      if (bucket < this.watermark) {
        suspect.push(span);
        continue;
      }
      const [hi, lo] = spanFingerprint(span.tenantId, span.traceId, span.spanId);
      let set = this.buckets.get(bucket);
      if (!set) {
        set = new FingerprintSet();
        this.buckets.set(bucket, set);
      }
      if (set.add(hi, lo)) {
        this.total++;
        fresh.push(span);
      } else suspect.push(span);
    }
    this.evict();
    return { fresh, suspect };
  }

  /**
   * The same for span columns (storage/span-columns.ts), whose fingerprints the ingest worker
   * computed: 1 per fresh row in the returned flags, 0 per suspect one.
   */
  classifyColumns(cols: SpanColumns): { fresh: Uint8Array; suspects: number } {
    const fresh = new Uint8Array(cols.rows);
    let suspects = 0;
    // Start times read as two 32-bit halves: reading the BigInt64Array made a BigInt a row, and
    // rows mostly share their neighbour's bucket, so its set is looked up once a run.
    const halves = cols.startNs;
    const low = new Uint32Array(halves.buffer, halves.byteOffset, halves.length * 2);
    const high = new Int32Array(halves.buffer, halves.byteOffset, halves.length * 2);
    let lastBucket = Number.NaN;
    let set: FingerprintSet | undefined;
    for (let r = 0; r < cols.rows; r++) {
      const bucket = Math.floor((high[r * 2 + 1]! * 2 ** 32 + low[r * 2]!) / BUCKET_NS);
      if (bucket !== lastBucket) {
        lastBucket = bucket;
        set = bucket < this.watermark ? undefined : this.buckets.get(bucket);
        if (bucket >= this.watermark && !set) {
          set = new FingerprintSet();
          this.buckets.set(bucket, set);
        }
      }
      if (set?.add(cols.fingerprints[r * 2]!, cols.fingerprints[r * 2 + 1]!)) {
        this.total++;
        fresh[r] = 1;
      } else suspects++;
    }
    this.evict();
    return { fresh, suspects };
  }

  /** Drops the oldest buckets past capacity, raising the watermark over them. */
  private evict(): void {
    if (this.total <= this.options.capacity) return;
    const target = Math.floor(this.options.capacity * 0.9);
    const ordered = [...this.buckets.keys()].sort((a, b) => a - b);
    for (const bucket of ordered) {
      if (this.total <= target) break;
      this.total -= this.buckets.get(bucket)!.size;
      this.buckets.delete(bucket);
      this.watermark = bucket + 1;
    }
  }
}

function bucketOf(startNs: bigint): number {
  return Math.floor(Number(startNs) / BUCKET_NS);
}
