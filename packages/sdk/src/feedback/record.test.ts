import { SeverityNumber } from '@opentelemetry/api-logs';
import { afterEach, describe, expect, it } from 'vitest';
import { problemCounts, resetWarnings, setWarnSink } from '../diag/warn.js';
import { init } from '../init.js';
import { initInMemory, type MemorySetup } from '../testing/memory-setup.js';
import { agentRun } from '../trace/agent.js';
import { toolCall } from '../trace/steps.js';
import { recordFeedback } from './record.js';

let setup: MemorySetup | undefined;
const warnings: string[] = [];
afterEach(async () => {
  await setup?.handle.shutdown();
  setup = undefined;
  setWarnSink(undefined);
  resetWarnings();
  warnings.length = 0;
});

function start(): MemorySetup {
  setup = initInMemory();
  setWarnSink((m) => warnings.push(m));
  return setup;
}

async function records(s: MemorySetup) {
  await s.handle.forceFlush();
  return s.logs.getFinishedLogRecords();
}

describe('recordFeedback', () => {
  it('inside a run sends a gen_ai.evaluation.result record on the run, with its tenant', async () => {
    const s = start();
    let ids = { traceId: '', spanId: '' };
    await agentRun(
      { tenantId: 'acme', agentId: 'support-v1', agentName: 'support' },
      async (run) => {
        ids = { traceId: run.traceId, spanId: run.spanId };
        expect(recordFeedback({ score: 0, label: 'wrong' })).toBe(true);
      },
    );
    const [r] = await records(s);
    expect(r?.eventName).toBe('gen_ai.evaluation.result');
    expect(r?.severityNumber).toBe(SeverityNumber.INFO);
    expect(r?.spanContext).toMatchObject(ids);
    expect(r?.attributes).toEqual({
      'tenant.id': 'acme',
      'gen_ai.evaluation.name': 'user_feedback',
      'gen_ai.evaluation.score.value': 0,
      'gen_ai.evaluation.score.label': 'wrong',
    });
  });

  it('inside a step is parented to the step, in the run', async () => {
    const s = start();
    let traceId = '';
    let stepSpan = '';
    await agentRun({ tenantId: 'acme', agentId: 'support-v1' }, async (run) => {
      traceId = run.traceId;
      await toolCall({ name: 'search' }, async (tool) => {
        stepSpan = tool.spanId;
        recordFeedback({ score: 1, name: 'tool_result_correct' });
      });
    });
    const [r] = await records(s);
    expect(r?.spanContext).toMatchObject({ traceId, spanId: stepSpan });
    expect(r?.attributes['gen_ai.evaluation.name']).toBe('tool_result_correct');
  });

  it('after a run takes the trace (and span) of the run and the tenant', async () => {
    const s = start();
    const run = await agentRun({ tenantId: 'acme', agentId: 'support-v1' }, async (r) => ({
      traceId: r.traceId,
      spanId: r.spanId,
    }));
    expect(recordFeedback({ ...run, tenantId: 'acme', score: 0.2 })).toBe(true);
    expect(recordFeedback({ traceId: run.traceId, tenantId: 'acme', score: 0.9 })).toBe(true);
    const [withSpan, traceOnly] = await records(s);
    expect(withSpan?.spanContext).toMatchObject(run);
    expect(withSpan?.attributes['tenantry.trace_id']).toBeUndefined();
    // OTel gives a record a trace only with a span: the trace travels as an attribute instead.
    expect(traceOnly?.spanContext).toBeUndefined();
    expect(traceOnly?.attributes).toMatchObject({
      'tenant.id': 'acme',
      'tenantry.trace_id': run.traceId,
      'gen_ai.evaluation.score.value': 0.9,
    });
  });

  it('redacts the comment with the SDK redactor and records how many findings', async () => {
    const s = start();
    await agentRun({ tenantId: 'acme', agentId: 'support-v1' }, async () => {
      recordFeedback({ score: 0, comment: 'wrong, mail me at jane.doe@example.com' });
    });
    const [r] = await records(s);
    const comment = String(r?.attributes['gen_ai.evaluation.explanation']);
    expect(comment).not.toContain('jane.doe@example.com');
    expect(comment).toContain('wrong, mail me at');
    expect(r?.attributes['tenantry.redacted.count']).toBe(1);
  });

  it('clamps a score outside 0..1 and warns once', async () => {
    const s = start();
    await agentRun({ tenantId: 'acme', agentId: 'support-v1' }, async () => {
      recordFeedback({ score: -1 });
      recordFeedback({ score: 5 });
    });
    const values = (await records(s)).map((r) => r.attributes['gen_ai.evaluation.score.value']);
    expect(values).toEqual([0, 1]);
    expect(warnings.filter((w) => w.includes('clamped'))).toHaveLength(1);
    expect(problemCounts()['feedback-score-clamped']).toBe(2);
  });

  it('never throws: what cannot be recorded is dropped, warned once per kind and counted', async () => {
    const s = start();
    expect(recordFeedback({ score: 0 })).toBe(false);
    expect(recordFeedback({ score: 0, traceId: 'a'.repeat(32) })).toBe(false);
    expect(recordFeedback({ score: 0, tenantId: 'acme' })).toBe(false);
    expect(recordFeedback({ score: 0, tenantId: 'acme', traceId: 'not-a-trace' })).toBe(false);
    expect(recordFeedback({ score: Number.NaN, tenantId: 'acme', traceId: 'a'.repeat(32) })).toBe(
      false,
    );
    expect(recordFeedback(null as unknown as { score: number })).toBe(false);
    await agentRun({ tenantId: 'acme', agentId: 'support-v1' }, async () => {
      expect(recordFeedback({ score: 0, tenantId: 'other' })).toBe(false);
    });
    expect(await records(s)).toEqual([]);
    expect(problemCounts()).toMatchObject({
      'feedback-no-tenant': 2,
      'feedback-no-run': 2,
      'feedback-invalid-score': 1,
      'feedback-invalid': 1,
      'feedback-tenant-mismatch': 1,
    });
  });

  it('without a logs pipeline records nothing and says why once', async () => {
    const handle = init({ serviceName: 'test', exporter: 'none' });
    setWarnSink((m) => warnings.push(m));
    try {
      await agentRun({ tenantId: 'acme', agentId: 'support-v1' }, async () => {
        expect(recordFeedback({ score: 0 })).toBe(false);
        expect(recordFeedback({ score: 1 })).toBe(false);
      });
      expect(warnings).toEqual([expect.stringContaining('needs a logs pipeline')]);
    } finally {
      await handle.shutdown();
    }
  });
});
