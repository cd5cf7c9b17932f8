/**
 * Entry of the gateway process (service.name `demo-gateway`): the agents, the fake LLM and the
 * sub-agent queue. It runs apart from the server so that storage work in the server's process
 * never delays the simulated runs' timers (which the backfill stretches into span durations).
 *
 * IPC: parent -> { type: 'stop' }; child -> GatewayEvent.
 */
import { Platform, type PlatformOptions } from './platform.js';

export type GatewayEvent =
  | { type: 'started'; llmUrl: string }
  | { type: 'backfilled'; runs: number; failed: number; seconds: number }
  | { type: 'live' }
  | { type: 'say'; line: string }
  | { type: 'stopped'; runs: number; failed: number };

export type GatewayOptions = Omit<PlatformOptions, 'say'>;

const send = (e: GatewayEvent) => process.send?.(e);
const options = JSON.parse(process.env.TENANTRY_DEMO_OPTIONS ?? '{}') as GatewayOptions;
const platform = new Platform({ ...options, say: (line) => send({ type: 'say', line }) });

let stopping: Promise<void> | undefined;
const stop = () => {
  stopping ??= platform.stop().then(() => {
    send({ type: 'stopped', runs: platform.stats.runs, failed: platform.stats.failed });
    process.disconnect?.();
  });
  return stopping;
};
process.on('message', (m: { type?: string }) => {
  if (m.type === 'stop') void stop();
});
process.on('disconnect', () => void stop().then(() => process.exit(0)));
// Ctrl-C reaches the whole process group; the parent decides when this process stops.
process.on('SIGINT', () => {});

await platform.start();
send({ type: 'started', llmUrl: platform.llmUrl });
const started = Date.now();
const runs = await platform.backfill();
send({
  type: 'backfilled',
  runs,
  failed: platform.stats.failed,
  seconds: (Date.now() - started) / 1000,
});
if (stopping === undefined) {
  await platform.goLive();
  send({ type: 'live' });
}
