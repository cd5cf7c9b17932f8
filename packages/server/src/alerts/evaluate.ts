import { durationMs } from './duration.js';
import type { AlertRule } from './rules.js';
import { ruleForTenant } from './rules.js';
import type { AlertDataSource, RunawayCandidate, TenantWindowStats } from './source.js';
import type { WindowCache } from './windows.js';

/**
 * Turns one rule + the per-tenant aggregates into one verdict per tenant. Every rule reads the
 * source with batched, all-tenant queries; `WindowCache` shares identical windows between rules of
 * the same evaluation (e.g. a failure-rate and a tokens rule over the same 10 minutes).
 */

export interface TenantVerdict {
  tenantId: string;
  /** The rule as applied to this tenant (its override merged in). */
  rule: AlertRule;
  /** Whether the condition holds now. */
  active: boolean;
  value: number;
  threshold: number;
  /** The window the value was measured over, for links and payloads. */
  fromMs: number;
  toMs: number;
  exampleTraceId: string | null;
  /** One line a human reads in the notification; built only for alerts that are tracked. */
  summary: () => string;
}

const pct = (v: number) => `${(v * 100).toFixed(1)}%`;
const int = (v: number) => Math.round(v).toLocaleString('en-US');

const DAY_MS = 86_400_000;

function startOfUtcDay(ms: number): number {
  return Math.floor(ms / DAY_MS) * DAY_MS;
}

function verdictsFromStats(
  rule: AlertRule,
  stats: TenantWindowStats[],
  fromMs: number,
  toMs: number,
  keep: (tenantId: string) => boolean,
  measure: (
    r: AlertRule,
    s: TenantWindowStats,
  ) => { active: boolean; value: number; summary: () => string } | null,
): TenantVerdict[] {
  const out: TenantVerdict[] = [];
  for (const s of stats) {
    const applied = ruleForTenant(rule, s.tenantId);
    if (!applied) continue;
    const m = measure(applied, s);
    // A quiet tenant with no alert state needs no verdict: most of 10,000 tenants, most of the time.
    if (!m || (!m.active && !keep(s.tenantId))) continue;
    out.push({
      tenantId: s.tenantId,
      rule: applied,
      active: m.active,
      value: m.value,
      threshold: applied.threshold,
      fromMs,
      toMs,
      exampleTraceId: s.exampleFailedTraceId,
      summary: m.summary,
    });
  }
  return out;
}

function tokensOf(s: TenantWindowStats, type: 'total' | 'input' | 'output'): number {
  if (type === 'input') return s.inputTokens;
  if (type === 'output') return s.outputTokens;
  return s.inputTokens + s.outputTokens;
}

