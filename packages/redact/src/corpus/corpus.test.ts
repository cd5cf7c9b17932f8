import { describe, expect, it } from 'vitest';
import { createRedactor } from '../index.js';
import { evaluate, formatScore } from './evaluate.js';
import { generateCorpus } from './generate.js';

/** Fixed so every run scores the same cases; change it only together with the floors' review. */
const SEED = 20_260_401;
const CASES = 3_500;

const CHECKSUM_AND_PREFIXED = [
  'CREDIT_CARD',
  'IBAN',
  'US_SSN',
  'SECRET',
  'CREDENTIAL',
  'SENSITIVE_KEY',
];
const FORMAT_BASED = ['EMAIL', 'PHONE', 'IP_ADDRESS'];

describe('labeled corpus', () => {
  const cases = generateCorpus(SEED, CASES);
  const score = evaluate(createRedactor({ hashKey: 'corpus-hash-key-0123456789' }), cases);
  // Printed so precision/recall per type show up in every test run.
  console.log(`corpus seed=${SEED} cases=${score.cases}\n${formatScore(score)}`);
  if (score.examples.length > 0) console.log(score.examples.join('\n'));

  it('has at least 3000 labeled cases covering every entity type, JSON and long prompts', () => {
    expect(cases.length).toBeGreaterThanOrEqual(3000);
    for (const t of [...CHECKSUM_AND_PREFIXED, ...FORMAT_BASED]) {
      expect(score.byType[t]?.expected ?? 0, t).toBeGreaterThan(50);
    }
    const kinds = new Set(cases.map((c) => c.kind));
    expect([...kinds].sort()).toEqual([
      'headers',
      'json',
      'json-string',
      'log',
      'negative',
      'prompt',
      'text',
    ]);
  });

  it.each(CHECKSUM_AND_PREFIXED)('finds %s with recall >= 0.99', (t) => {
    expect(score.byType[t]!.recall).toBeGreaterThanOrEqual(0.99);
  });

  it.each(FORMAT_BASED)('finds %s with recall >= 0.95', (t) => {
    expect(score.byType[t]!.recall).toBeGreaterThanOrEqual(0.95);
  });

  it('keeps precision >= 0.98 overall and leaves >= 0.98 of hard negatives untouched', () => {
    expect(score.overall.precision).toBeGreaterThanOrEqual(0.98);
    expect(score.negatives.rate).toBeGreaterThanOrEqual(0.98);
  });

  it('never fails closed on corpus input (no internal errors)', () => {
    expect(score.failures).toBe(0);
  });
});
