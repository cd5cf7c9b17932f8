import { useCallback, useEffect, useRef, useState } from 'react';
import { useRefreshTick } from '../controls/refresh.js';
import { ApiError, apiGet, type Params, UnreachableError } from './client.js';

export type ApiState<T> =
  | { status: 'loading'; data: T | null; error: null }
  | { status: 'ok'; data: T; error: null }
  | { status: 'error'; data: T | null; error: ApiError };

/**
 * GETs `path` whenever the path or params change (and on `reload()`); keeps the previous data while
 * refreshing so an auto-refresh does not flash the page into its loading state.
 */
export function useApi<T>(
  path: string | null,
  params: Params = {},
): ApiState<T> & { reload: () => void } {
  const [state, setState] = useState<ApiState<T>>({ status: 'loading', data: null, error: null });
  const [nonce, setNonce] = useState(0);
  const tick = useRefreshTick();
  const key = path === null ? null : `${path}?${JSON.stringify(params)}`;
  // The same query over a moved time window keeps showing its data while it reloads.
  const { from: _f, to: _t, ...shapeParams } = params;
  const shape = `${path}?${JSON.stringify(shapeParams)}`;
  const lastShape = useRef<string | null>(null);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `key` stands for path + params.
  useEffect(() => {
    if (path === null) return;
    const ctrl = new AbortController();
    const sameQuery = lastShape.current === shape;
    lastShape.current = shape;
    setState((s) => ({ status: 'loading', data: sameQuery ? s.data : null, error: null }));
    apiGet<T>(path, params, ctrl.signal).then(
      (data) => setState({ status: 'ok', data, error: null }),
      (err: unknown) => {
        if (ctrl.signal.aborted) return;
        const error = err instanceof ApiError ? err : new UnreachableError(String(err));
        setState((s) => ({ status: 'error', data: s.data, error }));
      },
    );
    return () => ctrl.abort();
  }, [key, nonce, tick]);

  const reload = useCallback(() => setNonce((n) => n + 1), []);
  return { ...state, reload };
}
