import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { readScope } from '../auth/scope.js';
import type { Clock } from '../clock.js';
import type { IngestRedactor } from '../ingest/pipeline.js';
import {
  isoRange,
  pageFields,
  parseQuery,
  rangeFields,
  resolveRange,
  tenantId,
} from '../query/params.js';
import { nsToIso } from '../query/views.js';
import type {
  ChangeEventAttributes,
  ChangeEventRecord,
  ChangeEventStore,
} from '../storage/types.js';
import type {
  ChangeEventsResponse,
  ChangeEventView,
  CreateChangeEventResponse,
} from './contract.js';
import { eventWriteTenant } from './scope.js';
import { parseCreateEvent } from './validate.js';

export interface EventRouteDeps {
  storage: ChangeEventStore;
  clock: Clock;
  /** The server's ingest redaction: titles and attribute values are free text like any other. */
  redactor: IngestRedactor;
}

/** Whose redaction policy and tally a platform-wide event's text goes through. */
export const PLATFORM_REDACTION_TENANT = '_platform';

const listQuery = z.object({ ...rangeFields, limit: pageFields.limit }).strict();

/** POST /api/v1/events and GET /api/v1/tenants/:tenant/events. */
export function eventRoutes(deps: EventRouteDeps) {
  return async (app: FastifyInstance) => {
    app.post('/events', async (request, reply) => {
      const principal = request.principal;
      const input = parseCreateEvent(request.body, deps.clock.now());
      const tenant = eventWriteTenant(principal, input.tenantId);
      const redactFor = tenant ?? PLATFORM_REDACTION_TENANT;
      const event: ChangeEventRecord = {
        id: input.id ?? `evt_${randomBytes(8).toString('hex')}`,
        tenantId: tenant,
        kind: input.kind,
        title: deps.redactor.text(redactFor, input.title),
        serviceName: input.serviceName ?? null,
        version: input.version ?? null,
        environment: input.environment ?? null,
        attributes: scalars(deps.redactor.attributes(redactFor, input.attributes ?? {})),
        timeUnixNano: BigInt(input.timeMs) * 1_000_000n,
      };
      const stored = await deps.storage.insertChangeEvent(event);
      const body: CreateChangeEventResponse = {
        event: eventView(stored.event),
        created: stored.created,
      };
      // A retry of an id already stored answers with the stored event, unchanged.
      return reply.status(stored.created ? 201 : 200).send(body);
    });

    app.get<{ Params: { tenant: string } }>(
      '/tenants/:tenant/events',
      async (request): Promise<ChangeEventsResponse> => {
        const tenant = parseQuery(tenantId, request.params.tenant);
        const scope = readScope(request.principal, tenant);
        const q = parseQuery(listQuery, request.query);
        const range = resolveRange(q, deps.clock);
        const own = scope.tenantId ?? tenant;
        const events = await deps.storage.listChangeEvents(own, {
          fromNs: range.ns.fromNs,
          toNs: range.ns.toNs,
          limit: q.limit ?? 200,
        });
        return { tenantId: own, range: isoRange(range), items: events.map(eventView) };
      },
    );
  };
}

export function eventView(e: ChangeEventRecord): ChangeEventView {
  return {
    id: e.id,
    tenantId: e.tenantId,
    kind: e.kind,
    title: e.title,
    serviceName: e.serviceName,
    version: e.version,
    environment: e.environment,
    attributes: e.attributes,
    time: nsToIso(e.timeUnixNano),
    timeUnixNano: e.timeUnixNano.toString(),
  };
}

/** Redaction keeps scalars scalar and may add tenantry.redacted.count; nothing else passes. */
function scalars(attrs: Record<string, unknown>): ChangeEventAttributes {
  const out: ChangeEventAttributes = {};
  for (const [k, v] of Object.entries(attrs)) {
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out[k] = v;
  }
  return out;
}
