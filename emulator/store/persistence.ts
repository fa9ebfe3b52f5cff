import { readFile } from 'node:fs/promises';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { Low, type Adapter } from 'lowdb';
import { TextFile } from 'lowdb/node';
import { STATE_FORMAT, STATE_VERSION, type StateFile } from './db.js';

/**
 * Persistence of the in-memory state to one JSON file, through lowdb.
 *
 * - Atomic replace: lowdb's TextFile writes a temporary file and renames it over the old one, so a
 *   reader (or a restart after SIGKILL) sees either the previous complete file or the new one.
 * - Off the request path: writes mark the state dirty; a flush runs `flushDelayMs` later, so a
 *   burst of writes costs one flush.
 * - Without long pauses: rows are serialised in slices with a yield to the event loop between
 *   slices, so a large state never blocks requests for long. Rows are immutable (tables replace
 *   them on update), so every row written is a consistent version of itself.
 * - Versioned: `format` and `version` head the file; a newer version is refused at start.
 */

/** What gets written: a header and, per table, the rows to save (live iterables, not copies). */
export interface StateDocument {
  format: typeof STATE_FORMAT;
  version: number;
  savedAt: string;
  clockOffsetMs: number;
  tables: Record<string, Iterable<unknown>>;
}

export class StateFileError extends Error {}

/** Validate the header of a parsed state file. */
export function checkStateHeader(raw: unknown, where: string): StateFile {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new StateFileError(`${where} is not an emulator state file (expected a JSON object)`);
  const o = raw as Partial<StateFile>;
  if (o.format !== STATE_FORMAT)
    throw new StateFileError(`${where} is not an emulator state file (format is ${JSON.stringify(o.format)}, expected "${STATE_FORMAT}")`);
  if (typeof o.version !== 'number' || !Number.isInteger(o.version) || o.version < 1) throw new StateFileError(`${where} has no valid version number`);
  if (o.version > STATE_VERSION) {
    throw new StateFileError(
      `${where} was written by a newer emulator (state version ${o.version}; this emulator reads up to ${STATE_VERSION}). Upgrade fastio-emulator.`,
    );
  }
  if (!o.tables || typeof o.tables !== 'object' || Array.isArray(o.tables)) throw new StateFileError(`${where} has no tables`);
  for (const [name, rows] of Object.entries(o.tables)) {
    if (!Array.isArray(rows)) throw new StateFileError(`${where}: table ${name} is not a list`);
  }
  return o as StateFile;
}

/** Serialise with a yield every `sliceRows` rows: one line per row keeps the file diffable. */
async function serialize(doc: StateDocument, sliceRows = 2000): Promise<string> {
  const parts: string[] = [];
  const header = { format: doc.format, version: doc.version, savedAt: doc.savedAt, clockOffsetMs: doc.clockOffsetMs };
  parts.push(JSON.stringify(header).slice(0, -1), ',"tables":{\n');
  let firstTable = true;
  let sinceYield = 0;
  for (const [name, rows] of Object.entries(doc.tables)) {
    parts.push(firstTable ? '' : ',\n', JSON.stringify(name), ':[');
    firstTable = false;
    let firstRow = true;
    for (const row of rows) {
      parts.push(firstRow ? '\n' : ',\n', JSON.stringify(row));
      firstRow = false;
      if (++sinceYield >= sliceRows) {
        sinceYield = 0;
        await yieldToLoop();
      }
    }
    parts.push(firstRow ? ']' : '\n]');
  }
  parts.push('\n}}\n');
  return parts.join('');
}

/** A lowdb adapter for the state file: full parse on read, sliced serialisation on write. */
export class StateFileAdapter implements Adapter<StateDocument> {
  private readonly file: TextFile;

  constructor(private readonly filename: string) {
    this.file = new TextFile(filename);
  }

  async read(): Promise<StateDocument | null> {
    const text = await this.file.read();
    if (text === null) return null;
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch (e) {
      throw new StateFileError(
        `${this.filename} is corrupt or truncated: ${(e as Error).message}. The file was left untouched; move it away or fix it to start.`,
      );
    }
    return checkStateHeader(raw, this.filename);
  }

  async write(doc: StateDocument): Promise<void> {
    await this.file.write(await serialize(doc));
  }
}

/** Read and check a state file without an adapter (`--seed FILE`). */
export async function readStateFile(filename: string): Promise<StateFile> {
  let text: string;
  try {
    text = await readFile(filename, 'utf8');
  } catch (e) {
    throw new StateFileError(`cannot read ${filename}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new StateFileError(`${filename} is corrupt or truncated: ${(e as Error).message}`);
  }
  return checkStateHeader(raw, filename);
}

export interface PersistenceStatus {
  file: string;
  status: 'ok' | 'degraded';
  lastError: string | null;
  lastFlushAt: string | null;
  flushes: number;
  dirty: boolean;
}

/**
 * Coalesces writes into flushes. `snapshot` returns the live document to write; `onError` hears
 * a failed flush (read-only directory, full disk): the emulator keeps serving from memory, reports
 * `degraded`, and retries on the next change or after a back-off.
 */
export class Persistence {
  private readonly adapter: StateFileAdapter;
  private readonly low: Low<StateDocument>;
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  private dirty = false;
  private closed = false;
  private lastError: string | null = null;
  private lastFlushAt: number | null = null;
  private flushes = 0;

  constructor(
    readonly filename: string,
    private readonly snapshot: () => StateDocument,
    private readonly flushDelayMs: number,
    private readonly onError: (err: Error) => void = () => {},
  ) {
    this.adapter = new StateFileAdapter(filename);
    this.low = new Low(this.adapter, snapshot());
  }

  /** Read the file; null when it does not exist yet. Throws StateFileError when it is unusable. */
  async read(): Promise<StateFile | null> {
    // The adapter directly: lowdb's Low.read keeps its default data when the file is missing,
    // and "missing" must stay distinguishable from "empty".
    return (await this.adapter.read()) as StateFile | null;
  }

  markDirty(): void {
    if (this.closed) return;
    this.dirty = true;
    if (!this.timer && !this.flushing) this.schedule(this.flushDelayMs);
  }

  private schedule(delay: number): void {
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, delay);
    this.timer.unref();
  }

  /** Write now (waiting for a flush already under way). Resolves when the state that was dirty at the call is on disk. */
  async flush(): Promise<void> {
    while (this.flushing) await this.flushing;
    if (!this.dirty) return;
    this.dirty = false;
    this.flushing = (async () => {
      try {
        this.low.data = this.snapshot();
        await this.low.write();
        this.lastFlushAt = Date.now();
        this.flushes++;
        this.lastError = null;
      } catch (e) {
        this.dirty = true;
        const err = e as NodeJS.ErrnoException;
        this.lastError = `${err.code ?? 'error'}: ${err.message}`;
        this.onError(err);
      } finally {
        this.flushing = undefined;
      }
    })();
    await this.flushing;
    if (this.dirty && !this.closed && !this.timer) {
      // Changes arrived during the flush, or it failed: go again (later, after a failure).
      this.schedule(this.lastError ? Math.max(this.flushDelayMs, 1000) : this.flushDelayMs);
    }
  }

  status(): PersistenceStatus {
    return {
      file: this.filename,
      status: this.lastError ? 'degraded' : 'ok',
      lastError: this.lastError,
      lastFlushAt: this.lastFlushAt === null ? null : new Date(this.lastFlushAt).toISOString(),
      flushes: this.flushes,
      dirty: this.dirty,
    };
  }

  /** Final flush; no more flushes are scheduled afterwards. */
  async close(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.flush();
    this.closed = true;
  }
}
