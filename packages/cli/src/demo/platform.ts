/**
 * The simulated multi-tenant agent platform: the gateway (this process), the worker service (a
 * forked process), the shared fake LLM, the hour of backfill and the live traffic after it.
 */
import type { ChildProcess } from 'node:child_process';
import { recordFeedback, type TenantryHandle } from '@tenantry/sdk';
import { type PlatformDeps, type RunOutcome, runAgent } from './agent.js';
import { RunClock } from './clock.js';
import { type DeployStep, INCIDENT_TENANT, postChangeEvent, WORKER_BUILDS } from './deploys.js';
import { type FakeLlm, sleep, startDraining, startFakeLlm } from './fake-llm.js';
import { forkService, nextMessage } from './fork.js';
import { SubAgentQueue } from './queue.js';
import { initServiceTelemetry } from './telemetry.js';
import { demoTenants, scheduleRuns, type TenantProfile } from './tenants.js';
import { TimeShiftRegistry } from './time-shift.js';
import type { FromWorker, ToWorker } from './worker-main.js';

const MINUTE = 60_000;
const GATEWAY_VERSION = '5.2.0';
const BACKFILL_CONCURRENCY = 48;

export interface PlatformOptions {
  endpoint: string;
  ingestKey: string;
  /** A key that may write change events (the demo's admin key); null: deploys are not marked. */
  eventsKey: string | null;
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
  /** Tenants whose users have reported a wrong answer at least once. */
  private readonly wrongReported = new Set<string>();
  readonly stats: PlatformStats = { runs: 0, failed: 0, byTenant: new Map() };
  private readonly registry = new TimeShiftRegistry();
  private readonly queue = new SubAgentQueue();
  private telemetry: TenantryHandle | undefined;
  private llm: FakeLlm | undefined;
  private worker: ChildProcess | undefined;
  private workerUrl = '';
  /** Tenant B's own worker build once the deploy reached it (its cell), and its URL. */
  private cell: { child: ChildProcess; url: string } | undefined;
  private readonly inFlight = new Set<Promise<unknown>>();
  private stopping = false;
  private readonly startMs = Date.now();
  private readonly tenants: TenantProfile[];
  private readonly deployAtMs: number;
  private readonly loopFromMs: number;

