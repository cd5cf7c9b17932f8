/**
 * How the helpers' metrics are aggregated and exported, beyond names and attributes
 * (metrics.test.ts): temporality per reader, start times, histogram shape, the OTel cardinality
 * limit, concurrent tenants and tenants past the cap inside a run.
 */
import { type Attributes, metrics, ValueType } from '@opentelemetry/api';
import { hrTimeToNanoseconds } from '@opentelemetry/core';
import {
  AggregationTemporality,
  type CollectionResult,
  DataPointType,
  InstrumentType,
  type MetricData,
} from '@opentelemetry/sdk-metrics';
import { afterEach, describe, expect, it } from 'vitest';
import { resetWarnings, setWarnSink } from '../diag/warn.js';
import { initInMemory, type MemorySetup, PullMetricReader } from '../testing/memory-setup.js';
import { agentRun } from '../trace/agent.js';
import { llmCall } from '../trace/llm.js';
import { toolCall } from '../trace/steps.js';

let setup: MemorySetup | undefined;
afterEach(async () => {
  setWarnSink(undefined);
  await setup?.handle.shutdown();
  setup = undefined;
});

function find(result: CollectionResult, name: string): MetricData | undefined {
  return result.resourceMetrics.scopeMetrics
    .flatMap((s) => s.metrics)
    .find((m) => m.descriptor.name === name);
}

/** Points keyed by their attributes in a stable order. */
function byAttributes(metric: MetricData | undefined) {
  const points = (metric?.dataPoints ?? []) as MetricData['dataPoints'][number][];
  return new Map(points.map((p) => [label(p.attributes), p]));
}

function label(attributes: Attributes): string {
  return Object.keys(attributes)
    .sort()
    .map((k) => `${k}=${String(attributes[k])}`)
    .join(',');
}

function sums(result: CollectionResult, name: string): Record<string, unknown> {
  return Object.fromEntries([...byAttributes(find(result, name))].map(([k, p]) => [k, p.value]));
}

const ns = hrTimeToNanoseconds;
/** Points carry millisecond times: steps a few ms apart have distinct ones. */
const tick = () => new Promise((r) => setTimeout(r, 3));

async function run(tenantId: string, agentId = 'bot'): Promise<void> {
  await agentRun({ tenantId, agentId }, async () => {
    await toolCall({ name: 'search' }, async () => 1);
  });
}

describe('temporality', () => {
  it('gives a delta reader what happened since its last collection and a cumulative one the totals', async () => {
    const delta = new PullMetricReader({
      aggregationTemporalitySelector: () => AggregationTemporality.DELTA,
    });
    const cumulative = new PullMetricReader();
    setup = initInMemory({ metrics: { readers: [delta, cumulative] } });
    await run('a');
    await run('a');
    await run('b');
    await tick();
    const d1 = await delta.collect();
    await tick();
    await run('a');
    await run('c');
    await tick();
    const d2 = await delta.collect();
    const c = await cumulative.collect();
    const d3 = await delta.collect();

    expect(sums(d1, 'tenantry.agent.runs')).toEqual({
      'agent=bot,status=ok,tenant.id=a': 2,
      'agent=bot,status=ok,tenant.id=b': 1,
    });
    expect(sums(d2, 'tenantry.agent.runs')).toEqual({
      'agent=bot,status=ok,tenant.id=a': 1,
      'agent=bot,status=ok,tenant.id=c': 1,
    });
    expect(sums(c, 'tenantry.agent.runs')).toEqual({
      'agent=bot,status=ok,tenant.id=a': 3,
      'agent=bot,status=ok,tenant.id=b': 1,
      'agent=bot,status=ok,tenant.id=c': 1,
    });
    const cRuns = find(c, 'tenantry.agent.run.duration');
    expect(cRuns?.aggregationTemporality).toBe(AggregationTemporality.CUMULATIVE);
    expect(find(d2, 'tenantry.tool.calls')?.aggregationTemporality).toBe(
      AggregationTemporality.DELTA,
    );
    expect(byAttributes(cRuns).get('agent=bot,status=ok,tenant.id=a')?.value).toMatchObject({
      count: 3,
    });
    // Nothing recorded since: the helpers' metrics are left out, not sent as zeros.
    for (const name of ['tenantry.agent.runs', 'tenantry.tool.calls']) {
      expect(find(d3, name)).toBeUndefined();
    }

    // Start times: a series a delta reader reported last time starts at that collection; a new
    // one at its first point; cumulative series at their first point, whatever the collections.
    const d1End = ns(find(d1, 'tenantry.agent.runs')!.dataPoints[0]!.endTime);
    const d2Runs = byAttributes(find(d2, 'tenantry.agent.runs'));
    expect(ns(d2Runs.get('agent=bot,status=ok,tenant.id=a')!.startTime)).toBe(d1End);
    const cNew = ns(d2Runs.get('agent=bot,status=ok,tenant.id=c')!.startTime);
    expect(cNew).toBeGreaterThan(d1End);
    expect(cNew).toBeLessThan(ns(d2Runs.get('agent=bot,status=ok,tenant.id=c')!.endTime));
    const cSums = byAttributes(find(c, 'tenantry.agent.runs'));
    expect(ns(cSums.get('agent=bot,status=ok,tenant.id=a')!.startTime)).toBeLessThan(d1End);
    expect(ns(cSums.get('agent=bot,status=ok,tenant.id=c')!.startTime)).toBe(cNew);
    for (const result of [d1, d2, c]) {
      const ends = new Set(
        ['tenantry.agent.runs', 'tenantry.tool.calls'].flatMap((n) =>
          find(result, n)!.dataPoints.map((p) => ns(p.endTime)),
        ),
      );
      expect(ends.size).toBe(1);
    }
  });
});

