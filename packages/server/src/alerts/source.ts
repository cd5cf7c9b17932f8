/**
 * What the alert engine reads. Storage implements these two functions (over the same per-tenant
 * aggregates the query API serves); the engine only sees this interface, so it can be tested and
 * run over any engine.
 */

/** Per-tenant aggregates of agent runs and their child spans over one window [fromMs, toMs). */
export interface TenantWindowStats {
  tenantId: string;
  runs: number;
  failedRuns: number;
  /** Run (root span) latency quantiles in ms; null when runs = 0. */
  runLatencyMs: { p50: number | null; p95: number | null; p99: number | null };
  toolCalls: number;
  toolErrors: number;
  llmCalls: number;
  inputTokens: number;
  outputTokens: number;
  /** A failed run's trace in the window (the most recent), for the notification's example link. */
  exampleFailedTraceId: string | null;
}

/** A single run that looks like a loop. */
export interface RunawayCandidate {
  tenantId: string;
  traceId: string;
  /** The run root span. */
  spanId: string;
  agentName: string | null;
  llmCalls: number;
  totalTokens: number;
  /** The most repeated (tool name, arguments) pair in the run and how many times it was called. */
  topRepeatedTool: { name: string; arguments: string; count: number } | null;
}

export interface RunawayThresholds {
  maxLlmCalls: number;
  maxTokens: number;
  maxRepeatedToolCalls: number;
}

/** Per-tenant scores and feedback given in one window (storage/score-types.ts). */
export interface TenantFeedbackStats {
  tenantId: string;
  scores: number;
  /** Scores below 0.5. */
  negative: number;
  /** The latest negatively scored run in the window, for the notification's example link. */
  exampleNegativeTraceId: string | null;
}

export interface AlertDataSource {
  /**
   * Stats per tenant for runs that started in [fromMs, toMs). Tenants with no runs and no spans in
   * the window are omitted. `tenantIds` narrows the query when given.
   */
  windowStats(
    fromMs: number,
    toMs: number,
    tenantIds?: readonly string[],
  ): Promise<TenantWindowStats[]>;
  /**
   * Runs that started in [fromMs, toMs) and exceed at least one threshold (llmCalls > maxLlmCalls,
   * totalTokens > maxTokens, or a (tool, arguments) pair repeated > maxRepeatedToolCalls times).
   */
  runawayRuns(
    fromMs: number,
    toMs: number,
    thresholds: RunawayThresholds,
  ): Promise<RunawayCandidate[]>;
  /**
   * Scores per tenant given in [fromMs, toMs); tenants without any are omitted. Optional: a source
   * without scores makes `negative_feedback` rules give no verdicts.
   */
  feedbackWindowStats?(fromMs: number, toMs: number): Promise<TenantFeedbackStats[]>;
}
