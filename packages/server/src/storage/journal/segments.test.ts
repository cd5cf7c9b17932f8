import {
  appendFileSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type JournalRecord, JournalSegments, type ScanReport } from './segments.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tenantry-journal-'));
  dirs.push(dir);
  return dir;
}

const record = (seq: number, size = 100): JournalRecord => ({
  seq,
  payload: Buffer.alloc(size, seq % 251),
});

function scanAll(segments: JournalSegments): { seqs: number[]; report: ScanReport } {
  const report: ScanReport = { records: 0, tornBytes: 0, damagedSegments: [] };
  const seqs: number[] = [];
  for (const r of segments.scan(report)) {
    expect(r.payload).toEqual(record(r.seq, r.payload.length).payload);
    seqs.push(r.seq);
  }
  return { seqs, report };
}

const files = (dir: string) => readdirSync(dir).sort();

describe('journal segments', () => {
  it('reads back every record in order across segment rotations', async () => {
    const dir = tempDir();
    const writing = JournalSegments.open(dir, 1_000);
    for (let seq = 1; seq <= 30; seq += 3) {
      await writing.append([record(seq), record(seq + 1), record(seq + 2)]);
    }
    await writing.close();
    expect(files(dir).length).toBeGreaterThan(3);
    // Bodies are journaled before server-side redaction: owner only.
    for (const f of files(dir)) expect(statSync(join(dir, f)).mode & 0o777).toBe(0o600);

    const reading = JournalSegments.open(dir, 1_000);
    const { seqs, report } = scanAll(reading);
    expect(seqs).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    expect(report).toEqual({ records: 30, tornBytes: 0, damagedSegments: [] });
    expect(reading.lastSeq).toBe(30);
  });

  it('stops at a write torn by a crash and never appends after it', async () => {
    const dir = tempDir();
    const writing = JournalSegments.open(dir, 1 << 20);
    await writing.append([record(1), record(2), record(3)]);
    await writing.close();
    const [file] = files(dir);
    // The crash cut the third frame in half.
    truncateSync(join(dir, file!), statSync(join(dir, file!)).size - 60);

    const reopened = JournalSegments.open(dir, 1 << 20);
    const first = scanAll(reopened);
    expect(first.seqs).toEqual([1, 2]);
    expect(first.report.tornBytes).toBe(60);
    await reopened.append([record(3), record(4)]);
    await reopened.close();
    expect(files(dir)).toHaveLength(2);
    expect(scanAll(JournalSegments.open(dir, 1 << 20)).seqs).toEqual([1, 2, 3, 4]);
  });

  it('reports a segment damaged before its end and still reads the segments after it', async () => {
    const dir = tempDir();
    const writing = JournalSegments.open(dir, 200);
    for (let seq = 1; seq <= 6; seq += 2) await writing.append([record(seq), record(seq + 1)]);
    await writing.close();
    const [first] = files(dir);
    // Flip a payload byte of the second record: its checksum no longer matches.
    const path = join(dir, first!);
    const bytes = readFileSync(path);
    bytes[bytes.length - 10]! ^= 0xff;
    writeFileSync(path, bytes);

    const { seqs, report } = scanAll(JournalSegments.open(dir, 200));
    expect(seqs).toEqual([1, 3, 4, 5, 6]);
    expect(report.damagedSegments).toEqual([path]);
  });

  it('deletes the segments whose every record is applied, the one being written included', async () => {
    const dir = tempDir();
    const segments = JournalSegments.open(dir, 200);
    for (let seq = 1; seq <= 8; seq += 2) await segments.append([record(seq), record(seq + 1)]);
    expect(files(dir)).toHaveLength(4); // first records 1, 3, 5, 7

    await segments.deleteThrough(3); // segment 3-4 still holds 4
    expect(files(dir).map((f) => Number(f.split('.')[0]))).toEqual([3, 5, 7]);
    await segments.deleteThrough(6);
    expect(files(dir).map((f) => Number(f.split('.')[0]))).toEqual([7]);
    await segments.deleteThrough(7); // the active segment still holds 8
    expect(files(dir).map((f) => Number(f.split('.')[0]))).toEqual([7]);
    await segments.deleteThrough(8);
    expect(files(dir)).toEqual([]);

    await segments.append([record(9)]);
    await segments.close();
    expect(scanAll(JournalSegments.open(dir, 200)).seqs).toEqual([9]);
  });

  it('ignores files in its directory that are not segments', async () => {
    const dir = tempDir();
    appendFileSync(join(dir, 'notes.txt'), 'not a segment');
    const segments = JournalSegments.open(dir, 1 << 20);
    await segments.append([record(1)]);
    await segments.close();
    expect(scanAll(JournalSegments.open(dir, 1 << 20)).seqs).toEqual([1]);
  });
});
