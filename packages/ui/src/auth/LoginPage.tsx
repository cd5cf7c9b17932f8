import { type FormEvent, useState } from 'react';
import { ApiError, apiFetch } from '../api/client.js';
import type { WhoAmIResponse } from '../api/types.js';
import { setKey } from './session.js';

/** Key entry: the key is checked against /whoami before it is stored. */
export function LoginPage({ onLogin, reason }: { onLogin: () => void; reason: string | null }) {
  const [value, setValue] = useState('');
  const [error, setError] = useState<string | null>(reason);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const key = value.trim();
    if (!key) return;
    setBusy(true);
    setError(null);
    try {
      await apiFetch<WhoAmIResponse>('GET', '/whoami', { key });
      setKey(key);
      onLogin();
    } catch (err) {
      setError(
        err instanceof ApiError && err.status === 401
          ? 'This key is not valid (revoked, expired or mistyped).'
          : err instanceof Error
            ? err.message
            : String(err),
      );
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="login">
      <form className="login-card" onSubmit={submit}>
        <h1>tenantry</h1>
        <p className="muted">Per-tenant observability. Sign in with an admin or read key.</p>
        <label htmlFor="key-input">API key</label>
        <input
          id="key-input"
          type="password"
          autoComplete="off"
          placeholder="tnt_…"
          value={value}
          onChange={(e) => setValue(e.target.value)}
          // biome-ignore lint/a11y/noAutofocus: the only thing to do on this page is type the key.
          autoFocus
        />
        {error && (
          <div className="state state-error" role="alert">
            {error}
          </div>
        )}
        <button type="submit" disabled={busy || !value.trim()}>
          {busy ? 'Checking…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
