import { z } from 'zod';
import type { Principal } from '../auth/principal.js';
import type { BodyEncoding, OtlpFormat } from '../otlp/body.js';
import type { Signal } from './pipeline.js';

/**
 * One OTLP request as the ingest journal keeps it: the body as sent (still compressed) and the
 * decisions that are not a function of the body alone: who sent it and which tenants were admitted
 * under their limits at the time. Replaying it through the pipeline rebuilds the same rows, with
 * the sanitizing and redaction settings in force at replay.
 */
export interface JournalEntry {
  signal: Signal;
  format: OtlpFormat;
  encoding: BodyEncoding;
  principal: Pick<Principal, 'keyId' | 'kind' | 'tenantId'>;
  admitted: string[];
  body: Buffer;
}

/** What the pipeline hands over to be journaled: the body still in the chunks it arrived in. */
export type JournalEntryParts = Omit<JournalEntry, 'body'> & { bodyChunks: Buffer[] };

const headerSchema = z.object({
  v: z.literal(1),
  signal: z.enum(['traces', 'logs', 'metrics']),
  format: z.enum(['protobuf', 'json']),
  encoding: z.enum(['gzip', 'deflate', 'identity']),
  keyId: z.string(),
  kind: z.enum(['admin', 'ingest', 'read']),
  tenantId: z.string().nullable(),
  admitted: z.array(z.string()),
});

export function encodeJournalEntry(entry: JournalEntryParts): Buffer {
  const header = Buffer.from(
    JSON.stringify({
      v: 1,
      signal: entry.signal,
      format: entry.format,
      encoding: entry.encoding,
      keyId: entry.principal.keyId,
      kind: entry.principal.kind,
      tenantId: entry.principal.tenantId,
      admitted: entry.admitted,
    }),
  );
  const length = Buffer.allocUnsafe(4);
  length.writeUInt32BE(header.length);
  return Buffer.concat([length, header, ...entry.bodyChunks]);
}

/** Throws if the payload is not an entry this version wrote. */
export function decodeJournalEntry(payload: Buffer): JournalEntry {
  const headerEnd = 4 + payload.readUInt32BE(0);
  const h = headerSchema.parse(JSON.parse(payload.subarray(4, headerEnd).toString('utf8')));
  return {
    signal: h.signal,
    format: h.format,
    encoding: h.encoding,
    principal: { keyId: h.keyId, kind: h.kind, tenantId: h.tenantId },
    admitted: h.admitted,
    body: payload.subarray(headerEnd),
  };
}
