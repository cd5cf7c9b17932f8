import { useCallback, useEffect, useMemo, useState } from 'react';
import { ApiError, apiFetch, onUnauthorized } from '../api/client.js';
import type { WhoAmIResponse } from '../api/types.js';
import { LoginPage } from '../auth/LoginPage.js';
import { clearKey, getKey } from '../auth/session.js';
import { type Session, SessionContext } from '../auth/session-context.js';
import { ErrorState, Loading } from '../ui/states.js';
import { Layout } from './Layout.js';
import { Pages } from './Pages.js';

type AuthState =
  | { status: 'checking' }
  | { status: 'out'; reason: string | null }
  | { status: 'in'; whoami: WhoAmIResponse }
  | { status: 'error'; error: ApiError };

export function App() {
  const [auth, setAuth] = useState<AuthState>(() =>
    getKey() ? { status: 'checking' } : { status: 'out', reason: null },
  );
  const [attempt, setAttempt] = useState(0);

  const check = useCallback(() => {
    setAuth({ status: 'checking' });
    setAttempt((a) => a + 1);
  }, []);

  // biome-ignore lint/correctness/useExhaustiveDependencies: re-run on each login attempt.
  useEffect(() => {
    if (!getKey()) return;
    const ctrl = new AbortController();
    apiFetch<WhoAmIResponse>('GET', '/whoami', { signal: ctrl.signal }).then(
      (whoami) => setAuth({ status: 'in', whoami }),
      (err: unknown) => {
        if (ctrl.signal.aborted) return;
        if (err instanceof ApiError && err.status === 401)
          setAuth({ status: 'out', reason: 'The key was rejected; sign in again.' });
        else if (err instanceof ApiError) setAuth({ status: 'error', error: err });
      },
    );
    return () => ctrl.abort();
  }, [attempt]);

  useEffect(
    () =>
      onUnauthorized(() =>
        setAuth({ status: 'out', reason: 'The key was rejected; sign in again.' }),
      ),
    [],
  );

  const session = useMemo<Session | null>(
    () =>
      auth.status === 'in'
        ? {
            whoami: auth.whoami,
            logout: () => {
              clearKey();
              setAuth({ status: 'out', reason: null });
            },
          }
        : null,
    [auth],
  );

  if (auth.status === 'out') return <LoginPage onLogin={check} reason={auth.reason} />;
  if (auth.status === 'checking') return <Loading label="Checking key…" />;
  if (auth.status === 'error') return <ErrorState error={auth.error} onRetry={check} />;
  return (
    <SessionContext.Provider value={session}>
      <Layout>
        <Pages />
      </Layout>
    </SessionContext.Provider>
  );
}
