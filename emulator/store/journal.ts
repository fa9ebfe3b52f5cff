/**
 * The write-ahead journal beside the `--data` snapshot (issue 23 item 1).
 *
 * Every committed change of a table is one line appended to `NAME.journal.G` (G, the generation,
 * grows by one each time the snapshot is rewritten): `CRC32 JSON\n`, the CRC32 (8 hex digits) of
 * the JSON text, so a line torn by a crash or changed on disk is recognised. The first line of a
 * file is its header: `{"format":"fastio-emulator-journal","version":1,"generation":G,"continues":B}`;
 * `continues` is false when the generation starts from a state that was imported whole (PUT
 * /_emulator/state, a seed), which only its own snapshot holds.
 *
 * Records: `{"o":"p","t":TABLE,"r":ROW}` (insert or replace), `{"o":"d","t":TABLE,"i":ID}`,
 * `{"o":"c","t":TABLE}` (clear), `{"o":"k","k":MS}` (the clock's offset). Rows are whole, so
 * replaying a record twice changes nothing.
 *
 * Durability: `relaxed` hands lines to the OS in batches, one event-loop turn after the change
 * (a kill -9 loses at most the changes of that turn and the batch being written; an OS crash
 * what the OS had not written yet); `strict` writes and fdatasyncs before an answer goes out
 * (`settle`, called by the responder), so an acknowledged write survives kill -9 and power loss.
 */
import { closeSync, createReadStream, fdatasync, fdatasyncSync, openSync, rmSync, write, writeSync } from 'node:fs';
import { crc32 } from 'node:zlib';
import type { TableChange } from './table.js';

export const JOURNAL_FORMAT = 'fastio-emulator-journal';
export const JOURNAL_VERSION = 1;

export type Durability = 'relaxed' | 'strict';

export type JournalRecord = { o: 'p'; t: string; r: { id: string } } | { o: 'd'; t: string; i: string } | { o: 'c'; t: string } | { o: 'k'; k: number };

export interface JournalHeader {
  format: typeof JOURNAL_FORMAT;
  version: number;
  generation: number;
  continues: boolean;
}

export function journalFileOf(dataFile: string, generation: number): string {
  return `${dataFile}.journal.${generation}`;
}

function line(json: string): string {
  return `${(crc32(json) >>> 0).toString(16).padStart(8, '0')} ${json}\n`;
}

export function recordOf(change: TableChange): JournalRecord {
  if (change.op === 'put') return { o: 'p', t: change.table, r: change.row };
  if (change.op === 'delete') return { o: 'd', t: change.table, i: change.id };
  return { o: 'c', t: change.table };
}

export interface JournalStats {
  file: string;
  generation: number;
  records: number;
  bytes: number;
  /** when the first record of this generation was appended (ms), null while it has none */
  firstAt: number | null;
  /**
   * records appended but not yet handed to the OS (relaxed mode's batches in flight; always 0 in
   * strict mode): at 0, every change made so far survives a kill -9 of the process
   */
  unwritten: number;
}

interface Generation {
  fd: number;
  file: string;
  generation: number;
  records: number;
  bytes: number;
  firstAt: number | null;
}

/**
 * The journal being appended to. `rotate` moves on to a new generation's file; in relaxed mode the
 * batches are written one at a time in order, so every line of a generation reaches the OS before
 * any line of the next (a torn line can only be a generation's last).
 */
export class JournalWriter {
  private gen: Generation;
  private pending: string[] = [];
  private pendingBytes = 0;
  private scheduled = false;
  /** batches to write, in order, each to the file it was appended to */
  private queue: { fd: number; buf: Buffer; close: boolean; records: number }[] = [];
  /** relaxed: records appended whose batch has not been written yet */
  private unwritten = 0;
  private pendingRecords = 0;
  private writing = false;
  /** strict: written since the last fdatasync */
  private unsynced = false;
  private failed: Error | null = null;
  /** the file a write failed in: later batches for it are dropped (a journal with a gap would replay wrongly) */
  private failedFd: number | null = null;
  /** records a failed write lost: unwritten until a snapshot holds them (snapshotWritten) */
  private lost = 0;
  private closed = false;
  private idle: (() => void)[] = [];

