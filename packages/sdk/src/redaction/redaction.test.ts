import { afterEach, describe, expect, it } from 'vitest';
import { initInMemory, type MemorySetup } from '../testing/memory-setup.js';
import { agentRun } from '../trace/agent.js';
import { toolCall } from '../trace/steps.js';

let setup: MemorySetup | undefined;
afterEach(async () => {
  await setup?.handle.shutdown();
  setup = undefined;
});

const EMAIL = 'jane.doe@example.com';

describe('redaction', () => {
  it('never exports an email from tool arguments, run input or an exception message', async () => {
    setup = initInMemory({ captureContent: true });
    await expect(
      agentRun({ tenantId: 't1', agentId: 'a', input: `mail ${EMAIL} please` }, async () => {
        await toolCall({ name: 'send', args: { to: EMAIL, body: 'hi' } }, async () => ({
          sentTo: EMAIL,
        }));
        throw new Error(`could not reach ${EMAIL}`);
      }),
    ).rejects.toThrow(EMAIL);
    const spans = await setup.finished();
    const exported = JSON.stringify(
      spans.map((s) => ({ attributes: s.attributes, events: s.events, status: s.status })),
    );
    expect(exported).not.toContain(EMAIL);
    const tool = spans.find((s) => s.name === 'execute_tool send');
    expect(tool?.attributes['gen_ai.tool.call.arguments']).toContain('"body":"hi"');
    expect(tool?.attributes['tenantry.redacted.count']).toBe(2);
    const root = spans.find((s) => s.name === 'invoke_agent a');
    expect(root?.attributes['tenantry.redacted.count']).toBeGreaterThanOrEqual(2);
  });

  it('counts findings per tenant in the tenantry.redacted.count metric', async () => {
    setup = initInMemory();
    await agentRun({ tenantId: 't9', agentId: 'a' }, () =>
      toolCall({ name: 'send', args: { to: EMAIL, cc: 'x@example.org' } }, () => 1),
    );
    const { resourceMetrics } = await setup.collect();
    const metric = resourceMetrics.scopeMetrics
      .flatMap((s) => s.metrics)
      .find((m) => m.descriptor.name === 'tenantry.redacted.count');
    expect(metric?.dataPoints).toEqual([
      expect.objectContaining({ attributes: { 'tenant.id': 't9' }, value: 2 }),
    ]);
  });

  it('records values unchanged when redaction is switched off', async () => {
    setup = initInMemory({ redact: false });
    await agentRun({ tenantId: 't1', agentId: 'a' }, () =>
      toolCall({ name: 'send', args: { to: EMAIL } }, () => 1),
    );
    const tool = (await setup.finished()).find((s) => s.name === 'execute_tool send');
    expect(tool?.attributes['gen_ai.tool.call.arguments']).toBe(`{"to":"${EMAIL}"}`);
  });

  it('applies a plain hook with the tenant of the run', async () => {
    const seen: (string | undefined)[] = [];
    setup = initInMemory({
      redact: (value, { tenantId }) => {
        seen.push(tenantId);
        return JSON.stringify(value).replaceAll('secret', '***');
      },
    });
    await agentRun({ tenantId: 'hooked', agentId: 'a' }, () =>
      toolCall({ name: 'x', args: 'a secret' }, () => 1),
    );
    const tool = (await setup.finished()).find((s) => s.name === 'execute_tool x');
    expect(tool?.attributes['gen_ai.tool.call.arguments']).toBe('"a ***"');
    expect(seen).toEqual(['hooked']);
  });
});
