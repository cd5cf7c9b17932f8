/**
 * Entry of the worker process, forked by `tenantry demo`. Talks to its parent over IPC:
 * parent -> { type: 'live' | 'stop' }, child -> { type: 'ready', url } and 'stopped'. Its build is
 * its environment: TENANTRY_DEMO_VERSION (service.version) and, for 2.14.0,
 * TENANTRY_DEMO_CACHE_BROKEN_SINCE (event ms of the deploy that stopped cache invalidation).
 */
import type { TenantryHandle } from '@tenantry/sdk';
import { initServiceTelemetry } from './telemetry.js';
import { TimeShiftRegistry } from './time-shift.js';
import { CACHE_MAX_AGE_SECONDS, startWorkerService } from './worker.js';

export type ToWorker = { type: 'live' } | { type: 'stop' };
export type FromWorker = { type: 'ready'; url: string } | { type: 'live' } | { type: 'stopped' };

const endpoint = process.env.TENANTRY_DEMO_ENDPOINT ?? '';
const apiKey = process.env.TENANTRY_DEMO_KEY ?? '';
const serviceVersion = process.env.TENANTRY_DEMO_VERSION ?? '2.13.4';
const brokenSince = process.env.TENANTRY_DEMO_CACHE_BROKEN_SINCE;
const registry = new TimeShiftRegistry();
const telemetry = (phase: 'backfill' | 'live') =>
  initServiceTelemetry({
    serviceName: 'demo-worker',
    serviceVersion,
    endpoint,
    apiKey,
    phase,
    registry,
  });

let handle: TenantryHandle = telemetry(
  process.env.TENANTRY_DEMO_PHASE === 'live' ? 'live' : 'backfill',
);
const service = await startWorkerService(registry, {
  brokenSinceMs: brokenSince === undefined ? null : Number(brokenSince),
  maxAgeSeconds: CACHE_MAX_AGE_SECONDS,
});
const send = (m: FromWorker) => process.send?.(m);

process.on('message', (raw) => {
  const m = raw as ToWorker;
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