/** Verdicts for every tenant the source reports for this rule's window(s). */
export async function evaluateRule(
  rule: AlertRule,
  nowMs: number,
  cache: WindowCache,
  source: AlertDataSource,
  /** Tenants whose inactive verdicts still matter (they have a pending, firing or resolved state). */
  keep: (tenantId: string) => boolean = () => true,
): Promise<TenantVerdict[]> {
  const windowMs = durationMs(rule.window);
  const toMs = nowMs;
  const fromMs = nowMs - windowMs;
  switch (rule.kind) {
    case 'failure_rate':
      return verdictsFromStats(rule, await cache.get(fromMs, toMs), fromMs, toMs, keep, (r, s) => {
        if (s.runs === 0) return null;
        const value = s.failedRuns / s.runs;
        return {
          active: s.runs >= r.min_runs && value > r.threshold,
          value,
          summary: () =>
            `run failure rate ${pct(value)} (${s.failedRuns}/${s.runs} runs) over ${r.window}, threshold ${pct(r.threshold)}`,
        };
      });
    case 'tool_error_rate':
      return verdictsFromStats(rule, await cache.get(fromMs, toMs), fromMs, toMs, keep, (r, s) => {
        if (s.toolCalls === 0 || r.kind !== 'tool_error_rate') return null;
        const value = s.toolErrors / s.toolCalls;
        return {
          active: s.runs >= r.min_runs && s.toolCalls >= r.min_tool_calls && value > r.threshold,
          value,
          summary: () =>
            `tool error rate ${pct(value)} (${s.toolErrors}/${s.toolCalls} calls) over ${r.window}, threshold ${pct(r.threshold)}`,
        };
      });
    case 'latency':
      return verdictsFromStats(rule, await cache.get(fromMs, toMs), fromMs, toMs, keep, (r, s) => {
        if (r.kind !== 'latency') return null;
        const value = s.runLatencyMs[r.quantile];
        if (value === null || s.runs === 0) return null;
        return {
          active: s.runs >= r.min_runs && value > r.threshold,
          value,
          summary: () =>
            `run latency ${r.quantile} ${int(value)} ms over ${r.window} (${s.runs} runs), threshold ${int(r.threshold)} ms`,
        };
      });
    case 'tokens': {
      const from = rule.mode === 'daily' ? startOfUtcDay(nowMs) : fromMs;
      const span = rule.mode === 'daily' ? 'today (UTC)' : `over ${rule.window}`;
      return verdictsFromStats(rule, await cache.get(from, toMs), from, toMs, keep, (r, s) => {
        if (r.kind !== 'tokens') return null;
        const value = tokensOf(s, r.token_type);
        return {
          active: s.runs >= r.min_runs && value > r.threshold,
          value,
          summary: () =>
            `${r.token_type} tokens ${int(value)} ${span}, threshold ${int(r.threshold)}`,
        };
      });
    }
    case 'token_anomaly':
      return evaluateTokenAnomaly(rule, nowMs, windowMs, cache, keep);
    case 'runaway_run':
      return evaluateRunaway(rule, fromMs, toMs, source);
    case 'negative_feedback':
      return evaluateNegativeFeedback(rule, fromMs, toMs, source, keep);
  }
}

