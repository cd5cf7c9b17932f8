/**
 * The redactor's outputs and corpus scores stay exactly as recorded: speed work must not change
 * what is found or what the text becomes. After a deliberate change of behaviour, re-record with
 * `TENANTRY_RECORD_OUTPUTS=1 npx vitest run packages/redact/src/corpus/outputs.test.ts` and say
 * why in the commit.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createRedactor } from '../index.js';
import { generateContextCorpus } from './context/generate.js';
import { evaluate } from './evaluate.js';
import { generateCorpus } from './generate.js';
import {
  CHUNK,
  CONTEXT_CORPUS,
  CORPUS,
  outputDigests,
  POLICIES,
  scoreCounts,
} from './outputs.test-helper.js';

const FIXTURE = new URL('../__fixtures__/outputs.json', import.meta.url);

interface Pinned {
  scores: Record<string, unknown>;
  digests: Record<string, string[]>;
}

function scores(): Record<string, unknown> {
  const corpus = generateCorpus(CORPUS.seed, CORPUS.cases);
  const context = generateContextCorpus(CONTEXT_CORPUS.seed, CONTEXT_CORPUS.cases);
  // The redactor of corpus.test.ts and context.test.ts, and the server's default (patterns only).
  const all = createRedactor({ hashKey: 'corpus-hash-key-0123456789' });
  const patterns = createRedactor(POLICIES['patterns']);
  return {
    'all/corpus': scoreCounts(evaluate(all, corpus)),
    'all/context': scoreCounts(evaluate(all, context)),
    'patterns/corpus': scoreCounts(evaluate(patterns, corpus)),
    'patterns/context': scoreCounts(evaluate(patterns, context)),
  };
}

describe('pinned redaction outputs', () => {
  const now: Pinned = { scores: scores(), digests: outputDigests() };
  if (process.env['TENANTRY_RECORD_OUTPUTS'] === '1') {
    writeFileSync(FIXTURE, `${JSON.stringify(now, null, 1)}\n`);
  }
  const pinned = JSON.parse(readFileSync(FIXTURE, 'utf8')) as Pinned;

  it('keeps precision and recall on both corpora at the recorded counts, per type', () => {
    // [true positives, false positives, false negatives] per type, and hard negatives kept.
    expect(now.scores).toEqual(pinned.scores);
  });

  it.each(Object.keys(pinned.digests))('gives byte-identical outputs for %s', (key) => {
    const got = now.digests[key] ?? [];
    const want = pinned.digests[key]!;
    const differ = want.flatMap((d, i) =>
      got[i] === d ? [] : [`inputs ${i * CHUNK}-${i * CHUNK + CHUNK - 1}`],
    );
    expect(differ, `${key}: outputs changed for ${differ.slice(0, 10).join(', ')}`).toEqual([]);
    expect(got.length).toBe(want.length);
  });
});
