import { describe, expect, it } from 'vitest';
import { DocCoverage, loadDocConfig, sourceProduct, tenantryCommands } from '../helpers/docs.js';

/**
 * docs/scaling.md. Its commands need ClickHouse clusters, a bench box or are the test suite, so
 * they are listed with the reason; what can run without a ClickHouse does: the `tenantry up` line
 * is run as written and must get past flag and config validation to the connection, and the
 * ClickHouse Cloud YAML is loaded and validated by the real config schema.
 */
const DOC = 'docs/scaling.md';
const docs = new DocCoverage(
  [DOC],
  [
    { file: DOC, starts: 'OTLP request ─▶', why: 'a diagram of the write path, not a command' },
    { file: DOC, starts: '            OTLP / API clients', why: 'a topology diagram' },
    {
      file: DOC,
      starts: 'node --import tsx bench/_lib/clickhouse.ts',
      why: 'a benchmark that needs a running ClickHouse (and minutes of a quiet machine)',
    },
    {
      file: DOC,
      starts: 'BENCH_QUERY_SPANS=100000000',
      why: 'a benchmark that seeds 100 M spans into three engines (hours on the 2-core box)',
    },
    {
      file: DOC,
      starts: 'npm run test:clickhouse-current',
      why: 'the test suites themselves (chDB is installed by scripts/install-test-deps.sh)',
    },
    {
      file: DOC,
      starts: '# the contract suite against a running server',
      why: "needs the reader's own ClickHouse server at localhost:8123",
    },
  ],
);

describe('docs/scaling.md', () => {
  it('Without Keeper: the up line passes flag and config checks and stops only at reaching ch1', async () => {
    const block = docs.take(DOC, 'tenantry up --storage clickhouse');
    const [args] = tenantryCommands(block.code, {});
    expect(args).toContain('--clickhouse-cluster');
    // ch1 and ch2 do not resolve here: the start must fail at the connection, not before it.
    const p = sourceProduct.cli(args!);
    expect(await p.exited).toBe(1);
    expect(p.output()).toMatch(
      /TENANTRY_E_CLICKHOUSE: cannot reach ClickHouse at http:\/\/ch1:8123/,
    );
    expect(p.output()).not.toMatch(/INVALID_CONFIG|usage/i);
  });

  it('ClickHouse Cloud: the YAML is valid, credentials come from the environment', () => {
    const block = docs.take(DOC, '# tenantry.yaml\nstorage:\n  engine: clickhouse');
    const config = loadDocConfig(block.code, {
      TENANTRY_CLICKHOUSE_USER: 'tenantry',
      TENANTRY_CLICKHOUSE_PASSWORD: 's3cret',
    });
    expect(config.storage.engine).toBe('clickhouse');
    expect(config.storage.clickhouse).toMatchObject({
      replicatedByServer: true,
      username: 'tenantry',
      password: 's3cret',
    });
    expect(config.storage.clickhouse?.cluster).toBeUndefined();
  });

  it('ClickHouse Cloud: adding `cluster` to it stops the start naming replicatedByServer', () => {
    const block = docs.take(DOC, '# tenantry.yaml\nstorage:\n  engine: clickhouse');
    const withCluster = block.code.replace(
      'database: tenantry',
      'database: tenantry\n    cluster: c1',
    );
    expect(() => loadDocConfig(withCluster)).toThrow(/storage\.clickhouse\.replicatedByServer/);
  });
});

describe('every block of docs/scaling.md', () => {
  it('is run above or says why it is not', () => {
    expect(docs.uncovered()).toEqual([]);
  });
});
