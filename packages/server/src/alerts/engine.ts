import type { Clock } from '../clock.js';
import type { AlertView } from '../query/contract.js';
import type {
  AlertStateName,
  AlertStateRecord,
  AlertStore,
  AlertTransitionRecord,
  TenantScope,
} from '../storage/types.js';
import { durationMs } from './duration.js';
import { evaluateRule, type TenantVerdict } from './evaluate.js';
import type { AlertNotifier } from './notifier.js';
import type { AlertNotification } from './payload.js';
import { retireAlerts } from './retire.js';
import { type AlertRule, ruleForTenant } from './rules.js';
import { ruleFromSnapshot, snapshotOfRule } from './snapshot.js';
import type { AlertDataSource } from './source.js';
import { nextState } from './state.js';
import { attachSuspects, type SuspectQuery } from './suspect.js';
import { type Tracked, toAlertViews, toNotification } from './views.js';
import { SettledWindows, WindowCache } from './windows.js';

export interface AlertEngineOptions {
  source: AlertDataSource;
  store: AlertStore;
  notifier: AlertNotifier;
  clock: Clock;
  /** Current rules (config + API-managed), read at every evaluation so edits apply at once. */
  rules: () => AlertRule[] | Promise<AlertRule[]>;
  intervalMs?: number;
  /** How often a still-firing alert is notified again. */
  repeatIntervalMs?: number;
  /** Base URL of the dashboard, for links in notifications and views. */
  dashboardUrl: string;
  /** Names the suspect of an alert that starts firing (alerts/suspect.ts); none when absent. */
  suspect?: SuspectQuery;
  /** Called when an evaluation fails as a whole (e.g. the store is down); never throws into the timer. */
  onError?: (err: unknown) => void;
}

export interface EvaluationReport {
  at: number;
  durationMs: number;
  rules: number;
  /** (rule, tenant) pairs with a verdict this evaluation. */
  verdicts: number;
  /** windowStats queries issued (identical windows across rules are shared). */
  queries: number;
  transitions: AlertTransitionRecord[];
  notifications: number;
  pending: number;
  firing: number;
  errors: Array<{ ruleId: string; message: string }>;
}

export interface AlertEngine {
  evaluateOnce(): Promise<EvaluationReport>;
  start(): void;
  stop(): Promise<void>;
  /** Pending and firing alerts the scope may see. */
  listAlerts(scope: TenantScope): Promise<AlertView[]>;
  lastReport(): EvaluationReport | null;
}

