import type { Page, RunSummary, WhyFieldName } from '../../api/types.js';
import { usePaged } from '../../api/usePaged.js';
import { setParams, useUrl } from '../../app/router.js';
import { useTimeRange } from '../../controls/timeRange.js';
import { DebouncedInput } from '../../ui/DebouncedInput.js';
import { QueryView } from '../../ui/states.js';
import { FIELD_LABEL } from '../tenant/why.js';
import { RunTable } from './RunTable.js';

const setFilter = (k: string) => (v: string) => setParams({ [k]: v }, { replace: true });

/** A tenant's runs with filters in the URL: `/tenants/<t>/runs?status=error&from=..&to=..`. */
export function RunsPage({ tenant }: { tenant: string }) {
  const range = useTimeRange();
  const { search } = useUrl();
  const status = search.get('status') ?? '';
  const agent = search.get('agent') ?? '';
  const minDurationMs = search.get('minDurationMs') ?? '';
  const q = search.get('q') ?? '';
  // A why finding ("runs where get_account_data failed"), set by the tenant page's why panel.
  const field = search.get('field') as WhyFieldName | null;
  const value = search.get('value');
  const finding = field && value && field in FIELD_LABEL ? { field, value } : null;

  const runs = usePaged<Page<RunSummary>>('/runs', {
    tenant,
    from: range.from,
    to: range.to,
    status,
    agent,
    minDurationMs,
    q,
    ...(finding ? { field: finding.field, value: finding.value } : {}),
    limit: 100,
  });

  return (
    <section className="runs-page">
      <div className="page-head">
        <h1>
          Runs <span className="muted mono">{tenant}</span>
        </h1>
        <form className="filters" onSubmit={(e) => e.preventDefault()} aria-label="Run filters">
          <label>
            Status{' '}
            <select value={status} onChange={(e) => setParams({ status: e.target.value })}>
              <option value="">any</option>
              <option value="error">error</option>
              <option value="ok">ok</option>
              <option value="unset">unset</option>
            </select>
          </label>
          <span className="field">
            Agent
            <DebouncedInput
              aria-label="Agent"
              value={agent}
              onValue={setFilter('agent')}
              placeholder="agent name"
            />
          </span>
          <span className="field">
            Min duration (ms)
            <DebouncedInput
              aria-label="Min duration"
              value={minDurationMs}
              onValue={setFilter('minDurationMs')}
              inputMode="numeric"
              size={8}
            />
          </span>
          <span className="field">
            Text
            <DebouncedInput
              aria-label="Text"
              type="search"
              value={q}
              onValue={setFilter('q')}
              placeholder="input, error, user…"
            />
          </span>
          {finding && (
            <button
              type="button"
              data-testid="finding-filter"
              title="show all runs"
              onClick={() => setParams({ field: null, value: null })}
            >
              {FIELD_LABEL[finding.field]}: {finding.value.slice(0, 60)} ✕
            </button>
          )}
        </form>
      </div>
      <QueryView
        state={runs}
        onRetry={runs.reload}
        isEmpty={(d) => d.items.length === 0}
        empty="No runs match these filters in this range."
      >
        {(d) => (
          <>
            <RunTable runs={d.items} />
            {runs.more && (
              <button type="button" onClick={runs.more} disabled={runs.loadingMore}>
                {runs.loadingMore ? 'Loading…' : 'Load more runs'}
              </button>
            )}
          </>
        )}
      </QueryView>
    </section>
  );
}
