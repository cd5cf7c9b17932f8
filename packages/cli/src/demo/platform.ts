/**
 * The simulated multi-tenant agent platform: the gateway (this process), the worker service (a
 * forked process), the shared fake LLM, the hour of backfill and the live traffic after it.
 */
import type { ChildProcess } from 'node:child_process';
import { context, trace } from '@opentelemetry/api';
import { extract, getLogger, type TenantryHandle } from '@tenantry/sdk';
import { type PlatformDeps, runAgent } from './agent.js';
import { RunClock } from './clock.js';
import { type FakeLlm, sleep, startDraining, startFakeLlm } from './fake-llm.js';
import { forkService, nextMessage } from './fork.js';
import { SubAgentQueue } from './queue.js';
import { initServiceTelemetry } from './telemetry.js';
import { demoTenants, scheduleRuns, type TenantProfile } from './tenants.js';
import { TimeShiftRegistry } from './time-shift.js';
import type { CacheIncident } from './worker.js';
import type { FromWorker, ToWorker } from './worker-main.js';

const MINUTE = 60_000;
const BACKFILL_CONCURRENCY = 48;

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
    const runs: Array<{ at: number; profile: TenantProfile; loop: boolean }> = [];
    for (const profile of this.tenants) {
      for (const at of scheduleRuns(profile, from, this.startMs)) {
        runs.push({ at, profile, loop: this.loops(profile, at) });
      }
    }
    // The bug's first runs are not left to chance: three looping runs of tenant-d right after it
    // lands (the random traffic adds more), so the story is there on every start.
    const d = this.tenants.find((t) => t.id === 'tenant-d');
    if (d !== undefined && this.loopFromMs > from) {
      for (let k = 0; k < 3; k++)
        runs.push({ at: this.loopFromMs + k * 70_000, profile: d, loop: true });
    }
    runs.sort((a, b) => a.at - b.at);
    let markerDone = false;
    let sinceFlush = 0;
    // A pool, not batches: a looping run of tenant-d must not hold up the runs next to it.
    const pool = new Set<Promise<void>>();
    const clocks = new Set<RunClock>();
    for (const r of runs) {
      if (!markerDone && r.at >= this.incident.fromMs) {
        markerDone = true;
        await this.marker('deploy', new RunClock(this.incident.fromMs));
      }
      // Lockstep in event time: no run starts more than a minute of event time ahead of the
      // slowest run still going, so a long (looping) run loads the shared LLM at the same event
      // time as the runs around it, and its neighbours feel the slowdown as they would live.
      while (pool.size > 0 && Math.min(...[...clocks].map((c) => c.now())) < r.at - MINUTE) {
        await Promise.race([...pool, sleep(5)]);
      }
      const clock = new RunClock(r.at);
      clocks.add(clock);
      const p: Promise<void> = this.execute(r.profile, clock, r.loop).finally(() => {
        pool.delete(p);
        clocks.delete(clock);
      });
      pool.add(p);
      if (pool.size >= BACKFILL_CONCURRENCY) await Promise.race(pool);
      // The SDK's batch queues are bounded; flushing every few hundred runs keeps nothing dropped.
      if (++sinceFlush >= 256) {
        sinceFlush = 0;
        await this.telemetry?.forceFlush();
      }
    }
    await Promise.all(pool);
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
    this.liveLoop().catch((err: unknown) =>
      this.options.say(`live traffic stopped: ${err instanceof Error ? err.message : String(err)}`),
    );
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
          this.track(this.execute(profile, RunClock.live(), this.loops(profile, now)));
      }
      await sleep(1000);
    }
  }

  async stop(): Promise<void> {
    this.stopping = true;
    startDraining();
    await Promise.allSettled([...this.inFlight]);
    await this.telemetry?.shutdown();
    if (this.worker?.connected) {
      const stopped = this.waitForWorker('stopped');
      this.toWorker({ type: 'stop' });
      await Promise.race([stopped, sleep(10_000)]);
    }
    await this.llm?.close();
  }

  /** A third of tenant-d's runs loop once its bug is in (loopAgoMs before start). */
  private loops(profile: TenantProfile, atMs: number): boolean {
    return profile.id === 'tenant-d' && atMs >= this.loopFromMs && Math.random() < 1 / 3;
  }

  private track(p: Promise<unknown>): void {
    this.inFlight.add(p);
    void p.finally(() => this.inFlight.delete(p));
  }

  private async execute(profile: TenantProfile, clock: RunClock, loop: boolean): Promise<void> {
    const deps: PlatformDeps = {
      llmUrl: this.llmUrl,
      workerUrl: this.workerUrl,
      queue: this.queue,
      registry: this.registry,
    };
    const status = await runAgent(deps, profile, clock, loop);
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
      if (clock.virtual) this.registry.register(span.spanContext().traceId, clock);
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
    this.worker = forkService('worker-main', {
      TENANTRY_DEMO_ENDPOINT: this.options.endpoint,
      TENANTRY_DEMO_KEY: this.options.ingestKey,
    });
    return nextMessage<FromWorker, string>(this.worker, (m) =>
      m.type === 'ready' ? m.url : undefined,
    );
  }

  private async waitForWorker(type: FromWorker['type']): Promise<void> {
    if (this.worker === undefined) return;
    await nextMessage<FromWorker, true>(this.worker, (m) =>
      m.type === type ? true : undefined,
    ).catch(() => undefined);
  }

  private toWorker(message: ToWorker): void {
    if (this.worker?.connected) this.worker.send(message);
  }
}
