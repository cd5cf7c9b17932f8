import { readFileSync } from 'node:fs';
import type { Attributes, SpanRow } from '../../storage/types.js';
import { toSpanRow } from '../rows.js';

/**
 * Span dumps of real third-party instrumentation (testdata/*.json), made by the interop examples
 * (examples/<dir> with INTEROP_DUMP) against the local fake OpenAI server: per span its name,
 * scope, ids, status and attributes exactly as the packages emitted them. Each dump holds two
 * traces: tenant acme, whose search_web tool fails, and tenant globex, all OK.
 */
interface DumpedSpan {
  name: string;
  kind: number;
  traceId: string;
  spanId: string;
  parentSpanId?: string | null;
  status: { code: number; message?: string };
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  scope: { name: string };
  attributes: Attributes;
  resourceAttributes: Attributes;
}

export type Dump =
  | 'plain-otel'
  | 'openinference-openai'
  | 'openinference-openai-metadata'
  | 'openinference-langchain'
  | 'openllmetry-openai'
  | 'openllmetry-openai-association'
  | 'vercel-ai'
  | 'openai-agents';

/** The dump's spans as ingest stores them (tenant `t`). */
export function dumpRows(name: Dump): SpanRow[] {
  const spans = JSON.parse(
    readFileSync(new URL(`./testdata/${name}.json`, import.meta.url), 'utf8'),
  ) as DumpedSpan[];
  return spans.map((s) =>
    toSpanRow(
      't',
      {
        traceId: s.traceId,
        spanId: s.spanId,
        parentSpanId: s.parentSpanId ?? '',
        name: s.name,
        kind: s.kind,
        startTimeUnixNano: BigInt(s.startTimeUnixNano),
        endTimeUnixNano: BigInt(s.endTimeUnixNano),
        attributes: s.attributes,
        events: [],
        links: [],
        statusCode: s.status.code,
        statusMessage: s.status.message ?? '',
      },
      s.attributes,
      s.resourceAttributes,
      s.scope.name,
    ),
  );
}

/** Per trace, in dump order: what the aggregates count from the typed columns. */
export function perTrace(rows: SpanRow[], isLlm: (s: SpanRow) => boolean) {
  const traces = new Map<
    string,
    {
      runs: number;
      llmCalls: number;
      inputTokens: number;
      outputTokens: number;
      tools: number;
      toolErrors: number;
    }
  >();
  for (const r of rows) {
    let t = traces.get(r.traceId);
    if (!t) {
      t = { runs: 0, llmCalls: 0, inputTokens: 0, outputTokens: 0, tools: 0, toolErrors: 0 };
      traces.set(r.traceId, t);
    }
    if (r.isRun) t.runs++;
    if (isLlm(r)) {
      t.llmCalls++;
      t.inputTokens += r.inputTokens ?? 0;
      t.outputTokens += r.outputTokens ?? 0;
    }
    if (r.operation === 'execute_tool') {
      t.tools++;
      if (r.statusCode === 2) t.toolErrors++;
    }
  }
  return [...traces.values()];
}
