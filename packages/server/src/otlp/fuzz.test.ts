import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  damageBytes,
  mutateWire,
  parseWire,
  Rng,
  serializeWire,
} from '../../../../test/helpers/fuzz.js';
import { mutateJson, randomJsonText } from '../../../../test/helpers/fuzz-json.js';
import { type Payloads, validPayloads } from '../../../../test/helpers/otlp-payloads.js';
import { startTestServer, type TestServer } from '../../../../test/helpers/server.js';
import { TenantryError } from '../errors.js';
import type { Signal } from '../ingest/pipeline.js';
import { WorkSlice } from '../ingest/work-slice.js';
import type { OtlpFormat } from './body.js';
import { DECODERS } from './decoders.js';

/**
 * Fuzzes both OTLP decoders with random bytes and with mutations of valid requests that the
 * official exporters' serializers made from telemetry the real SDK recorded; then sends a few
 * hundred such bodies, and every input in fixtures/fuzz/, to the real server.
 *
 * Deterministic: TENANTRY_FUZZ_SEED picks another sequence (the seed is printed). A failing input
 * is written under $TMPDIR/tenantry-fuzz/ and named in the failure; keep it in fixtures/fuzz/.
 */

const SEED = Number(process.env.TENANTRY_FUZZ_SEED ?? 0x26f022);
const CASES_PER_DECODER = 1200;
/** A guard, not the plan: on a slow machine a decoder's run stops early rather than time out. */
const BUDGET_MS_PER_DECODER = 2000;
/** One decode slower than this is a finding (a quadratic path), not noise. */
const SLOWEST_DECODE_MS = 2000;
const SERVER_REQUESTS = 300;
const MAX_BODY_BYTES = 4 * 1024 * 1024;
const ACCEPTED_CODES = ['TENANTRY_E_OTLP_MALFORMED', 'TENANTRY_E_OTLP_LIMIT'];
const FIXTURES = join(import.meta.dirname, 'fixtures', 'fuzz');
const SIGNALS: Signal[] = ['traces', 'logs', 'metrics'];
const FORMATS: OtlpFormat[] = ['protobuf', 'json'];

interface Case {
  signal: Signal;
  format: OtlpFormat;
  how: string;
  body: Buffer;
}

let payloads: Payloads;

beforeAll(async () => {
  console.log(`OTLP fuzz seed ${SEED} (replay with TENANTRY_FUZZ_SEED=${SEED})`);
  payloads = await validPayloads();
});

/** One fuzzed body: random, byte-damaged, or structurally mutated (and maybe damaged too). */
function fuzzedBody(rng: Rng, signal: Signal, format: OtlpFormat): [Buffer, string] {
  const [body, how] = anyFuzzedBody(rng, signal, format);
  // Copies of copies can reach hundreds of MB; the server refuses those before decoding (413).
  if (body.length <= MAX_BODY_BYTES) return [body, how];
  return damageBytes(rng, payloads[signal][format]);
}

function anyFuzzedBody(rng: Rng, signal: Signal, format: OtlpFormat): [Buffer, string] {
  const valid = payloads[signal][format];
  const strategy = rng.pick(['random', 'damage', 'mutate', 'mutate', 'mutate'] as const);
  if (strategy === 'random') {
    if (format === 'json' && rng.int(2) === 0) return [randomJsonText(rng), 'random-json'];
    return [rng.bytes(rng.int(1024)), 'random-bytes'];
  }
  if (strategy === 'damage') return damageBytes(rng, valid);
  if (format === 'json') return mutateJson(rng, valid);
  const tree = parseWire(valid);
  if (!tree) throw new Error(`the ${signal} serializer's bytes do not parse as protobuf`);
  const done: string[] = [];
  for (let n = 1 + rng.int(3); n > 0; n--) done.push(mutateWire(rng, tree));
  let body = serializeWire(tree);
  if (rng.int(5) === 0) {
    const [damaged, how] = damageBytes(rng, body);
    body = damaged;
    done.push(how);
  }
  return [body, done.join('+')];
}

function save(c: Case, label: string): string {
  const dir = join(tmpdir(), 'tenantry-fuzz');
  mkdirSync(dir, { recursive: true });
  const ext = c.format === 'json' ? 'json' : 'bin';
  const path = join(dir, `${c.signal}.${c.format}.${label}.${ext}`);
  writeFileSync(path, c.body);
  return path;
}

/** Null when the decoder resolved or refused as it should; otherwise what went wrong. */
async function misbehaviour(c: Case): Promise<string | null> {
  const started = performance.now();
  let outcome: string | null = null;
  try {
    await DECODERS[c.signal][c.format](c.body, new WorkSlice());
  } catch (err) {
    const accepted = err instanceof TenantryError && ACCEPTED_CODES.includes(err.code);
    if (!accepted) {
      const e = err as Error;
      outcome = `${e?.constructor?.name ?? typeof err}: ${String(e?.message).slice(0, 200)}`;
    }
  }
  const ms = performance.now() - started;
  if (outcome === null && ms > SLOWEST_DECODE_MS) outcome = `took ${Math.round(ms)} ms`;
  return outcome;
}

