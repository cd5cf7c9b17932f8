/**
 * The simulated multi-tenant agent platform: the gateway (this process), the worker service (a
 * forked process), the shared fake LLM, the hour of backfill and the live traffic after it.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { context, trace } from '@opentelemetry/api';
import { extract, getLogger, type TenantryHandle } from '@tenantry/sdk';
import { type PlatformDeps, runAgent } from './agent.js';
import { RunClock } from './clock.js';
import { type FakeLlm, sleep, startFakeLlm } from './fake-llm.js';
import { SubAgentQueue } from './queue.js';
import { initServiceTelemetry } from './telemetry.js';
import { demoTenants, scheduleRuns, type TenantProfile } from './tenants.js';
import { TimeShiftRegistry } from './time-shift.js';
import type { CacheIncident } from './worker.js';
import type { FromWorker, ToWorker } from './worker-main.js';

/** Backfilled runs execute this many times faster than event time (see time-shift.ts). */
export const BACKFILL_SPEEDUP = 100;
const MINUTE = 60_000;

export interface PlatformOptions {
  endpoint: string;
  ingestKey: string;
  backfillMinutes: number;
  /** Event-time offset (before "now") of tenant B's bad deploy. */
  deployAgoMs: number;
  /** Live time after which the fix is deployed. */
  fixAfterMs: number;
  /** Event-time offset (before "now") at which tenant D's agent starts looping. */
  loopAgoMs: number;
  say(line: string): void;
}

export interface PlatformStats {
  runs: number;
  failed: number;
  byTenant: Map<string, { runs: number; failed: number }>;
}

export class Platform {
  readonly stats: PlatformStats = { runs: 0, failed: 0, byTenant: new Map() };
  private readonly registry = new TimeShiftRegistry();
  private readonly queue = new SubAgentQueue();
  private readonly log = getLogger({ destination: { write: () => true } });
  private telemetry: TenantryHandle | undefined;
  private llm: FakeLlm | undefined;
  private worker: ChildProcess | undefined;
  private workerUrl = '';
  private readonly inFlight = new Set<Promise<unknown>>();
  private stopping = false;
  private readonly startMs = Date.now();
  private readonly tenants: TenantProfile[];
  private incident: CacheIncident;
  private readonly loopFromMs: number;

  constructor(private readonly options: PlatformOptions) {
    this.tenants = demoTenants(this.startMs - options.backfillMinutes * MINUTE);
    this.incident = {
      tenantId: 'tenant-b',
      fromMs: this.startMs - options.deployAgoMs,
      toMs: null,
    };
    this.loopFromMs = this.startMs - options.loopAgoMs;
  }

  get llmUrl(): string {
    return this.llm?.url ?? '';
  }

  profiles(): readonly TenantProfile[] {
    return this.tenants;
  }

  async start(): Promise<void> {
    this.telemetry = this.initTelemetry('backfill');
    this.llm = await startFakeLlm();
    this.workerUrl = await this.forkWorker();
    this.toWorker({ type: 'incident', incident: this.incident });
  }

  /** Runs the last `backfillMinutes` of every tenant's traffic in event time, oldest first. */
  async backfill(): Promise<number> {
    const from = this.startMs - this.options.backfillMinutes * MINUTE;
    const runs: Array<{ at: number; profile: TenantProfile }> = [];
    for (const profile of this.tenants) {
      for (const at of scheduleRuns(profile, from, this.startMs)) runs.push({ at, profile });
    }
    runs.sort((a, b) => a.at - b.at);
    let markerDone = false;
    const concurrency = 64;
    let next = 0;
    let sinceFlush = 0;
    while (next < runs.length) {
      const batch = runs.slice(next, next + concurrency);
      next += batch.length;
      if (!markerDone && (batch.at(-1)?.at ?? 0) >= this.incident.fromMs) {
        await this.marker('deploy', new RunClock(this.incident.fromMs, BACKFILL_SPEEDUP));
        markerDone = true;
      }
      await Promise.all(
        batch.map((r) => this.execute(r.profile, new RunClock(r.at, BACKFILL_SPEEDUP))),
      );
      sinceFlush += batch.length;
      // The SDK's batch queues are bounded; flushing every few hundred runs keeps nothing dropped.
      if (sinceFlush >= 256) {
        sinceFlush = 0;
        await this.telemetry?.forceFlush();
      }
    }
    await this.telemetry?.forceFlush();
    return runs.length;
  }

  /** Switches both services to live export (metrics on) and keeps traffic going until stop(). */
  async goLive(): Promise<void> {
    await this.telemetry?.shutdown();
    this.telemetry = this.initTelemetry('live');
    const ack = this.waitForWorker('live');
    this.toWorker({ type: 'live' });
    await ack;
    void this.liveLoop();
  }

