import { TenantryError } from '../errors.js';

/** An OTLP request body could not be decoded (truncated or invalid protobuf, malformed JSON). */
export class MalformedOtlpError extends TenantryError {
  constructor(message: string) {
    super('TENANTRY_E_OTLP_MALFORMED', message);
  }
}

/** A request body exceeds the configured size limit, counted after decompression. */
export class PayloadTooLargeError extends TenantryError {
  constructor(limitBytes: number) {
    super(
      'TENANTRY_E_PAYLOAD_TOO_LARGE',
      `request body exceeds ${limitBytes} bytes after decompression`,
      {
        limitBytes,
      },
    );
  }
}

/** The Content-Type or Content-Encoding of an OTLP request is not one tenantry accepts. */
export class UnsupportedMediaTypeError extends TenantryError {
  constructor(message: string) {
    super('TENANTRY_E_UNSUPPORTED_MEDIA_TYPE', message);
  }
}
