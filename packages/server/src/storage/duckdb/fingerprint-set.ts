/**
 * A set of 64-bit fingerprints in one typed array (open addressing, linear probing): about 16 bytes
 * a key at worst, against ~50 for a JS Set of numbers, and nothing for the GC to trace.
 * Fingerprints are hashes, so membership means "maybe seen", never proof.
 */
export class FingerprintSet {
  private slots: Int32Array;
  private mask: number;
  private count = 0;

  constructor(initialCapacity = 1024) {
    let size = 16;
    while (size < initialCapacity * 2) size *= 2;
    this.slots = new Int32Array(size * 2);
    this.mask = size - 1;
  }

  get size(): number {
    return this.count;
  }

  has(hi: number, lo: number): boolean {
    if (hi === 0 && lo === 0) lo = 1;
    for (let i = lo & this.mask; ; i = (i + 1) & this.mask) {
      const h = this.slots[i * 2]!;
      const l = this.slots[i * 2 + 1]!;
      if (h === 0 && l === 0) return false;
      if (h === hi && l === lo) return true;
    }
  }

  /** Adds the fingerprint; returns false when it was already present. */
  add(hi: number, lo: number): boolean {
    if ((this.count + 1) * 2 > this.mask + 1) this.grow();
    // (0, 0) marks an empty slot, so that one fingerprint is stored as (0, 1).
    if (hi === 0 && lo === 0) lo = 1;
    return this.insert(hi, lo);
  }

  private insert(hi: number, lo: number): boolean {
    for (let i = lo & this.mask; ; i = (i + 1) & this.mask) {
      const h = this.slots[i * 2]!;
      const l = this.slots[i * 2 + 1]!;
      if (h === 0 && l === 0) {
        this.slots[i * 2] = hi;
        this.slots[i * 2 + 1] = lo;
        this.count++;
        return true;
      }
      if (h === hi && l === lo) return false;
    }
  }

  private grow(): void {
    const old = this.slots;
    this.slots = new Int32Array(old.length * 2);
    this.mask = old.length - 1;
    this.count = 0;
    for (let i = 0; i < old.length; i += 2) {
      if (old[i] !== 0 || old[i + 1] !== 0) this.insert(old[i]!, old[i + 1]!);
    }
  }
}

/**
 * Two independent 32-bit FNV-1a style hashes of a span's identity (trace id, span id, tenant).
 * Ids are not assumed random: some SDKs put a timestamp in the first bytes of a trace id.
 */
export function spanFingerprint(
  tenantId: string,
  traceId: string,
  spanId: string,
): [number, number] {
  // Each part ends with a byte no id contains, so 'ab'+'c' and 'a'+'bc' differ.
  startWithTrace(traceId);
  mix(spanId);
  mix(tenantId);
  return [hashA | 0, hashB | 0];
}

/**
 * The fingerprint of a span whose tenant is not known yet, up to its tenant: the tenant is mixed
 * last, so whoever learns it (the event loop, for spans waiting for their trace's tenant) finishes
 * the same fingerprint with `finishSpanFingerprint` without the ids.
 */
export function spanFingerprintPrefix(traceId: string, spanId: string): [number, number] {
  startWithTrace(traceId);
  mix(spanId);
  return [hashA | 0, hashB | 0];
}

/** `spanFingerprint(tenantId, traceId, spanId)` from `spanFingerprintPrefix(traceId, spanId)`. */
export function finishSpanFingerprint(a: number, b: number, tenantId: string): [number, number] {
  hashA = a;
  hashB = b;
  mix(tenantId);
  return [hashA | 0, hashB | 0];
}

// Module-level state rather than a closure per call: this runs for every ingested span.
let hashA = 0;
let hashB = 0;
// The state after the last trace id mixed: a trace's spans mostly come one after another.
let lastTrace: string | null = null;
let lastTraceA = 0;
let lastTraceB = 0;

/** The hashes started and the trace id mixed in. */
function startWithTrace(traceId: string): void {
  if (traceId === lastTrace) {
    hashA = lastTraceA;
    hashB = lastTraceB;
    return;
  }
  hashA = 0x811c9dc5;
  hashB = 0x01000193 ^ 0x5bd1e995;
  mix(traceId);
  lastTrace = traceId;
  lastTraceA = hashA;
  lastTraceB = hashB;
}

function mix(s: string): void {
  let a = hashA;
  let b = hashB;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995) ^ (b >>> 15);
  }
  hashA = Math.imul(a ^ 0xff, 0x01000193);
  hashB = Math.imul(b ^ 0xff, 0x5bd1e995) ^ (b >>> 15);
}
