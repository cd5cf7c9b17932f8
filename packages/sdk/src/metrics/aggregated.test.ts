import type { Attributes } from '@opentelemetry/api';
import {
  AggregationTemporality,
  type CollectionResult,
  MeterProvider,
} from '@opentelemetry/sdk-metrics';
import { afterEach, expect, it } from 'vitest';
import { resetWarnings, setWarnSink } from '../diag/warn.js';
import { PullMetricReader } from '../testing/memory-setup.js';
import { AggregatedMetrics } from './aggregated.js';
import { ApiMetrics, type TenantryMetrics } from './instruments.js';
import { TenantMetricsProducer } from './producer.js';
import { TenantAttributesProcessor, tenantMetricView } from './tenant-view.js';

const SCOPE = { name: '@tenantry/sdk', version: '0.1.0' };
const providers: MeterProvider[] = [];
afterEach(async () => {
  setWarnSink(undefined);
  await Promise.all(providers.splice(0).map((p) => p.shutdown()));
});

interface Setup {
  metrics: TenantryMetrics;
  delta: PullMetricReader;
  cumulative: PullMetricReader;
}

const readers = () => ({
  delta: new PullMetricReader({
    aggregationTemporalitySelector: () => AggregationTemporality.DELTA,
  }),
  cumulative: new PullMetricReader(),
});

/** The OTel metrics API into a MeterProvider, as before init() aggregated by itself. */
function throughApi(cap: number): Setup {
  const { delta, cumulative } = readers();
  const provider = new MeterProvider({
    readers: [delta, cumulative],
    views: [tenantMetricView(new TenantAttributesProcessor(undefined, cap))],
  });
  providers.push(provider);
  return {
    metrics: new ApiMetrics(provider.getMeter(SCOPE.name, SCOPE.version), cap),
    delta,
    cumulative,
  };
}

/** The SDK's own aggregation, wired as init() wires it. */
function aggregated(cap: number): Setup {
  const { delta, cumulative } = readers();
  const metrics = new AggregatedMetrics(cap);
  const producer = new TenantMetricsProducer(SCOPE, metrics.streams);
  const provider = new MeterProvider({
    readers: [producer.wrap(delta), producer.wrap(cumulative)],
    views: [tenantMetricView(new TenantAttributesProcessor(metrics.overflow, cap))],
  });
  providers.push(provider);
  return { metrics, delta, cumulative };
}

/** Everything but the times, points in a stable order. */
function comparable(result: CollectionResult) {
  return result.resourceMetrics.scopeMetrics.map((s) => ({
    scope: s.scope,
    metrics: s.metrics.map((m) => ({
      ...m,
      dataPoints: m.dataPoints
        .map((p) => ({ attributes: p.attributes, value: p.value }))
        .sort((a, b) => label(a.attributes).localeCompare(label(b.attributes))),
    })),
  }));
}

function label(attributes: Attributes): string {
  return JSON.stringify(Object.entries(attributes).sort(([a], [b]) => a.localeCompare(b)));
}

/** A deterministic mix: tenants past the cap, errors, tokens or none, odd characters. */
function scenario(m: TenantryMetrics, round: number): void {
  for (let i = 0; i < 60; i++) {
    const tenant = `t${(i * 7 + round) % 9}`;
    const status = i % 5 === 0 ? 'error' : 'ok';
    m.recordRun(tenant, i % 3 === 0 ? 'a:b' : 'a', status, (i % 13) * 0.37);
    m.recordLlm({
      tenantId: tenant,
      operation: 'chat',
      model: i % 2 === 0 ? 'm1' : '1m',
      provider: 'p',
      durationSeconds: (i % 11) * 0.05,
      inputTokens: i % 4 === 0 ? undefined : i * 97,
      outputTokens: i % 6 === 0 ? undefined : i,
      errorType: i % 7 === 0 ? 'TimeoutError' : undefined,
    });
    m.recordTool(tenant, i % 2 === 0 ? 'search' : 'sea', status);
    m.recordRedactions(i % 4 === 0 ? undefined : tenant, i % 3);
  }
}

it('exports exactly what the OTel metrics API exported for the same points, per temporality', async () => {
  resetWarnings();
  setWarnSink(() => undefined);
  const api = throughApi(5);
  const own = aggregated(5);
  for (const round of [0, 1, 2]) {
    scenario(api.metrics, round);
    scenario(own.metrics, round);
    expect(comparable(await own.delta.collect())).toEqual(comparable(await api.delta.collect()));
    // The cumulative readers collect every other round: they must merge what they missed.
    if (round !== 1) {
      const expected = comparable(await api.cumulative.collect());
      expect(comparable(await own.cumulative.collect())).toEqual(expected);
      expect(expected[0]?.metrics.length).toBe(7);
    }
  }
  // Nothing since: no metrics at all for a delta reader, the same totals for a cumulative one.
  expect(comparable(await own.delta.collect())).toEqual(comparable(await api.delta.collect()));
  expect(comparable(await own.cumulative.collect())).toEqual(
    comparable(await api.cumulative.collect()),
  );
});
