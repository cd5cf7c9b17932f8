/** Public API of @tenantry/sdk. */
export type { ExporterChoice, InitOptions } from './config.js';
export { currentTenant } from './context/tenant.js';
export { InvalidTenantError, TenantMismatchError, TenantryError } from './errors.js';
export { ConsoleTreeExporter } from './export/console.js';
export { init, type TenantryHandle, tenantrySpanProcessors } from './init.js';
export type { RedactContext, RedactHook } from './redaction/redactor.js';
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
export { TenantSpanProcessor } from './trace/processor.js';
