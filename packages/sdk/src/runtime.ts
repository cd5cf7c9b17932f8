/**
 * Process-wide SDK state that `init()` fills in and `shutdown()` clears. Without `init()` the
 * helpers still work against whatever TracerProvider the host registered (own NodeSDK).
 */
import { type Tracer, trace } from '@opentelemetry/api';
import { identityRedactor, type Redactor } from './redaction/redactor.js';

export const SCOPE_NAME = '@tenantry/sdk';
export const SCOPE_VERSION = '0.1.0';

export interface Runtime {
  /** Set by init(); otherwise the global tracer, looked up on first use. */
  tracer: Tracer | undefined;
  captureContent: boolean;
  maxAttributeLength: number;
  redactor: Redactor;
}

export const DEFAULT_MAX_ATTRIBUTE_LENGTH = 4096;

export const runtime: Runtime = {
  tracer: undefined,
  captureContent: false,
  maxAttributeLength: DEFAULT_MAX_ATTRIBUTE_LENGTH,
  redactor: identityRedactor,
};

export function getTracer(): Tracer {
  if (runtime.tracer === undefined) runtime.tracer = trace.getTracer(SCOPE_NAME, SCOPE_VERSION);
  return runtime.tracer;
}

export function resetRuntime(): void {
  runtime.tracer = undefined;
  runtime.captureContent = false;
  runtime.maxAttributeLength = DEFAULT_MAX_ATTRIBUTE_LENGTH;
  runtime.redactor = identityRedactor;
}
