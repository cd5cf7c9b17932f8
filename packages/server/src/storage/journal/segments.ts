import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { type FileHandle, open, rm, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';

/**
 * The journal on disk: numbered records in append-only segment files named after their first
 * record's number. A frame is magic, payload length, CRC-32 (of sequence number and payload),
 * sequence number, payload. A crash can leave the last segment's tail torn; since a record is
 * acknowledged only after the fdatasync that follows its write, a torn tail was never
 * acknowledged, and reading stops there.
 */
const MAGIC = 0x544e4a31; // 'TNJ1'
const HEADER_BYTES = 20;
const SUFFIX = '.journal';

export interface JournalRecord {
  seq: number;
  payload: Buffer;
}

interface Segment {
  path: string;
  firstSeq: number;
  /** 0 while empty. */
  lastSeq: number;
}

export interface ScanReport {
  records: number;
  /** Bytes after the last whole record of the last segment (a write the crash interrupted). */
  tornBytes: number;
  /** Segments other than the last that ended in an unreadable frame (disk damage). */
  damagedSegments: string[];
}

export class JournalSegments {
  private active: { handle: FileHandle; segment: Segment; bytes: number } | null = null;
  private appending = false;

  private constructor(
    private readonly dir: string,
    private readonly segmentBytes: number,
    private readonly segments: Segment[],
  ) {}

  /**
   * Whether the journal's disk takes a write again (after ENOSPC): a block written, synced and
   * removed. Readiness asks this while journal writes are failing, since without traffic no
   * request would find out.
   */
  async canWrite(): Promise<boolean> {
    const probe = join(this.dir, '.write-probe');
    try {
      const handle = await open(probe, 'w', 0o600);
      try {
        // About a large request's record: a disk that takes 4 KiB but not a request is not ready.
        await handle.write(Buffer.alloc(256 * 1024));
        await handle.datasync();
      } finally {
        await handle.close();
      }
      return true;
    } catch {
      return false;
    } finally {
      await rm(probe, { force: true });
    }
  }

  /** Lists the segments in `dir` (created if missing); nothing is opened for writing yet. */
  static open(dir: string, segmentBytes: number): JournalSegments {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const segments = readdirSync(dir)
      .filter((name) => name.endsWith(SUFFIX) && /^\d+$/.test(name.slice(0, -SUFFIX.length)))
      .map((name) => ({
        path: join(dir, name),
        firstSeq: Number(name.slice(0, -SUFFIX.length)),
        lastSeq: 0,
      }))
      .sort((a, b) => a.firstSeq - b.firstSeq);
    return new JournalSegments(dir, segmentBytes, segments);
  }

  /**
   * Every readable record, in order (one segment in memory at a time). Also sets each segment's
   * last sequence number, which deleteThrough needs.
   */
  *scan(report: ScanReport): Generator<JournalRecord> {
    for (const [index, segment] of this.segments.entries()) {
      const file = readFileSync(segment.path);
      let at = 0;
      while (at < file.length) {
        const frame = readFrame(file, at);
        if (!frame) break;
        segment.lastSeq = frame.seq;
        report.records++;
        yield { seq: frame.seq, payload: frame.payload };
        at = frame.end;
      }
      if (at < file.length) {
        if (index === this.segments.length - 1) report.tornBytes = file.length - at;
        else report.damagedSegments.push(segment.path);
      }
    }
  }

  /** The highest sequence number seen by scan (0 for an empty journal). */
  get lastSeq(): number {
    let last = 0;
    for (const s of this.segments) last = Math.max(last, s.lastSeq, s.firstSeq - 1);
    return last;
  }

  /**
   * Writes records with one writev and one fdatasync; resolves once they are durable. Callers
   * serialise calls (the writer's group commit does). A new segment is started when the active one
   * has passed the size limit, and on the first write after open, so a torn tail is never
   * appended to.
   */
  async append(records: JournalRecord[]): Promise<void> {
    if (records.length === 0) return;
    this.appending = true;
    try {
      await this.appendFrames(records);
    } finally {
      this.appending = false;
    }
  }

  private async appendFrames(records: JournalRecord[]): Promise<void> {
    if (!this.active || this.active.bytes >= this.segmentBytes) await this.rotate(records[0]!.seq);
    const active = this.active!;
    const frames = records.flatMap((r) => frame(r));
    let bytes = 0;
    for (const f of frames) bytes += f.length;
    let written = 0;
    try {
      written = (await active.handle.writev(frames, active.bytes)).bytesWritten;
      // A short write is legal; finish it from where it stopped.
      if (written < bytes) {
        const rest = Buffer.concat(frames).subarray(written);
        await active.handle.write(rest, 0, rest.length, active.bytes + written);
        written = bytes;
      }
      await active.handle.datasync();
    } catch (err) {
      // These records were refused (503), so they must not be replayed: whatever of them reached
      // the file goes (a full disk can still truncate, which frees space).
      await active.handle.truncate(active.bytes).catch(() => {});
      await active.handle.datasync().catch(() => {});
      throw err;
    }
    active.bytes += written;
    active.segment.lastSeq = records[records.length - 1]!.seq;
  }

  /**
   * Deletes the segments whose every record is ≤ `seq`. The one being written goes too when no
   * write is under way: request bodies are journaled before redaction, so they should not sit on
   * disk for the hours a quiet server takes to fill a segment. The next append starts a new one.
   */
  async deleteThrough(seq: number): Promise<void> {
    while (this.segments.length > 0) {
      const oldest = this.segments[0]!;
      const active = this.active;
      if (oldest === active?.segment) {
        if (this.appending || oldest.lastSeq === 0 || oldest.lastSeq > seq) return;
        this.active = null;
        this.segments.shift();
        await active.handle.close();
        await unlink(oldest.path).catch(() => {});
        return;
      }
      const next = this.segments[1];
      const last = next ? next.firstSeq - 1 : oldest.lastSeq;
      if (last > seq) return;
      this.segments.shift();
      await unlink(oldest.path).catch(() => {});
    }
  }

  get segmentCount(): number {
    return this.segments.length;
  }

  async close(): Promise<void> {
    await this.active?.handle.close();
    this.active = null;
  }

  private async rotate(firstSeq: number): Promise<void> {
    await this.active?.handle.close();
    const segment = {
      path: join(this.dir, `${String(firstSeq).padStart(16, '0')}${SUFFIX}`),
      firstSeq,
      lastSeq: 0,
    };
    const handle = await open(segment.path, 'wx', 0o600);
    this.segments.push(segment);
    this.active = { handle, segment, bytes: 0 };
    // The new file's directory entry must survive a crash too.
    const dir = await open(this.dir, 'r');
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
  }
}

/** Header and payload as two buffers for writev: the payload is not copied. */
function frame(record: JournalRecord): [Buffer, Buffer] {
  const header = Buffer.allocUnsafe(HEADER_BYTES);
  header.writeUInt32BE(MAGIC, 0);
  header.writeUInt32BE(record.payload.length, 4);
  header.writeBigUInt64BE(BigInt(record.seq), 12);
  header.writeUInt32BE(crc32(record.payload, crc32(header.subarray(12))), 8);
  return [header, record.payload];
}

function readFrame(file: Buffer, at: number): { seq: number; payload: Buffer; end: number } | null {
  if (file.length - at < HEADER_BYTES || file.readUInt32BE(at) !== MAGIC) return null;
  const end = at + HEADER_BYTES + file.readUInt32BE(at + 4);
  if (end > file.length) return null;
  if (crc32(file.subarray(at + 12, end)) !== file.readUInt32BE(at + 8)) return null;
  return {
    seq: Number(file.readBigUInt64BE(at + 12)),
    payload: file.subarray(at + HEADER_BYTES, end),
    end,
  };
}
