import { z } from 'zod';
import type { ChangeEventKind } from '../storage/types.js';
import { InvalidEventError } from './errors.js';

export const CHANGE_EVENT_KINDS = [
  'deploy',
  'config_change',
  'feature_flag',
  'incident',
] as const satisfies readonly ChangeEventKind[];

export const MAX_EVENT_ATTRIBUTES = 20;
/** A marker placed ahead of time is a mistake (a deploy is marked when it happens), not a plan. */
const MAX_FUTURE_MS = 86_400_000;
const EARLIEST_MS = Date.UTC(2000, 0, 1);

const noControl = (max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    .regex(/^[^\u0000-\u001f\u007f]*$/, 'must not contain control characters');

const createBody = z
  .object({
    // The client's own id (a deploy id, a pipeline run): posting it again stores nothing new.
    id: z
      .string()
      .regex(
        /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/,
        'must be 1-128 letters, digits, ".", "_", ":" or "-", starting with a letter or digit',
      )
      .optional(),
    kind: z.enum(CHANGE_EVENT_KINDS),
    title: z.string().trim().min(1).max(200),
    tenantId: noControl(128).nullable().optional(),
    serviceName: noControl(128).optional(),
    version: noControl(128).optional(),
    environment: noControl(128).optional(),
    attributes: z
      .record(noControl(128), z.union([z.string().max(500), z.number().finite(), z.boolean()]))
      .refine((a) => Object.keys(a).length <= MAX_EVENT_ATTRIBUTES, {
        message: `at most ${MAX_EVENT_ATTRIBUTES} attributes`,
      })
      .optional(),
    time: z.union([z.number().int(), z.string().max(40)]).optional(),
  })
  .strict();

export type CreateEventInput = Omit<z.infer<typeof createBody>, 'time'> & { timeMs: number };

/** The one validation of a POST /api/v1/events body; `nowMs` is the server clock's. */
export function parseCreateEvent(body: unknown, nowMs: number): CreateEventInput {
  const parsed = createBody.safeParse(body ?? null);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const path = issue.path.join('.') || 'body';
    throw new InvalidEventError(`invalid event: ${path}: ${issue.message}`, path);
  }
  const { time, ...rest } = parsed.data;
  const timeMs = time === undefined ? nowMs : typeof time === 'number' ? time : parseTime(time);
  if (!(timeMs >= EARLIEST_MS && timeMs <= nowMs + MAX_FUTURE_MS)) {
    throw new InvalidEventError(
      'invalid event: time: must be after 2000-01-01 and at most a day ahead of the server clock',
      'time',
    );
  }
  return { ...rest, timeMs };
}

function parseTime(text: string): number {
  // Epoch milliseconds as a string too, as the query API's `from`/`to` take them.
  if (/^\d{1,15}$/.test(text)) return Number(text);
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) {
    throw new InvalidEventError(
      'invalid event: time: must be ISO 8601 or epoch milliseconds',
      'time',
    );
  }
  return ms;
}
