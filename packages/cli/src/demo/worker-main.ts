/**
 * Entry of the worker process, forked by `tenantry demo`. Talks to its parent over IPC:
 * parent -> { type: 'live' | 'incident' | 'stop' }, child -> { type: 'ready', url } and 'stopped'.
 */
import type { TenantryHandle } from '@tenantry/sdk';
import { initServiceTelemetry } from './telemetry.js';
import { TimeShiftRegistry } from './time-shift.js';
import { type CacheIncident, startWorkerService } from './worker.js';

export type ToWorker =
  | { type: 'live' }
  | { type: 'incident'; incident: CacheIncident }
  | { type: 'stop' };
export type FromWorker = { type: 'ready'; url: string } | { type: 'live' } | { type: 'stopped' };

const endpoint = process.env.TENANTRY_DEMO_ENDPOINT ?? '';
const apiKey = process.env.TENANTRY_DEMO_KEY ?? '';
const registry = new TimeShiftRegistry();
const telemetry = (phase: 'backfill' | 'live') =>
  initServiceTelemetry({ serviceName: 'demo-worker', endpoint, apiKey, phase, registry });

let handle: TenantryHandle = telemetry('backfill');
const service = await startWorkerService(registry);
const send = (m: FromWorker) => process.send?.(m);

process.on('message', (raw) => {
  const m = raw as ToWorker;
  if (m.type === 'incident') service.setIncident(m.incident);
  if (m.type === 'live') {
    void handle.shutdown().then(() => {
      handle = telemetry('live');
      send({ type: 'live' });
    });
  }
  if (m.type === 'stop') {
    void service
      .close()
      .then(() => handle.shutdown())
      .then(() => {
        send({ type: 'stopped' });
        process.disconnect?.();
      });
  }
});
// The parent going away (Ctrl-C, crash) must not leave the worker running.
process.on('disconnect', () => {
  void handle.shutdown().then(() => process.exit(0));
});
process.on('SIGINT', () => {});
send({ type: 'ready', url: service.url });