describe('fuzzed OTLP bodies through the decoders', () => {
  for (const [index, signal] of SIGNALS.entries()) {
    for (const [f, format] of FORMATS.entries()) {
      it(`${signal} ${format}: resolves or refuses as malformed/over a limit, never another error`, async () => {
        const valid = await DECODERS[signal][format](payloads[signal][format]);
        expect(valid.length).toBeGreaterThan(0);
        const rng = new Rng(SEED + index * 2 + f);
        const failures: string[] = [];
        const kinds = new Map<string, number>();
        const deadline = performance.now() + BUDGET_MS_PER_DECODER;
        let n = 0;
        for (; n < CASES_PER_DECODER && performance.now() < deadline; n++) {
          const [body, how] = fuzzedBody(rng, signal, format);
          const c: Case = { signal, format, how, body };
          const top = how.split('+')[0]!;
          kinds.set(top, (kinds.get(top) ?? 0) + 1);
          const wrong = await misbehaviour(c);
          if (wrong) failures.push(`#${n} (${how}) ${wrong}: ${save(c, `seed${SEED}-${n}`)}`);
        }
        console.log(`${signal} ${format}: ${n} cases`, Object.fromEntries(kinds));
        expect(n).toBeGreaterThanOrEqual(100);
        expect(failures).toEqual([]);
      });
    }
  }
});

/** Inputs worth keeping: `<signal>.<format>.<what>.<json|bin>`. */
function fixtureCases(): Case[] {
  return readdirSync(FIXTURES).map((name) => {
    const [signal, format] = name.split('.') as [Signal, OtlpFormat];
    return { signal, format, how: `fixture ${name}`, body: readFileSync(join(FIXTURES, name)) };
  });
}

describe('fuzzed OTLP requests through the real server', () => {
  let server: TestServer;
  let key: string;
  const answers: Array<{ how: string; status: number }> = [];

  beforeAll(async () => {
    server = await startTestServer({
      config: {
        // Room enough that the fuzz reaches the decoders and storage rather than the rate limits.
        limits: { default: { processingMsPerSecond: 1000, burstProcessingMs: 60_000 } },
      },
    });
    key = await server.createKey('ingest', 'fuzz');
  });
  afterAll(async () => {
    await server?.stop();
  });

  async function send(c: Case, gzip: boolean): Promise<void> {
    const res = await fetch(`${server.url}/v1/${c.signal}`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${key}`,
        'content-type': c.format === 'json' ? 'application/json' : 'application/x-protobuf',
        ...(gzip ? { 'content-encoding': 'gzip' } : {}),
      },
      body: gzip ? gzipSync(c.body) : c.body,
    });
    const text = Buffer.from(await res.arrayBuffer()).toString('utf8');
    const how = `${c.signal} ${c.format}${gzip ? ' gzip' : ''} ${c.how}`;
    if (res.status < 500) answers.push({ how, status: res.status });
    else {
      const saved = save(c, `server-${res.status}-${answers.length}`);
      answers.push({ how: `${how} -> ${text.slice(0, 300)} (${saved})`, status: res.status });
    }
  }

  it('answers every fuzzed request and every fixture without a 5xx', async () => {
    const rng = new Rng(SEED ^ 0x5e4e4);
    const cases = fixtureCases();
    for (let i = 0; i < SERVER_REQUESTS; i++) {
      const signal = rng.pick(SIGNALS);
      const format = rng.pick(FORMATS);
      const [body, how] = fuzzedBody(rng, signal, format);
      cases.push({ signal, format, how, body });
    }
    // Eight at a time, a quarter of them gzipped.
    for (let i = 0; i < cases.length; i += 8) {
      await Promise.all(cases.slice(i, i + 8).map((c, j) => send(c, (i + j) % 4 === 0)));
    }
    const statuses = new Map<number, number>();
    for (const a of answers) statuses.set(a.status, (statuses.get(a.status) ?? 0) + 1);
    console.log('server answers by status:', Object.fromEntries(statuses));
    expect(answers.filter((a) => a.status >= 500)).toEqual([]);
  });

  // These once made every storage commit fail for good (a span kind or status code over 127, a
  // log severity over 127, a timestamp or token count of 2^63 or more; fixtures/fuzz/*.poison-*):
  // the decoders now read unknown enums as unspecified and refuse timestamps past 2262, and token
  // counts storage cannot hold are not read.
  it('is still ready after them: nothing acknowledged blocks storage', async () => {
    expect(answers.length).toBeGreaterThan(0);
    // A read commits what is pending first (read barrier); then readiness tells the truth.
    expect((await server.api('/api/v1/tenants')).status).toBe(200);
    const ready = await fetch(`${server.url}/readyz`);
    expect(ready.status).toBe(200);
  });
});
