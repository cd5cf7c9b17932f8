import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { describe, expect, it } from 'vitest';
import { recordRun, recordSpans } from '../../../../test/helpers/otlp.js';
import { WorkSlice } from '../ingest/work-slice.js';
import { decodeTracesProto } from './decode-proto.js';
import { MalformedOtlpError } from './errors.js';

/** A large export request: the same 400-span ResourceSpans repeated (a repeated field concatenates). */
async function largeTracesBody(copies: number): Promise<Buffer> {
  const spans = await recordSpans((t) => {
    for (let i = 0; i < 100; i++) {
      recordRun(t, {
        tenantId: `tenant-${i % 10}`,
        tools: [{ name: 'search_web', args: '{"q":"weather in Paris"}' }, { name: 'get_account' }],
      });
    }
  });
  const one = Buffer.from(ProtobufTraceSerializer.serializeRequest(spans)!);
  return Buffer.concat(Array.from({ length: copies }, () => one));
}

describe('decoding protobuf in slices', () => {
  it('lets other work run while a large request decodes, and decodes it as it would in one go', async () => {
    const body = await largeTracesBody(100);
    const order: string[] = [];
    setImmediate(() => order.push('other work'));
    const decoded = await decodeTracesProto(body, new WorkSlice());
    order.push('decoded');

    expect(order).toEqual(['other work', 'decoded']);
    const spans = decoded.flatMap((g) => g.scopes.flatMap((s) => s.items));
    expect(spans).toHaveLength(40_000);
    expect(decoded).toEqual(await decodeTracesProto(body));
  });

  it('rejects a body truncated after its first slice as malformed', async () => {
    const body = await largeTracesBody(100);
    const truncated = body.subarray(0, body.length - 100);
    const slice = new WorkSlice();
    await expect(decodeTracesProto(truncated, slice)).rejects.toThrow(MalformedOtlpError);
    expect(slice.pausedMs).toBeGreaterThan(0);
  });
});
