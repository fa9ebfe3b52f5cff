/**
 * Persistence of the in-memory state to `--data`: a snapshot (state-file.ts, atomic rename) and a
 * write-ahead journal beside it (journal.ts), issue 23.
 *
 * - Every committed change is appended to the journal (`record`); the snapshot is rewritten only
 *   when the journal passes `maxJournalBytes` or its first record is older than `maxJournalAgeMs`,
 *   so a write costs one journal line, not a share of a whole-state rewrite.
 * - Rewriting the snapshot: the document is taken (one synchronous step: arrays of the immutable
 *   rows), the journal moves on to generation G+1, the snapshot is written naming G+1 as the first
 *   journal to replay, and the files of older generations are deleted once it is on disk. A crash
 *   at any step leaves a snapshot and journals that replay to the state.
 * - Start-up (`read`): the snapshot, then its journals in order, each up to its last good record;
 *   a torn or corrupt tail is reported (`recovery`, on stdout and `/_emulator/health`).
 * - Stored bytes live in the blob store (blobs.ts), files written before the journal line that
 *   names them; bytes released are deleted once a snapshot no longer names them.
 * - State version 1 files (no journal, bytes in blob rows) still load.
 */
import { readdirSync, rmSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { StateFile } from './db.js';
import type { BlobStore } from './blobs.js';
import { applyRecords, journalFileOf, JournalWriter, readJournal, recordOf, type Durability, type JournalRead, type JournalStats } from './journal.js';
import { StateFileAdapter, type StateDocument } from './state-file.js';
import type { TableChange } from './table.js';

export { checkStateHeader, readStateFile, serializeChunks, StateFileAdapter, StateFileError, BLOB_CONTENT_TABLE, type StateDocument } from './state-file.js';

/** What start-up found in the journal. */
export interface Recovery {
  /** journal records replayed over the snapshot */
  replayed: number;
  journals: { file: string; records: number }[];
  /** the journal tail that was not loaded, when there was one */
  torn: { file: string; line: number; reason: string; droppedBytes: number } | null;
  /** a journal that starts from a whole imported state its snapshot never got to hold */
  skipped: string[];
}

export interface PersistenceStatus {
  file: string;
  status: 'ok' | 'degraded';
  lastError: string | null;
  lastFlushAt: string | null;
  /** snapshots written by this process */
  flushes: number;
  /** changes in the journal that no snapshot holds yet */
  dirty: boolean;
  durability: Durability;
  journal: JournalStats | null;
  recovery: Recovery | null;
}

export interface PersistenceOptions {
  durability?: Durability;
  /** rewrite the snapshot when the journal is larger than this (bytes) */
  maxJournalBytes?: number;
  /** ... or when its first record is older than this (ms) */
  maxJournalAgeMs?: number;
  /** the blob store whose released bytes a snapshot lets go of (and whose unwritten bytes it writes first) */
  blobs?: BlobStore & { writeUnwritten?: () => void };
  /** the clock's offset, journaled when it moves */
  clockOffset?: () => number;
  /** tables that are not saved (sessions) */
  ephemeral?: ReadonlySet<string>;
}

const DEFAULT_MAX_JOURNAL_BYTES = 32 * 1024 * 1024;
const DEFAULT_MAX_JOURNAL_AGE_MS = 5 * 60_000;

/** The generations of journal files next to `dataFile`, ascending. */
function journalGenerations(dataFile: string): number[] {
  const prefix = `${basename(dataFile)}.journal.`;
  let names: string[];
  try {
    names = readdirSync(dirname(dataFile));
  } catch {
    return [];
  }
  return names
    .filter((n) => n.startsWith(prefix) && /^\d+$/.test(n.slice(prefix.length)))
    .map((n) => Number(n.slice(prefix.length)))
    .sort((a, b) => a - b);
}

export class Persistence {
  private readonly adapter: StateFileAdapter;
  private timer: NodeJS.Timeout | undefined;
  /** when `timer` fires (ms since the epoch) */
  private timerDue = 0;
  private flushing: Promise<void> | undefined;
  private closed = false;
  private lastError: string | null = null;
  private lastFlushAt: number | null = null;
  private flushes = 0;
  private lock: { release(): void } | undefined;
  private writer: JournalWriter | undefined;
  /** the generation the journal starts in after `read` (the next after any found) */
  private nextGeneration = 1;
  private recovery: Recovery | null = null;
  private lastOffset: number | undefined;
  /** the next snapshot must not be replayed over older journals (a whole state was imported) */
  private importPending = false;
  readonly durability: Durability;
  private readonly maxJournalBytes: number;
  private readonly maxJournalAgeMs: number;

  constructor(
    readonly filename: string,
    private readonly snapshot: () => StateDocument,
    private readonly flushDelayMs: number,
    private readonly onError: (err: Error) => void = () => {},
    private readonly options: PersistenceOptions = {},
  ) {
    this.adapter = new StateFileAdapter(filename);
    this.durability = options.durability ?? 'relaxed';
    this.maxJournalBytes = options.maxJournalBytes ?? DEFAULT_MAX_JOURNAL_BYTES;
    this.maxJournalAgeMs = options.maxJournalAgeMs ?? DEFAULT_MAX_JOURNAL_AGE_MS;
  }

  /**
   * Read the snapshot and replay its journals; null when there is neither. Throws StateFileError
   * when the snapshot is unusable. A torn journal tail is not an error: it is reported.
   */
  async read(): Promise<StateFile | null> {
    // The adapter directly: lowdb's Low.read keeps its default data when the file is missing,
    // and "missing" must stay distinguishable from "empty".
    const saved = (await this.adapter.read()) as StateFile | null;
    const gens = journalGenerations(this.filename);
    const base = saved?.journal ?? 1;
    const state: StateFile = saved ?? { format: 'fastio-emulator-state', version: 2, savedAt: new Date().toISOString(), clockOffsetMs: 0, tables: {} };
    const clock = { offset: state.clockOffsetMs ?? 0 };
    const recovery: Recovery = { replayed: 0, journals: [], torn: null, skipped: [] };
    let stop = false;
    for (const g of gens) {
      if (g < base) {
        // Covered by the snapshot (left by a crash between its rename and the clean-up).
        rmSync(journalFileOf(this.filename, g), { force: true });
        continue;
      }
      const read: JournalRead | null = stop ? null : await readJournal(journalFileOf(this.filename, g));
      if (read && read.header && !read.header.continues && g !== base) stop = true;
      if (stop || !read) {
        recovery.skipped.push(journalFileOf(this.filename, g));
        continue;
      }
      applyRecords(state.tables, clock, read.records);
      recovery.replayed += read.records.length;
      recovery.journals.push({ file: read.file, records: read.records.length });
      if (read.torn) recovery.torn = { file: read.file, ...read.torn };
    }
    state.clockOffsetMs = clock.offset;
    this.nextGeneration = Math.max(base, ...gens, 0) + 1;
    this.recovery = recovery;
    if (!saved && recovery.replayed === 0) return null;
    return state;
  }

  /** What start-up replayed (null before `read`). */
  recovered(): Recovery | null {
    return this.recovery;
  }

  /** Start journaling (after the loaded state is in memory). */
  start(): void {
    if (this.writer || this.closed) return;
    this.writer = new JournalWriter(this.filename, this.nextGeneration, true, this.durability, (err) => this.reportError(err));
    this.lastOffset = this.options.clockOffset?.();
    // A replayed journal is folded into a fresh snapshot soon (the torn tail goes with it).
    if (this.recovery && (this.recovery.replayed > 0 || this.recovery.torn || this.recovery.skipped.length > 0)) this.schedule(this.flushDelayMs);
  }

  /** One committed change (Db.rowChanged). */
  record(change: TableChange): void {
    if (!this.writer || this.closed || this.options.ephemeral?.has(change.table)) return;
    try {
      this.clockMoved();
      this.writer.append(recordOf(change));
    } catch (e) {
      // strict writes at once: a refusing disk must not fail the request (the change is made in
      // memory); health reports degraded and the next snapshot, retried, holds it.
      this.reportError(e as Error);
      return;
    }
    this.checkThresholds();
  }

  private clockMoved(): void {
    const offset = this.options.clockOffset?.();
    if (offset !== undefined && offset !== this.lastOffset) {
      this.lastOffset = offset;
      this.writer!.append({ o: 'k', k: offset });
    }
  }

  /**
   * Before an answer goes out: in strict mode, what the request changed is on disk when this
   * returns; in both modes a moved clock is journaled.
   */
  settle(): void {
    if (!this.writer || this.closed) return;
    this.clockMoved();
    if (this.durability === 'strict') {
      try {
        this.writer.settle();
      } catch (e) {
        this.failed(e as Error);
      }
    }
  }

  /** A whole state replaced the tables (import, seed): it goes to a snapshot at once. */
  replaced(): void {
    if (this.closed) return;
    this.importPending = true;
    void this.flush();
  }

  /** Kept for the change listener: a snapshot is scheduled when the journal passes a threshold. */
  markDirty(): void {
    this.checkThresholds();
  }

  private checkThresholds(): void {
    if (this.timer || this.flushing || this.closed || !this.writer) return;
    const s = this.writer.stats();
    if (s.bytes >= this.maxJournalBytes) this.schedule(0);
    else if (s.firstAt !== null) this.schedule(Math.max(0, s.firstAt + this.maxJournalAgeMs - Date.now()));
  }

  /** A snapshot in `delay` ms, unless one is due sooner (a retry must not wait for the age threshold's later timer). */
  private schedule(delay: number): void {
    const due = Date.now() + delay;
    if (this.timer) {
      if (this.timerDue <= due) return;
      clearTimeout(this.timer);
    }
    this.timerDue = due;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, delay);
    this.timer.unref();
  }

  /** A write of something else the state needs (stored bytes) failed: health reports degraded, a snapshot retries. */
  reportError(err: Error): void {
    this.failed(err);
    if (!this.closed) this.schedule(Math.max(this.flushDelayMs, 1000));
  }

  private failed(err: Error): void {
    const e = err as NodeJS.ErrnoException;
    // Node's message starts with the code already (`EROFS: read-only file system, open ...`).
    this.lastError = e.code && !e.message.startsWith(`${e.code}:`) ? `${e.code}: ${e.message}` : e.message;
    this.onError(err);
  }

  /** Rewrite the snapshot now (waiting for one under way); resolves when it is on disk. */
  async flush(): Promise<void> {
    while (this.flushing) await this.flushing;
    if (this.closed) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const run = (async () => {
      const continues = !this.importPending;
      this.importPending = false;
      try {
        // Bytes a refusing disk left in memory go first: a snapshot never names bytes not on disk.
        this.options.blobs?.writeUnwritten?.();
        const doc = this.snapshot();
        const released = this.options.blobs?.releasedRefs();
        let generation = this.nextGeneration;
        if (this.writer) {
          generation = this.writer.generation + 1;
          this.writer.rotate(generation, continues);
        } else this.nextGeneration = generation + 1;
        await this.adapter.write({ ...doc, journal: generation });
        this.writer?.snapshotWritten();
        for (const g of journalGenerations(this.filename)) if (g < generation) rmSync(journalFileOf(this.filename, g), { force: true });
        if (released) this.options.blobs?.sweep(released);
        this.lastFlushAt = Date.now();
        this.flushes++;
        this.lastError = this.writer?.error ? this.lastError : null;
      } catch (e) {
        if (!continues) this.importPending = true;
        this.failed(e as Error);
      }
    })();
    // Cleared here, not in the run's own finally: a run that fails before its first await has
    // settled before this assignment, and clearing there would leave a settled promise behind
    // (the next flush would then wait on it forever).
    this.flushing = run;
    try {
      await run;
    } finally {
      if (this.flushing === run) this.flushing = undefined;
    }
    if (this.lastError && !this.closed) this.schedule(Math.max(this.flushDelayMs, 1000));
    else this.checkThresholds();
  }

  /** The journal's lines handed to the OS (tests, benches; `sync` also waits for the disk). */
  async drain(sync = false): Promise<void> {
    await this.writer?.drain(sync);
  }

  status(): PersistenceStatus {
    const journal = this.writer?.stats() ?? null;
    return {
      file: this.filename,
      status: this.lastError ? 'degraded' : 'ok',
      lastError: this.lastError,
      lastFlushAt: this.lastFlushAt === null ? null : new Date(this.lastFlushAt).toISOString(),
      flushes: this.flushes,
      dirty: (journal?.records ?? 0) > 0,
      durability: this.durability,
      journal,
      recovery: this.recovery,
    };
  }

  /** Hold the data file's lock (DataFileLock) until `close`. */
  holdLock(lock: { release(): void }): void {
    this.lock = lock;
  }

  /** Final snapshot when the journal holds changes; the lock goes after the last write. */
  async close(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    try {
      while (this.flushing) await this.flushing;
      if (this.writer && (this.writer.stats().records > 0 || this.importPending)) await this.flush();
      await this.writer?.close(true);
    } finally {
      this.closed = true;
      this.lock?.release();
    }
  }
}
