import { type SpanColumns, STRING_COLUMNS, STRING_ENTRY_BYTES } from './span-columns.js';

/** The rows of `cols` where `keep` is 1, in order (their long strings stay in the same heap). */
export function selectSpanColumns(cols: SpanColumns, keep: Uint8Array): SpanColumns {
  const rows: number[] = [];
  const newRow = new Int32Array(cols.rows).fill(-1);
  for (let r = 0; r < cols.rows; r++) {
    if (keep[r] === 1) {
      newRow[r] = rows.length;
      rows.push(r);
    }
  }
  const n = rows.length;
  const pick = <A extends { [i: number]: unknown; length: number }>(
    from: A,
    make: new (n: number) => A,
  ): A => {
    const out = new make(n);
    for (let i = 0; i < n; i++) out[i] = from[rows[i]!]!;
    return out;
  };
  const sc = STRING_COLUMNS.length;
  const strings = new Uint8Array(sc * n * STRING_ENTRY_BYTES);
  const stringSet = new Uint8Array(sc * n);
  for (let c = 0; c < sc; c++) {
    for (let i = 0; i < n; i++) {
      const from = c * cols.rows + rows[i]!;
      const to = c * n + i;
      strings.set(
        cols.strings.subarray(from * STRING_ENTRY_BYTES, (from + 1) * STRING_ENTRY_BYTES),
        to * STRING_ENTRY_BYTES,
      );
      stringSet[to] = cols.stringSet[from]!;
    }
  }
  const refs: number[] = [];
  for (let i = 0; i < cols.longRefs.length; i += 4) {
    const row = newRow[cols.longRefs[i + 1]!]!;
    if (row >= 0) refs.push(cols.longRefs[i]!, row, cols.longRefs[i + 2]!, cols.longRefs[i + 3]!);
  }
  const fingerprints = new Int32Array(n * 2);
  for (let i = 0; i < n; i++) {
    fingerprints[i * 2] = cols.fingerprints[rows[i]! * 2]!;
    fingerprints[i * 2 + 1] = cols.fingerprints[rows[i]! * 2 + 1]!;
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
    longRefs: Int32Array.from(refs),
    heap: cols.heap,
    fingerprints,
  };
}
