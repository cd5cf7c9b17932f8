import type { FastifyInstance } from 'fastify';
import type { Clock } from '../clock.js';
import type { AlertStore } from '../storage/types.js';
import type { Counter, Registry } from '../telemetry/registry.js';
import { type AlertEngine, createAlertEngine } from './engine.js';
import { type AlertNotifier, createWebhookNotifier } from './notifier.js';
import { alertRoutes } from './routes.js';
import { type AlertRuleSet, createRuleSet } from './rule-set.js';
import { parseAlertsSection } from './section.js';
import type { AlertDataSource } from './source.js';
import type { SuspectQuery } from './suspect.js';

export interface AlertingOptions {
  /** The `alerts:` section of tenantry.yaml (validated here; throws InvalidRuleError). */
  section: unknown;
  /** Storage: it is both where the aggregates come from and where state and history go. */
  storage: AlertStore & AlertDataSource;
  clock: Clock;
  /** The dashboard's public base URL, for links in notifications. */
  dashboardUrl: string;
  /** The server's /metrics registry; alert delivery and evaluation metrics are added to it. */
  registry?: Registry;
  /** Also counts deliveries that failed after all retries, by receiver (the server's own counter). */
  failures?: Pick<Counter, 'inc'>;
  onError?: (err: unknown) => void;
  /** Names the suspect in firing notifications (the server passes the why analysis). */
  suspect?: SuspectQuery;
}

export interface Alerting {
  engine: AlertEngine;
  notifier: AlertNotifier;
  ruleSet: AlertRuleSet;
  /** Registers the alert routes; pass to the server's /api/v1 route groups. */
  routes: (app: FastifyInstance) => Promise<void>;
  start(): void;
  /** Stops evaluating, then gives queued notifications their in-flight attempt. */
  close(): Promise<void>;
}

/** Everything the server needs for alerting, built from config in one call. */
export function createAlerting(options: AlertingOptions): Alerting {
  const section = parseAlertsSection(options.section);
  const outcomes = options.registry?.counter(
    'tenantry_alert_notifications_total',
    'Webhook delivery outcomes (sent, failed after all retries, retried, dropped on a full queue), by receiver.',
  );
  const notifier = createWebhookNotifier({
    webhooks: section.webhooks,
    ...section.delivery,
    onOutcome: (receiver, outcome) => {
      outcomes?.inc({ receiver, outcome });
      if (outcome === 'failed') options.failures?.inc({ receiver });
    },
  });
  const ruleSet = createRuleSet(section.rules, options.storage);
  const engine = createAlertEngine({
    source: options.storage,
    store: options.storage,
    notifier,
    clock: options.clock,
    rules: () => ruleSet.rules(),
    intervalMs: section.intervalMs,
    repeatIntervalMs: section.repeatIntervalMs,
    dashboardUrl: options.dashboardUrl,
    onError: options.onError,
    suspect: options.suspect,
  });
  if (options.registry) {
    const r = options.registry;
    r.gauge(
      'tenantry_alert_notifications_queued',
      'Webhook deliveries waiting or in flight.',
    ).track(() => {
      const s = notifier.stats();
      return s.queued + s.inFlight;
    });
    r.gauge('tenantry_alert_evaluation_seconds', 'Duration of the last alert evaluation.').track(
      () => (engine.lastReport()?.durationMs ?? 0) / 1000,
    );
    r.gauge('tenantry_alerts_firing', 'Firing (rule, tenant) alerts at the last evaluation.').track(
      () => engine.lastReport()?.firing ?? 0,
    );
    r.gauge(
      'tenantry_alerts_pending',
      'Pending (rule, tenant) alerts at the last evaluation.',
    ).track(() => engine.lastReport()?.pending ?? 0);
  }
  return {
    engine,
    notifier,
    ruleSet,
    routes: (app) => alertRoutes(app, { engine, store: options.storage, ruleSet, notifier }),
    start: () => engine.start(),
    async close() {
      await engine.stop();
      await notifier.close();
    },
  };
}
