/**
 * Runs the pattern scanner and, when the policy has any context type on, the context pass, and
 * merges their findings in order. Where two overlap the longer wins (`born 04/07/1986` is a date
 * of birth even if a number detector saw something in it; an address swallows its postcode).
 */
import type { Match } from '../detect/match.js';
import * as scanModule from '../detect/scan.js';
import * as unitsModule from '../detect/units.js';
import type { ResolvedPolicy } from '../policy/config.js';
import * as passModule from './pass.js';

// Local bindings: under tsx/vite-node an imported name is a getter call on every use.
const { scanText } = scanModule;
const { scanContext } = passModule;
const { loadUnits } = unitsModule;

const CONTEXT: passModule.Scored[] = [];
const PATTERN: Match[] = [];

/**
 * Appends the findings of `s` to `out` and returns the units copy both passes read (units.ts): it
 * holds `s` until the next string is loaded, so the caller may read it meanwhile.
 */
export function scanAll(s: string, p: ResolvedPolicy, out: Match[]): Uint16Array {
  // One copy of the units for both passes: the context pass loads no other string meanwhile.
  const u = loadUnits(s);
  if (p.context === undefined) {
    scanText(s, p.keys, out, u);
    return u;
  }
  if (CONTEXT.length !== 0) CONTEXT.length = 0;
  scanContext(s, p.context, CONTEXT, false, u);
  if (CONTEXT.length === 0) {
    scanText(s, p.keys, out, u);
    return u;
  }
  if (PATTERN.length !== 0) PATTERN.length = 0;
  scanText(s, p.keys, PATTERN, u);
  merge(PATTERN, CONTEXT, out);
  PATTERN.length = 0;
  CONTEXT.length = 0;
  return u;
}

function merge(a: Match[], b: passModule.Scored[], out: Match[]): void {
  let i = 0;
  let j = 0;
  let last = -1;
  while (i < a.length || j < b.length) {
    const x = a[i];
    const y = b[j];
    const takeA = y === undefined || (x !== undefined && x.start <= y.start);
    const m: Match = takeA ? x! : { start: y!.start, end: y!.end, type: y!.type };
    if (takeA) i++;
    else j++;
    if (m.start < last) {
      // Overlap with the previous finding: keep the longer of the two.
      const prev = out[out.length - 1]!;
      if (m.end - m.start > prev.end - prev.start) {
        out[out.length - 1] = m;
        last = m.end;
      }
      continue;
    }
    out.push(m);
    last = m.end;
  }
}
