/** A pino destination that keeps the JSON lines it receives, for tests. */
export class LineSink {
  readonly lines: Record<string, unknown>[] = [];

  write(chunk: string): boolean {
    for (const line of chunk.split('\n')) {
      if (line.trim() !== '') this.lines.push(JSON.parse(line) as Record<string, unknown>);
    }
    return true;
  }
}
