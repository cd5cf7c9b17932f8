import { TenantryError } from '../errors.js';

/** An OTLP request body could not be decoded (truncated or invalid protobuf, malformed JSON). */
export class MalformedOtlpError extends TenantryError {
  constructor(message: string) {
    super('TENANTRY_E_OTLP_MALFORMED', message);
  }
}

/**
 * A request body exceeds a configured size limit: as sent (server.maxCompressedBodyBytes) or after
 * decompression (server.maxBodyBytes).
 */
export class PayloadTooLargeError extends TenantryError {
  constructor(limitBytes: number, asSent = false) {
    super(
      'TENANTRY_E_PAYLOAD_TOO_LARGE',
      `request body exceeds ${limitBytes} bytes ${asSent ? 'as sent (server.maxCompressedBodyBytes)' : 'after decompression (server.maxBodyBytes)'}`,
      { limitBytes },
    );
  }
}

/** The Content-Type or Content-Encoding of an OTLP request is not one tenantry accepts. */
export class UnsupportedMediaTypeError extends TenantryError {
  constructor(message: string) {
    super('TENANTRY_E_UNSUPPORTED_MEDIA_TYPE', message);
  }
}

/**
 * A request's structure is beyond what one request may hold: too many resource or scope groups or
 * items, or attribute values nested too deep. Decoding cost grows with structure, not only bytes.
 */
export class OtlpLimitError extends TenantryError {
  constructor(message: string, details: Record<string, number>) {
    super('TENANTRY_E_OTLP_LIMIT', message, details);
  }
}
