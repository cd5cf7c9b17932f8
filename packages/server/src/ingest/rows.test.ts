import { describe, expect, it } from 'vitest';
import type { DecodedSpan } from '../otlp/model.js';
import type { Attributes } from '../storage/types.js';
import { toSpanRow } from './rows.js';

function row(parentSpanId: string, attributes: Attributes) {
  const span: DecodedSpan = {
    traceId: '0'.repeat(32),
    spanId: '1'.repeat(16),
    parentSpanId,
    name: 'work',
    kind: 1,
    startTimeUnixNano: 1n,
    endTimeUnixNano: 2n,
    attributes,
    events: [],
    links: [],
    statusCode: 0,
    statusMessage: '',
  };
  return toSpanRow('acme', span, attributes, {}, 'scope');
}

describe('toSpanRow isRun', () => {
  it('the root of a trace is a run, whatever its operation', () => {
    expect(row('', {}).isRun).toBe(true);
    expect(row('', { 'openinference.span.kind': 'CHAIN' }).isRun).toBe(true);
    expect(row('2'.repeat(16), { 'gen_ai.operation.name': 'invoke_agent' }).isRun).toBe(false);
  });

  it('a span marked tenantry.run.root is a run under a parent; tenantry.run.delegated never is', () => {
    expect(row('2'.repeat(16), { 'tenantry.run.root': true }).isRun).toBe(true);
    expect(row('', { 'tenantry.run.delegated': true }).isRun).toBe(false);
    expect(
      row('2'.repeat(16), { 'tenantry.run.root': true, 'tenantry.run.delegated': true }).isRun,
    ).toBe(false);
  });

  it('keeps the attributes as sent next to the typed columns', () => {
    const attrs = { 'ai.operationId': 'ai.toolCall', 'ai.toolCall.name': 'search_web' };
    expect(row('', attrs)).toMatchObject({
      operation: 'execute_tool',
      toolName: 'search_web',
      attributes: attrs,
    });
  });
});
