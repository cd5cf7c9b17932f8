import { describe, expect, it } from 'vitest';
import { createRedactor } from '../../index.js';
import { evaluate, formatScore } from '../evaluate.js';
import { generateContextCorpus } from './generate.js';

/** Fixed so every run scores the same cases; change it only together with the floors' review. */
const SEED = 20_260_521;
const CASES = 2_400;

describe('context corpus (names, addresses, dates of birth, health)', () => {
  const cases = generateContextCorpus(SEED, CASES);
  const score = evaluate(createRedactor({ hashKey: 'corpus-hash-key-0123456789' }), cases);
  console.log(`context corpus seed=${SEED} cases=${score.cases}\n${formatScore(score)}`);
  if (score.examples.length > 0) console.log(score.examples.join('\n'));

  it('has at least 2000 new cases of every kind, with hard negatives', () => {
    expect(cases.length).toBeGreaterThanOrEqual(2000);
    for (const t of ['PERSON', 'ADDRESS', 'DATE_OF_BIRTH', 'HEALTH']) {
      expect(score.byType[t]?.expected ?? 0, t).toBeGreaterThan(200);
    }
    expect(score.negatives.total).toBeGreaterThan(500);
  });

  it.each([
    ['PERSON', 0.9],
    ['ADDRESS', 0.9],
    ['DATE_OF_BIRTH', 0.95],
    ['HEALTH', 0.9],
  ])('finds %s with recall >= %s', (t, floor) => {
    expect(score.byType[t]!.recall).toBeGreaterThanOrEqual(floor);
  });

  it.each(['PERSON', 'ADDRESS', 'DATE_OF_BIRTH', 'HEALTH'])(
    'finds %s with precision >= 0.9',
    (t) => {
      expect(score.byType[t]!.precision).toBeGreaterThanOrEqual(0.9);
    },
  );

  it('leaves >= 0.97 of hard negatives (products, code paths, release dates, packages) untouched', () => {
    expect(score.negatives.rate).toBeGreaterThanOrEqual(0.97);
  });
});
