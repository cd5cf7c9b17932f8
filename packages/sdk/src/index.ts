/** Public API of @tenantry/sdk. */
export type { ExporterChoice, InitOptions, LogsOptions, MetricsOptions } from './config.js';
export {
  AGENT_CARRIER_KEY,
  type Carrier,
  extract,
  extractContext,
  inject,
  TENANT_CARRIER_KEY,
} from './context/propagation.js';
export { currentTenant } from './context/tenant.js';
export { problemCounts } from './diag/warn.js';
export { InvalidTenantError, TenantMismatchError, TenantryError } from './errors.js';
export { ConsoleTreeExporter } from './export/console.js';
export { type FeedbackOptions, recordFeedback } from './feedback/record.js';
export { init, type TenantryHandle, tenantrySpanProcessors } from './init.js';
export { type TenantryLogFields, tenantryLogFields } from './logs/fields.js';
export { type GetLoggerOptions, getLogger, type TenantryLogger } from './logs/logger.js';
export { OVERFLOW_TENANT } from './metrics/tenant-guard.js';
export { TenantAttributesProcessor, tenantMetricView } from './metrics/tenant-view.js';
export type {
  RedactContext,
  RedactHook,
  RedactOption,
  RedactorLike,
} from './redaction/redactor.js';
export { type AgentRunOptions, agentRun, type SubAgentOptions, subAgent } from './trace/agent.js';
export type {
  AgentSpan,
  LlmSpan,
  MemorySpan,
  RetrievalSpan,
  SpanHandle,
  TokenUsage,
  ToolSpan,
} from './trace/handle.js';
export { type LlmCallOptions, llmCall } from './trace/llm.js';
export { TenantSpanProcessor } from './trace/processor.js';
export {
  type MemoryOpOptions,
  memoryOp,
  type RetrievalOptions,
  retrieval,
  type ToolCallOptions,
  toolCall,
} from './trace/steps.js';
