import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../../test/helpers/server.js';

/**
 * Each attack of issue "Hold under hostile input" against the real server, with only a key bound to
 * tenant A: the answer, /readyz polled while it runs, and the heap it may take.
 */

let server: TestServer;
let keyA: string;

beforeAll(async () => {
  server = await startTestServer({ config: { server: { requestTimeoutMs: 1000 } } });
  keyA = await server.createKey('ingest', 'A');
});
afterAll(async () => {
  await server?.stop();
});

interface Answer {
  status: number;
  code: string | null;
}

async function post(
  body: Buffer,
  type: 'protobuf' | 'json',
  gzip = true,
  key = keyA,
): Promise<Answer> {
  const res = await fetch(`${server.url}/v1/traces`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${key}`,
      'content-type': type === 'json' ? 'application/json' : 'application/x-protobuf',
      ...(gzip ? { 'content-encoding': 'gzip' } : {}),
    },
    body: gzip ? gzipSync(body) : body,
  });
  const text = await res.text();
  const code =
    type === 'json' && text.startsWith('{') ? (JSON.parse(text).error?.code ?? null) : null;
  return { status: res.status, code };
}

/**
 * Runs `attack` while polling /readyz every 20 ms; every poll must answer 200 within a second, and
 * the heap must not grow past `maxHeapMiB`.
 */
async function underAttack<T>(attack: () => Promise<T>, maxHeapMiB = 400): Promise<T> {
  const heapBefore = process.memoryUsage().heapUsed;
  let peak = heapBefore;
  let polls = 0;
  let done = false;
  const poller = (async () => {
    while (!done) {
      const res = await fetch(`${server.url}/readyz`, { signal: AbortSignal.timeout(1000) });
      expect(res.status).toBe(200);
      polls++;
      peak = Math.max(peak, process.memoryUsage().heapUsed);
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  try {
    return await attack();
  } finally {
    done = true;
    await poller;
    expect(polls).toBeGreaterThan(0);
    expect((peak - heapBefore) / 2 ** 20).toBeLessThan(maxHeapMiB);
  }
}

// ---- protobuf by hand: the attacks are malformed on purpose, no SDK would send them ----

function varint(n: number): Buffer {
  const out: number[] = [];
  while (n > 0x7f) {
    out.push((n & 0x7f) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return Buffer.from(out);
}
const field = (tag: number, payload: Buffer) =>
  Buffer.concat([Buffer.from([tag]), varint(payload.length), payload]);

/** ExportTraceServiceRequest with one span whose attribute `deep` nests `levels` arrays. */
function deepProtobuf(levels: number): Buffer {
  let value = field(0x0a, Buffer.from('x')); // AnyValue.string_value
  for (let i = 0; i < levels; i++) value = field(0x2a, field(0x0a, value)); // array_value.values
  const attribute = Buffer.concat([field(0x0a, Buffer.from('deep')), field(0x12, value)]);
  const span = Buffer.concat([
    field(0x0a, randomBytes(16)),
    field(0x12, randomBytes(8)),
    field(0x2a, Buffer.from('deep span')),
    field(0x4a, attribute),
  ]);
  return field(0x0a, field(0x12, field(0x12, span)));
}

function deepJson(levels: number): Buffer {
  const open = '{"arrayValue":{"values":['.repeat(levels);
  const close = ']}}'.repeat(levels);
  const span = `{"traceId":"${randomBytes(16).toString('hex')}","spanId":"${randomBytes(8).toString('hex')}","name":"deep","attributes":[{"key":"deep","value":${open}{"stringValue":"x"}${close}}]}`;
  return Buffer.from(`{"resourceSpans":[{"scopeSpans":[{"spans":[${span}]}]}]}`);
}

describe('hostile input from a tenant-bound key', () => {
  it('refuses 20 MB of empty resource groups (20 KB gzipped) early, readiness intact', async () => {
    const empty = Buffer.alloc(20 * 1024 * 1024);
    for (let i = 0; i < empty.length; i += 2) empty[i] = 0x0a; // field 1, length 0
    expect(gzipSync(empty).length).toBeLessThan(40 * 1024);
    const answer = await underAttack(() => post(empty, 'protobuf'));
    expect(answer.status).toBe(400);
  });

  it('refuses the JSON form, {"resourceSpans":[{},{},…]}, before parsing it', async () => {
    const body = Buffer.from(`{"resourceSpans":[${'{},'.repeat(6_000_000)}{}]}`);
    const answer = await underAttack(() => post(body, 'json'));
    expect(answer).toEqual({ status: 400, code: 'TENANTRY_E_OTLP_LIMIT' });
  });

  it('answers 400, not 500, to attribute values nested 3,000 levels deep', async () => {
    expect((await post(deepProtobuf(3000), 'protobuf')).status).toBe(400);
    expect(await post(deepJson(3000), 'json')).toEqual({
      status: 400,
      code: 'TENANTRY_E_OTLP_LIMIT',
    });
    // Within the limit it is stored.
    expect((await post(deepProtobuf(20), 'protobuf')).status).toBe(200);
    expect((await post(deepJson(20), 'json')).status).toBe(200);
  });

  it('caps the body as sent: one span padded with empty gzip members is 413', async () => {
    const span = gzipSync(deepJson(1));
    const member = gzipSync(Buffer.alloc(0));
    const padding = Buffer.concat(Array.from({ length: 1_100_000 }, () => member)); // ~22 MB
    const res = await fetch(`${server.url}/v1/traces`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${keyA}`,
        'content-type': 'application/json',
        'content-encoding': 'gzip',
      },
      body: Buffer.concat([span, padding]),
    });
    expect(res.status).toBe(413);
    expect((await res.json()).error.code).toBe('TENANTRY_E_PAYLOAD_TOO_LARGE');
  });

  it('cuts a body trickled a byte at a time with 408 (server.requestTimeoutMs)', async () => {
    const { port } = new URL(server.url);
    const socket = connect(Number(port), '127.0.0.1');
    let response = '';
    socket.on('data', (d) => {
      response += d.toString();
    });
    const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
    socket.write(
      `POST /v1/traces HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${keyA}\r\n` +
        'Content-Type: application/json\r\nContent-Length: 100000\r\n\r\n{',
    );
    const trickle = setInterval(() => socket.writable && socket.write(' '), 100);
    await closed;
    clearInterval(trickle);
    expect(response).toMatch(/^HTTP\/1\.1 408/);
  });
});
