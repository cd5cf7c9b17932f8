import type { DecodeBudget } from './decode-limits.js';
import { OtlpLimitError } from './errors.js';

const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** Nesting of an OTLP/JSON request down to an attribute value: request, groups, item, attributes. */
const STRUCTURE_DEPTH = 12;
/** JSON levels per level of AnyValue nesting: {"arrayValue":{"values":[ … ]}}. */
const LEVELS_PER_VALUE = 3;
/** Objects a legitimate item takes in OTLP/JSON (attributes are two objects each), with room. */
const OBJECTS_PER_ITEM = 64;

/**
 * Checks an OTLP/JSON body's shape in one pass over its bytes before JSON.parse builds it: parse
 * cost is in objects, not bytes (20 MB of `{},` is ten million objects and gigabytes of heap), and
 * the converters recurse per level of nesting. Objects at the depth of resource and scope groups
 * are counted as groups, all objects against the items the request may hold, and nesting against
 * the attribute depth limit. Strings are skipped, so braces inside them do not count.
 */
export function checkJsonShape(buf: Buffer, budget: DecodeBudget): void {
  const maxNesting = STRUCTURE_DEPTH + LEVELS_PER_VALUE * budget.limits.maxDepth;
  const maxObjects = budget.limits.maxItems * OBJECTS_PER_ITEM;
  let depth = 0;
  let objects = 0;
  for (let i = 0; i < buf.length; i++) {
    const c = buf[i]!;
    if (c === QUOTE) {
      for (i++; i < buf.length && buf[i] !== QUOTE; i++) if (buf[i] === BACKSLASH) i++;
      continue;
    }
    if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      depth++;
      if (depth > maxNesting) {
        throw new OtlpLimitError(
          `JSON nested more than ${maxNesting} levels: an attribute value is nested more than ${budget.limits.maxDepth} levels deep (limits.maxAttributeDepth)`,
          { maxDepth: budget.limits.maxDepth },
        );
      }
      if (c === OPEN_OBJECT) {
        // {"resourceSpans":[{ ← depth 3 is a resource group, {"scopeSpans":[{ ← depth 5 a scope.
        if (depth === 3 || depth === 5) budget.group();
        if (++objects > maxObjects) {
          throw new OtlpLimitError(
            `request holds more than ${maxObjects} JSON objects (${OBJECTS_PER_ITEM} per item of limits.maxItemsPerRequest)`,
            { maxItems: budget.limits.maxItems },
          );
        }
      }
    } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) depth--;
  }
}
