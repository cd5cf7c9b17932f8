import type { SpanView } from '../../api/types.js';

export interface SpanNode {
  span: SpanView;
  children: SpanNode[];
  depth: number;
  /** Start relative to the trace's first span, ms. */
  offsetMs: number;
  /** Its parent id names a span that is not in this trace (a propagation gap). */
  orphan: boolean;
  /** Spans in the subtree below this one (for the collapsed hint). */
  descendants: number;
  /** An ancestor is an agent span: an agent span here is a sub-agent. */
  underAgent: boolean;
}

export interface SpanTree {
  roots: SpanNode[];
  byId: Map<string, SpanNode>;
  startNs: bigint;
  totalMs: number;
}

const nsToMs = (ns: bigint) => Number(ns) / 1e6;

/**
 * Parent/child tree of a trace's spans, children in start order. Spans whose parent is missing are
 * roots too (flagged orphan), so a broken propagation still shows every span.
 */
export function buildTree(spans: SpanView[]): SpanTree {
  const byId = new Map<string, SpanNode>();
  let startNs: bigint | null = null;
  let endNs: bigint | null = null;
  for (const s of spans) {
    const st = BigInt(s.startTimeUnixNano);
    const en = BigInt(s.endTimeUnixNano);
    if (startNs === null || st < startNs) startNs = st;
    if (endNs === null || en > endNs) endNs = en;
  }
  const t0 = startNs ?? 0n;
  for (const s of spans) {
    byId.set(s.spanId, {
      span: s,
      children: [],
      depth: 0,
      offsetMs: nsToMs(BigInt(s.startTimeUnixNano) - t0),
      orphan: false,
      descendants: 0,
      underAgent: false,
    });
  }
  const roots: SpanNode[] = [];
  for (const node of byId.values()) {
    const pid = node.span.parentSpanId;
    const parent = pid ? byId.get(pid) : undefined;
    if (parent && parent !== node) parent.children.push(node);
    else {
      node.orphan = pid !== null && pid !== '';
      roots.push(node);
    }
  }
  const byStart = (a: SpanNode, b: SpanNode) => a.offsetMs - b.offsetMs;
  roots.sort(byStart);
  // Iterative DFS: a 2,000-span chain must not blow the stack.
  const stack: SpanNode[] = [...roots].reverse();
  const order: SpanNode[] = [];
  while (stack.length) {
    const node = stack.pop()!;
    order.push(node);
    node.children.sort(byStart);
    for (let i = node.children.length - 1; i >= 0; i--) {
      const c = node.children[i]!;
      c.depth = node.depth + 1;
      c.underAgent = node.underAgent || node.span.category === 'agent';
      stack.push(c);
    }
  }
  for (let i = order.length - 1; i >= 0; i--) {
    const n = order[i]!;
    n.descendants = n.children.reduce((sum, c) => sum + 1 + c.descendants, 0);
  }
  return {
    roots,
    byId,
    startNs: t0,
    totalMs: startNs !== null && endNs !== null ? Math.max(nsToMs(endNs - startNs), 0.001) : 1,
  };
}

/** Rows to draw: depth-first, skipping the subtrees of collapsed spans. */
export function visibleRows(tree: SpanTree, collapsed: ReadonlySet<string>): SpanNode[] {
  const out: SpanNode[] = [];
  const stack: SpanNode[] = [...tree.roots].reverse();
  while (stack.length) {
    const node = stack.pop()!;
    out.push(node);
    if (collapsed.has(node.span.spanId)) continue;
    for (let i = node.children.length - 1; i >= 0; i--) stack.push(node.children[i]!);
  }
  return out;
}

/** Ids of the span's ancestors, so selecting a deep span can expand the path to it. */
export function ancestors(tree: SpanTree, spanId: string): string[] {
  const out: string[] = [];
  let node = tree.byId.get(spanId);
  const seen = new Set<string>();
  while (node?.span.parentSpanId && !seen.has(node.span.spanId)) {
    seen.add(node.span.spanId);
    const parent = tree.byId.get(node.span.parentSpanId);
    if (!parent) break;
    out.push(parent.span.spanId);
    node = parent;
  }
  return out;
}

/**
 * Sub-agents show as a category of their own in the waterfall: an agent span below another agent.
 * The first agent of a trace stays the run, also under an HTTP span or a chain/workflow step.
 */
export function displayCategory(node: SpanNode): string {
  const c = node.span.category;
  if (c === 'agent' && node.underAgent) return 'subagent';
  return c;
}

/**
 * Each service of the trace with the `service.version` its spans reported, in order of first span:
 * a run that crosses a freshly deployed worker says which build it met without opening a span.
 */
export function serviceVersions(spans: SpanView[]): string[] {
  const seen = new Set<string>();
  for (const s of [...spans].sort((a, b) =>
    BigInt(a.startTimeUnixNano) < BigInt(b.startTimeUnixNano) ? -1 : 1,
  )) {
    const version = s.resourceAttributes['service.version'];
    seen.add(
      typeof version === 'string' && version ? `${s.serviceName} ${version}` : s.serviceName,
    );
  }
  return [...seen];
}