  constructor(private readonly options: PlatformOptions) {
    this.tenants = demoTenants(this.startMs - options.backfillMinutes * MINUTE);
    this.deployAtMs = this.startMs - options.deployAgoMs;
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
    this.worker = this.forkWorker(WORKER_BUILDS.stable, 'backfill');
    this.workerUrl = await this.workerReady(this.worker);
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
    // Nor are the stale answers before the failures: a few tenant-b runs while the cache the
    // deploy stopped invalidating is past its 120 s freshness and not yet past the worker's 240 s
    // guard (a billing run reads the account 7 times in 8), so its users' "wrong" marks come first.
    const incident = this.tenants.find((t) => t.id === INCIDENT_TENANT);
    if (incident !== undefined) {
      for (const after of [130_000, 155_000, 180_000, 205_000]) {
        const at = this.deployAtMs + after;
        if (at > from && at < this.startMs) runs.push({ at, profile: incident, loop: false });
      }
    }
    runs.sort((a, b) => a.at - b.at);
    let markerDone = false;
    let sinceFlush = 0;
    // A pool, not batches: a looping run of tenant-d must not hold up the runs next to it.
    const pool = new Set<Promise<void>>();
    const clocks = new Set<RunClock>();
    for (const r of runs) {
      if (!markerDone && r.at >= this.deployAtMs) {
        markerDone = true;
        await Promise.all(pool);
        await this.deploy(WORKER_BUILDS.regression, this.deployAtMs, 'backfill');
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
    await Promise.all(
      [this.worker, this.cell?.child].map(async (child) => {
        const ack = this.waitForWorker(child, 'live');
        this.toWorker(child, { type: 'live' });
        await ack;
      }),
    );
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
        await this.deploy(WORKER_BUILDS.fix, now, 'live');
        this.options.say(
          `fix deployed: tenant-b's demo-worker ${WORKER_BUILDS.fix.version} invalidates its cache again; the alert resolves once the failures leave the 10 min window`,
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
    await Promise.all([this.worker, this.cell?.child].map((child) => this.stopWorker(child)));
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
      accountUrl: (tenantId) =>
        tenantId === INCIDENT_TENANT && this.cell ? this.cell.url : this.workerUrl,
      queue: this.queue,
      registry: this.registry,
    };
    const outcome = await runAgent(deps, profile, clock, loop);
    this.userFeedback(profile, outcome);
    const t = this.stats.byTenant.get(profile.id) ?? { runs: 0, failed: 0 };
    t.runs++;
    this.stats.runs++;
    if (outcome.status === 'error') {
      t.failed++;
      this.stats.failed++;
    }
    this.stats.byTenant.set(profile.id, t);
  }

  /**
   * Some users rate the answer they got: most of those who got a wrong one (account data the
   * cache should have invalidated) say so, a few say "unhelpful" anywhere, some give a thumbs up.
   */
  private userFeedback(profile: TenantProfile, outcome: RunOutcome): void {
    if (outcome.status === 'error' || outcome.traceId === '') return;
    const run = { traceId: outcome.traceId, spanId: outcome.spanId, tenantId: profile.id };
    const roll = Math.random();
    if (outcome.staleAnswer) {
      // The first wrong answer a tenant's users get is always reported: the incident's story (users
      // noticed before the runs failed) must not hang on a roll over the few runs of the window.
      if (roll < 0.6 || !this.wrongReported.has(profile.id)) {
        this.wrongReported.add(profile.id);
        recordFeedback({
          ...run,
          score: 0,
          label: 'wrong',
          comment:
            'That is not my plan: I upgraded to Business last week. Call me on +1 415 555 0132.',
        });
      }
    } else if (roll < 0.01) {
      recordFeedback({ ...run, score: 0, label: 'unhelpful' });
    } else if (roll < 0.1) {
      recordFeedback({ ...run, score: 1, label: 'correct' });
    }
  }

  /**
   * A deploy of tenant B's cell: a new worker process of `step`'s build takes over its account
   * data, the old one stops, and the deploy is marked through the events API. The first deploy is
   * the regression, the second the fix.
   */
  private async deploy(step: DeployStep, atMs: number, phase: 'backfill' | 'live'): Promise<void> {
    const child = this.forkWorker(step, phase, atMs);
    const url = await this.workerReady(child);
    const old = this.cell;
    this.cell = { child, url };
    await this.stopWorker(old?.child);
    if (this.options.eventsKey !== null) {
      await postChangeEvent(this.options.endpoint, this.options.eventsKey, step, atMs).catch(
        (err: unknown) => this.options.say(`could not mark the deploy: ${String(err)}`),
      );
    }
  }

  private initTelemetry(phase: 'backfill' | 'live'): TenantryHandle {
    return initServiceTelemetry({
      serviceName: 'demo-gateway',
      serviceVersion: GATEWAY_VERSION,
      endpoint: this.options.endpoint,
      apiKey: this.options.ingestKey,
      phase,
      registry: this.registry,
    });
  }

  private forkWorker(step: DeployStep, phase: 'backfill' | 'live', deployedAtMs?: number) {
    return forkService('worker-main', {
      TENANTRY_DEMO_ENDPOINT: this.options.endpoint,
      TENANTRY_DEMO_KEY: this.options.ingestKey,
      TENANTRY_DEMO_VERSION: step.version,
      TENANTRY_DEMO_PHASE: phase,
      ...(step.breaksCacheInvalidation && deployedAtMs !== undefined
        ? { TENANTRY_DEMO_CACHE_BROKEN_SINCE: String(deployedAtMs) }
        : {}),
    });
  }

  private workerReady(child: ChildProcess): Promise<string> {
    return nextMessage<FromWorker, string>(child, (m) => (m.type === 'ready' ? m.url : undefined));
  }

  private async stopWorker(child: ChildProcess | undefined): Promise<void> {
    if (!child?.connected) return;
    const stopped = this.waitForWorker(child, 'stopped');
    this.toWorker(child, { type: 'stop' });
    await Promise.race([stopped, sleep(10_000)]);
  }

  private async waitForWorker(
    child: ChildProcess | undefined,
    type: FromWorker['type'],
  ): Promise<void> {
    if (child === undefined) return;
    await nextMessage<FromWorker, true>(child, (m) => (m.type === type ? true : undefined)).catch(
      () => undefined,
    );
  }

  private toWorker(child: ChildProcess | undefined, message: ToWorker): void {
    if (child?.connected) child.send(message);
  }
}
