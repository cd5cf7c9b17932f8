import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import type { LogRecordExporter } from '@opentelemetry/sdk-logs';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { afterEach, describe, expect, it } from 'vitest';
import { extract } from '../context/propagation.js';
import { init, type TenantryHandle } from '../init.js';
import { getLogger } from '../logs/logger.js';
import { agentRun } from '../trace/agent.js';
import { llmCall } from '../trace/llm.js';
import { toolCall } from '../trace/steps.js';

let handle: TenantryHandle | undefined;
afterEach(async () => {
  await handle?.shutdown();
  handle = undefined;
});

function capture(): { stream: NodeJS.WritableStream; text: () => string } {
  let out = '';
  const stream = {
    write: (chunk: string) => {
      out += chunk;
      return true;
    },
  } as unknown as NodeJS.WritableStream;
  return { stream, text: () => out };
}

describe('console exporter', () => {
  it('prints one indented tree per run, children under their parent', async () => {
    const { stream, text } = capture();
    handle = init({ exporter: 'console', consoleStream: stream });
    await agentRun({ tenantId: 'acme', agentId: 'support' }, async () => {
      await llmCall({ model: 'gpt-4o', provider: 'openai' }, async () => ({
        usage: { prompt_tokens: 5, completion_tokens: 2 },
      }));
      await toolCall({ name: 'search' }, async () => 1);
    });
    await handle.forceFlush();
    const lines = text().trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^invoke_agent support \(\d+\.\d ms\) tenant\.id=acme/);
    expect(lines[1]).toMatch(/^ {2}└─ chat gpt-4o \(.*gen_ai\.usage\.input_tokens=5/);
    expect(lines[2]).toMatch(/^ {2}└─ execute_tool search /);
  });

  it('prints a continued trace whose root is remote, and JSON lines on request', async () => {
    const { stream, text } = capture();
    handle = init({ exporter: 'console', consoleFormat: 'json', consoleStream: stream });
    extract(
      {
        traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
        'tenantry-tenant': 'acme',
      },
      () => toolCall({ name: 'remote-child' }, () => 1),
    );
    await handle.forceFlush();
    const spans = text()
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(spans).toEqual([
      expect.objectContaining({
        traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
        parentSpanId: '00f067aa0ba902b7',
        name: 'execute_tool remote-child',
        attributes: expect.objectContaining({ 'tenant.id': 'acme' }),
      }),
    ]);
  });
});

describe('export path', () => {
  it('never throws into user code when the exporter throws', async () => {
    const throwing: SpanExporter = {
      export(_spans: ReadableSpan[], _done: (r: ExportResult) => void) {
        throw new Error('exporter bug');
      },
      shutdown: () => Promise.reject(new Error('shutdown bug')),
    };
    handle = init({
      exporter: throwing,
      batch: { maxExportBatchSize: 1, scheduledDelayMillis: 1 },
    });
    for (let i = 0; i < 5; i++) {
      expect(agentRun({ tenantId: 't', agentId: 'a' }, () => i)).toBe(i);
    }
    await expect(handle.forceFlush()).resolves.toBeUndefined();
    expect(handle.droppedSpans()).toBe(5);
    await expect(handle.shutdown()).resolves.toBeUndefined();
  });

  it('counts a batch once when the exporter calls back twice (a timeout, then the late answer)', async () => {
    const twice: SpanExporter = {
      export(_spans: ReadableSpan[], done: (r: ExportResult) => void) {
        done({ code: ExportResultCode.FAILED, error: new Error('timeout') });
        done({ code: ExportResultCode.SUCCESS });
      },
      shutdown: () => Promise.resolve(),
    };
    const failingTwice: LogRecordExporter = {
      export(_logs, done) {
        done({ code: ExportResultCode.FAILED, error: new Error('timeout') });
        done({ code: ExportResultCode.FAILED, error: new Error('503') });
      },
      shutdown: () => Promise.resolve(),
      forceFlush: () => Promise.resolve(),
    };
    handle = init({
      exporter: twice,
      logs: { exporter: failingTwice },
      batch: { maxExportBatchSize: 1, scheduledDelayMillis: 1 },
    });
    for (let i = 0; i < 3; i++) {
      agentRun({ tenantId: 't', agentId: 'a' }, () => getLogger().info('run'));
    }
    await handle.forceFlush();
    expect([handle.exportedSpans(), handle.droppedSpans()]).toEqual([0, 3]);
    expect(handle.droppedLogs()).toBe(3);
  });
});
