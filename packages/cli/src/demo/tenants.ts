/**
 * The simulated customers: seven tenants with their own agent, model and traffic shape. Rates are
 * runs per minute as a function of event time, so the backfilled hour and the live traffic that
 * follows draw the same curves.
 */

export type AgentKind = 'support' | 'billing' | 'research' | 'orders';

export interface TenantProfile {
  id: string;
  /** What the guided tour calls it. */
  label: string;
  agent: AgentKind;
  model: string;
  provider: string;
  /** Runs per minute at event time `t` (ms). */
  rate(t: number): number;
}

const MINUTE = 60_000;

/**
 * Periodic bursts: `peak` runs/min for `burstMinutes` out of every `everyMinutes`, else `base`.
 * Kept under 5x between 5-minute windows: bursty traffic is normal, not a token anomaly.
 */
function bursty(base: number, peak: number, everyMinutes: number, burstMinutes: number) {
  return (t: number) => ((t / MINUTE) % everyMinutes < burstMinutes ? peak : base);
}

export function demoTenants(startMs: number): TenantProfile[] {
  const hour = 60 * MINUTE;
  return [
    {
      id: 'tenant-a',
      label: 'steady, high volume',
      agent: 'support',
      model: 'gpt-4o-mini',
      provider: 'openai',
      rate: () => 2,
    },
    {
      id: 'tenant-b',
      label: 'billing assistant (the incident)',
      agent: 'billing',
      model: 'gpt-4o',
      provider: 'openai',
      rate: () => 2.5,
    },
    {
      id: 'tenant-c',
      label: 'bursty research',
      agent: 'research',
      model: 'claude-sonnet-4',
      provider: 'anthropic',
      rate: bursty(0.5, 2, 10, 3),
    },
    {
      id: 'tenant-d',
      label: 'order agent (the noisy neighbour)',
      agent: 'orders',
      model: 'llama-3.1-70b',
      provider: 'meta',
      rate: () => 1.2,
    },
    {
      id: 'tenant-e',
      label: 'ramping up',
      agent: 'support',
      model: 'gemini-2.0-flash',
      provider: 'gcp.gemini',
      // Grows from 0.2 to 1.2 runs/min across the backfilled hour, then stays there.
      rate: (t) => 0.2 + 1.0 * Math.min(1, Math.max(0, (t - startMs) / hour)),
    },
    {
      id: 'tenant-f',
      label: 'sparse',
      agent: 'billing',
      model: 'mistral-large',
      provider: 'mistral_ai',
      rate: () => 0.6,
    },
    {
      id: 'tenant-g',
      label: 'batch jobs every 5 min',
      agent: 'research',
      model: 'gpt-4o-mini',
      provider: 'openai',
      rate: bursty(0, 3, 5, 1),
    },
  ];
}

/**
 * Start times in [fromMs, toMs) for one tenant: a Poisson process with the tenant's rate, drawn by
 * thinning against the highest rate in the range.
 */
export function scheduleRuns(
  profile: TenantProfile,
  fromMs: number,
  toMs: number,
  random = Math.random,
): number[] {
  let peak = 0;
  for (let t = fromMs; t < toMs; t += 10_000) peak = Math.max(peak, profile.rate(t));
  if (peak <= 0) return [];
  const out: number[] = [];
  let t = fromMs;
  for (;;) {
    t += (-Math.log(1 - random()) / peak) * MINUTE;
    if (t >= toMs) return out;
    if (random() * peak < profile.rate(t)) out.push(t);
  }
}
