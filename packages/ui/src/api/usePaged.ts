import { useState } from 'react';
import { apiGet, type Params } from './client.js';
import type { Page } from './types.js';
import { type ApiState, useApi } from './useApi.js';

/**
 * Appended pages remember the first page they extend (`base`): a new first page (new query or a
 * refresh) makes them stale without an effect to clear them.
 *
 * The first page through useApi (so it refreshes with the range), further pages appended on
 * `more()` by cursor; a change of query or a refresh starts again from the first page.
 */
export function usePaged<T>(
  path: string,
  params: Params,
): ApiState<Page<T>> & { reload: () => void; more: (() => void) | null; loadingMore: boolean } {
  const first = useApi<Page<T>>(path, params);
  const [extra, setExtra] = useState<{ items: T[]; cursor: string | null; base: unknown } | null>(
    null,
  );
  const [loadingMore, setLoadingMore] = useState(false);

  const cursor =
    extra && extra.base === first.data ? extra.cursor : (first.data?.nextCursor ?? null);
  const more =
    cursor && !loadingMore
      ? () => {
          setLoadingMore(true);
          const base = first.data;
          apiGet<Page<T>>(path, { ...params, cursor }).then(
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

  if (first.data === null) return { ...first, more: null, loadingMore };
  const items =
    extra && extra.base === first.data ? [...first.data.items, ...extra.items] : first.data.items;
  return {
    ...first,
    data: { items, nextCursor: cursor },
    more,
    loadingMore,
  } as ApiState<Page<T>> & { reload: () => void; more: (() => void) | null; loadingMore: boolean };
}
