import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { REPO_ROOT } from './process.js';

/** Examples import the built SDK, as a user would: build it once if this checkout has not. */
export function ensureSdkBuilt(): void {
  if (!existsSync(`${REPO_ROOT}/packages/sdk/dist/index.js`)) {
    execFileSync('npx', ['tsc', '-b', 'packages/sdk'], { cwd: REPO_ROOT, stdio: 'inherit' });
  }
}

/**
 * Runs `examples/<name>` with plain node and returns its stdout. No OTLP endpoint is set, so the
 * SDK prints spans to the console; `env` adds or clears more variables.
 */
export function runExample(name: string, env: NodeJS.ProcessEnv = {}): string {
  return execFileSync(process.execPath, [`examples/${name}`], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    env: { ...process.env, OTEL_EXPORTER_OTLP_ENDPOINT: '', ...env },
  });
}

/** A span as the SDK's console exporter prints it, one JSON object a line. */
export interface ConsoleSpan {
  traceId: string;
  parentSpanId?: string;
  name: string;
  attributes: Record<string, unknown>;
}

export function consoleSpans(out: string): ConsoleSpan[] {
  return out
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as ConsoleSpan);
}
