import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Principal } from '../auth/principal.js';
import { ForbiddenError } from '../errors.js';
import type { Authenticate } from '../http/auth-plugin.js';
import { mapError, sendJsonError } from '../http/errors.js';
import { RateLimitedError } from '../ingest/errors.js';
import type { IngestPipeline, Signal } from '../ingest/pipeline.js';
import { WorkSlice } from '../ingest/work-slice.js';
import type { IngestWorkerPool } from '../ingest/worker-pool.js';
import type { TenantLimiter } from '../limits/tenant-limits.js';
import type { ServerMetrics } from '../telemetry/registry.js';
import { formatOf, type OtlpFormat, readBody, readSentBody } from './body.js';
import { DecodeBudget, type DecodeLimits } from './decode-limits.js';
import { DECODERS } from './decoders.js';
import type { JsonDecoder } from './json-decoder.js';
import type { DecodedLogs, DecodedMetrics, DecodedTraces } from './model.js';
import { encodeExportResponse, encodeStatus } from './response.js';

export interface OtlpRouteDeps {
  pipeline: IngestPipeline;
  authenticate: Authenticate;
  metrics: ServerMetrics;
  /** Inflated body limit. */
  maxBodyBytes: number;
  /** Body limit as sent (compressed): gzip members cost bytes on disk even when they inflate to nothing. */
  maxCompressedBodyBytes: number;
  decodeLimits: DecodeLimits;
  /** OTLP/JSON off the event loop for large bodies (json-decoder.ts). */
  jsonDecoder: JsonDecoder;
  /** Charges the key's tenant for decoding, and refuses one already in debt before decoding. */
  budget: Pick<TenantLimiter, 'processingDebtSeconds' | 'chargeProcessing'>;
  /**
   * Trace requests are inflated, decoded and built into rows on these threads (ingest/worker-pool.ts);
   * without it (tests of the event-loop path), on the event loop.
   */
  workers?: { pool: IngestWorkerPool; output: 'columns' | 'rows' };
}

const CONTENT_TYPE: Record<OtlpFormat, string> = {
  protobuf: 'application/x-protobuf',
  json: 'application/json',
};

/**
 * POST /v1/traces, /v1/logs, /v1/metrics (OTLP/HTTP). Registered in their own encapsulated
 * context so the body parser here streams raw bytes (gzip, size limits) instead of Fastify's JSON.
 */
