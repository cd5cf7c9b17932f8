import type { Signal } from '../ingest/pipeline.js';
import type { WorkSlice } from '../ingest/work-slice.js';
import type { OtlpFormat } from './body.js';
import { decodeLogsJson, decodeMetricsJson, decodeTracesJson } from './decode-json.js';
import type { DecodeBudget } from './decode-limits.js';
import { decodeLogsProto, decodeMetricsProto, decodeTracesProto } from './decode-proto.js';
import type { DecodedLogs, DecodedMetrics, DecodedTraces } from './model.js';

type Decoder<T> = (body: Buffer, slice?: WorkSlice, budget?: DecodeBudget) => Promise<T>;

/** Body decoders by signal and format: the routes and journal replay decode the same way. */
export const DECODERS: {
  [S in Signal]: Record<
    OtlpFormat,
    Decoder<S extends 'traces' ? DecodedTraces : S extends 'logs' ? DecodedLogs : DecodedMetrics>
  >;
} = {
  traces: { protobuf: decodeTracesProto, json: decodeTracesJson },
  logs: { protobuf: decodeLogsProto, json: decodeLogsJson },
  metrics: { protobuf: decodeMetricsProto, json: decodeMetricsJson },
};
