import { beforeAll, describe, expect, it } from 'vitest';
import { ensureSdkBuilt, runExample } from '../../test/helpers/examples.js';

beforeAll(ensureSdkBuilt);

describe('examples/basic-agent', () => {
  it('runs two tenants and prints one trace tree per run, tenant on every span', () => {
    const out = runExample('basic-agent');
    const lines = out.trimEnd().split('\n');
    const treeLines = lines.filter((l) => !l.startsWith('{'));
    const roots = treeLines.filter((l) => l.startsWith('invoke_agent support'));
    expect(roots.map((l) => /tenant\.id=(\S+)/.exec(l)?.[1]).sort()).toEqual(['acme', 'globex']);
    // Each tree: root, 2 memory ops, retrieval, tool, sub-agent with its chat, final chat.
    expect(treeLines).toHaveLength(16);
    let tenant = '';
    for (const line of treeLines) {
      if (line.startsWith('invoke_agent')) tenant = /tenant\.id=(\S+)/.exec(line)?.[1] ?? '';
      else expect(line).toMatch(new RegExp(`^ +└─ .* tenant\\.id=${tenant}( |$)`));
    }
    expect(treeLines.filter((l) => /^ {4}└─ chat gpt-4o-mini/.test(l))).toHaveLength(2);

    const logs = lines.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
    const lookups = logs.filter((l) => l.message === 'order looked up');
    expect(lookups.map((l) => l.tenant_id).sort()).toEqual(['acme', 'globex']);
    for (const l of lookups) expect(l.trace_id).toMatch(/^[0-9a-f]{32}$/);
    expect(out).not.toContain('jane.doe@example.com');
  });
});