export function createAlertEngine(opts: AlertEngineOptions): AlertEngine {
  const intervalMs = opts.intervalMs ?? 30_000;
  const repeatIntervalMs = opts.repeatIntervalMs ?? 4 * 3_600_000;
  /** Pairs that are not inactive, by rule then tenant: quiet tenants cost no memory. */
  const tracked = new Map<string, Map<string, Tracked>>();
  const ofRule = (ruleId: string): Map<string, Tracked> => {
    let m = tracked.get(ruleId);
    if (!m) {
      m = new Map();
      tracked.set(ruleId, m);
    }
    return m;
  };
  function* allTracked(): Generator<Tracked> {
    for (const m of tracked.values()) yield* m.values();
  }
  let loaded: Promise<void> | null = null;
  let running: Promise<EvaluationReport> | null = null;
  let timer: NodeJS.Timeout | null = null;
  let stopped = true;
  let last: EvaluationReport | null = null;
  const settled = new SettledWindows();

  function ensureLoaded(): Promise<void> {
    loaded ??= (async () => {
      const rules = new Map((await opts.rules()).map((r) => [r.id, r]));
      for (const record of await opts.store.loadAlertStates()) {
        if (record.state === 'inactive') continue;
        // A rule gone from the configuration since the last run still has its alerts tracked from
        // the snapshot saved with them, so the first evaluation resolves them (retire.ts).
        const rule = rules.get(record.ruleId) ?? ruleFromSnapshot(record.ruleSnapshot);
        if (!rule) continue;
        const windowMs = durationMs(rule.window);
        ofRule(record.ruleId).set(record.tenantId, {
          record,
          rule: ruleForTenant(rule, record.tenantId) ?? rule,
          summary: `${rule.name}: value ${record.value}, threshold ${record.threshold}`,
          fromMs: record.lastEvaluated - windowMs,
          toMs: record.lastEvaluated,
        });
      }
    })().catch((err) => {
      loaded = null;
      throw err;
    });
    return loaded;
  }

  /** Applies one rule's verdicts; returns the records to save and transitions to append. */
  function apply(
    rule: AlertRule,
    verdicts: TenantVerdict[],
    now: number,
    out: {
      save: AlertStateRecord[];
      transitions: AlertTransitionRecord[];
      notify: AlertNotification[];
    },
  ): void {
    const mine = ofRule(rule.id);
    const before = [...mine.keys()];
    for (const v of verdicts) step(v.tenantId, v);
    // Tracked tenants without a verdict have no traffic now: their condition is off.
    if (before.length > 0) {
      const seen = new Set(verdicts.map((v) => v.tenantId));
      for (const tenantId of before) if (!seen.has(tenantId)) step(tenantId, undefined);
    }

    function step(tenantId: string, v: TenantVerdict | undefined): void {
      const prev = mine.get(tenantId);
      const from: AlertStateName = prev?.record.state ?? 'inactive';
      const since = prev?.record.since ?? now;
      const applied = v?.rule ?? prev?.rule ?? rule;
      const to = nextState(from, since, v?.active ?? false, durationMs(applied.for), now);
      if (!prev && to === 'inactive') return;
      const record: AlertStateRecord = {
        ruleId: rule.id,
        tenantId,
        state: to,
        since: to === from ? since : now,
        lastEvaluated: now,
        value: v?.value ?? 0,
        threshold: v?.threshold ?? prev?.record.threshold ?? applied.threshold,
        lastNotifiedAt: prev?.record.lastNotifiedAt ?? null,
        exampleTraceId: v?.exampleTraceId ?? prev?.record.exampleTraceId ?? null,
        ruleSnapshot: prev?.record.ruleSnapshot ?? null,
        // Named once, when it began firing (below, after the verdicts); kept while it fires.
        suspect: to === 'firing' ? (prev?.record.suspect ?? null) : null,
      };
      const t: Tracked = {
        record,
        rule: applied,
        summary: v ? v.summary() : `no data to evaluate over ${applied.window}`,
        fromMs: v?.fromMs ?? now - durationMs(applied.window),
        toMs: v?.toMs ?? now,
      };
      if (to !== from) {
        out.transitions.push({
          ruleId: rule.id,
          tenantId,
          from,
          to,
          at: now,
          value: record.value,
          threshold: record.threshold,
        });
      }
      const fired = to === 'firing' && from !== 'firing';
      const resolved = to === 'resolved' && from === 'firing';
      const due =
        to === 'firing' &&
        !fired &&
        record.lastNotifiedAt !== null &&
        now - record.lastNotifiedAt >= repeatIntervalMs;
      if (fired || resolved || due) {
        out.notify.push(
          toNotification(t, fired || due ? 'firing' : 'resolved', due, now, opts.dashboardUrl),
        );
        record.lastNotifiedAt = now;
      }
      if (to === 'inactive') mine.delete(tenantId);
      else mine.set(tenantId, t);
      // Only changes are written (a transition, a notification, or an edit of the rule): what a
      // restart needs is the state, its start, the last notification and the rule as it now is
      // (a rule removed while down is resolved from it); live values are served from memory.
      const snapshot = snapshotOfRule(applied);
      if (
        to !== from ||
        record.lastNotifiedAt !== prev?.record.lastNotifiedAt ||
        snapshot !== record.ruleSnapshot
      ) {
        record.ruleSnapshot = snapshot;
        out.save.push(record);
      }
    }
  }

  async function evaluate(): Promise<EvaluationReport> {
    const started = performance.now();
    await ensureLoaded();
    const now = opts.clock.now();
    const all = await opts.rules();
    const rules = all.filter((r) => r.enabled);
    settled.evict(now);
    const cache = new WindowCache(opts.source, now, settled);
    const errors: EvaluationReport['errors'] = [];
    const results = await Promise.all(
      rules.map(async (rule) => {
        try {
          const mine = tracked.get(rule.id);
          const keep = (tenantId: string) => mine?.has(tenantId) ?? false;
          return { rule, verdicts: await evaluateRule(rule, now, cache, opts.source, keep) };
        } catch (err) {
          // One failing rule (or query) keeps its alerts as they were; the others still evaluate.
          errors.push({
            ruleId: rule.id,
            message: err instanceof Error ? err.message : String(err),
          });
          return null;
        }
      }),
    );
    const out = {
      save: [] as AlertStateRecord[],
      transitions: [] as AlertTransitionRecord[],
      notify: [] as AlertNotification[],
    };
    const live = new Set(rules.map((r) => r.id));
    const retired = retireAlerts(tracked, live, all, now, opts.dashboardUrl, out);
    let verdicts = 0;
    for (const result of results) {
      if (!result) continue;
      verdicts += result.verdicts.length;
      apply(result.rule, result.verdicts, now, out);
    }
    // Memory is the source of truth while running: notify first, so a storage outage delays the
    // history, never the page.
    if (opts.suspect) {
      await attachSuspects(out.notify, opts.suspect, opts.dashboardUrl);
      // Saved with the state (the transition's record), so the alerts page and a restart show the
      // suspect the notification carried instead of computing it again.
      for (const n of out.notify) {
        const record = n.suspect !== undefined && tracked.get(n.ruleId)?.get(n.tenantId)?.record;
        if (record) record.suspect = n.suspect ? JSON.stringify(n.suspect) : null;
      }
    }
    for (const n of out.notify) opts.notifier.notify(n);
    try {
      if (out.save.length > 0) await opts.store.saveAlertStates(out.save);
      if (out.transitions.length > 0) await opts.store.appendAlertTransitions(out.transitions);
      // Last: if it fails, the rows stay behind; a restart skips states of unknown rules.
      for (const ruleId of retired) await opts.store.deleteAlertStates(ruleId);
    } catch (err) {
      errors.push({ ruleId: '(store)', message: err instanceof Error ? err.message : String(err) });
    }

    let pending = 0;
    let firing = 0;
    for (const t of allTracked()) {
      if (t.record.state === 'pending') pending++;
      else if (t.record.state === 'firing') firing++;
    }
    last = {
      at: now,
      durationMs: performance.now() - started,
      rules: rules.length,
      verdicts,
      queries: cache.queries,
      transitions: out.transitions,
      notifications: out.notify.length,
      pending,
      firing,
      errors,
    };
    return last;
  }

  function schedule(): void {
    if (stopped) return;
    timer = setTimeout(() => {
      timer = null;
      engine
        .evaluateOnce()
        .catch((err) => opts.onError?.(err))
        .finally(schedule);
    }, intervalMs);
    timer.unref();
  }

  const engine: AlertEngine = {
    evaluateOnce() {
      // Evaluations never overlap: a caller arriving mid-evaluation shares its result.
      running ??= evaluate().finally(() => {
        running = null;
      });
      return running;
    },
    start() {
      if (!stopped) return;
      stopped = false;
      engine
        .evaluateOnce()
        .catch((err) => opts.onError?.(err))
        .finally(schedule);
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = null;
      await running?.catch(() => undefined);
    },
    async listAlerts(scope) {
      await ensureLoaded();
      return toAlertViews(allTracked(), scope, opts.dashboardUrl);
    },
    lastReport: () => last,
  };
  return engine;
}
