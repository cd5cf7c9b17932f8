import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

interface Target {
  expr: string;
}
interface Panel {
  title: string;
  targets: Target[];
}
interface Dashboard {
  templating: { list: Array<{ name: string; type: string; query: unknown; multi?: boolean }> };
  panels: Panel[];
}

const dashboard = JSON.parse(
  readFileSync(new URL('./dashboard.json', import.meta.url), 'utf8'),
) as Dashboard;
const exprs = dashboard.panels.flatMap((p) => p.targets.map((t) => t.expr));

describe('deploy/grafana dashboard', () => {
  it('has a $tenant template variable listing tenant_id values', () => {
    const tenant = dashboard.templating.list.find((v) => v.name === 'tenant');
    expect(tenant?.type).toBe('query');
    expect(JSON.stringify(tenant?.query)).toContain(
      'label_values(tenantry_agent_runs_total, tenant_id)',
    );
  });

  it("has the four per-tenant agent panels and three from the server's own metrics", () => {
    expect(dashboard.panels.map((p) => p.title)).toEqual([
      'Run latency p50 / p95 / p99',
      'Tokens per day',
      'Tool error rate',
      'Run failure rate',
      'Server: items ingested per second',
      'Server: items refused per second, by reason',
      'Server: ingest processing time (share of the event loop)',
    ]);
    const latency = dashboard.panels[0]?.targets.map((t) => t.expr) ?? [];
    expect(latency.map((e) => /histogram_quantile\((0\.\d+),/.exec(e)?.[1])).toEqual([
      '0.5',
      '0.95',
      '0.99',
    ]);
  });

  it('filters every query by $tenant (the SDK labels it tenant_id, the server tenant)', () => {
    for (const expr of exprs) expect(expr).toMatch(/\btenant(_id)?=~"\$tenant"/);
  });

  it('has only valid PromQL (checked by promtool once Grafana variables are substituted)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tenantry-dash-'));
    try {
      const rules = exprs.map(
        (e, i) =>
          `      - record: dashboard:expr${i}\n        expr: '${e.replaceAll('$tenant', '.+').replaceAll('$__rate_interval', '5m').replaceAll("'", "''")}'`,
      );
      writeFileSync(
        join(dir, 'r.yml'),
        `groups:\n  - name: dashboard\n    rules:\n${rules.join('\n')}\n`,
      );
      const res = spawnSync(
        process.env.PROMTOOL ?? '/usr/bin/promtool',
        ['check', 'rules', 'r.yml'],
        {
          cwd: dir,
          encoding: 'utf8',
        },
      );
      expect(`${res.stdout}${res.stderr}`).toContain(`SUCCESS: ${exprs.length} rules found`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
