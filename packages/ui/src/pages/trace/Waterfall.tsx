import { useVirtualizer } from '@tanstack/react-virtual';
import { type KeyboardEvent, useEffect, useMemo, useRef } from 'react';
import { fmtMs } from '../../ui/format.js';
import { displayCategory, type SpanNode, type SpanTree, visibleRows } from './tree.js';

const ROW_PX = 24;
const INDENT_PX = 14;

export const CATEGORY_LABELS: Array<[string, string]> = [
  ['agent', 'agent run'],
  ['subagent', 'sub-agent'],
  ['llm', 'LLM'],
  ['tool', 'tool'],
  ['memory', 'memory'],
  ['retrieval', 'retrieval'],
  ['http', 'HTTP'],
  ['other', 'other'],
];

const CATEGORY_ICON: Record<string, string> = {
  agent: '◆',
  subagent: '◇',
  llm: '✦',
  tool: '⚒',
  memory: '▣',
  retrieval: '⌕',
  http: '⇄',
  other: '·',
};

function ticks(totalMs: number): number[] {
  const raw = totalMs / 6;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? raw;
  const out: number[] = [];
  // The last label would run off the track's right edge.
  for (let t = 0; t <= totalMs * 0.92; t += step) out.push(t);
  return out;
}

/**
 * The trace as a virtualized tree of bars: only the rows on screen are in the DOM, so a
 * 2,000-span trace scrolls smoothly. Keyboard: ↑/↓ move, ←/→ collapse/expand, Enter selects.
 */
export function Waterfall(props: {
  tree: SpanTree;
  collapsed: ReadonlySet<string>;
  onToggle: (spanId: string) => void;
  selected: string | null;
  onSelect: (spanId: string) => void;
  highlight: ReadonlySet<string> | null;
}) {
  const { tree, collapsed, onToggle, selected, onSelect, highlight } = props;
  const rows = useMemo(() => visibleRows(tree, collapsed), [tree, collapsed]);
  const indexOf = useMemo(() => new Map(rows.map((r, i) => [r.span.spanId, i])), [rows]);
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_PX,
    overscan: 12,
  });
  const selIndex = selected !== null ? (indexOf.get(selected) ?? -1) : -1;

  // Keep the selected span on screen when it changes from outside (URL, search, detail links).
  useEffect(() => {
    if (selIndex >= 0) virtualizer.scrollToIndex(selIndex, { align: 'auto' });
  }, [selIndex, virtualizer]);

  const onKey = (e: KeyboardEvent<HTMLDivElement>) => {
    const cur = rows[selIndex];
    const go = (i: number) => {
      const r = rows[Math.max(0, Math.min(rows.length - 1, i))];
      if (r) onSelect(r.span.spanId);
    };
    if (e.key === 'ArrowDown') go(selIndex + 1);
    else if (e.key === 'ArrowUp') go(selIndex - 1);
    else if (e.key === 'Home') go(0);
    else if (e.key === 'End') go(rows.length - 1);
    else if (e.key === 'PageDown') go(selIndex + 20);
    else if (e.key === 'PageUp') go(selIndex - 20);
    else if (e.key === 'ArrowRight' && cur && collapsed.has(cur.span.spanId))
      onToggle(cur.span.spanId);
    else if (e.key === 'ArrowLeft' && cur) {
      if (cur.children.length > 0 && !collapsed.has(cur.span.spanId)) onToggle(cur.span.spanId);
      else if (cur.span.parentSpanId && tree.byId.has(cur.span.parentSpanId))
        onSelect(cur.span.parentSpanId);
    } else return;
    e.preventDefault();
  };

  const scale = 100 / tree.totalMs;
  return (
    <div className="waterfall">
      <div className="wf-header" aria-hidden="true">
        <div className="wf-name">Span</div>
        <div className="wf-track">
          {ticks(tree.totalMs).map((t) => (
            <span key={t} className="wf-tick" style={{ left: `${t * scale}%` }}>
              {fmtMs(t)}
            </span>
          ))}
        </div>
      </div>
      <div
        ref={scrollRef}
        className="wf-body"
        role="tree"
        aria-label="Trace waterfall"
        aria-activedescendant={selected ? `wf-${selected}` : undefined}
        tabIndex={0}
        onKeyDown={onKey}
      >
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {virtualizer.getVirtualItems().map((vr) => {
            const node = rows[vr.index]!;
            return (
              <Row
                key={node.span.spanId}
                node={node}
                top={vr.start}
                scale={scale}
                selected={node.span.spanId === selected}
                dim={highlight !== null && !highlight.has(node.span.spanId)}
                collapsed={collapsed.has(node.span.spanId)}
                onToggle={onToggle}
                onSelect={onSelect}
              />
            );
          })}
        </div>
      </div>
    </div>
  );
}

function Row(props: {
  node: SpanNode;
  top: number;
  scale: number;
  selected: boolean;
  dim: boolean;
  collapsed: boolean;
  onToggle: (id: string) => void;
  onSelect: (id: string) => void;
}) {
  const { node, top, scale, selected, dim, collapsed, onToggle, onSelect } = props;
  const s = node.span;
  const cat = displayCategory(node);
  const left = node.offsetMs * scale;
  const width = Math.max(s.durationMs * scale, 0.15);
  const error = s.status === 'error';
  const cls = `wf-row cat-${cat}${selected ? ' selected' : ''}${error ? ' error' : ''}${dim ? ' dim' : ''}`;
  return (
    // biome-ignore lint/a11y/useKeyWithClickEvents: the tree container owns focus and handles keys.
    <div
      id={`wf-${s.spanId}`}
      role="treeitem"
      tabIndex={-1}
      aria-level={node.depth + 1}
      aria-selected={selected}
      aria-expanded={node.children.length > 0 ? !collapsed : undefined}
      className={cls}
      style={{ transform: `translateY(${top}px)`, height: ROW_PX }}
      data-span-name={s.name}
      onClick={() => onSelect(s.spanId)}
    >
      <div className="wf-name" style={{ paddingLeft: 4 + node.depth * INDENT_PX }}>
        {node.children.length > 0 ? (
          <button
            type="button"
            tabIndex={-1}
            className="wf-toggle"
            aria-label={collapsed ? 'Expand' : 'Collapse'}
            onClick={(e) => {
              e.stopPropagation();
              onToggle(s.spanId);
            }}
          >
            {collapsed ? '▸' : '▾'}
          </button>
        ) : (
          <span className="wf-toggle" />
        )}
        <span className="wf-icon" title={cat} aria-hidden="true">
          {CATEGORY_ICON[cat] ?? '·'}
        </span>
        <span className="wf-label" title={s.name}>
          {s.name}
        </span>
        {error && (
          <span className="wf-err" title={s.statusMessage ?? 'error'}>
            ✕
          </span>
        )}
        {node.orphan && (
          <span className="badge warning" title="Its parent span is not in this trace">
            orphan
          </span>
        )}
        {collapsed && node.descendants > 0 && <span className="muted"> +{node.descendants}</span>}
      </div>
      <div className="wf-track">
        <div className="wf-bar" style={{ left: `${left}%`, width: `${width}%` }} />
        <span
          className="wf-dur"
          style={
            left + width > 80
              ? { right: `${100 - left + 0.5}%` }
              : { left: `${left + width + 0.5}%` }
          }
        >
          {fmtMs(s.durationMs)}
        </span>
      </div>
    </div>
  );
}
