import { type ExportResult, ExportResultCode, hrTimeToMicroseconds } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';

export interface ConsoleTreeOptions {
  /** 'tree': one indented tree per trace, printed when its local root ends. 'json': a line per span. */
  format?: 'tree' | 'json';
  stream?: NodeJS.WritableStream | undefined;
}

const MAX_PENDING_TRACES = 1000;

const SHOWN_ATTRIBUTES = [
  'tenant.id',
  'gen_ai.request.model',
  'gen_ai.usage.input_tokens',
  'gen_ai.usage.output_tokens',
  'gen_ai.tool.name',
  'gen_ai.data_source.id',
  'tenantry.retrieval.result_count',
  'tenantry.memory.key',
  'error.type',
];

/**
 * Development exporter. Children end before their parent, so spans are held per trace until the
 * local root (no parent, or a remote one) arrives, then the whole tree is printed at once.
 */
export class ConsoleTreeExporter implements SpanExporter {
  private readonly format: 'tree' | 'json';
  private readonly stream: NodeJS.WritableStream;
  private readonly pending = new Map<string, ReadableSpan[]>();

  constructor(options: ConsoleTreeOptions = {}) {
    this.format = options.format ?? 'tree';
    this.stream = options.stream ?? process.stdout;
  }

  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    try {
      if (this.format === 'json') {
        for (const span of spans) this.stream.write(`${JSON.stringify(toJsonSpan(span))}\n`);
      } else {
        for (const span of spans) this.add(span);
      }
      done({ code: ExportResultCode.SUCCESS });
    } catch (error) {
      done({ code: ExportResultCode.FAILED, error: error as Error });
    }
  }

  /** Prints what is still waiting for a root that will never come (e.g. the process ends). */
  forceFlush(): Promise<void> {
    for (const [traceId, spans] of this.pending) {
      this.pending.delete(traceId);
      this.print(
        spans,
        spans.filter((s) => !spans.some((p) => isParent(p, s))),
      );
    }
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return this.forceFlush();
  }

  private add(span: ReadableSpan): void {
    const traceId = span.spanContext().traceId;
    const list = this.pending.get(traceId) ?? [];
    list.push(span);
    const parent = span.parentSpanContext;
    if (parent === undefined || parent.isRemote === true) {
      this.pending.delete(traceId);
      this.print(list, [span]);
    } else {
      this.pending.set(traceId, list);
      // A root that never arrives (dropped, or ended after shutdown) must not pin memory.
      if (this.pending.size > MAX_PENDING_TRACES) this.printOldest();
    }
  }

  private printOldest(): void {
    const [traceId, spans] = this.pending.entries().next().value as [string, ReadableSpan[]];
    this.pending.delete(traceId);
    this.print(
      spans,
      spans.filter((s) => !spans.some((p) => isParent(p, s))),
    );
  }

  private print(spans: ReadableSpan[], roots: ReadableSpan[]): void {
    const lines: string[] = [];
    const walk = (span: ReadableSpan, depth: number) => {
      lines.push(`${'  '.repeat(depth)}${depth === 0 ? '' : '└─ '}${describe(span)}`);
      const children = spans
        .filter((s) => isParent(span, s))
        .sort((a, b) => hrTimeToMicroseconds(a.startTime) - hrTimeToMicroseconds(b.startTime));
      for (const child of children) walk(child, depth + 1);
    };
    for (const root of roots) walk(root, 0);
    this.stream.write(`${lines.join('\n')}\n`);
  }
}

function isParent(parent: ReadableSpan, child: ReadableSpan): boolean {
  return child.parentSpanContext?.spanId === parent.spanContext().spanId;
}

function describe(span: ReadableSpan): string {
  const ms = hrTimeToMicroseconds(span.duration) / 1000;
  const attrs = SHOWN_ATTRIBUTES.filter((k) => span.attributes[k] !== undefined)
    .map((k) => `${k}=${String(span.attributes[k])}`)
    .join(' ');
  const status = span.status.code === 2 ? ' ERROR' : '';
  return `${span.name} (${ms.toFixed(1)} ms)${status}${attrs ? ` ${attrs}` : ''}`;
}

function toJsonSpan(span: ReadableSpan): Record<string, unknown> {
  const ctx = span.spanContext();
  return {
    traceId: ctx.traceId,
    spanId: ctx.spanId,
    parentSpanId: span.parentSpanContext?.spanId,
    name: span.name,
    kind: span.kind,
    startTimeUnixNano: String(BigInt(Math.round(hrTimeToMicroseconds(span.startTime))) * 1000n),
    durationMs: hrTimeToMicroseconds(span.duration) / 1000,
    status: span.status,
    attributes: span.attributes,
    events: span.events.map((e) => ({ name: e.name, attributes: e.attributes })),
  };
}