/** Negative scores / scores per tenant, judged only from `min_scores` scores in the window. */
async function evaluateNegativeFeedback(
  rule: Extract<AlertRule, { kind: 'negative_feedback' }>,
  fromMs: number,
  toMs: number,
  source: AlertDataSource,
  keep: (tenantId: string) => boolean,
): Promise<TenantVerdict[]> {
  const stats = (await source.feedbackWindowStats?.(fromMs, toMs)) ?? [];
  const out: TenantVerdict[] = [];
  for (const s of stats) {
    const applied = ruleForTenant(rule, s.tenantId);
    if (applied?.kind !== 'negative_feedback' || s.scores === 0) continue;
    const value = s.negative / s.scores;
    const active = s.scores >= applied.min_scores && value > applied.threshold;
    if (!active && !keep(s.tenantId)) continue;
    out.push({
      tenantId: s.tenantId,
      rule: applied,
      active,
      value,
      threshold: applied.threshold,
      fromMs,
      toMs,
      exampleTraceId: s.exampleNegativeTraceId,
      summary: () =>
        `negative feedback ${pct(value)} (${s.negative}/${s.scores} scores) over ${applied.window}, threshold ${pct(applied.threshold)}`,
    });
  }
  return out;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  if (sorted.length % 2 === 1) return sorted[mid] ?? 0;
  return ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

/**
 * Current window vs the median of the tenant's previous `baseline_windows` windows of the same
 * length (or of the same time on previous days). The median ignores one-off bursts in the
 * baseline, and a ratio threshold (default 5x) ignores organic growth: even 20% week over week is
 * a ratio of ~1.0 between adjacent windows. Baseline windows sit on a grid of the window length so
 * they are the same queries each evaluation.
 */
async function evaluateTokenAnomaly(
  rule: Extract<AlertRule, { kind: 'token_anomaly' }>,
  nowMs: number,
  windowMs: number,
  cache: WindowCache,
  keep: (tenantId: string) => boolean,
): Promise<TenantVerdict[]> {
  const fromMs = nowMs - windowMs;
  const grid = Math.floor(fromMs / windowMs) * windowMs;
  const baselineRanges: Array<[number, number]> = [];
  for (let k = 0; k < rule.baseline_windows; k++) {
    if (rule.baseline === 'same_time_daily') {
      const start = grid - (k + 1) * DAY_MS;
      baselineRanges.push([start, start + windowMs]);
    } else {
      baselineRanges.push([grid - (k + 1) * windowMs, grid - k * windowMs]);
    }
  }
  const [current, ...baselines] = await Promise.all([
    cache.get(fromMs, nowMs),
    ...baselineRanges.map(([f, t]) => cache.get(f, t)),
  ]);
  const history = new Map<string, number[]>();
  for (const windowStats of baselines) {
    for (const s of windowStats) {
      const tokens = s.inputTokens + s.outputTokens;
      if (tokens <= 0) continue;
      const list = history.get(s.tenantId);
      if (list) list.push(tokens);
      else history.set(s.tenantId, [tokens]);
    }
  }
  return verdictsFromStats(rule, current ?? [], fromMs, nowMs, keep, (r, s) => {
    if (r.kind !== 'token_anomaly') return null;
    const past = history.get(s.tenantId) ?? [];
    const tokens = s.inputTokens + s.outputTokens;
    if (past.length < r.min_baseline_windows) return null;
    const baseline = median(past);
    if (baseline < r.min_baseline_tokens) return null;
    const value = tokens / baseline;
    return {
      active: s.runs >= r.min_runs && value > r.threshold,
      value,
      summary: () =>
        `tokens ${int(tokens)} over ${r.window} = ${value.toFixed(1)}x the tenant baseline (median ${int(baseline)} of ${past.length} ${r.baseline === 'same_time_daily' ? 'previous days at this time' : 'previous windows'}), threshold ${r.threshold}x`,
    };
  });
}

function exceeds(c: RunawayCandidate, r: Extract<AlertRule, { kind: 'runaway_run' }>): string[] {
  const why: string[] = [];
  if (c.llmCalls > r.max_llm_calls) why.push(`${c.llmCalls} LLM calls > ${r.max_llm_calls}`);
  if (c.totalTokens > r.max_tokens) why.push(`${int(c.totalTokens)} tokens > ${int(r.max_tokens)}`);
  const t = c.topRepeatedTool;
  if (t && t.count > r.max_repeated_tool_calls) {
    why.push(
      `tool '${t.name}' called ${t.count}x with the same arguments > ${r.max_repeated_tool_calls}`,
    );
  }
  return why;
}

/**
 * One query for all tenants at the loosest thresholds any tenant override asks for, then each
 * tenant's candidates are filtered by its own thresholds.
 */
async function evaluateRunaway(
  rule: Extract<AlertRule, { kind: 'runaway_run' }>,
  fromMs: number,
  toMs: number,
  source: AlertDataSource,
): Promise<TenantVerdict[]> {
  const all = [rule, ...Object.values(rule.overrides)];
  const min = (pick: (o: (typeof all)[number]) => number | undefined, fallback: number) =>
    Math.min(fallback, ...all.map((o) => pick(o) ?? fallback));
  const candidates = await source.runawayRuns(fromMs, toMs, {
    maxLlmCalls: min((o) => o.max_llm_calls, rule.max_llm_calls),
    maxTokens: min((o) => o.max_tokens, rule.max_tokens),
    maxRepeatedToolCalls: min((o) => o.max_repeated_tool_calls, rule.max_repeated_tool_calls),
  });
  const byTenant = new Map<string, RunawayCandidate[]>();
  for (const c of candidates) {
    const list = byTenant.get(c.tenantId);
    if (list) list.push(c);
    else byTenant.set(c.tenantId, [c]);
  }
  const out: TenantVerdict[] = [];
  for (const [tenantId, list] of byTenant) {
    const applied = ruleForTenant(rule, tenantId);
    if (applied?.kind !== 'runaway_run') continue;
    const hits = list.map((c) => ({ c, why: exceeds(c, applied) })).filter((h) => h.why.length > 0);
    if (hits.length === 0) continue;
    const first = hits[0];
    out.push({
      tenantId,
      rule: applied,
      active: hits.length > applied.threshold,
      value: hits.length,
      threshold: applied.threshold,
      fromMs,
      toMs,
      exampleTraceId: first?.c.traceId ?? null,
      summary: () =>
        `${hits.length} runaway run(s) over ${applied.window}; e.g. run ${first?.c.traceId}${first?.c.agentName ? ` (${first.c.agentName})` : ''}: ${first?.why.join(', ')}`,
    });
  }
  return out;
}
