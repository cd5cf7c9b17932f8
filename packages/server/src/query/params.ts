import { z } from 'zod';
import type { Clock } from '../clock.js';
import { InvalidRequestError } from '../errors.js';
import { decodeOffsetCursor } from '../storage/cursor.js';
import type { NsRange } from '../storage/read-types.js';

/** Query-string validation shared by every route: one place decides what "bad input" is. */

export const MAX_RANGE_MS = 93 * 24 * 3600 * 1000;
export const DEFAULT_RANGE_MS = 3600 * 1000;

const time = z.union([
  z
    .string()
    .regex(/^\d{1,15}$/)
    .transform(Number),
  z
    .string()
    .max(40)
    .refine((s) => !Number.isNaN(Date.parse(s)), 'must be ISO 8601 or epoch milliseconds')
    .transform((s) => Date.parse(s)),
]);

export const rangeFields = { from: time.optional(), to: time.optional() };
export const pageFields = {
  limit: z
    .string()
    .regex(/^\d{1,5}$/, 'must be an integer')
    .transform(Number)
    .pipe(z.number().int().min(1).max(1000))
    .optional(),
  cursor: z.string().max(200).optional(),
};
export const text = z.string().min(1).max(200);
export const tenantId = z.string().min(1).max(128);
export const traceIdSchema = z
  .string()
  .regex(/^[0-9a-f]{32}$/, 'must be 32 lowercase hex characters');
export const statusSchema = z.enum(['ok', 'error', 'unset']);

export function parseQuery<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input ?? {});
  if (!result.success) {
    throw new InvalidRequestError(
      `invalid query: ${result.error.issues.map((i) => `${i.path.join('.') || 'query'}: ${i.message}`).join('; ')}`,
    );
  }
  return result.data;
}

export interface ResolvedRange {
  fromMs: number;
  toMs: number;
  ns: NsRange;
}

export function resolveRange(
  q: { from?: number; to?: number },
  clock: Clock,
  maxMs = MAX_RANGE_MS,
): ResolvedRange {
  const toMs = q.to ?? clock.now();
  const fromMs = q.from ?? toMs - DEFAULT_RANGE_MS;
  if (fromMs >= toMs) throw new InvalidRequestError('from must be before to');
  if (toMs - fromMs > maxMs) {
    throw new InvalidRequestError(
      `time range is longer than ${Math.round(maxMs / 86_400_000)} days`,
    );
  }
  return {
    fromMs,
    toMs,
    ns: { fromNs: BigInt(fromMs) * 1_000_000n, toNs: BigInt(toMs) * 1_000_000n },
  };
}

export function page(q: { limit?: number; cursor?: string }, defaultLimit = 50) {
  return { limit: q.limit ?? defaultLimit, offset: decodeOffsetCursor(q.cursor) };
}

export function isoRange(r: ResolvedRange) {
  return { from: new Date(r.fromMs).toISOString(), to: new Date(r.toMs).toISOString() };
}
