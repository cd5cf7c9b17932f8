import { readFileSync } from 'node:fs';
import { pino } from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { extract } from '../context/propagation.js';
import { LineSink } from '../testing/line-sink.js';
import { initInMemory, type MemorySetup } from '../testing/memory-setup.js';
import { agentRun } from '../trace/agent.js';
import { toolCall } from '../trace/steps.js';
import { tenantryLogFields } from './fields.js';
import { getLogger } from './logger.js';

let setup: MemorySetup | undefined;
afterEach(async () => {
  vi.useRealTimers();
  await setup?.handle.shutdown();
  setup = undefined;
});

const example = JSON.parse(
  readFileSync(new URL('../__fixtures__/log-example.json', import.meta.url), 'utf8'),
) as Record<string, unknown>;

describe('getLogger', () => {
  it('writes the spec example line field for field', () => {
    setup = initInMemory();
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date(String(example.timestamp)));
    const sink = new LineSink();
    const log = getLogger({ agentId: String(example.agent_id), destination: sink });
    const carrier = {
      traceparent: `00-${example.trace_id}-${example.span_id}-01`,
      'tenantry-tenant': String(example.tenant_id),
    };
    extract(carrier, () => {
      log.warn(
        { tokens_used: example.tokens_used, tokens_limit: example.tokens_limit },
        String(example.message),
      );
    });
    expect(sink.lines).toEqual([example]);
    expect(Object.keys(sink.lines[0] ?? {}).sort()).toEqual(Object.keys(example).sort());
  });

  it('leaves tenant and trace fields out of lines written outside a run', () => {
    setup = initInMemory();
    const sink = new LineSink();
    getLogger({ destination: sink }).info({ k: 1 }, 'outside');
    expect(sink.lines[0]).toEqual({
      timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      level: 'info',
      message: 'outside',
      k: 1,
    });
  });

  it('gives each of 100 concurrent runs of 10 tenants its own tenant, trace and span', async () => {
    setup = initInMemory();
    const sink = new LineSink();
    const log = getLogger({ destination: sink });
    const expected = new Map<string, { tenant: string; trace: string; span: string }>();
    await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        agentRun({ tenantId: `t${i % 10}`, agentId: `agent-${i}` }, async () => {
          await new Promise((r) => setTimeout(r, Math.random() * 5));
          await toolCall({ name: 'step' }, async (span) => {
            await new Promise((r) => setImmediate(r));
            expected.set(`run-${i}`, {
              tenant: `t${i % 10}`,
              trace: span.traceId,
              span: span.spanId,
            });
            log.info({ run: `run-${i}` }, 'working');
          });
        }),
      ),
    );
    expect(sink.lines).toHaveLength(100);
    for (const line of sink.lines) {
      const want = expected.get(String(line.run));
      expect(line).toMatchObject({
        tenant_id: want?.tenant,
        trace_id: want?.trace,
        span_id: want?.span,
        agent_id: `agent-${String(line.run).slice(4)}`,
      });
    }
  });

  it('redacts the caller fields and message', () => {
    setup = initInMemory();
    const sink = new LineSink();
    agentRun({ tenantId: 't', agentId: 'a' }, () => {
      getLogger({ destination: sink }).info(
        { customer: 'mail jane@example.com', count: 2 },
        'reply to jane@example.com',
      );
    });
    const text = JSON.stringify(sink.lines);
    expect(text).not.toContain('jane@example.com');
    expect(sink.lines[0]).toMatchObject({ count: 2, tenant_id: 't' });
  });

  it('redacts logged errors in the line and in the OTel record', async () => {
    setup = initInMemory();
    const sink = new LineSink();
    const log = getLogger({ destination: sink });
    agentRun({ tenantId: 't', agentId: 'a' }, () => {
      log.error(new TypeError('no reply from bob@example.com'));
      log.warn({ err: new Error('bounce bob@example.com'), attempt: 2 }, 'retrying');
    });
    expect(JSON.stringify(sink.lines)).not.toContain('bob@example.com');
    expect(sink.lines[0]).toMatchObject({
      level: 'error',
      message: 'no reply from [REDACTED:EMAIL]',
      err: { type: 'TypeError', message: 'no reply from [REDACTED:EMAIL]' },
    });
    expect(sink.lines[1]).toMatchObject({
      message: 'retrying',
      attempt: 2,
      err: { type: 'Error' },
    });
    await setup.handle.forceFlush();
    const records = setup.logs.getFinishedLogRecords();
    expect(JSON.stringify(records.map((r) => [r.body, r.attributes]))).not.toContain('bob@');
    expect(records[0]?.attributes).toMatchObject({
      'exception.type': 'TypeError',
      'exception.message': 'no reply from [REDACTED:EMAIL]',
    });
  });

  it('keeps redacting what repeats: sensitive keys, big numbers and changed value types', () => {
    setup = initInMemory();
    const sink = new LineSink();
    const log = getLogger({ destination: sink });
    agentRun({ tenantId: 't', agentId: 'a' }, () => {
      for (let i = 0; i < 3; i++) log.info({ attempt: i, ok: true }, 'step');
      log.info({ password: null }, 'login');
      log.info({ password: 4242 }, 'login');
      log.info({ password: 4242 }, 'login');
      log.info({ amount: 12 }, 'charge');
      log.info({ amount: 4111111111111111 }, 'charge');
    });
    expect(sink.lines.slice(0, 3).map((l) => l.attempt)).toEqual([0, 1, 2]);
    expect(sink.lines[4]?.password).not.toBe(4242);
    expect(sink.lines[5]?.password).not.toBe(4242);
    expect(sink.lines[6]?.amount).toBe(12);
    expect(sink.lines[7]?.amount).not.toBe(4111111111111111);
  });

  it('applies each tenant its own policy even for a message repeated across tenants', () => {
    setup = initInMemory({ redact: { tenants: { lenient: { actions: { EMAIL: 'allow' } } } } });
    const sink = new LineSink();
    const log = getLogger({ destination: sink });
    for (const tenantId of ['lenient', 'strict', 'lenient', 'strict']) {
      agentRun({ tenantId, agentId: 'a' }, () => log.info('contact ops@example.com'));
    }
    expect(
      sink.lines.map((l) => [l.tenant_id, String(l.message).includes('@example.com')]),
    ).toEqual([
      ['lenient', true],
      ['strict', false],
      ['lenient', true],
      ['strict', false],
    ]);
  });

  it('adds the same fields to a user-owned pino logger through tenantryLogFields', () => {
    setup = initInMemory();
    const sink = new LineSink();
    const own = pino({ mixin: tenantryLogFields }, sink);
    agentRun({ tenantId: 'own', agentId: 'mine' }, (run) => {
      own.info('hello');
      expect(sink.lines[0]).toMatchObject({
        tenant_id: 'own',
        trace_id: run.traceId,
        span_id: run.spanId,
        agent_id: 'mine',
        msg: 'hello',
      });
    });
  });

  it('emits OTel log records with severity, trace context and tenant', async () => {
    setup = initInMemory();
    const log = getLogger({ destination: new LineSink() });
    let ids = { traceId: '', spanId: '' };
    agentRun({ tenantId: 'otel-t', agentId: 'a' }, (run) => {
      ids = { traceId: run.traceId, spanId: run.spanId };
      log.error({ code: 7 }, 'failed %s', 'badly');
    });
    await setup.handle.forceFlush();
    const [record] = setup.logs.getFinishedLogRecords();
    expect(record?.severityNumber).toBe(17);
    expect(record?.severityText).toBe('error');
    expect(record?.body).toBe('failed badly');
    expect(record?.spanContext?.traceId).toBe(ids.traceId);
    expect(record?.spanContext?.spanId).toBe(ids.spanId);
    expect(record?.attributes).toMatchObject({ code: 7, 'tenant.id': 'otel-t' });
  });
});
