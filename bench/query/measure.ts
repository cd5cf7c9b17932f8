import { createKey } from '../../packages/server/src/auth/keys.js';
import type { RunningServer } from '../../packages/server/src/server.js';
import { quantile, report } from '../_lib/report.js';

/** One engine's server as the query cases see it: the keys, and what to ask about. */
export interface Target {
  engine: string;
  server: RunningServer;
  admin: string;
  /** A read key bound to `mid`. */
  tenantKey: string;
}

export interface Workload {
  /** `from=…&to=…` of the last closed UTC day. */
  range: string;
  /** The median-sized tenant by spans (neither a giant nor an empty one). */
  mid: string;
  /** Runs spread over the whole fleet's time span, looked up by an admin key (tenant unknown). */
  anyTraces: string[];
  /** Runs of `mid`, looked up with its tenant-bound key. */
  midTraces: string[];
  repeat: number;
}

export async function targetFor(engine: string, server: RunningServer, mid: string) {
  const admin =
    server.bootstrapKeys?.admin ?? (await createKey(server.storage, { kind: 'admin' })).secret;
  const tenantKey = (await createKey(server.storage, { kind: 'read', tenantId: mid })).secret;
  return { engine, server, admin, tenantKey } satisfies Target;
}

/** Sorted latencies of `repeat` calls, cycling through `paths` (after three warm-up calls). */
async function latencies(t: Target, paths: string[], repeat: number, key = t.admin) {
  const times: number[] = [];
  // Three untimed calls first, so no case pays for the cold cache of the one before it.
  for (let i = -3; i < repeat; i++) {
    const path = paths[(i + paths.length * 3) % paths.length]!;
    const start = performance.now();
    const res = await fetch(t.server.url + path, { headers: { authorization: `Bearer ${key}` } });
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`${t.engine}: ${path} answered ${res.status}`);
    if (i >= 0) times.push(performance.now() - start);
  }
  return times.sort((a, b) => a - b);
}

/**
 * One-tenant vs all-tenants ratios compare medians: a p95 of 30 calls is the second-worst call,
 * and one GC pause on either side would decide the ratio. Goal: one tenant ≤ 0.25× all tenants.
 */
function ratio(t: Target, name: string, one: number[], all: number[], goal: boolean) {
  const [m1, mAll] = [quantile(one, 0.5), quantile(all, 0.5)];
  report({
    bench: 'query',
    case: `${name} (${t.engine})`,
    metric: 'ratio',
    value: m1 / mAll,
    baseline: `all tenants (median ${m1.toFixed(1)} vs ${mAll.toFixed(1)} ms; p95 ${quantile(one, 0.95).toFixed(1)} vs ${quantile(all, 0.95).toFixed(1)})`,
    ...(goal ? { goal: '<= 0.25', pass: m1 / mAll <= 0.25 } : {}),
  });
}

/** The one-tenant vs all-tenants pairs: failed runs of a day, and the overview by key. */
export async function ratios(t: Target, w: Workload, when: string, goal: boolean) {
  ratio(
    t,
    `failed runs, one tenant vs all tenants, ${when}`,
    await latencies(t, [`/api/v1/runs?tenant=${w.mid}&${w.range}&limit=50&status=error`], w.repeat),
    await latencies(t, [`/api/v1/runs?${w.range}&limit=50&status=error`], w.repeat),
    goal,
  );
  // The same aggregation scoped by tenant or not: over a whole day the all-tenants side reads every
  // row, so this isolates what the layout buys a tenant.
  const path = `/api/v1/tenants?${w.range}&limit=100&sort=runs`;
  ratio(
    t,
    `tenants overview, tenant-bound key vs admin key, ${when}`,
    await latencies(t, [path], w.repeat, t.tenantKey),
    await latencies(t, [path], w.repeat),
    goal,
  );
}

/** Route cases: name, paths (cycled), which key, p95 goal in ms (the goals). */
function cases(w: Workload): Array<[string, string[], 'admin' | 'tenant', number | null]> {
  return [
    [
      'tenants overview (closed day, all tenants)',
      [`/api/v1/tenants?${w.range}&limit=100&sort=runs`],
      'admin',
      200,
    ],
    [
      'timeseries (1 tenant, closed day, 5 min step)',
      [
        `/api/v1/tenants/${w.mid}/timeseries?metrics=runs,failure_rate,run_latency_p95,tokens_input,cost&${w.range}&step=300`,
      ],
      'admin',
      100,
    ],
    [
      'trace by id (admin key, any day of the fleet)',
      w.anyTraces.map((id) => `/api/v1/traces/${id}`),
      'admin',
      20,
    ],
    [
      'trace by id (tenant-bound key)',
      w.midTraces.map((id) => `/api/v1/traces/${id}`),
      'tenant',
      20,
    ],
    [
      'runs list (1 tenant, closed day)',
      [`/api/v1/runs?tenant=${w.mid}&${w.range}&limit=50`],
      'admin',
      50,
    ],
  ];
}

/**
 * p50 and p95 of every route case through the real HTTP server; with `goals`, the p95 rows carry
 * the goal and whether it was met. Returns the p95s by case, for ratios between engines.
 */
export async function routeCases(
  t: Target,
  w: Workload,
  label: string,
  goals: boolean,
  baseline?: Map<string, number>,
): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const [name, paths, key, goal] of cases(w)) {
    const times = await latencies(t, paths, w.repeat, key === 'admin' ? t.admin : t.tenantKey);
    const p95 = quantile(times, 0.95);
    out.set(name, p95);
    const base = baseline?.get(name);
    report({
      bench: 'query',
      case: `${name} p50 (${label})`,
      metric: 'ms',
      value: quantile(times, 0.5),
    });
    report({
      bench: 'query',
      case: `${name} p95 (${label})`,
      metric: 'ms',
      value: p95,
      ...(base !== undefined ? { ratio: p95 / base, baseline: 'duckdb' } : {}),
      ...(goals && goal !== null ? { goal: `< ${goal}`, pass: p95 < goal } : {}),
    });
  }
  return out;
}
