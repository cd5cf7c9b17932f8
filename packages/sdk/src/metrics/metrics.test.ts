import { type Attributes, metrics } from '@opentelemetry/api';
import {
  type CollectionResult,
  DataPointType,
  type HistogramMetricData,
  type SumMetricData,
} from '@opentelemetry/sdk-metrics';
import { afterEach, describe, expect, it } from 'vitest';
import { resetWarnings, setWarnSink } from '../diag/warn.js';
import { initInMemory, type MemorySetup } from '../testing/memory-setup.js';
import { agentRun } from '../trace/agent.js';
import { llmCall } from '../trace/llm.js';
import { toolCall } from '../trace/steps.js';
import { OVERFLOW_TENANT } from './tenant-guard.js';

let setup: MemorySetup | undefined;
afterEach(async () => {
  setWarnSink(undefined);
  await setup?.handle.shutdown();
  setup = undefined;
});

function metric(result: CollectionResult, name: string) {
  return result.resourceMetrics.scopeMetrics
    .flatMap((s) => s.metrics)
    .find((m) => m.descriptor.name === name);
}

/** Sum/counter points as `{attrs: value}` keyed by a stable attribute string. */
function sums(result: CollectionResult, name: string): Record<string, number> {
  const m = metric(result, name) as SumMetricData | undefined;
  return Object.fromEntries((m?.dataPoints ?? []).map((p) => [key(p.attributes), p.value]));
}

function histograms(result: CollectionResult, name: string) {
  const m = metric(result, name) as HistogramMetricData | undefined;
  if (m !== undefined) expect(m.dataPointType).toBe(DataPointType.HISTOGRAM);
  return Object.fromEntries(
    (m?.dataPoints ?? []).map((p) => [
      key(p.attributes),
      { count: p.value.count, sum: p.value.sum },
    ]),
  );
}

function key(attributes: Attributes): string {
  return Object.keys(attributes)
    .sort()
    .map((k) => `${k}=${String(attributes[k])}`)
    .join(',');
}

describe('metrics of other libraries', () => {
  it('get the tenant of the run they are recorded in, and keep their own tenant.id', async () => {
    setup = initInMemory();
    const counter = metrics.getMeter('some-lib').createCounter('some_lib.requests');
    counter.add(1, { route: '/a' });
    await agentRun({ tenantId: 'lib-t', agentId: 'a' }, async () => {
      await new Promise((r) => setTimeout(r, 1));
      counter.add(2, { route: '/a' });
      counter.add(5, { route: '/b', 'tenant.id': 'explicit' });
    });
    const result = await setup.collect();
    expect(sums(result, 'some_lib.requests')).toEqual({
      'route=/a': 1,
      'route=/a,tenant.id=lib-t': 2,
      'route=/b,tenant.id=explicit': 5,
    });
  });
});

describe('metrics recorded by the helpers', () => {
  it('equal what a scripted scenario did', async () => {
    setup = initInMemory();
    // Tenant a: two good runs with one LLM call each and a failing tool in the second run.
    for (const failTool of [false, true]) {
      await agentRun({ tenantId: 'a', agentId: 'support' }, async () => {
        await llmCall({ model: 'gpt-4o', provider: 'openai' }, async () => ({
          usage: { prompt_tokens: 100, completion_tokens: 20 },
        }));
        await toolCall({ name: 'search' }, async () => {
          if (failTool) throw new Error('tool down');
        }).catch(() => undefined);
      });
    }
    // Tenant b: one failing run with an Anthropic call.
    await agentRun({ tenantId: 'b', agentId: 'triage' }, async () => {
      await llmCall({ model: 'claude', provider: 'anthropic' }, (span) => {
        span.recordUsage({ inputTokens: 7, outputTokens: 3 });
      });
      throw new Error('run failed');
    }).catch(() => undefined);

    const result = await setup.collect();
    expect(sums(result, 'tenantry.agent.runs')).toEqual({
      'agent=support,status=ok,tenant.id=a': 2,
      'agent=triage,status=error,tenant.id=b': 1,
    });
    const runDuration = histograms(result, 'tenantry.agent.run.duration');
    expect(Object.keys(runDuration).sort()).toEqual([
      'agent=support,status=ok,tenant.id=a',
      'agent=triage,status=error,tenant.id=b',
    ]);
    expect(runDuration['agent=support,status=ok,tenant.id=a']?.count).toBe(2);
    expect(sums(result, 'tenantry.tool.calls')).toEqual({
      'gen_ai.tool.name=search,status=ok,tenant.id=a': 1,
      'gen_ai.tool.name=search,status=error,tenant.id=a': 1,
    });
    expect(histograms(result, 'gen_ai.client.token.usage')).toEqual({
      'gen_ai.operation.name=chat,gen_ai.provider.name=openai,gen_ai.request.model=gpt-4o,gen_ai.token.type=input,tenant.id=a':
        { count: 2, sum: 200 },
      'gen_ai.operation.name=chat,gen_ai.provider.name=openai,gen_ai.request.model=gpt-4o,gen_ai.token.type=output,tenant.id=a':
        { count: 2, sum: 40 },
      'gen_ai.operation.name=chat,gen_ai.provider.name=anthropic,gen_ai.request.model=claude,gen_ai.token.type=input,tenant.id=b':
        { count: 1, sum: 7 },
      'gen_ai.operation.name=chat,gen_ai.provider.name=anthropic,gen_ai.request.model=claude,gen_ai.token.type=output,tenant.id=b':
        { count: 1, sum: 3 },
    });
    const opDuration = histograms(result, 'gen_ai.client.operation.duration');
    expect(Object.values(opDuration).reduce((n, p) => n + p.count, 0)).toBe(3);
    for (const point of Object.keys(opDuration)) expect(point).toMatch(/tenant\.id=(a|b)/);
  });

  it('sends tenants past the cap to __overflow__ with one warning and a counter', async () => {
    const warnings: string[] = [];
    resetWarnings();
    setWarnSink((m) => warnings.push(m));
    setup = initInMemory({ metrics: { maxTenantsPerMetric: 3 } });
    for (let i = 0; i < 6; i++) agentRun({ tenantId: `t${i}`, agentId: 'a' }, () => undefined);
    agentRun({ tenantId: 't0', agentId: 'a' }, () => undefined);
    const result = await setup.collect();
    expect(sums(result, 'tenantry.agent.runs')).toEqual({
      'agent=a,status=ok,tenant.id=t0': 2,
      'agent=a,status=ok,tenant.id=t1': 1,
      'agent=a,status=ok,tenant.id=t2': 1,
      [`agent=a,status=ok,tenant.id=${OVERFLOW_TENANT}`]: 3,
    });
    // 3 overflowing runs, each redirected once in the counter and once in the histogram.
    expect(sums(result, 'tenantry.metrics.tenant_overflow')).toEqual({
      'tenantry.metric=tenantry.agent.runs': 3,
      'tenantry.metric=tenantry.agent.run.duration': 3,
    });
    expect(warnings.filter((w) => w.includes('tenantry.agent.runs reached 3'))).toHaveLength(1);
  });
});
