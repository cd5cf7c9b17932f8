import { createRedactor, parsePolicy, type Redactor } from '@tenantry/redact';
import type { TenantryConfig } from '../config/config.js';
import type { Attributes } from '../storage/types.js';
import type { ServerMetrics } from '../telemetry/registry.js';
import type { IngestRedactor } from './pipeline.js';
import { redactionTally } from './redaction-tally.js';

export const REDACTED_COUNT_ATTRIBUTE = 'tenantry.redacted.count';

/** Server defaults of the context detectors: off unless the policy turns them on. */
const SERVER_DETECTORS = { PERSON: false, ADDRESS: false, DATE_OF_BIRTH: false, HEALTH: false };

/**
 * Server-side redaction, on by default and per-tenant configurable: whatever SDK sent the data
 * (ours, a Python agent, a collector), PII and secrets are removed before anything is stored.
 * Only counts are recorded, on the item (`tenantry.redacted.count`), in /metrics by type, and in
 * the per-tenant tally the dashboard reads (GET /api/v1/tenants/:tenant/redactions).
 */
export function createIngestRedactor(
  settings: TenantryConfig['redaction'],
  metrics: ServerMetrics,
): IngestRedactor {
  return redactionCore(settings, redactionCounter(metrics));
}

/** Where a redactor's findings go: counted by type per tenant; returns how many there were. */
export type FindingsSink = (tenantId: string, findings: Record<string, number>) => number;

/** Counts findings in /metrics and the per-tenant tally the dashboard reads. */
export function redactionCounter(metrics: ServerMetrics): FindingsSink {
  const tally = redactionTally(metrics);
  return (tenantId, findings) => {
    let total = 0;
    for (const type in findings) {
      const n = findings[type]!;
      total += n;
      metrics.redacted.inc({ tenant: tenantId, type }, n);
      tally.add(tenantId, type, n);
    }
    return total;
  };
}

/**
 * The redactor itself, its findings handed to `count`: an ingest worker (ingest-worker.ts) keeps
 * them with the rows, and the event loop counts those of the tenants it admits.
 */
export function redactionCore(
  settings: TenantryConfig['redaction'],
  count: FindingsSink,
): IngestRedactor {
  const policy = settings.policy ? parsePolicy(settings.policy) : {};
  // Context detectors cost ~4x the pattern ones per attribute (bench/redact), so on the shared
  // ingest path they are opt-in (`policy.detectors`, globally or per tenant); the SDK runs them
  // by default in the agent's own process. docs/security.md has the numbers.
  const redactor: Redactor = createRedactor({
    ...policy,
    detectors: { ...SERVER_DETECTORS, ...policy.detectors },
  });
  const enabledFor = (tenantId: string) => settings.tenants[tenantId]?.enabled ?? settings.enabled;

  return {
    attributes(tenantId, attrs) {
      if (!enabledFor(tenantId)) return attrs;
      // Decoded OTLP or validated JSON: plain data, so what has no finding comes back as is,
      // uncopied (most attributes); `value` may share objects with `attrs`, neither is mutated.
      const { value, findings } = redactor.redact(attrs, { tenantId, plainData: true });
      const total = count(tenantId, findings);
      if (total === 0) return value;
      const out: Attributes = { ...value };
      const previous = out[REDACTED_COUNT_ATTRIBUTE];
      out[REDACTED_COUNT_ATTRIBUTE] = (typeof previous === 'number' ? previous : 0) + total;
      return out;
    },
    text(tenantId, text) {
      if (!enabledFor(tenantId) || text === '') return text;
      const { value, findings } = redactor.redactString(text, { tenantId });
      count(tenantId, findings);
      return value;
    },
  };
}
