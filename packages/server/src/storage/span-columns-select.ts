import { type SpanColumns, STRING_COLUMNS, STRING_ENTRY_BYTES } from './span-columns.js';

/** The rows of `cols` where `keep` is 1, in order (their long strings stay in the same heap). */
export function selectSpanColumns(cols: SpanColumns, keep: Uint8Array): SpanColumns {
  const runs: number[] = [];
  let start = -1;
  for (let r = 0; r <= cols.rows; r++) {
    const kept = r < cols.rows && keep[r] === 1;
    if (kept && start < 0) start = r;
    else if (!kept && start >= 0) {
      runs.push(start, r);
      start = -1;
    }
  }
  return selectRuns(cols, runs);
}

/** Rows `[start, end)` of `cols` (their long strings stay in the same heap). */
export function sliceSpanColumns(cols: SpanColumns, start: number, end: number): SpanColumns {
  return selectRuns(cols, end > start ? [start, end] : []);
}

/**
 * The rows of `runs` (start, end pairs, in row order): each array copied a run at a time, where a
 * copy a row and a string entry took most of the time for requests admitted only in part and for
 * spans adopted from their batch (pending-span-columns.ts).
 */
function selectRuns(cols: SpanColumns, runs: number[]): SpanColumns {
  let n = 0;
  for (let i = 0; i < runs.length; i += 2) n += runs[i + 1]! - runs[i]!;
  const pick = <A extends { subarray(s: number, e: number): A; set(a: A, at: number): void }>(
    from: A,
    make: new (n: number) => A,
    per = 1,
  ): A => {
    const out = new make(n * per);
    let to = 0;
    for (let i = 0; i < runs.length; i += 2) {
      const s = runs[i]!;
      const e = runs[i + 1]!;
      out.set(from.subarray(s * per, e * per), to * per);
      to += e - s;
    }
    return out;
  };
  const sc = STRING_COLUMNS.length;
  const strings = new Uint8Array(sc * n * STRING_ENTRY_BYTES);
  const stringSet = new Uint8Array(sc * n);
  for (let c = 0; c < sc; c++) {
    let to = c * n;
    for (let i = 0; i < runs.length; i += 2) {
      const from = c * cols.rows + runs[i]!;
      const len = runs[i + 1]! - runs[i]!;
      strings.set(
        cols.strings.subarray(from * STRING_ENTRY_BYTES, (from + len) * STRING_ENTRY_BYTES),
        to * STRING_ENTRY_BYTES,
      );
      stringSet.set(cols.stringSet.subarray(from, from + len), to);
      to += len;
    }
  }
  // References are in row order: walk them beside the runs, each moved by its run's offset.
  const src = cols.longRefs;
  let refs = new Int32Array(Math.min(src.length, 1024));
  let count = 0;
  let at = 0;
  let to = 0;
  for (let i = 0; i < runs.length; i += 2) {
    const s = runs[i]!;
    const e = runs[i + 1]!;
    while (at < src.length && src[at + 1]! < s) at += 4;
    for (; at < src.length && src[at + 1]! < e; at += 4) {
      if (count + 4 > refs.length) {
        const grown = new Int32Array(refs.length * 2 + 64);
        grown.set(refs);
        refs = grown;
      }
      refs[count++] = src[at]!;
      refs[count++] = src[at + 1]! - s + to;
      refs[count++] = src[at + 2]!;
      refs[count++] = src[at + 3]!;
    }
    to += e - s;
  }
  return {
    rows: n,
    kind: pick(cols.kind, Int8Array),
    statusCode: pick(cols.statusCode, Int8Array),
    startNs: pick(cols.startNs, BigInt64Array),
    endNs: pick(cols.endNs, BigInt64Array),
    durationNs: pick(cols.durationNs, BigInt64Array),
    inputTokens: pick(cols.inputTokens, BigInt64Array),
    outputTokens: pick(cols.outputTokens, BigInt64Array),
    inputTokensSet: pick(cols.inputTokensSet, Uint8Array),
    outputTokensSet: pick(cols.outputTokensSet, Uint8Array),
    isRun: pick(cols.isRun, Uint8Array),
    isLlm: pick(cols.isLlm, Uint8Array),
    isTool: pick(cols.isTool, Uint8Array),
    traceKey: pick(cols.traceKey, BigUint64Array),
    tenantKey: pick(cols.tenantKey, BigUint64Array),
    strings,
    stringSet,
    longRefs: refs.slice(0, count),
    heap: cols.heap,
    fingerprints: pick(cols.fingerprints, Int32Array, 2),
  };
}
