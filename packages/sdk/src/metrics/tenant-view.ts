import type { Attributes, Context } from '@opentelemetry/api';
import type { IAttributesProcessor, ViewOptions } from '@opentelemetry/sdk-metrics';
import { getScope } from '../context/tenant.js';
import {
  DEFAULT_MAX_TENANTS_PER_METRIC,
  type OverflowCounter,
  TenantGuard,
} from './tenant-guard.js';

/**
 * The metrics counterpart of TenantSpanProcessor: adds `tenant.id` to points that other
 * libraries record while a tenant is active (e.g. the OpenAI instrumentation's token usage),
 * so that their metrics can be split by tenant too. Points that already carry one keep it.
 */
export class TenantAttributesProcessor implements IAttributesProcessor {
  private readonly guard: TenantGuard;

  /** `overflow` counts points redirected to `__overflow__` (they are warned about either way). */
  constructor(overflow?: OverflowCounter, maxTenants = DEFAULT_MAX_TENANTS_PER_METRIC) {
    // One cap shared by all foreign instruments: the processor does not see instrument names.
    this.guard = new TenantGuard('other instrumentation', maxTenants, overflow ?? { add() {} });
  }

  process(incoming: Attributes, ctx?: Context): Attributes {
    if (ctx === undefined || incoming['tenant.id'] !== undefined) return incoming;
    const scope = getScope(ctx);
    if (scope === undefined) return incoming;
    return { ...incoming, 'tenant.id': this.guard.resolve(scope.tenantId) };
  }
}

/** A view over every instrument that applies the processor; pass to your own MeterProvider. */
export function tenantMetricView(processor: TenantAttributesProcessor): ViewOptions {
  return { instrumentName: '*', attributesProcessors: [processor] };
}