export async function otlpRoutes(app: FastifyInstance, deps: OtlpRouteDeps): Promise<void> {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_req, _payload, done) => done(null, undefined));

  const handle = (signal: Signal) => async (request: FastifyRequest, reply: FastifyReply) => {
    let format: OtlpFormat = 'json';
    try {
      const principal = await deps.authenticate(request);
      if (principal.kind === 'read')
        throw new ForbiddenError('a read key cannot write telemetry; use an ingest key');
      format = formatOf(request.headers['content-type']);
      // A tenant-bound key's request is charged to its tenant whether or not it holds items:
      // decoding empty groups costs time too, and a tenant already in debt is refused before its
      // body is read. (The platform key carries every tenant: its items are charged to theirs.)
      const payer = principal.tenantId;
      const debt = payer === null ? 0 : deps.budget.processingDebtSeconds(payer);
      if (payer !== null && debt > 0) {
        throw new RateLimitedError(
          debt,
          `tenant '${payer}' is over its processing-time budget (limits.processingMsPerSecond); retry after ${debt}s`,
        );
      }
      if (signal === 'traces' && deps.workers) {
        const outcome = await offloadedTraces(deps, deps.workers, request, principal, format);
        deps.metrics.requests.inc({ signal, status: '200' });
        return reply
          .status(200)
          .type(CONTENT_TYPE[format])
          .send(encodeExportResponse(signal, format, outcome.rejected, outcome.message));
      }
      const body = await readBody(request.raw, deps.maxBodyBytes, deps.maxCompressedBodyBytes);
      // Decoding yields to other requests between slices, items and groups alike (JSON.parse
      // itself runs in one go, after a shape check).
      const slice = new WorkSlice();
      const started = performance.now();
      let decoded: DecodedTraces | DecodedLogs | DecodedMetrics;
      try {
        const budget = new DecodeBudget(deps.decodeLimits);
        decoded =
          format === 'json'
            ? ((await deps.jsonDecoder.decode(signal, body.bytes, slice, budget)) as
                | DecodedTraces
                | DecodedLogs
                | DecodedMetrics)
            : await DECODERS[signal].protobuf(body.bytes, slice, budget);
      } finally {
        if (payer !== null) {
          const busyMs = performance.now() - started - slice.pausedMs;
          deps.budget.chargeProcessing(payer, busyMs);
          deps.metrics.processingSeconds.inc({ tenant: payer, signal }, busyMs / 1000);
        }
      }
      const ingest = { principal, body, format };
      const outcome =
        signal === 'traces'
          ? await deps.pipeline.traces(decoded as DecodedTraces, ingest)
          : signal === 'logs'
            ? await deps.pipeline.logs(decoded as DecodedLogs, ingest)
            : await deps.pipeline.metrics(decoded as DecodedMetrics, ingest);
      deps.metrics.requests.inc({ signal, status: '200' });
      return reply
        .status(200)
        .type(CONTENT_TYPE[format])
        .send(encodeExportResponse(signal, format, outcome.rejected, outcome.message));
    } catch (err) {
      const mapped = mapError(err);
      // 503 is the write path refusing while storage fails: the writer logs that once per cause.
      if (mapped.status >= 500 && mapped.status !== 503) {
        request.log.error({ err }, 'OTLP request failed');
      }
      deps.metrics.requests.inc({ signal, status: String(mapped.status) });
      if (!request.raw.complete) request.raw.resume();
      if (format === 'protobuf' || isProtobuf(request)) {
        if (mapped.retryAfterSeconds !== null)
          reply.header('retry-after', String(mapped.retryAfterSeconds));
        return reply
          .status(mapped.status)
          .type('application/x-protobuf')
          .send(encodeStatus(mapped.grpcCode, `${mapped.code}: ${mapped.message}`));
      }
      return sendJsonError(reply, mapped);
    }
  };

  app.post('/v1/traces', handle('traces'));
  app.post('/v1/logs', handle('logs'));
  app.post('/v1/metrics', handle('metrics'));
}

/**
 * A trace request through the ingest workers: the body is read as sent, a worker inflates, decodes
 * and builds its rows, and the pipeline admits and journals them. The journal keeps the smaller of
 * the body as sent and inflated, as for the event-loop path (body.ts).
 */
async function offloadedTraces(
  deps: OtlpRouteDeps,
  workers: NonNullable<OtlpRouteDeps['workers']>,
  request: FastifyRequest,
  principal: Principal,
  format: OtlpFormat,
) {
  const { sent, encoding } = await readSentBody(
    request.raw,
    deps.maxBodyBytes,
    deps.maxCompressedBodyBytes,
  );
  const prepared = await workers.pool.traces({
    format,
    encoding,
    body: sent,
    principal: { keyId: principal.keyId, kind: principal.kind, tenantId: principal.tenantId },
    decodeLimits: deps.decodeLimits,
    maxBodyBytes: deps.maxBodyBytes,
    output: workers.output,
  });
  const inflated = prepared.inflated;
  // The body went to the worker (moved, not copied) and came back with its answer.
  const { body: back } = prepared;
  const asSent = Buffer.from(back.buffer, back.byteOffset, back.byteLength);
  const body = {
    sentChunks: [
      inflated ? Buffer.from(inflated.buffer, inflated.byteOffset, inflated.byteLength) : asSent,
    ],
    encoding: inflated ? ('identity' as const) : encoding,
    sentBytes: asSent.length,
    inflatedBytes: prepared.inflatedBytes,
  };
  return deps.pipeline.preparedTraces(prepared, { principal, body, format });
}

function isProtobuf(request: FastifyRequest): boolean {
  return String(request.headers['content-type'] ?? '').includes('protobuf');
}
