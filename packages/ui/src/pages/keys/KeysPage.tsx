import { type FormEvent, useState } from 'react';
import { ApiError, apiFetch, UnreachableError } from '../../api/client.js';
import { useApi } from '../../api/useApi.js';
import { ErrorState, QueryView } from '../../ui/states.js';
import { Time } from '../../ui/Time.js';

/** A key as the list returns it; the secret is only ever shown once, at creation. */
interface KeyView {
  id: string;
  kind: 'admin' | 'ingest' | 'read';
  tenantId: string | null;
  name: string;
  createdAt?: string;
  revokedAt?: string | null;
  prefix?: string;
}

/** Admin only: create keys (optionally bound to a tenant) and revoke them. */
export function KeysPage() {
  const keys = useApi<{ items: KeyView[] }>('/keys');
  const [kind, setKind] = useState<KeyView['kind']>('read');
  const [tenantId, setTenantId] = useState('');
  const [name, setName] = useState('');
  const [created, setCreated] = useState<{ name: string; secret: string } | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  const create = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const res = await apiFetch<{ key: KeyView; secret: string }>('POST', '/keys', {
        body: {
          kind,
          name: name.trim(),
          ...(tenantId.trim() ? { tenantId: tenantId.trim() } : {}),
        },
      });
      setCreated({ name: res.key.name, secret: res.secret });
      setName('');
      keys.reload();
    } catch (err) {
      setError(err instanceof ApiError ? err : new UnreachableError(String(err)));
    } finally {
      setBusy(false);
    }
  };

  const revoke = async (k: KeyView) => {
    if (!window.confirm(`Revoke key "${k.name}"? Clients using it will be rejected.`)) return;
    setError(null);
    try {
      await apiFetch('DELETE', `/keys/${encodeURIComponent(k.id)}`);
      keys.reload();
    } catch (err) {
      if (err instanceof ApiError) setError(err);
    }
  };

  return (
    <section className="keys-page">
      <div className="page-head">
        <h1>API keys</h1>
      </div>
      <form className="filters panel" onSubmit={create} aria-label="Create a key">
        <label>
          Kind{' '}
          <select value={kind} onChange={(e) => setKind(e.target.value as KeyView['kind'])}>
            <option value="read">read</option>
            <option value="ingest">ingest</option>
            <option value="admin">admin</option>
          </select>
        </label>
        <label>
          Tenant{' '}
          <input
            value={tenantId}
            onChange={(e) => setTenantId(e.target.value)}
            placeholder="(any tenant)"
          />
        </label>
        <label>
          Name <input value={name} onChange={(e) => setName(e.target.value)} required />
        </label>
        <button type="submit" disabled={busy || !name.trim()}>
          Create key
        </button>
      </form>
      {created && (
        <div className="panel created-key" role="status">
          Key <strong>{created.name}</strong> created. Copy the secret now; it is not shown again:
          <code className="secret">{created.secret}</code>
          <button type="button" onClick={() => navigator.clipboard?.writeText(created.secret)}>
            Copy
          </button>
          <button type="button" onClick={() => setCreated(null)}>
            Done
          </button>
        </div>
      )}
      {error && <ErrorState error={error} />}
      <QueryView
        state={keys}
        onRetry={keys.reload}
        isEmpty={(d) => d.items.length === 0}
        empty="No keys yet."
      >
        {(d) => (
          <table className="grid">
            <thead>
              <tr>
                <th>Name</th>
                <th>Kind</th>
                <th>Tenant</th>
                <th>Id</th>
                <th>Created</th>
                <th>State</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {d.items.map((k) => (
                <tr key={k.id}>
                  <td>{k.name}</td>
                  <td>{k.kind}</td>
                  <td>{k.tenantId ?? 'all'}</td>
                  <td className="mono">{k.prefix ?? k.id}</td>
                  <td>{k.createdAt ? <Time value={k.createdAt} /> : '–'}</td>
                  <td>
                    {k.revokedAt ? (
                      <span className="badge error">revoked</span>
                    ) : (
                      <span className="badge ok">active</span>
                    )}
                  </td>
                  <td>
                    {!k.revokedAt && (
                      <button type="button" onClick={() => revoke(k)}>
                        Revoke
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </QueryView>
    </section>
  );
}