const TOKEN_BOUNDS = [
  1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864,
];

describe('points', () => {
  it('are explicit-bucket histograms with min and max, and monotonic sums, without exemplars', async () => {
    setup = initInMemory();
    await agentRun({ tenantId: 'h', agentId: 'bot' }, async () => {
      await llmCall({ model: 'm', provider: 'p' }, async () => ({
        usage: { prompt_tokens: 256, completion_tokens: 20 },
      }));
    });
    const result = await setup.collect();
    const scopes = result.resourceMetrics.scopeMetrics.filter(
      (s) => s.scope.name === '@tenantry/sdk',
    );
    expect(scopes.map((s) => s.scope)).toEqual([
      { name: '@tenantry/sdk', version: '0.1.0', schemaUrl: undefined },
    ]);
    expect(scopes[0]!.metrics.map((m) => m.descriptor.name)).toEqual([
      'tenantry.agent.run.duration',
      'tenantry.agent.runs',
      'gen_ai.client.token.usage',
      'gen_ai.client.operation.duration',
    ]);

    const tokens = find(result, 'gen_ai.client.token.usage')!;
    expect(tokens.descriptor).toEqual({
      name: 'gen_ai.client.token.usage',
      description: 'Tokens used per model call',
      type: InstrumentType.HISTOGRAM,
      unit: '{token}',
      valueType: ValueType.DOUBLE,
      advice: { explicitBucketBoundaries: TOKEN_BOUNDS },
    });
    expect(tokens.dataPointType).toBe(DataPointType.HISTOGRAM);
    const input = byAttributes(tokens).get(
      'gen_ai.operation.name=chat,gen_ai.provider.name=p,gen_ai.request.model=m,gen_ai.token.type=input,tenant.id=h',
    )!;
    expect(Object.keys(input).sort()).toEqual(['attributes', 'endTime', 'startTime', 'value']);
    // 256 sits on a boundary: upper bounds are inclusive.
    expect(input.value).toEqual({
      min: 256,
      max: 256,
      sum: 256,
      count: 1,
      buckets: {
        boundaries: TOKEN_BOUNDS,
        counts: [0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
      },
    });

    const runDuration = find(result, 'tenantry.agent.run.duration')!;
    expect(runDuration.descriptor).toEqual({
      name: 'tenantry.agent.run.duration',
      description: 'Duration of agent runs',
      type: InstrumentType.HISTOGRAM,
      unit: 's',
      valueType: ValueType.DOUBLE,
      advice: {
        explicitBucketBoundaries: [
          0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92,
        ],
      },
    });
    const seconds = runDuration.dataPoints[0]!.value as { min: number; max: number; sum: number };
    expect(seconds.min).toBe(seconds.sum);
    expect(seconds.max).toBe(seconds.sum);

    const runs = find(result, 'tenantry.agent.runs')!;
    expect(runs).toMatchObject({
      descriptor: {
        name: 'tenantry.agent.runs',
        description: 'Agent runs by status',
        type: InstrumentType.COUNTER,
        unit: '{run}',
        valueType: ValueType.DOUBLE,
        advice: {},
      },
      dataPointType: DataPointType.SUM,
      isMonotonic: true,
    });
    expect(Object.keys(runs.dataPoints[0]!).sort()).toEqual([
      'attributes',
      'endTime',
      'startTime',
      'value',
    ]);
  });

  it('of more than 2000 attribute sets of one metric in one interval share otel.metric.overflow', async () => {
    setup = initInMemory();
    for (let i = 0; i < 2100; i++) agentRun({ tenantId: 'wide', agentId: `agent-${i}` }, () => 0);
    const runs = byAttributes(find(await setup.collect(), 'tenantry.agent.runs'));
    expect(runs.size).toBe(2000);
    expect(runs.get('otel.metric.overflow=true')?.value).toBe(101);
    expect(runs.get('agent=agent-1998,status=ok,tenant.id=wide')?.value).toBe(1);
    expect(runs.has('agent=agent-1999,status=ok,tenant.id=wide')).toBe(false);
  });
});

describe('tenants', () => {
  it('running concurrently are each counted under their own tenant', async () => {
    setup = initInMemory();
    const tenants = Array.from({ length: 12 }, (_, i) => `c${i}`);
    await Promise.all(
      tenants.flatMap((tenantId, i) =>
        Array.from({ length: 4 }, () =>
          agentRun({ tenantId, agentId: 'bot' }, async () => {
            await llmCall({ model: 'm', provider: 'p' }, async () => {
              await new Promise((r) => setTimeout(r, (i * 7) % 5));
              return { usage: { prompt_tokens: i + 1, completion_tokens: 1 } };
            });
            await Promise.all([
              toolCall({ name: 'a' }, async () => 1),
              toolCall({ name: 'a' }, async () => 2),
            ]);
          }),
        ),
      ),
    );
    const result = await setup.collect();
    const tools = sums(result, 'tenantry.tool.calls');
    const tokens = byAttributes(find(result, 'gen_ai.client.token.usage'));
    tenants.forEach((t, i) => {
      expect(sums(result, 'tenantry.agent.runs')[`agent=bot,status=ok,tenant.id=${t}`]).toBe(4);
      expect(tools[`gen_ai.tool.name=a,status=ok,tenant.id=${t}`]).toBe(8);
      const input = tokens.get(
        `gen_ai.operation.name=chat,gen_ai.provider.name=p,gen_ai.request.model=m,gen_ai.token.type=input,tenant.id=${t}`,
      );
      expect(input?.value).toMatchObject({ count: 4, sum: 4 * (i + 1) });
    });
    expect(Object.keys(tools)).toHaveLength(tenants.length);
  });

  it('past the cap inside a run are kept under __overflow__, counted without their tenant.id', async () => {
    const warnings: string[] = [];
    resetWarnings();
    setWarnSink((m) => warnings.push(m));
    setup = initInMemory({ metrics: { maxTenantsPerMetric: 1 } });
    const other = metrics.getMeter('other-lib').createCounter('other_lib.calls');
    for (const tenantId of ['a', 'b', 'c']) {
      await agentRun({ tenantId, agentId: 'bot' }, async () => {
        await toolCall({ name: 's' }, async () => 1);
        other.add(1);
      });
    }
    const result = await setup.collect();
    expect(sums(result, 'tenantry.tool.calls')).toEqual({
      'gen_ai.tool.name=s,status=ok,tenant.id=a': 1,
      'gen_ai.tool.name=s,status=ok,tenant.id=__overflow__': 2,
    });
    expect(sums(result, 'other_lib.calls')).toEqual({
      'tenant.id=a': 1,
      'tenant.id=__overflow__': 2,
    });
    expect(sums(result, 'tenantry.metrics.tenant_overflow')).toEqual({
      'tenantry.metric=tenantry.tool.calls': 2,
      'tenantry.metric=tenantry.agent.runs': 2,
      'tenantry.metric=tenantry.agent.run.duration': 2,
      'tenantry.metric=other instrumentation': 2,
    });
    expect(warnings.filter((w) => w.includes('reached 1 distinct tenants'))).toHaveLength(4);
    expect(warnings.filter((w) => !w.includes('reached 1 distinct tenants'))).toEqual([]);
  });
});
