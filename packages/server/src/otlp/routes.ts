import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ForbiddenError } from '../errors.js';
import type { Authenticate } from '../http/auth-plugin.js';
import { mapError, sendJsonError } from '../http/errors.js';
import type { IngestPipeline, Signal } from '../ingest/pipeline.js';
import { WorkSlice } from '../ingest/work-slice.js';
import type { ServerMetrics } from '../telemetry/registry.js';
import { formatOf, type OtlpFormat, readBody } from './body.js';
import { DECODERS } from './decoders.js';
import type { DecodedLogs, DecodedMetrics, DecodedTraces } from './model.js';
import { encodeExportResponse, encodeStatus } from './response.js';

export interface OtlpRouteDeps {
  pipeline: IngestPipeline;
  authenticate: Authenticate;
  metrics: ServerMetrics;
  maxBodyBytes: number;
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
      const body = await readBody(request.raw, deps.maxBodyBytes);
      // Decoding yields to other requests between slices (JSON.parse itself runs in one go).
      const decoded = await DECODERS[signal][format](body.bytes, new WorkSlice());
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
      if (mapped.status >= 500) request.log.error({ err }, 'OTLP request failed');
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

function isProtobuf(request: FastifyRequest): boolean {
  return String(request.headers['content-type'] ?? '').includes('protobuf');
}
