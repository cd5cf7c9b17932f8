/**
 * The one place user-supplied values pass through before they reach telemetry. By default that is
 * @tenantry/redact's `createRedactor()`; `init({ redact })` takes a policy, any object with the
 * same `redact()` method, a plain hook `(value, { tenantId }) => value`, or `false`. Counts of
 * findings, never the values, end up on spans and metrics.
 */
import { createRedactor, type RedactionPolicy } from '@tenantry/redact';

export interface RedactContext {
  tenantId?: string | undefined;
}

/** A user hook: returns the value to record instead of `value`. */
export type RedactHook = (value: unknown, ctx: RedactContext) => unknown;

/** Anything shaped like @tenantry/redact's Redactor. */
export interface RedactorLike {
  redact<T>(value: T, opts?: { tenantId?: string }): { value: T; findings: Record<string, number> };
}

export type RedactOption = RedactHook | RedactorLike | RedactionPolicy | false;

export interface RedactOutcome {
  value: unknown;
  /** How many findings were replaced; recorded as `tenantry.redacted.count`. */
  count: number;
}

export type Redactor = (value: unknown, ctx: RedactContext) => RedactOutcome;

export const identityRedactor: Redactor = (value) => ({ value, count: 0 });

export function fromHook(hook: RedactHook): Redactor {
  return (value, ctx) => ({ value: hook(value, ctx), count: 0 });
}

export function fromRedactor(redactor: RedactorLike): Redactor {
  return (value, ctx) => {
    const out =
      ctx.tenantId === undefined
        ? redactor.redact(value)
        : redactor.redact(value, { tenantId: ctx.tenantId });
    let count = 0;
    for (const key in out.findings) count += out.findings[key] ?? 0;
    return { value: out.value, count };
  };
}

const policyRedactors = new WeakSet<Redactor>();

/**
 * True for redactors built from a @tenantry/redact policy: their verdict depends only on the
 * value, the tenant and the policy, so "found nothing in X for tenant T" may be remembered.
 * A user hook or custom redactor may keep state, so nothing is cached for those.
 */
export function isPolicyRedactor(redactor: Redactor): boolean {
  return policyRedactors.has(redactor);
}

export function buildRedactor(option: RedactOption | undefined): Redactor {
  if (option === false) return identityRedactor;
  if (typeof option === 'function') return fromHook(option);
  if (option !== undefined && typeof (option as RedactorLike).redact === 'function') {
    return fromRedactor(option as RedactorLike);
  }
  const redactor = fromRedactor(createRedactor(option as RedactionPolicy | undefined));
  policyRedactors.add(redactor);
  return redactor;
}