  private async liveLoop(): Promise<void> {
    const liveStart = Date.now();
    let fixed = false;
    while (!this.stopping) {
      const now = Date.now();
      if (!fixed && now - liveStart >= this.options.fixAfterMs) {
        fixed = true;
        this.incident = { ...this.incident, toMs: now };
        this.toWorker({ type: 'incident', incident: this.incident });
        await this.marker('fix', RunClock.live());
        this.options.say(
          'fix deployed: tenant-b account-service v2.14.1 invalidates its cache again; the alert resolves once the failures leave the 10 min window',
        );
      }
      for (const profile of this.tenants) {
        if (Math.random() < profile.rate(now) / 60)
          this.track(this.execute(profile, RunClock.live()));
      }
      await sleep(1000);
    }
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.allSettled([...this.inFlight]);
    await this.telemetry?.shutdown();
    if (this.worker?.connected) {
      const stopped = this.waitForWorker('stopped');
      this.toWorker({ type: 'stop' });
      await Promise.race([stopped, sleep(10_000)]);
    }
    await this.llm?.close();
  }

  private track(p: Promise<unknown>): void {
    this.inFlight.add(p);
    void p.finally(() => this.inFlight.delete(p));
  }

  private async execute(profile: TenantProfile, clock: RunClock): Promise<void> {
    const deps: PlatformDeps = {
      llmUrl: this.llmUrl,
      workerUrl: this.workerUrl,
      queue: this.queue,
      registry: this.registry,
      loops: (tenantId, t) =>
        tenantId === 'tenant-d' && t >= this.loopFromMs && Math.random() < 0.5,
    };
    const status = await runAgent(deps, profile, clock);
    const t = this.stats.byTenant.get(profile.id) ?? { runs: 0, failed: 0 };
    t.runs++;
    this.stats.runs++;
    if (status === 'error') {
      t.failed++;
      this.stats.failed++;
    }
    this.stats.byTenant.set(profile.id, t);
  }

  /**
   * A deploy or fix of tenant B's account-data service, recorded as a span with its log line in
   * tenant B's scope (every record carries a tenant; a marker is no exception).
   */
  private async marker(kind: 'deploy' | 'fix', clock: RunClock): Promise<void> {
    const version = kind === 'deploy' ? 'v2.14.0' : 'v2.14.1';
    await extract({ 'tenantry-tenant': 'tenant-b' }, async () => {
      const span = trace.getTracer('demo-platform').startSpan(`deploy account-service ${version}`, {
        attributes: {
          'tenantry.demo.marker': kind,
          'service.version': version,
          'deployment.environment.name': 'demo',
        },
      });
      this.registry.register(span.spanContext().traceId, clock);
      await context.with(trace.setSpan(context.active(), span), async () => {
        this.log.info(
          { marker: kind, version, service: 'account-service' },
          kind === 'deploy'
            ? `deploy marker: account-service ${version} rolled out for tenant-b`
            : `fix marker: account-service ${version} rolled out for tenant-b (cache invalidation restored)`,
        );
        await clock.wait(2_000);
      });
      span.end();
    });
  }

  private initTelemetry(phase: 'backfill' | 'live'): TenantryHandle {
    return initServiceTelemetry({
      serviceName: 'demo-gateway',
      endpoint: this.options.endpoint,
      apiKey: this.options.ingestKey,
      phase,
      registry: this.registry,
    });
  }

  private forkWorker(): Promise<string> {
    // From source (tsx) the entry is worker-main.ts, from the build worker-main.js; the child
    // inherits execArgv, so the tsx loader comes along when it is in use.
    const ext = import.meta.url.endsWith('.ts') ? 'ts' : 'js';
    const entry = fileURLToPath(new URL(`./worker-main.${ext}`, import.meta.url));
    this.worker = fork(entry, [], {
      env: {
        ...process.env,
        TENANTRY_DEMO_ENDPOINT: this.options.endpoint,
        TENANTRY_DEMO_KEY: this.options.ingestKey,
      },
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    return new Promise((resolve, reject) => {
      const worker = this.worker as ChildProcess;
      const onExit = (code: number | null) =>
        reject(new Error(`demo worker exited with ${code} before it was ready`));
      worker.once('exit', onExit);
      worker.on('message', (m: FromWorker) => {
        if (m.type === 'ready') {
          worker.off('exit', onExit);
          resolve(m.url);
        }
      });
    });
  }

  private waitForWorker(type: FromWorker['type']): Promise<void> {
    return new Promise((resolve) => {
      const worker = this.worker;
      if (worker === undefined) return resolve();
      const onMessage = (m: FromWorker) => {
        if (m.type === type) {
          worker.off('message', onMessage);
          resolve();
        }
      };
      worker.on('message', onMessage);
      worker.once('exit', () => resolve());
    });
  }

  private toWorker(message: ToWorker): void {
    if (this.worker?.connected) this.worker.send(message);
  }
}
