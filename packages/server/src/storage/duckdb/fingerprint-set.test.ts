import { describe, expect, it } from 'vitest';
import {
  FingerprintSet,
  finishSpanFingerprint,
  spanFingerprint,
  spanFingerprintPrefix,
} from './fingerprint-set.js';

describe('FingerprintSet', () => {
  it('keeps every member while it grows far past its initial size', () => {
    const set = new FingerprintSet(4);
    for (let i = 0; i < 10_000; i++) expect(set.add(i * 7919, i)).toBe(true);
    expect(set.size).toBe(10_000);
    for (let i = 0; i < 10_000; i++) expect(set.has(i * 7919, i)).toBe(true);
    expect(set.has(3, 10_001)).toBe(false);
  });

  it('reports a repeated fingerprint, including the all-zero one', () => {
    const set = new FingerprintSet();
    expect(set.has(0, 0)).toBe(false);
    expect(set.add(0, 0)).toBe(true);
    expect(set.add(0, 0)).toBe(false);
    expect(set.has(0, 0)).toBe(true);
    expect(set.add(-1, -1)).toBe(true);
    expect(set.size).toBe(2);
  });
});

describe('spanFingerprint', () => {
  it('tells apart spans that differ only in tenant or in where the id bytes fall', () => {
    const trace = '0af7651916cd43dd8448eb211c80319c';
    const a = spanFingerprint('tenant-a', trace, 'b7ad6b7169203331');
    expect(spanFingerprint('tenant-a', trace, 'b7ad6b7169203331')).toEqual(a);
    expect(spanFingerprint('tenant-b', trace, 'b7ad6b7169203331')).not.toEqual(a);
    expect(spanFingerprint('tenant-a', trace, 'b7ad6b7169203332')).not.toEqual(a);
    // The separator keeps "ab"+"c" and "a"+"bc" apart.
    expect(spanFingerprint('ab', 'c', 'd')).not.toEqual(spanFingerprint('a', 'bc', 'd'));
  });

  it('is the same finished from the ids alone once the tenant is known', () => {
    const trace = '0af7651916cd43dd8448eb211c80319c';
    for (const tenant of ['', 'acme', 'a-much-longer-tenant-id-ä✓']) {
      const [a, b] = spanFingerprintPrefix(trace, 'b7ad6b7169203331');
      // Another span's fingerprint in between: the prefix carries all the state there is.
      spanFingerprint('other', 'ffff', 'eeee');
      expect(finishSpanFingerprint(a, b, tenant)).toEqual(
        spanFingerprint(tenant, trace, 'b7ad6b7169203331'),
      );
    }
  });

  it('is the same whatever spans were fingerprinted before it', () => {
    const spans: Array<[string, string, string]> = [
      ['acme', '0af7651916cd43dd8448eb211c80319c', '00f067aa0ba902b7'],
      ['acme', '0af7651916cd43dd8448eb211c80319c', 'b7ad6b7169203331'],
      ['beta', '4bf92f3577b34da6a3ce929d0e0e4736', '00f067aa0ba902b7'],
      ['acme', '', ''],
      ['acme', '0af7651916cd43dd8448eb211c80319c', '00f067aa0ba902b7'],
      ['beta', '', 'x'],
    ];
    const inOrder = spans.map(([tenant, trace, span]) => spanFingerprint(tenant, trace, span));
    const reversed = [...spans]
      .reverse()
      .map(([tenant, trace, span]) => spanFingerprint(tenant, trace, span))
      .reverse();
    expect(reversed).toEqual(inOrder);
    expect(inOrder[4]).toEqual(inOrder[0]);
    expect(inOrder[1]).not.toEqual(inOrder[0]);
    const [a, b] = spanFingerprintPrefix('', '');
    expect(finishSpanFingerprint(a, b, 'acme')).toEqual(inOrder[3]);
  });
});
