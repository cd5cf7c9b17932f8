import { InvalidRequestError } from '../errors.js';

/**
 * Opaque page cursors. They are validated like any input: a forged or corrupted cursor is a 400,
 * never a 500 and never SQL.
 */
export function encodeOffsetCursor(offset: number): string {
  return Buffer.from(`o:${offset}`).toString('base64url');
}

export function decodeOffsetCursor(cursor: string | undefined | null): number {
  if (!cursor) return 0;
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const m = /^o:(\d{1,9})$/.exec(text);
  if (!m) throw new InvalidRequestError('cursor is not a cursor this server issued');
  return Number(m[1]);
}