  constructor(
    private readonly dataFile: string,
    generation: number,
    continues: boolean,
    private readonly durability: Durability,
    private readonly onError: (err: Error) => void,
  ) {
    this.gen = this.open(generation, continues);
  }

  private open(generation: number, continues: boolean): Generation {
    const file = journalFileOf(this.dataFile, generation);
    // 'w': a file of this generation left by an earlier run held nothing the state still needs.
    const fd = openSync(file, 'w');
    const header: JournalHeader = { format: JOURNAL_FORMAT, version: JOURNAL_VERSION, generation, continues };
    const bytes = writeSync(fd, line(JSON.stringify(header)));
    if (this.durability === 'strict') fdatasyncSync(fd);
    return { fd, file, generation, records: 0, bytes, firstAt: null };
  }

  get generation(): number {
    return this.gen.generation;
  }

  append(record: JournalRecord): void {
    if (this.closed) return;
    const text = line(JSON.stringify(record));
    const g = this.gen;
    g.records++;
    g.firstAt ??= Date.now();
    if (this.durability === 'strict') {
      // Written at once (to the page cache), made durable before the answer goes out (settle).
      g.bytes += writeSync(g.fd, text);
      this.unsynced = true;
      return;
    }
    this.pending.push(text);
    this.pendingRecords++;
    this.unwritten++;
    this.pendingBytes += text.length;
    g.bytes += text.length;
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => {
        this.scheduled = false;
        this.enqueue(false);
      });
    }
  }

  /** strict: make every line written so far durable (one fdatasync however many lines). */
  settle(): void {
    if (!this.unsynced || this.closed) return;
    this.unsynced = false;
    fdatasyncSync(this.gen.fd);
  }

  /** A snapshot taken after the lost lines' changes is on disk: they are no longer unwritten. */
  snapshotWritten(): void {
    this.unwritten -= this.lost;
    this.lost = 0;
  }

  /** Continue in a new generation's file (the snapshot being written covers the old ones). */
  rotate(generation: number, continues: boolean): void {
    // The snapshot being written covers the old generation, lost lines included: a new file starts clean.
    this.failed = null;
    if (this.durability === 'strict') {
      this.settle();
      closeSync(this.gen.fd);
    } else this.enqueue(true);
    this.gen = this.open(generation, continues);
  }

  private enqueue(close: boolean): void {
    if (this.pending.length > 0 || close) {
      this.queue.push({ fd: this.gen.fd, buf: Buffer.from(this.pending.join(''), 'utf8'), close, records: this.pendingRecords });
      this.pending = [];
      this.pendingRecords = 0;
      this.pendingBytes = 0;
    }
    this.pump();
  }

  private pump(): void {
    if (this.writing) return;
    const job = this.queue.shift();
    if (!job) {
      this.notifyIdle();
      return;
    }
    this.writing = true;
    const done = (err: Error | null) => {
      if (err) {
        this.failedFd = job.fd;
        this.lost += job.records;
        if (!this.failed) {
          this.failed = err;
          this.onError(err);
        }
      } else this.unwritten -= job.records;
      if (job.close) closeSync(job.fd);
      this.writing = false;
      this.pump();
    };
    if (job.fd === this.failedFd) {
      // The rest of a generation a write failed in: the next snapshot holds these changes.
      this.lost += job.records;
      if (job.close) closeSync(job.fd);
      this.writing = false;
      this.pump();
      return;
    }
    const go = (at: number): void => {
      if (at >= job.buf.length) return done(null);
      write(job.fd, job.buf, at, job.buf.length - at, null, (err, n) => (err ? done(err) : go(at + n)));
    };
    go(0);
  }

  private notifyIdle(): void {
    const waiting = this.idle;
    this.idle = [];
    for (const w of waiting) w();
  }

  /** Resolves once every line appended so far has reached the OS (and the disk, with `sync`). */
  async drain(sync = false): Promise<void> {
    if (this.durability === 'strict') {
      this.settle();
      return;
    }
    if (this.scheduled || this.pending.length > 0 || this.writing || this.queue.length > 0) {
      await new Promise<void>((resolve) => {
        this.idle.push(resolve);
        this.enqueue(false);
      });
    }
    if (sync && !this.closed) {
      const fd = this.gen.fd;
      await new Promise<void>((resolve) => fdatasync(fd, () => resolve()));
    }
  }

  stats(): JournalStats {
    const g = this.gen;
    return { file: g.file, generation: g.generation, records: g.records, bytes: g.bytes, firstAt: g.firstAt, unwritten: this.unwritten };
  }

  /** The first write error (relaxed mode reports it here and through onError). */
  get error(): Error | null {
    return this.failed;
  }

  /** Drain, close, and delete the file when it holds no record (`removeEmpty`). */
  async close(removeEmpty: boolean): Promise<void> {
    if (this.closed) return;
    await this.drain(true);
    this.closed = true;
    closeSync(this.gen.fd);
    if (removeEmpty && this.gen.records === 0) rmSync(this.gen.file, { force: true });
  }
}

