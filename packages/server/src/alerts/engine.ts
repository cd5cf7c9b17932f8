import type { Clock } from '../clock.js';
import type { AlertView } from '../query/contract.js';
import type { AlertStore, AlertTransitionRecord, TenantScope } from '../storage/types.js';
import { deliverChanges } from './deliver.js';
import { evaluateRule, type TenantVerdict } from './evaluate.js';
import type { AlertNotifier } from './notifier.js';
import { retireAlerts } from './retire.js';
import type { AlertRule } from './rules.js';
import type { AlertDataSource } from './source.js';
import type { SuspectQuery } from './suspect.js';
import { TrackedAlerts } from './tracked.js';
import { applyVerdicts, noChanges } from './transitions.js';
import { toAlertViews } from './views.js';
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

/**
 * The evaluation loop: every `intervalMs` (never two at once) it evaluates the enabled rules,
 * retires the alerts of rules deleted or disabled (retire.ts), moves each alert on by its verdict
 * (transitions.ts), then sends and stores what changed (deliver.ts).
 */
export function createAlertEngine(opts: AlertEngineOptions): AlertEngine {
  const intervalMs = opts.intervalMs ?? 30_000;
  const settings = {
    repeatIntervalMs: opts.repeatIntervalMs ?? 4 * 3_600_000,
    dashboardUrl: opts.dashboardUrl,
  };
  const tracked = new TrackedAlerts();
  let loaded: Promise<void> | null = null;
  let running: Promise<EvaluationReport> | null = null;
  let timer: NodeJS.Timeout | null = null;
  let stopped = true;
  let last: EvaluationReport | null = null;
  const settled = new SettledWindows();

  /** The stored states, read once before the first evaluation or listing (again if that failed). */
  function ensureLoaded(): Promise<void> {
    loaded ??= (async () => {
      tracked.restore(await opts.rules(), await opts.store.loadAlertStates());
    })().catch((err) => {
      loaded = null;
      throw err;
    });
    return loaded;
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
      rules.map(async (rule): Promise<{ rule: AlertRule; verdicts: TenantVerdict[] } | null> => {
        try {
          const mine = tracked.byRule.get(rule.id);
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
    const changes = noChanges();
    const live = new Set(rules.map((r) => r.id));
    const retired = retireAlerts(tracked.byRule, live, all, now, opts.dashboardUrl, changes);
    let verdicts = 0;
    for (const result of results) {
      if (!result) continue;
      verdicts += result.verdicts.length;
      applyVerdicts(
        result.rule,
        result.verdicts,
        tracked.ofRule(result.rule.id),
        now,
        settings,
        changes,
      );
    }
    const storeError = await deliverChanges(changes, retired, tracked, opts);
    if (storeError) errors.push(storeError);

    let pending = 0;
    let firing = 0;
    for (const t of tracked.all()) {
      if (t.record.state === 'pending') pending++;
      else if (t.record.state === 'firing') firing++;
    }
    last = {
      at: now,
      durationMs: performance.now() - started,
      rules: rules.length,
      verdicts,
      queries: cache.queries,
      transitions: changes.transitions,
      notifications: changes.notify.length,
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
      return toAlertViews(tracked.all(), scope, opts.dashboardUrl);
    },
    lastReport: () => last,
  };
  return engine;
}
