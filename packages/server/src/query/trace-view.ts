import {
  LINKING_WITHIN_NS,
  type LinkingSpan,
  type NsRange,
  type TraceRead,
} from '../storage/read-types.js';
import type { LogRow, SpanRow } from '../storage/types.js';

/** Logs attached to the span they were written in; the rest (no or unknown span id) apart. */
export function groupLogsBySpan(
  spans: SpanRow[],
  logs: LogRow[],
): { logsBySpan: Map<string, LogRow[]>; unattached: LogRow[] } {
  const logsBySpan = new Map<string, LogRow[]>();
  const unattached: LogRow[] = [];
  const spanIds = new Set(spans.map((s) => s.spanId));
  for (const l of logs) {
    if (l.spanId && spanIds.has(l.spanId)) {
      let list = logsBySpan.get(l.spanId);
      if (!list) {
        list = [];
        logsBySpan.set(l.spanId, list);
      }
      list.push(l);
    } else unattached.push(l);
  }
  return { logsBySpan, unattached };
}

/**
 * Tokens per run in a trace, summed over each run's subtree. Agent spans are skipped so that an
 * SDK that also reports totals on the run root is not counted twice.
 */
export function runTokenTotals(
  spans: SpanRow[],
): Array<{ spanId: string; inputTokens: number; outputTokens: number }> {
  const children = new Map<string, string[]>();
  for (const s of spans) {
    if (!s.parentSpanId) continue;
    let list = children.get(s.parentSpanId);
    if (!list) {
      list = [];
      children.set(s.parentSpanId, list);
    }
    list.push(s.spanId);
  }
  const byId = new Map(spans.map((s) => [s.spanId, s]));
  return spans
    .filter((s) => s.isRun || (s.operation === 'invoke_agent' && !byId.has(s.parentSpanId)))
    .map((run) => {
      let inputTokens = 0;
      let outputTokens = 0;
      const stack = [run.spanId];
      while (stack.length > 0) {
        const id = stack.pop()!;
        const s = byId.get(id)!;
        if (s.operation !== 'invoke_agent') {
          inputTokens += s.inputTokens ?? 0;
          outputTokens += s.outputTokens ?? 0;
        }
        stack.push(...(children.get(id) ?? []));
      }
      return { spanId: run.spanId, inputTokens, outputTokens };
    });
}

/** Where spans linking to the trace are looked for: its own time, LINKING_WITHIN_NS either side. */
export function linkWindow(spans: SpanRow[]): NsRange {
  let from = spans[0]!.startTimeUnixNano;
  let to = spans[0]!.endTimeUnixNano;
  for (const s of spans) {
    if (s.startTimeUnixNano < from) from = s.startTimeUnixNano;
    if (s.endTimeUnixNano > to) to = s.endTimeUnixNano;
  }
  return { fromNs: from - LINKING_WITHIN_NS, toNs: to + LINKING_WITHIN_NS };
}

type LinkedTrace = { traceId: string; rootName: string; relation: 'linked_from' };

/**
 * The traces that link to `traceId`, from the linking spans its read found ahead
 * (TraceRead.linking): those of `tenantId` starting in `window`, each named by its earliest such
 * span, at most 100, as linkedTraces answers. Null when that read did not cover `window`.
 */
export function linkedFromReadAhead(
  linking: TraceRead['linking'],
  tenantId: string,
  traceId: string,
  window: NsRange,
): LinkedTrace[] | null {
  if (linking === null || !covers(linking.within, window)) return null;
  const first = new Map<string, LinkingSpan>();
  for (const s of linking.spans) {
    if (s.tenantId !== tenantId || s.traceId === traceId) continue;
    if (s.startNs < window.fromNs || s.startNs >= window.toNs) continue;
    const seen = first.get(s.traceId);
    if (!seen || s.startNs < seen.startNs) first.set(s.traceId, s);
  }
  return [...first.values()]
    .sort((a, b) => (a.startNs < b.startNs ? -1 : a.startNs > b.startNs ? 1 : 0))
    .slice(0, LINKED_FROM_LIMIT)
    .map((s) => ({ traceId: s.traceId, rootName: s.name, relation: 'linked_from' }));
}

const LINKED_FROM_LIMIT = 100;

/** Whether one of the ranges, merged where they touch, holds all of `w`. */
function covers(ranges: NsRange[], w: NsRange): boolean {
  const sorted = [...ranges].sort((a, b) =>
    a.fromNs < b.fromNs ? -1 : a.fromNs > b.fromNs ? 1 : 0,
  );
  let from: bigint | null = null;
  let to: bigint | null = null;
  for (const r of sorted) {
    if (to !== null && r.fromNs <= to) {
      if (r.toNs > to) to = r.toNs;
    } else {
      from = r.fromNs;
      to = r.toNs;
    }
    if (from! <= w.fromNs && to! >= w.toNs) return true;
  }
  return false;
}
