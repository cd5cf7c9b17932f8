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

  const inFlight = useRef<{
    shape: string;
    nonce: number;
    tick: number;
    ctrl: AbortController;
  } | null>(null);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `key` stands for path + params.
  useEffect(() => {
    if (path === null) return;
    const running = inFlight.current;
    // An auto-refresh tick while the same query is still running lets it land instead of
    // restarting it: a query slower than the refresh interval would otherwise never show.
    if (running && running.shape === shape && running.nonce === nonce && running.tick !== tick)
      return;
    running?.ctrl.abort();
    const ctrl = new AbortController();
    const entry = { shape, nonce, tick, ctrl };
    inFlight.current = entry;
    const sameQuery = lastShape.current === shape;
    lastShape.current = shape;
    setState((s) => ({ status: 'loading', data: sameQuery ? s.data : null, error: null }));
    const done = () => {
      if (inFlight.current === entry) inFlight.current = null;
    };
    apiGet<T>(path, params, ctrl.signal).then(
      (data) => {
        // A response that landed just as a newer query replaced it must not overwrite that one.
        if (ctrl.signal.aborted) return;
        done();
        setState({ status: 'ok', data, error: null });
      },
      (err: unknown) => {
        if (ctrl.signal.aborted) return;
        done();
        const error = err instanceof ApiError ? err : new UnreachableError(String(err));
        setState((s) => ({ status: 'error', data: s.data, error }));
      },
    );
  }, [key, nonce, tick]);

  // Leaving the page cancels whatever is still running.
  useEffect(() => () => inFlight.current?.ctrl.abort(), []);

  const reload = useCallback(() => setNonce((n) => n + 1), []);
  return { ...state, reload };
}
