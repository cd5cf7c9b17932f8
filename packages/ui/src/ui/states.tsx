import type { ReactNode } from 'react';
import type { ApiError } from '../api/client.js';

export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <div className="state state-loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      {label}
    </div>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <div className="state state-empty">{children}</div>;
}

export function ErrorState({ error, onRetry }: { error: ApiError; onRetry?: () => void }) {
  return (
    <div className="state state-error" role="alert">
      <strong>{error.code}</strong> {error.message}
      {onRetry && (
        <button type="button" onClick={onRetry}>
          Retry
        </button>
      )}
    </div>
  );
}

/** Loading / error / empty around a query's data: every page shows the same three states. */
export function QueryView<T>(props: {
  state: { status: 'loading' | 'ok' | 'error'; data: T | null; error: ApiError | null };
  onRetry?: () => void;
  isEmpty?: (data: T) => boolean;
  empty?: ReactNode;
  children: (data: T) => ReactNode;
}) {
  const { state } = props;
  if (state.status === 'error' && state.error && state.data === null)
    return <ErrorState error={state.error} onRetry={props.onRetry} />;
  if (state.data === null) return <Loading />;
  const data = state.data;
  return (
    <>
      {state.status === 'error' && state.error && (
        <ErrorState error={state.error} onRetry={props.onRetry} />
      )}
      {props.isEmpty?.(data) ? (
        <Empty>{props.empty ?? 'Nothing in this range.'}</Empty>
      ) : (
        props.children(data)
      )}
    </>
  );
}
