import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { describe, expect, it } from 'vitest';
import { recordRun, recordSpans } from '../../../../test/helpers/otlp.js';
import { WorkSlice } from '../ingest/work-slice.js';
import { decodeTracesJson } from './decode-json.js';
import { decodeTracesProto } from './decode-proto.js';
import { MalformedOtlpError } from './errors.js';

async function runSpans() {
  return recordSpans((t) => {
    for (let i = 0; i < 100; i++) {
      recordRun(t, {
        tenantId: `tenant-${i % 10}`,
        tools: [{ name: 'search_web', args: '{"q":"weather in Paris"}' }, { name: 'get_account' }],
      });
    }
  });
}

/** A large export request: the same 400-span ResourceSpans repeated (a repeated field concatenates). */
async function largeTracesBody(copies: number): Promise<Buffer> {
  const one = Buffer.from(ProtobufTraceSerializer.serializeRequest(await runSpans())!);
  return Buffer.concat(Array.from({ length: copies }, () => one));
}

/** The same in OTLP/JSON: the request's resourceSpans repeated. */
async function largeTracesJson(copies: number): Promise<Buffer> {
  const one = JSON.parse(
    Buffer.from(JsonTraceSerializer.serializeRequest(await runSpans())!).toString('utf8'),
  ) as { resourceSpans: unknown[] };
  const resourceSpans = Array.from({ length: copies }, () => one.resourceSpans).flat();
  return Buffer.from(JSON.stringify({ resourceSpans }));
}

const FORMATS = [
  { format: 'protobuf', body: largeTracesBody, decode: decodeTracesProto },
  { format: 'JSON', body: largeTracesJson, decode: decodeTracesJson },
];

describe('decoding in slices', () => {
  it.each(FORMATS)(
    'lets other work run while a large $format request decodes, and decodes it as in one go',
    async ({ body: large, decode }) => {
      const body = await large(100);
      const order: string[] = [];
      setImmediate(() => order.push('other work'));
      const decoded = await decode(body, new WorkSlice());
      order.push('decoded');

      expect(order).toEqual(['other work', 'decoded']);
      expect(decoded.flatMap((g) => g.scopes.flatMap((s) => s.items))).toHaveLength(40_000);
      expect(decoded).toEqual(await decode(body));
    },
  );

  it('rejects a protobuf body truncated after its first slice as malformed', async () => {
    const body = await largeTracesBody(100);
    const truncated = body.subarray(0, body.length - 100);
    const slice = new WorkSlice();
    await expect(decodeTracesProto(truncated, slice)).rejects.toThrow(MalformedOtlpError);
    expect(slice.pausedMs).toBeGreaterThan(0);
  });
});
