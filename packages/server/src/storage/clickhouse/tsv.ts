import { isLlmSpan, isToolSpan } from '../classify.js';
import { attrsToJson, eventsToJson, linksToJson, resourceToJson } from '../json.js';
import type { TraceClaim } from '../trace-claims.js';
import type { SpanRow } from '../types.js';

/**
 * The write path's insert format: TabSeparated, built as one string per chunk of rows.
 *
 * Why not JSONEachRow: @clickhouse/client serialises a JSON insert row by row into a stream, and
 * Node then writes each row as its own chunk (writev of a thousand small buffers). Profiled under
 * bench/ingest on ClickHouse 18.16, that write was 18% of the event loop's busy time and the
 * per-row JSON.stringify another 10%. A TSV line per span costs about what JSON.stringify alone
 * did, and a batch goes out in a few large writes. ClickHouse parses either in well under 1% of
 * its time (its CPU goes to creating part files and merging: docs/scaling.md).
 *
 * Escaping is exact: a backslash, tab, newline, carriage return and NUL are written as the escape
 * sequences ClickHouse's TSV reader decodes (\\, \t, \n, \r, \0), NULL as \N (a string "\N" is
 * written \\N, so the two never meet). 64-bit integers are written from their bigint, digit for
 * digit. Strings go out as UTF-8; a lone surrogate (not UTF-8) becomes U+FFFD.
 */

const SPECIAL = /[\\\t\n\r\0]/;
const SPECIAL_ALL = /[\\\t\n\r\0]/g;
const ESCAPES: Record<string, string> = {
  '\\': '\\\\',
  '\t': '\\t',
  '\n': '\\n',
  '\r': '\\r',
  '\0': '\\0',
};
const escapeChar = (c: string) => ESCAPES[c]!;

/** A string as a TSV field. Most need nothing: test first, replace only when one has to. */
export function tsvString(v: string): string {
  return SPECIAL.test(v) ? v.replace(SPECIAL_ALL, escapeChar) : v;
}

const orNull = (v: string | null) => (v === null ? '\\N' : tsvString(v));
const intOrNull = (v: number | null) => (v === null ? '\\N' : String(Math.trunc(v)));

/** The spans columns a line of `spanFields` fills, in its order (parked_spans adds parked_ns). */
export const SPAN_COLUMNS = [
  'tenant_id',
  'trace_id',
  'span_id',
  'parent_span_id',
  'name',
  'kind',
  'start_ns',
  'end_ns',
  'duration_ns',
  'status_code',
  'status_message',
  'service_name',
  'scope_name',
  'agent_id',
  'agent_name',
  'operation',
  'model',
  'provider',
  'input_tokens',
  'output_tokens',
  'tool_name',
  'error_type',
  'is_run',
  'is_llm',
  'is_tool',
  'user_id',
  'conversation_id',
  'attributes',
  'resource_attributes',
  'events',
  'links',
] as const;

/**
 * One span's fields, tab-separated, no line end: the same values as rows.ts's spanToRow (a test
 * inserts a span both ways and compares what ClickHouse stored). One template, not a loop over
 * the columns: this runs for every span ingested.
 */
export function spanFields(s: SpanRow): string {
  return `${tsvString(s.tenantId)}\t${tsvString(s.traceId)}\t${tsvString(s.spanId)}\t${tsvString(s.parentSpanId)}\t${tsvString(s.name)}\t${s.kind}\t${s.startTimeUnixNano}\t${s.endTimeUnixNano}\t${s.durationNs}\t${s.statusCode}\t${tsvString(s.statusMessage)}\t${tsvString(s.serviceName)}\t${tsvString(s.scopeName)}\t${orNull(s.agentId)}\t${orNull(s.agentName)}\t${orNull(s.operation)}\t${orNull(s.model)}\t${orNull(s.provider)}\t${intOrNull(s.inputTokens)}\t${intOrNull(s.outputTokens)}\t${orNull(s.toolName)}\t${orNull(s.errorType)}\t${s.isRun ? 1 : 0}\t${isLlmSpan(s) ? 1 : 0}\t${isToolSpan(s) ? 1 : 0}\t${orNull(s.userId)}\t${orNull(s.conversationId)}\t${tsvString(attrsToJson(s.attributes))}\t${tsvString(resourceToJson(s.resourceAttributes))}\t${tsvString(eventsToJson(s.events))}\t${tsvString(linksToJson(s.links))}`;
}

export const CLAIM_COLUMNS = ['trace_id', 'tenant_id', 'from_root', 'claimed_ns'] as const;

export function claimFields(c: TraceClaim, claimedNs: bigint): string {
  return `${tsvString(c.traceId)}\t${tsvString(c.tenantId)}\t${c.fromRoot ? 1 : 0}\t${claimedNs}`;
}

/** Lines per chunk: about 1 MB of spans, few enough writes, little held twice (string and bytes). */
const CHUNK_LINES = 1024;

/** `rows` as TSV lines (each from `fields`), in UTF-8 chunks of up to CHUNK_LINES lines. */
export function tsvChunks<T>(rows: readonly T[], fields: (row: T) => string): Buffer[] {
  const chunks: Buffer[] = [];
  for (let i = 0; i < rows.length; i += CHUNK_LINES) {
    let text = '';
    const end = Math.min(rows.length, i + CHUNK_LINES);
    for (let j = i; j < end; j++) text += `${fields(rows[j]!)}\n`;
    chunks.push(Buffer.from(text, 'utf8'));
  }
  return chunks;
}
