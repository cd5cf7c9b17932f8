/**
 * Just enough Prometheus text format and PromQL reading to check that what deploy/ queries is what
 * the SDK's exporter and the server actually expose: metric names, and the labels used on them.
 */

/** name → label names seen on its samples, from a scrape in the Prometheus text format. */
export function scrapedSeries(text: string): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const line of text.split('\n')) {
    const m = line.match(/^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([^}]*)\})?\s/);
    if (!m) continue;
    const labels = out.get(m[1]!) ?? new Set<string>();
    for (const l of (m[3] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="/g)) labels.add(l[1]!);
    out.set(m[1]!, labels);
  }
  return out;
}

export interface MetricUse {
  metric: string;
  /** Labels in the selector's matchers, `metric{label=...}`. */
  matchers: string[];
}

/** Every selector of a raw metric (not a recording rule, not ALERTS) in a PromQL expression. */
export function metricUses(expr: string, prefixes = ['tenantry_', 'gen_ai_']): MetricUse[] {
  const uses: MetricUse[] = [];
  // Label lists of grouping clauses and quoted strings hold no metric names.
  const bare = expr
    .replace(/\b(?:by|on|ignoring|without|group_left|group_right)\s*\([^)]*\)/g, ' ')
    .replace(/"(?:[^"\\]|\\.)*"/g, '""');
  for (const m of bare.matchAll(/(?<![\w:$"])([a-zA-Z_][a-zA-Z0-9_]*)\s*(\{([^}]*)\})?/g)) {
    const name = m[1]!;
    if (!prefixes.some((p) => name.startsWith(p))) continue;
    const matchers = [...(m[3] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)/g)].map(
      (l) => l[1]!,
    );
    uses.push({ metric: name, matchers });
  }
  return uses;
}

/** Labels an expression groups or joins by: `by (a, b)`, `on (a)`, `ignoring (a)`. */
export function groupingLabels(expr: string): string[] {
  const out: string[] = [];
  for (const m of expr.matchAll(/\b(?:by|on|ignoring)\s*\(([^)]*)\)/g)) {
    for (const l of m[1]!.split(',')) if (l.trim() !== '') out.push(l.trim());
  }
  return out;
}

/** Labels an expression makes itself with label_replace(…, "dst", …). */
export function madeLabels(expr: string): string[] {
  return [...expr.matchAll(/label_replace\([\s\S]*?,\s*"([a-zA-Z_][a-zA-Z0-9_]*)"/g)].map(
    (m) => m[1]!,
  );
}
