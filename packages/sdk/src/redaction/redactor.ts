/**
 * The one place user-supplied values pass through before they reach telemetry. `init({ redact })`
 * takes a plain hook `(value, { tenantId }) => value`; counts, never values, end up on spans.
 */
export interface RedactContext {
  tenantId?: string | undefined;
}

/** A user hook: returns the value to record instead of `value`. */
export type RedactHook = (value: unknown, ctx: RedactContext) => unknown;

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
