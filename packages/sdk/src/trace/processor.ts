import type { Context } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { getScope } from '../context/tenant.js';
import { ATTR_TENANT_ID } from './attributes.js';

/**
 * Stamps `tenant.id` on every span started while a tenant is active, whoever creates it: the
 * official OpenAI, HTTP or undici instrumentations know nothing about tenants, and without this
 * their spans would be unattributable. Add it first, before any exporting processor.
 */
export class TenantSpanProcessor implements SpanProcessor {
  onStart(span: Span, parentContext: Context): void {
    const scope = getScope(parentContext);
    // tenantry's own helpers already set it at start; only other libraries' spans need stamping.
    if (scope !== undefined && span.attributes[ATTR_TENANT_ID] !== scope.tenantId) {
      span.setAttribute(ATTR_TENANT_ID, scope.tenantId);
    }
  }

  onEnd(_span: ReadableSpan): void {}

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}
