import { PassThrough } from 'node:stream';
import type { CliIo } from './io.js';

/** A command's streams in memory, with what it wrote so far. */
export function captureIo(): CliIo & { out(): string; err(): string } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d: Buffer) => {
    out += d.toString();
  });
  stderr.on('data', (d: Buffer) => {
    err += d.toString();
  });
  return { stdin: new PassThrough(), stdout, stderr, out: () => out, err: () => err };
}
