import type { Attributes, AttributeValue } from '../storage/types.js';
import type { ProtoReader } from './proto-reader.js';

/** Shared OTLP common.proto messages: AnyValue, KeyValue, Resource, InstrumentationScope. */

export function readAnyValue(r: ProtoReader): AttributeValue {
  let value: AttributeValue = null;
  while (!r.done) {
    const [field, wt] = r.tag();
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
        const arr: AttributeValue[] = [];
        const ar = r.sub();
        while (!ar.done) {
          const [f, w] = ar.tag();
          if (f === 1) arr.push(readAnyValue(ar.sub()));
          else ar.skip(w);
        }
        value = arr;
        break;
      }
      case 6: {
        const kv = r.sub();
        const obj: Attributes = {};
        while (!kv.done) {
          const [f, w] = kv.tag();
          if (f === 1) readKeyValueInto(kv.sub(), obj);
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

export function readKeyValueInto(r: ProtoReader, target: Attributes): void {
  let key = '';
  let value: AttributeValue = null;
  while (!r.done) {
    const [field, wt] = r.tag();
    if (field === 1) key = r.string();
    else if (field === 2) value = readAnyValue(r.sub());
    else r.skip(wt);
  }
  if (key !== '') target[key] = value;
}

export function readResource(r: ProtoReader): Attributes {
  const attrs: Attributes = {};
  while (!r.done) {
    const [field, wt] = r.tag();
    if (field === 1) readKeyValueInto(r.sub(), attrs);
    else r.skip(wt);
  }
  return attrs;
}

export function readScope(r: ProtoReader): { name: string; version: string } {
  let name = '';
  let version = '';
  while (!r.done) {
    const [field, wt] = r.tag();
    if (field === 1) name = r.string();
    else if (field === 2) version = r.string();
    else r.skip(wt);
  }
  return { name, version };
}

/**
 * Reads a Resource{X} message: field 1 resource, field 2 repeated Scope{X}; each scope message has
 * field 1 scope and field 2 repeated items decoded by `readItem`.
 */
export function readResourceGroups<T>(
  body: ProtoReader,
  readItem: (r: ProtoReader) => T,
): Array<{
  resource: Attributes;
  scopes: Array<{ scopeName: string; scopeVersion: string; items: T[] }>;
}> {
  const groups = [];
  while (!body.done) {
    const [field, wt] = body.tag();
    if (field !== 1) {
      body.skip(wt);
      continue;
    }
    const rr = body.sub();
    let resource: Attributes = {};
    const scopes = [];
    while (!rr.done) {
      const [f, w] = rr.tag();
      if (f === 1) resource = readResource(rr.sub());
      else if (f === 2) {
        const sr = rr.sub();
        let scope = { name: '', version: '' };
        const items: T[] = [];
        while (!sr.done) {
          const [sf, sw] = sr.tag();
          if (sf === 1) scope = readScope(sr.sub());
          else if (sf === 2) items.push(readItem(sr.sub()));
          else sr.skip(sw);
        }
        scopes.push({ scopeName: scope.name, scopeVersion: scope.version, items });
      } else rr.skip(w);
    }
    groups.push({ resource, scopes });
  }
  return groups;
}
