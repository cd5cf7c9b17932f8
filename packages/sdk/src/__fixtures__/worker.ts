/**
 * Worker-thread side of the propagation test: restores the run from workerData, records a tool
 * span into its own in-memory exporter and posts the finished spans back as plain objects.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { currentTenant, extract, init, toolCall } from '../index.js';

const exporter = new InMemorySpanExporter();
const handle = init({ exporter, metrics: { exporter: 'none' }, logs: { exporter: 'none' } });
const seen = await extract(workerData.carrier, () =>
  toolCall({ name: 'in-worker' }, async () => currentTenant()),
);
await handle.forceFlush();
parentPort?.postMessage({
  seen,
  spans: exporter.getFinishedSpans().map((s) => ({
    name: s.name,
    traceId: s.spanContext().traceId,
    parentSpanId: s.parentSpanContext?.spanId,
    tenant: s.attributes['tenant.id'],
  })),
});
await handle.shutdown();
