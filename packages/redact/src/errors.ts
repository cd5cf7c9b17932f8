/** Errors of @tenantry/redact: classes with stable codes (docs/errors.md is generated from them). */
export class RedactError extends Error {
  readonly code: string;

  constructor(code: string, message: string) {
    super(message);
    this.name = new.target.name;
    this.code = code;
  }
}

/** A redaction policy (file or object) is malformed; the message names the field and the problem. */
export class InvalidPolicyError extends RedactError {
  readonly path: string;

  constructor(path: string, problem: string) {
    super('TENANTRY_E_INVALID_POLICY', `invalid redaction policy: ${path}: ${problem}`);
    this.path = path;
  }
}
