import { useVirtualizer } from '@tanstack/react-virtual';
import { type KeyboardEvent, useEffect, useId, useRef, useState } from 'react';
import { apiGet } from '../api/client.js';
import type { TenantsResponse } from '../api/types.js';
import { selectTenant, useTenant } from './tenant.js';
import { useTimeRange } from './timeRange.js';

const PAGE = 1000;
const ROW_PX = 30;

interface Option {
  id: string | null;
  label: string;
  detail: string;
}

/**
 * The tenant filter, first on every page. Searching goes to the server (`q`), results page in by
 * cursor as the list scrolls, and only the visible rows are in the DOM, so 10,000 tenants stay fast.
 */
export function TenantSelector() {
  const { tenant, locked } = useTenant();
  const range = useTimeRange();
  const [open, setOpen] = useState(false);
  const [q, setQ] = useState('');
  const [items, setItems] = useState<Option[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [active, setActive] = useState(0);
  const listRef = useRef<HTMLDivElement>(null);
  const inputRef = useRef<HTMLInputElement>(null);
  const rootRef = useRef<HTMLDivElement>(null);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const listId = useId();

  // A new search (debounced) replaces the list; scrolling to its end appends the next page.
  useEffect(() => {
    if (!open) return;
    const ctrl = new AbortController();
    const timer = setTimeout(() => {
      setLoading(true);
      setError(null);
      apiGet<TenantsResponse>(
        '/tenants',
        { q: q.trim(), limit: PAGE, from: range.from, to: range.to, sort: 'tenant' },
        ctrl.signal,
      ).then(
        (res) => {
          setItems([{ id: null, label: 'All tenants', detail: '' }, ...res.items.map(toOption)]);
          setCursor(res.nextCursor);
          setActive(0);
          setLoading(false);
        },
        (err: unknown) => {
          if (ctrl.signal.aborted) return;
          setError(err instanceof Error ? err.message : String(err));
          setLoading(false);
        },
      );
    }, 120);
    return () => {
      clearTimeout(timer);
      ctrl.abort();
    };
  }, [open, q, range.from, range.to]);

  const loadMore = () => {
    if (!cursor || loading) return;
    setLoading(true);
    apiGet<TenantsResponse>('/tenants', {
      q: q.trim(),
      limit: PAGE,
      cursor,
      from: range.from,
      to: range.to,
      sort: 'tenant',
    }).then(
      (res) => {
        setItems((prev) => [...prev, ...res.items.map(toOption)]);
        setCursor(res.nextCursor);
        setLoading(false);
      },
      () => setLoading(false),
    );
  };

  const virtualizer = useVirtualizer({
    count: items.length,
    getScrollElement: () => listRef.current,
    estimateSize: () => ROW_PX,
    overscan: 8,
  });
  const virtualRows = virtualizer.getVirtualItems();
  const lastRow = virtualRows[virtualRows.length - 1];
  // biome-ignore lint/correctness/useExhaustiveDependencies: fetch the next page near the end.
  useEffect(() => {
    if (lastRow && lastRow.index >= items.length - 20) loadMore();
  }, [lastRow?.index, items.length]);

  useEffect(() => {
    if (!open) return;
    const onDown = (e: MouseEvent) => {
      if (rootRef.current && !rootRef.current.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('mousedown', onDown);
    return () => document.removeEventListener('mousedown', onDown);
  }, [open]);

  const choose = (opt: Option | undefined) => {
    if (!opt) return;
    setOpen(false);
    setQ('');
    selectTenant(opt.id);
  };

  const onKey = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      const next = Math.max(
        0,
        Math.min(items.length - 1, active + (e.key === 'ArrowDown' ? 1 : -1)),
      );
      setActive(next);
      virtualizer.scrollToIndex(next);
    } else if (e.key === 'Enter') {
      e.preventDefault();
      choose(items[active]);
    } else if (e.key === 'Escape') {
      setOpen(false);
      buttonRef.current?.focus();
    }
  };

  if (locked) {
    return (
      <div className="tenant-selector locked" title="This key is bound to one tenant">
        <span className="tenant-label">Tenant</span>
        <span className="tenant-value" data-testid="tenant-current">
          {tenant}
        </span>
        <span className="badge">bound key</span>
      </div>
    );
  }

  return (
    <div className="tenant-selector" ref={rootRef}>
      <button
        ref={buttonRef}
        type="button"
        className="tenant-button"
        aria-haspopup="listbox"
        aria-expanded={open}
        onClick={() => {
          setOpen((o) => !o);
          setTimeout(() => inputRef.current?.focus(), 0);
        }}
      >
        <span className="tenant-label">Tenant</span>
        <span className="tenant-value" data-testid="tenant-current">
          {tenant ?? 'All tenants'}
        </span>
        <span aria-hidden="true">▾</span>
      </button>
      {open && (
        <div className="tenant-popover">
          <input
            ref={inputRef}
            role="combobox"
            aria-controls={listId}
            aria-expanded="true"
            aria-activedescendant={`${listId}-${active}`}
            aria-label="Search tenants"
            placeholder="Search tenants…"
            value={q}
            onChange={(e) => setQ(e.target.value)}
            onKeyDown={onKey}
          />
          {error && <div className="state state-error">{error}</div>}
          <div ref={listRef} className="tenant-list" id={listId} role="listbox">
            <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
              {virtualRows.map((row) => {
                const opt = items[row.index]!;
                return (
                  // biome-ignore lint/a11y/useKeyWithClickEvents: keys are handled by the container that owns focus (aria-activedescendant).
                  <div
                    key={opt.id ?? '*'}
                    id={`${listId}-${row.index}`}
                    role="option"
                    tabIndex={-1}
                    aria-selected={row.index === active}
                    className={`tenant-option${row.index === active ? ' active' : ''}${opt.id === tenant ? ' current' : ''}`}
                    style={{ height: ROW_PX, transform: `translateY(${row.start}px)` }}
                    onMouseEnter={() => setActive(row.index)}
                    onMouseDown={(e) => e.preventDefault()}
                    onClick={() => choose(opt)}
                  >
                    <span>{opt.label}</span>
                    <span className="muted">{opt.detail}</span>
                  </div>
                );
              })}
            </div>
          </div>
          <div className="tenant-footer muted">
            {loading ? 'Loading…' : `${items.length - 1}${cursor ? '+' : ''} tenants`}
          </div>
        </div>
      )}
    </div>
  );
}

function toOption(t: TenantsResponse['items'][number]): Option {
  return { id: t.tenantId, label: t.tenantId, detail: `${t.runs} runs` };
}
