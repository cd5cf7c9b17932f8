import type { Attributes, SpanEventRow, SpanLinkRow } from './types.js';

/** JSON columns: attributes, events and links, with bigint timestamps as decimal strings. */

export function attrsToJson(attrs: Attributes): string {
  return JSON.stringify(attrs);
}

/** `JSON.stringify(value)`, once per object: `cache` keeps what was already serialised. */
export function jsonOnce<T extends object>(cache: WeakMap<T, string>, value: T): string {
  let json = cache.get(value);
  if (json === undefined) {
    json = JSON.stringify(value);
    cache.set(value, json);
  }
  return json;
}

const resourceJson = new WeakMap<Attributes, string>();

/**
 * Resource attributes as JSON. Every item of one OTLP resource shares the decoded object, so it
 * is serialised once per request, not once per span, log record or metric point. (Callers never
 * mutate a stored row's attributes; a cached string could otherwise go stale.)
 */
export function resourceToJson(resource: Attributes): string {
  return jsonOnce(resourceJson, resource);
}

export function eventsToJson(events: SpanEventRow[]): string {
  if (events.length === 0) return '[]';
  return JSON.stringify(
    events.map((e) => ({ t: e.timeUnixNano.toString(), name: e.name, attributes: e.attributes })),
  );
}

export function linksToJson(links: SpanLinkRow[]): string {
  return links.length === 0 ? '[]' : JSON.stringify(links);
}

export function parseAttrs(json: string | null): Attributes {
  if (!json) return {};
  try {
    return JSON.parse(json) as Attributes;
  } catch {
    return {};
  }
}

export function parseEvents(json: string | null): SpanEventRow[] {
  if (!json || json === '[]') return [];
  const raw = JSON.parse(json) as Array<{ t: string; name: string; attributes: Attributes }>;
  return raw.map((e) => ({ timeUnixNano: BigInt(e.t), name: e.name, attributes: e.attributes }));
}

export function parseLinks(json: string | null): SpanLinkRow[] {
  if (!json || json === '[]') return [];
  return JSON.parse(json) as SpanLinkRow[];
}
