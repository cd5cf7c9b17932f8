import { describe, expect, it } from 'vitest';
import type { SpanView } from '../../api/types.js';
import { ancestors, buildTree, displayCategory, serviceVersions, visibleRows } from './tree.js';

function span(
  id: string,
  parent: string | null,
  startMs: number,
  durMs: number,
  category: SpanView['category'] = id.startsWith('agent') ? 'agent' : 'other',
): SpanView {
  const base = 1_700_000_000_000_000_000n;
  const st = base + BigInt(Math.round(startMs * 1e6));
  return {
    tenantId: 'acme',
    traceId: 't1',
    spanId: id,
    parentSpanId: parent,
    name: id,
    kind: 1,
    category,
    startTime: '',
    startTimeUnixNano: String(st),
    endTimeUnixNano: String(st + BigInt(Math.round(durMs * 1e6))),
    durationMs: durMs,
    status: 'ok',
    statusMessage: null,
    serviceName: 's',
    operation: null,
    model: null,
    provider: null,
    toolName: null,
    errorType: null,
    inputTokens: null,
    outputTokens: null,
    attributes: {},
    resourceAttributes: {},
    events: [],
    links: [],
    logs: [],
  };
}

describe('trace tree', () => {
  it('orders children by start time and measures offsets from the first span', () => {
    const tree = buildTree([
      span('b', 'agent-root', 30, 5),
      span('agent-root', null, 10, 100),
      span('a', 'agent-root', 20, 5),
    ]);
    const rows = visibleRows(tree, new Set());
    expect(rows.map((r) => r.span.spanId)).toEqual(['agent-root', 'a', 'b']);
    expect(rows.map((r) => r.depth)).toEqual([0, 1, 1]);
    expect(rows[1]!.offsetMs).toBeCloseTo(10);
    expect(tree.totalMs).toBeCloseTo(100);
  });

  it('keeps a span whose parent is missing as an orphan root', () => {
    const tree = buildTree([span('agent-root', null, 0, 10), span('lost', 'nowhere', 5, 1)]);
    const lost = tree.byId.get('lost')!;
    expect(lost.orphan).toBe(true);
    expect(tree.roots).toHaveLength(2);
    expect(tree.byId.get('agent-root')!.orphan).toBe(false);
  });

  it('hides the subtree of a collapsed span and counts what it hides', () => {
    const tree = buildTree([
      span('agent-root', null, 0, 10),
      span('agent-sub', 'agent-root', 1, 5),
      span('tool', 'agent-sub', 2, 1),
    ]);
    expect(visibleRows(tree, new Set(['agent-sub'])).map((r) => r.span.spanId)).toEqual([
      'agent-root',
      'agent-sub',
    ]);
    expect(tree.byId.get('agent-root')!.descendants).toBe(2);
    expect(ancestors(tree, 'tool')).toEqual(['agent-sub', 'agent-root']);
    expect(displayCategory(tree.byId.get('agent-sub')!)).toBe('subagent');
    expect(displayCategory(tree.byId.get('agent-root')!)).toBe('agent');
  });

  it('handles a 2,000-deep chain without recursion', () => {
    const spans = [span('agent-0', null, 0, 3000)];
    for (let i = 1; i < 2000; i++)
      spans.push(span(`s${i}`, i === 1 ? 'agent-0' : `s${i - 1}`, i, 1));
    const rows = visibleRows(buildTree(spans), new Set());
    expect(rows).toHaveLength(2000);
    expect(rows[1999]!.depth).toBe(1999);
  });

  it('an agent is a sub-agent only below another agent, not below an HTTP span or a chain', () => {
    // OpenAI Agents SDK via OpenInference: agent.run > Agent workflow (AGENT) > (CHAIN) > support (AGENT)
    const tree = buildTree([
      span('http', null, 0, 10, 'http'),
      span('run', 'http', 1, 8, 'agent'),
      span('chain', 'run', 2, 6, 'other'),
      span('support', 'chain', 3, 4, 'agent'),
      span('llm', 'support', 4, 1, 'llm'),
    ]);
    const shown = (id: string) => displayCategory(tree.byId.get(id)!);
    expect(['http', 'run', 'chain', 'support', 'llm'].map(shown)).toEqual([
      'http',
      'agent',
      'other',
      'subagent',
      'llm',
    ]);
  });

  it('names each service once with the version its spans reported, in order of first span', () => {
    const at = (id: string, startMs: number, service: string, version?: string): SpanView => ({
      ...span(id, null, startMs, 1),
      serviceName: service,
      resourceAttributes: version ? { 'service.version': version } : {},
    });
    expect(
      serviceVersions([
        at('w1', 5, 'demo-worker', '2.14.0'),
        at('g1', 0, 'demo-gateway', '1.9.2'),
        at('w2', 6, 'demo-worker', '2.14.0'),
        at('x', 7, 'cron'),
      ]),
    ).toEqual(['demo-gateway 1.9.2', 'demo-worker 2.14.0', 'cron']);
  });
});
