import type { IncomingMessage } from 'node:http';
import { createGunzip, createInflate } from 'node:zlib';
import { MalformedOtlpError, PayloadTooLargeError, UnsupportedMediaTypeError } from './errors.js';

export type OtlpFormat = 'protobuf' | 'json';

const INFLATE = { chunkSize: 64 * 1024 };

export function formatOf(contentType: string | undefined): OtlpFormat {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === 'application/x-protobuf' || type === 'application/protobuf') return 'protobuf';
  if (type === 'application/json') return 'json';
  throw new UnsupportedMediaTypeError(
    `Content-Type '${type || '(none)'}' is not supported: send application/x-protobuf or application/json`,
  );
}

export type BodyEncoding = 'gzip' | 'deflate' | 'identity';

export interface ReceivedBody {
  /** Decompressed. */
  bytes: Buffer;
  /**
   * What the ingest journal keeps: the body as sent, still compressed (ten times smaller for gzip),
   * unless it is larger than the inflated body (padding, empty gzip members), then the inflated
   * body. Left in chunks: only a journaling writer copies them, once, into its record.
   */
  sentChunks: Buffer[];
  /** The encoding of `sentChunks`. */
  encoding: BodyEncoding;
  /** Bytes as sent, compressed or not. */
  sentBytes: number;
}

/**
 * Reads a request body, decompressing gzip/deflate as it streams, and stops as soon as the
 * decompressed size passes `limitBytes` (a decompression bomb costs at most the limit in memory) or
 * the bytes as sent pass `sentLimitBytes` (a few bytes of data padded with empty gzip members).
 */
export function readBody(
  req: IncomingMessage,
  limitBytes: number,
  sentLimitBytes: number = limitBytes,
): Promise<ReceivedBody> {
  const header = String(req.headers['content-encoding'] ?? 'identity').toLowerCase();
  let stream: NodeJS.ReadableStream = req;
  let encoding: BodyEncoding = 'identity';
  // 64 KiB output chunks instead of 16: a 512-span request inflates in a few callbacks, not dozens.
  if (header === 'gzip' || header === 'x-gzip') {
    stream = req.pipe(createGunzip(INFLATE));
    encoding = 'gzip';
  } else if (header === 'deflate') {
    stream = req.pipe(createInflate(INFLATE));
    encoding = 'deflate';
  } else if (header !== 'identity' && header !== '') {
    return Promise.reject(
      new UnsupportedMediaTypeError(
        `Content-Encoding '${header}' is not supported: use gzip or none`,
      ),
    );
  }
  const declared = Number(req.headers['content-length']);
  const declaredLimit =
    encoding === 'identity' ? Math.min(limitBytes, sentLimitBytes) : sentLimitBytes;
  if (Number.isFinite(declared) && declared > declaredLimit) {
    req.resume();
    return Promise.reject(new PayloadTooLargeError(declaredLimit, encoding !== 'identity'));
  }
  return new Promise((resolve, reject) => {
    const sent: Buffer[] = [];
    let sentBytes = 0;
    if (stream !== req) {
      req.on('data', (chunk: Buffer) => {
        sentBytes += chunk.length;
        if (sentBytes > sentLimitBytes) {
          (stream as NodeJS.ReadableStream & { destroy(): void }).destroy();
          finish(new PayloadTooLargeError(sentLimitBytes, true));
          return;
        }
        sent.push(chunk);
      });
    }
    const chunks: Buffer[] = [];
    let total = 0;
    let settled = false;
    const finish = (err: Error | null, body?: Buffer) => {
      if (settled) return;
      settled = true;
      if (err) {
        req.unpipe();
        req.resume();
        reject(err);
      } else {
        const bytes = body!;
        const keepSent = stream !== req && sentBytes <= bytes.length;
        resolve({
          bytes,
          sentChunks: keepSent ? sent : [bytes],
          encoding: keepSent ? encoding : 'identity',
          sentBytes: stream === req ? bytes.length : sentBytes,
        });
      }
    };
    stream.on('data', (chunk: Buffer) => {
      total += chunk.length;
      if (total > limitBytes) {
        if (stream !== req) (stream as NodeJS.ReadableStream & { destroy(): void }).destroy();
        finish(new PayloadTooLargeError(limitBytes));
        return;
      }
      chunks.push(chunk);
    });
    stream.on('end', () => finish(null, Buffer.concat(chunks, total)));
    stream.on('error', (err: Error) =>
      finish(
        stream === req
          ? err
          : new MalformedOtlpError(`body could not be decompressed: ${err.message}`),
      ),
    );
    req.on('aborted', () => finish(new MalformedOtlpError('request aborted by the client')));
  });
}

/** A body as sent, not inflated: an ingest worker inflates it (ingest/worker-pool.ts). */
export interface SentBody {
  /** The bytes as sent, in one buffer. */
  sent: Buffer;
  encoding: BodyEncoding;
}

/**
 * Reads a request body without decompressing it, refusing one whose bytes as sent pass
 * `sentLimitBytes` (or, uncompressed, `limitBytes`). The worker that inflates it stops at
 * `limitBytes` of output, so a decompression bomb costs it at most the limit.
 */
export function readSentBody(
  req: IncomingMessage,
  limitBytes: number,
  sentLimitBytes: number,
): Promise<SentBody> {
  const header = String(req.headers['content-encoding'] ?? 'identity').toLowerCase();
  const encoding: BodyEncoding | null =
    header === 'gzip' || header === 'x-gzip'
      ? 'gzip'
      : header === 'deflate'
        ? 'deflate'
        : header === 'identity' || header === ''
          ? 'identity'
          : null;
  if (encoding === null) {
    return Promise.reject(
      new UnsupportedMediaTypeError(
        `Content-Encoding '${header}' is not supported: use gzip or none`,
      ),
    );
  }
  const limit = encoding === 'identity' ? Math.min(limitBytes, sentLimitBytes) : sentLimitBytes;
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    req.resume();
    return Promise.reject(new PayloadTooLargeError(limit, encoding !== 'identity'));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    let settled = false;
    const finish = (err: Error | null) => {
      if (settled) return;
      settled = true;
      if (err) {
        req.resume();
        reject(err);
      } else resolve({ sent: Buffer.concat(chunks, total), encoding });
    };
    // As readBody: the declared length meets the smaller limit, the streamed bytes their own.
    const streamLimit = encoding === 'identity' ? limitBytes : sentLimitBytes;
    req.on('data', (chunk: Buffer) => {
      total += chunk.length;
      if (total > streamLimit) {
        finish(
          encoding === 'identity'
            ? new PayloadTooLargeError(limitBytes)
            : new PayloadTooLargeError(sentLimitBytes, true),
        );
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => finish(null));
    req.on('error', (err: Error) => finish(err));
    req.on('aborted', () => finish(new MalformedOtlpError('request aborted by the client')));
  });
}
