/**
 * A local OTLP/HTTP receiver for tests: a real node:http server that decodes what the official
 * proto exporters send to /v1/traces, /v1/logs and /v1/metrics, and remembers request headers.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type AnyValue, anyValue, keyValues, Msg } from './proto-wire.js';

export interface SinkSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string | undefined;
  name: string;
  kind: number;
  attributes: Record<string, AnyValue>;
  statusCode: number;
  resource: Record<string, AnyValue>;
}

export interface SinkLog {
  severityNumber: number;
  severityText: string | undefined;
  body: AnyValue;
  traceId: string | undefined;
  spanId: string | undefined;
  attributes: Record<string, AnyValue>;
}

export interface SinkPoint {
  metric: string;
  temporality: number | undefined;
  attributes: Record<string, AnyValue>;
  /** Sum value, or histogram count. */
  value: number;
  sum: number | undefined;
}

export interface OtlpSink {
  url: string;
  spans: SinkSpan[];
  logs: SinkLog[];
  points: SinkPoint[];
  requests: { path: string; headers: IncomingHttpHeaders }[];
  /** When set, every request is answered with this status (to test export failures). */
  failWith: number | undefined;
  close(): Promise<void>;
}

export async function startOtlpSink(): Promise<OtlpSink> {
  const sink: OtlpSink = {
    url: '',
    spans: [],
    logs: [],
    points: [],
    requests: [],
    failWith: undefined,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = req.url ?? '';
      sink.requests.push({ path, headers: req.headers });
      if (sink.failWith !== undefined) {
        res.writeHead(sink.failWith).end();
        return;
      }
      const body = new Msg(Buffer.concat(chunks));
      if (path === '/v1/traces') sink.spans.push(...decodeTraces(body));
      else if (path === '/v1/logs') sink.logs.push(...decodeLogs(body));
      else if (path === '/v1/metrics') sink.points.push(...decodeMetrics(body));
      res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  sink.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return sink;
}

function decodeTraces(req: Msg): SinkSpan[] {
  const out: SinkSpan[] = [];
  for (const rs of req.msgs(1)) {
    const resource = keyValues(rs.msg(1)?.msgs(1) ?? []);
    for (const ss of rs.msgs(2)) {
      for (const s of ss.msgs(2)) {
        out.push({
          traceId: s.hex(1) ?? '',
          spanId: s.hex(2) ?? '',
          parentSpanId: s.hex(4),
          name: s.str(5) ?? '',
          kind: s.int(6) ?? 0,
          attributes: keyValues(s.msgs(9)),
          statusCode: s.msg(15)?.int(3) ?? 0,
          resource,
        });
      }
    }
  }
  return out;
}

function decodeLogs(req: Msg): SinkLog[] {
  const out: SinkLog[] = [];
  for (const rl of req.msgs(1)) {
    for (const sl of rl.msgs(2)) {
      for (const r of sl.msgs(2)) {
        out.push({
          severityNumber: r.int(2) ?? 0,
          severityText: r.str(3),
          body: anyValue(r.msg(5)),
          traceId: r.hex(9),
          spanId: r.hex(10),
          attributes: keyValues(r.msgs(6)),
        });
      }
    }
  }
  return out;
}

function decodeMetrics(req: Msg): SinkPoint[] {
  const out: SinkPoint[] = [];
  for (const rm of req.msgs(1)) {
    for (const sm of rm.msgs(2)) {
      for (const m of sm.msgs(2)) {
        const name = m.str(1) ?? '';
        const sum = m.msg(7);
        const histogram = m.msg(9);
        if (sum !== undefined) {
          for (const p of sum.msgs(1)) {
            out.push({
              metric: name,
              temporality: sum.int(2),
              attributes: keyValues(p.msgs(7)),
              value: p.has(4) ? (p.double(4) ?? 0) : (p.int(6) ?? 0),
              sum: undefined,
            });
          }
        }
        if (histogram !== undefined) {
          for (const p of histogram.msgs(1)) {
            out.push({
              metric: name,
              temporality: histogram.int(2),
              attributes: keyValues(p.msgs(9)),
              value: p.int(4) ?? 0,
              sum: p.double(5),
            });
          }
        }
      }
    }
  }
  return out;
}
