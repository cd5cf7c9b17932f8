/** Per-tenant alerting: rules, evaluation engine, webhook notifier and API routes. */
export { parseDuration } from './duration.js';
export {
  type AlertEngine,
  type AlertEngineOptions,
  createAlertEngine,
  type EvaluationReport,
} from './engine.js';
export { InvalidRuleError } from './errors.js';
export {
  type AlertNotifier,
  createWebhookNotifier,
  type NotifierStats,
  type WebhookNotifierOptions,
} from './notifier.js';
export type { AlertNotification } from './payload.js';
export { type AlertRouteDeps, alertRoutes } from './routes.js';
export { type AlertRuleSet, createRuleSet, type RuleEntry } from './rule-set.js';
export {
  type AlertRule,
  type AlertRuleKind,
  alertRuleSchema,
  defaultAlertRules,
  parseAlertRule,
} from './rules.js';
export {
  type AlertsSection,
  parseAlertRules,
  parseAlertsSection,
  type WebhookConfig,
} from './section.js';
export type {
  AlertDataSource,
  RunawayCandidate,
  RunawayThresholds,
  TenantWindowStats,
} from './source.js';
export { type Alerting, type AlertingOptions, createAlerting } from './wiring.js';
