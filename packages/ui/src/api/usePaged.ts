import { useState } from 'react';
import { apiGet, type Params } from './client.js';
import type { Page } from './types.js';
import { type ApiState, useApi } from './useApi.js';

type Paged<R> = ApiState<R> & {
  reload: () => void;
  more: (() => void) | null;
  loadingMore: boolean;
};

/**
 * The first page through useApi (so it refreshes with the range and keeps the response's other
 * fields), further pages appended on `more()` by cursor. Appended pages remember the first page
 * they extend (`base`), so a new first page (new query, refresh) drops them without an effect.
 */
export function usePaged<R extends Page<unknown>>(path: string, params: Params): Paged<R> {
  const first = useApi<R>(path, params);
  const [extra, setExtra] = useState<{
    items: R['items'];
    cursor: string | null;
    base: R | null;
  } | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);

  const current = extra && extra.base === first.data ? extra : null;
  const cursor = current ? current.cursor : (first.data?.nextCursor ?? null);
  const more =
    cursor && !loadingMore
      ? () => {
          setLoadingMore(true);
          const base = first.data;
          apiGet<R>(path, { ...params, cursor }).then(
            (page) => {
              setExtra((prev) => ({
                items: [...(prev && prev.base === base ? prev.items : []), ...page.items],
                cursor: page.nextCursor,
                base,
              }));
              setLoadingMore(false);
            },
            () => setLoadingMore(false),
          );
        }
      : null;

  if (first.data === null || !current) return { ...first, more, loadingMore };
  const data = {
    ...first.data,
    items: [...first.data.items, ...current.items],
    nextCursor: cursor,
  };
  return { ...first, data, more, loadingMore } as Paged<R>;
}
