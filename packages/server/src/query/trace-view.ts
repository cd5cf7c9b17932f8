import type { NsRange } from '../storage/read-types.js';
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

const HOUR_NS = 3_600_000_000_000n;

/**
 * Traces that link to this one (sub-agents consumed from a queue) start after it and, in practice,
 * within the hour; bounding the search keeps it from scanning all of a tenant's history.
 */
export function linkWindow(spans: SpanRow[]): NsRange {
  let from = spans[0]!.startTimeUnixNano;
  let to = spans[0]!.endTimeUnixNano;
  for (const s of spans) {
    if (s.startTimeUnixNano < from) from = s.startTimeUnixNano;
    if (s.endTimeUnixNano > to) to = s.endTimeUnixNano;
  }
  return { fromNs: from - HOUR_NS, toNs: to + HOUR_NS };
}
