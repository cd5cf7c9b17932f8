import { type Context, context, SpanKind, trace } from '@opentelemetry/api';
import {
  assertSameTenant,
  getScope,
  type RunScope,
  setScope,
  validateTenantId,
} from '../context/tenant.js';
import { warnOnce } from '../diag/warn.js';
import { InvalidTenantError } from '../errors.js';
import { getMetrics } from '../runtime.js';
import {
  ATTR_AGENT_ID,
  ATTR_AGENT_NAME,
  ATTR_CONVERSATION_ID,
  ATTR_OPERATION_NAME,
  ATTR_REDACTED_COUNT,
  ATTR_RUN_DELEGATED,
  ATTR_RUN_INPUT,
  ATTR_RUN_ROOT,
  ATTR_TENANT_ID,
  ATTR_USER_ID,
  truncate,
} from './attributes.js';
import { type AgentSpan, redactForAttribute } from './handle.js';
import { type Finisher, runInSpan } from './run-span.js';

export interface AgentRunOptions {
  tenantId: string;
  agentId: string;
  agentName?: string;
  conversationId?: string;
  userId?: string;
  /** Recorded as `tenantry.run.input` after redaction and truncation. */
  input?: unknown;
}

export interface SubAgentOptions {
  agentId: string;
  agentName?: string;
  input?: unknown;
}

/**
 * Runs `fn` as one agent run of one tenant: a root `invoke_agent {agentName}` span whose tenant
 * every span started inside inherits. Returns what `fn` returns; a throw marks the run failed.
 */
export function agentRun<T>(options: AgentRunOptions, fn: (span: AgentSpan) => T): T {
  const tenantId = validateTenantId(options?.tenantId);
  const parent = context.active();
  assertSameTenant(parent, tenantId);
  return startAgentSpan(parent, tenantId, options, fn, true);
}

/** A child `invoke_agent` span for another agent working for the same tenant. */
export function subAgent<T>(options: SubAgentOptions, fn: (span: AgentSpan) => T): T {
  const parent = context.active();
  const scope = getScope(parent);
  if (scope === undefined) {
    throw new InvalidTenantError('subAgent() must run inside agentRun() (no active tenant)');
  }
  return startAgentSpan(parent, scope.tenantId, options, fn, false);
}

function startAgentSpan<T>(
  parent: ReturnType<typeof context.active>,
  tenantId: string,
  options: SubAgentOptions & { conversationId?: string; userId?: string },
  fn: (span: AgentSpan) => T,
  isRun: boolean,
): T {
  const agentId = labelOr(options.agentId, 'agentId', 'unknown_agent');
  const agentName = labelOr(options.agentName, 'agentName', agentId);
  const scope: RunScope = { tenantId, agentId };
  const attributes: Record<string, string | number | boolean> = {
    [ATTR_TENANT_ID]: tenantId,
    [ATTR_OPERATION_NAME]: 'invoke_agent',
    [ATTR_AGENT_ID]: agentId,
    [ATTR_AGENT_NAME]: agentName,
  };
  if (options.conversationId !== undefined) {
    attributes[ATTR_CONVERSATION_ID] = options.conversationId;
  }
  if (options.userId !== undefined) attributes[ATTR_USER_ID] = options.userId;
  if (isRun && delegateRun(parent)) attributes[ATTR_RUN_ROOT] = true;
  let redacted = 0;
  if (options.input !== undefined) {
    const input = redactForAttribute(options.input, tenantId);
    attributes[ATTR_RUN_INPUT] = input.text;
    redacted = input.count;
    if (redacted > 0) attributes[ATTR_REDACTED_COUNT] = redacted;
  }
  return runInSpan(
    `invoke_agent ${agentName}`,
    { kind: SpanKind.INTERNAL, attributes },
    setScope(parent, scope),
    tenantId,
    fn,
    // Run metrics count runs, not agents: a sub-agent is part of its parent's run.
    isRun ? RUN_FINISHER : undefined,
    agentId,
    redacted,
  );
}

/**
 * A run started inside another span of this process (an HTTP server span, a queue consumer's span)
 * is the run, not that outer span, though the outer span is the trace's root: both are marked so
 * the server counts one run, named after the agent. A parent in another process cannot be marked;
 * its trace's root stays the run there.
 */
function delegateRun(parent: Context): boolean {
  const outer = trace.getSpan(parent);
  if (!outer || outer.spanContext().isRemote || !outer.isRecording()) return false;
  outer.setAttribute(ATTR_RUN_DELEGATED, true);
  return true;
}

const RUN_FINISHER: Finisher = {
  timed: true,
  finish(handle, _result, error, seconds) {
    if (handle.tenantId === undefined) return;
    getMetrics()?.recordRun(
      handle.tenantId,
      handle.info as string,
      error === undefined ? 'ok' : 'error',
      seconds,
    );
  },
};

/** Agent ids are labels, not security boundaries: a bad one is replaced and warned, not thrown. */
function labelOr(value: unknown, field: string, fallback: string): string {
  if (value === undefined) return fallback;
  if (typeof value === 'string' && value.length > 0) return truncate(value, MAX_LABEL_LENGTH);
  warnOnce(`bad-${field}`, `${field} must be a non-empty string; recorded as "${fallback}"`);
  return fallback;
}

const MAX_LABEL_LENGTH = 256;
