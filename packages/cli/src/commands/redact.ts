import { readFile } from 'node:fs/promises';
import {
  createRedactor,
  InvalidPolicyError,
  parsePolicy,
  type RedactionPolicy,
} from '@tenantry/redact';
import { parse as parseYaml } from 'yaml';
import { parseCommand, UsageError } from '../args.js';
import type { CliIo } from '../io.js';

const HELP = `usage: tenantry redact [--policy file.json|file.yaml] [--tenant id] [--text] [--findings]

Reads stdin and writes it redacted to stdout: JSON if it parses (nested values, JSON inside
strings and sensitive keys included), else text.

  --policy f    redaction policy (JSON or YAML); see @tenantry/redact's README
  --tenant id   apply that tenant's policy and hash key
  --text        treat the input as text: never parse it (or strings in it) as JSON
  --findings    print the counts by type to stderr (never the values)
`;

const OPTIONS = {
  policy: { type: 'string' },
  tenant: { type: 'string' },
  text: { type: 'boolean' },
  findings: { type: 'boolean' },
} as const;

/** Beyond this, stdin is refused rather than buffered. */
const MAX_INPUT_BYTES = 256 * 1024 * 1024;

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const b = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    size += b.length;
    if (size > MAX_INPUT_BYTES) throw new Error(`input is larger than ${MAX_INPUT_BYTES} bytes`);
    chunks.push(b);
  }
  return Buffer.concat(chunks).toString('utf8');
}

async function loadPolicy(path: string): Promise<RedactionPolicy> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read policy file ${path}: ${(err as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = /\.ya?ml$/i.test(path) ? parseYaml(text) : JSON.parse(text);
  } catch (err) {
    throw new UsageError(
      `policy file ${path} is not valid ${/\.ya?ml$/i.test(path) ? 'YAML' : 'JSON'}: ${(err as Error).message}`,
    );
  }
  try {
    return parsePolicy(raw);
  } catch (err) {
    if (err instanceof InvalidPolicyError)
      throw new UsageError(`${path}: ${err.message} (${err.code})`);
    throw err;
  }
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

export async function run(args: string[], io: CliIo): Promise<number> {
  try {
    const parsed = parseCommand(args, { options: OPTIONS }, HELP, io);
    if (parsed === undefined) return 0;
    const { values } = parsed;
    const policy = values.policy === undefined ? {} : await loadPolicy(values.policy);
    const input = await readAll(io.stdin);
    // A file on stdin is redacted whole unless the policy sets a string limit itself.
    const redactor = createRedactor({
      ...policy,
      maxStringLength: policy.maxStringLength ?? Math.max(input.length, 64),
      ...(values.text ? { parseJsonStrings: false } : {}),
    });
    const opts = values.tenant === undefined ? undefined : { tenantId: values.tenant };
    const json = values.text || input.trim() === '' ? { ok: false as const } : parseJson(input);
    let findings: Record<string, number>;
    if (json.ok) {
      const res = redactor.redact(json.value, opts);
      findings = res.findings;
      const pretty = input.trim().includes('\n');
      io.stdout.write(`${JSON.stringify(res.value, null, pretty ? 2 : undefined)}\n`);
    } else {
      const res = redactor.redactString(input, opts);
      findings = res.findings;
      io.stdout.write(res.value);
    }
    if (values.findings) io.stderr.write(`${JSON.stringify(findings)}\n`);
    return 0;
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr.write(`tenantry redact: ${err.message}\n\n${HELP}`);
      return 2;
    }
    io.stderr.write(`tenantry redact: ${(err as Error).message}\n`);
    return 1;
  }
}