/** What reading one journal file found. */
export interface JournalRead {
  file: string;
  header: JournalHeader | null;
  records: JournalRecord[];
  /** set when the file ends in a line that is torn or fails its checksum: reading stopped there */
  torn: { line: number; reason: string; droppedBytes: number } | null;
}

/** Read a journal file up to its last good record. A missing file reads as null. */
export async function readJournal(file: string): Promise<JournalRead | null> {
  const records: JournalRecord[] = [];
  let header: JournalHeader | null = null;
  let torn: JournalRead['torn'] = null;
  let n = 0;
  let consumed = 0;
  let total = 0;
  let rest = Buffer.alloc(0);
  const take = (raw: Buffer): boolean => {
    n++;
    const text = raw.toString('utf8');
    const m = /^([0-9a-f]{8}) (.*)$/s.exec(text);
    if (!m) {
      torn = { line: n, reason: 'not a journal line (torn?)', droppedBytes: 0 };
      return false;
    }
    if ((crc32(m[2]!) >>> 0).toString(16).padStart(8, '0') !== m[1]) {
      torn = { line: n, reason: 'checksum mismatch', droppedBytes: 0 };
      return false;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(m[2]!);
    } catch (e) {
      torn = { line: n, reason: `not JSON: ${(e as Error).message}`, droppedBytes: 0 };
      return false;
    }
    if (!header) {
      const h = parsed as Partial<JournalHeader>;
      if (h.format !== JOURNAL_FORMAT || typeof h.generation !== 'number') {
        torn = { line: n, reason: 'no journal header', droppedBytes: 0 };
        return false;
      }
      if ((h.version ?? 0) > JOURNAL_VERSION) throw new Error(`${file} was written by a newer emulator (journal version ${h.version})`);
      header = h as JournalHeader;
      return true;
    }
    records.push(parsed as JournalRecord);
    return true;
  };
  try {
    let stopped = false;
    for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) {
      total += (chunk as Buffer).length;
      if (stopped) continue;
      let buf = rest.length > 0 ? Buffer.concat([rest, chunk as Buffer]) : (chunk as Buffer);
      let nl: number;
      while (!stopped && (nl = buf.indexOf(10)) !== -1) {
        if (take(buf.subarray(0, nl))) consumed += nl + 1;
        else stopped = true;
        buf = buf.subarray(nl + 1);
      }
      rest = stopped ? Buffer.alloc(0) : Buffer.from(buf);
    }
    // A last line without its newline was being written when the process died.
    if (!stopped && rest.length > 0) torn = { line: n + 1, reason: 'last line incomplete (torn write)', droppedBytes: 0 };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
  const t = torn as JournalRead['torn'];
  if (t) t.droppedBytes = total - consumed;
  return { file, header, records, torn: t };
}

/** Apply journal records to a state's tables (rows by id, in the tables' order). */
export function applyRecords(tables: Record<string, unknown[]>, clock: { offset: number }, records: readonly JournalRecord[]): void {
  const maps = new Map<string, Map<string, unknown>>();
  const mapOf = (t: string): Map<string, unknown> => {
    let m = maps.get(t);
    if (!m) {
      m = new Map((tables[t] ?? []).map((r) => [(r as { id: string }).id, r]));
      maps.set(t, m);
    }
    return m;
  };
  for (const r of records) {
    if (r.o === 'k') clock.offset = r.k;
    else if (r.o === 'p') {
      mapOf(r.t).set(r.r.id, r.r);
    } else if (r.o === 'd') mapOf(r.t).delete(r.i);
    else if (r.o === 'c') mapOf(r.t).clear();
  }
  for (const [t, m] of maps) tables[t] = [...m.values()];
}
