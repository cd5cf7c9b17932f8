import type { WorkSlice } from '../ingest/work-slice.js';
import type { Attributes, AttributeValue } from '../storage/types.js';
import type { DecodeBudget } from './decode-limits.js';
import { type ResourceGroup, type ScopeGroup, setAttribute } from './model.js';
import type { ProtoReader } from './proto-reader.js';

/** Shared OTLP common.proto messages: AnyValue, KeyValue, Resource, InstrumentationScope. */

/** `depth` counts the arrays and key-value lists around this value, checked against the budget. */
export function readAnyValue(r: ProtoReader, budget: DecodeBudget, depth = 0): AttributeValue {
  let value: AttributeValue = null;
  while (!r.done) {
    const field = r.tag();
    const wt = r.wire;
    switch (field) {
      case 1:
        value = r.string();
        break;
      case 2:
        value = r.varint() !== 0;
        break;
      case 3:
        value = r.int64();
        break;
      case 4:
        r.expect(wt, 1, 'AnyValue.double_value');
        value = r.double();
        break;
      case 5: {
        budget.depth(depth + 1);
        const arr: AttributeValue[] = [];
        const ar = r.sub();
        while (!ar.done) {
          const f = ar.tag();
          const w = ar.wire;
          if (f === 1) arr.push(readAnyValue(ar.sub(), budget, depth + 1));
          else ar.skip(w);
        }
        value = arr;
        break;
      }
      case 6: {
        budget.depth(depth + 1);
        const kv = r.sub();
        const obj: Attributes = {};
        while (!kv.done) {
          const f = kv.tag();
          const w = kv.wire;
          if (f === 1) readKeyValueInto(kv.sub(), obj, budget, depth + 1);
          else kv.skip(w);
        }
        value = obj;
        break;
      }
      case 7:
        value = r.bytesBase64();
        break;
      default:
        r.skip(wt);
    }
  }
  return value;
}

export function readKeyValueInto(
  r: ProtoReader,
  target: Attributes,
  budget: DecodeBudget,
  depth = 0,
): void {
  budget.value();
  let key = '';
  let value: AttributeValue = null;
  while (!r.done) {
    const field = r.tag();
    const wt = r.wire;
    if (field === 1) key = r.recurringString();
    else if (field === 2) {
      const enclosing = r.enter();
      value = readAnyValue(r, budget, depth);
      r.leave(enclosing);
    } else r.skip(wt);
  }
  if (key !== '') setAttribute(target, key, value);
}

export function readResource(r: ProtoReader, budget: DecodeBudget): Attributes {
  const attrs: Attributes = {};
  while (!r.done) {
    const field = r.tag();
    const wt = r.wire;
    if (field === 1) {
      const enclosing = r.enter();
      readKeyValueInto(r, attrs, budget);
      r.leave(enclosing);
    } else r.skip(wt);
  }
  return attrs;
}

export function readScope(r: ProtoReader): { name: string; version: string } {
  let name = '';
  let version = '';
  while (!r.done) {
    const field = r.tag();
    const wt = r.wire;
    if (field === 1) name = r.string();
    else if (field === 2) version = r.string();
    else r.skip(wt);
  }
  return { name, version };
}

/**
 * Reads the Resource{X} messages of an export request: field 1 resource, field 2 repeated
 * Scope{X}; each scope message has field 1 scope and field 2 repeated items decoded by `readItem`.
 * Groups and items are counted against `budget`, and groups that hold no item are not kept.
 *
 * With a `slice`, it lets other requests run whenever the slice is used up, between items and
 * between groups: a 20 MiB request (about 80,000 spans) took 300-600 ms to decode in one go,
 * stalling every tenant's ingest and every query, and 20 MiB of empty groups as long. (An async
 * function costs about 2% here; a generator, tried first, cost 3x.)
 */
export async function readResourceGroups<T>(
  body: ProtoReader,
  readItem: (r: ProtoReader, budget: DecodeBudget) => T,
  budget: DecodeBudget,
  slice?: WorkSlice,
): Promise<ResourceGroup<T>[]> {
  const groups: ResourceGroup<T>[] = [];
  while (!body.done) {
    const field = body.tag();
    const wt = body.wire;
    if (field !== 1) {
      body.skip(wt);
      continue;
    }
    budget.group();
    if (slice?.spent()) await slice.pause();
    const rr = body.sub();
    const group: ResourceGroup<T> = { resource: {}, scopes: [] };
    while (!rr.done) {
      const f = rr.tag();
      const w = rr.wire;
      if (f === 1) group.resource = readResource(rr.sub(), budget);
      else if (f === 2) {
        budget.group();
        if (slice?.spent()) await slice.pause();
        const sr = rr.sub();
        const scope: ScopeGroup<T> = { scopeName: '', scopeVersion: '', items: [] };
        while (!sr.done) {
          const sf = sr.tag();
          const sw = sr.wire;
          if (sf === 1) {
            const { name, version } = readScope(sr.sub());
            scope.scopeName = name;
            scope.scopeVersion = version;
          } else if (sf === 2) {
            budget.item();
            scope.items.push(readItem(sr.sub(), budget));
            if (slice?.spent()) await slice.pause();
          } else sr.skip(sw);
        }
        if (scope.items.length > 0) group.scopes.push(scope);
      } else rr.skip(w);
    }
    if (group.scopes.length > 0) groups.push(group);
  }
  return groups;
}
