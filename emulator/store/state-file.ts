import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Adapter } from 'lowdb';
import { STATE_FORMAT, STATE_VERSION, type StateFile } from './db.js';
import { readStateJson, StateSyntaxError } from './state-reader.js';

/**
 * The snapshot file: the in-memory state as one JSON file, through a lowdb `Adapter` (no `Low`:
 * it added nothing between the snapshot and the adapter). persistence.ts decides when it is
 * rewritten (the journal, journal.ts, holds the changes in between).
 *
 * - Atomic replace: the state is written to a temporary file (`.NAME.tmp`, as lowdb's TextFile
 *   does) and renamed over the old one, so a reader (or a restart after SIGKILL) sees either the
 *   previous complete file or the new one.
 * - Without long pauses: rows are serialised in chunks of about CHUNK_CHARS characters, and each
 *   chunk is written (on libuv's thread pool) before the next is built, so requests are served
 *   between chunks and the whole file never exists as one string. (Building it as one string
 *   meant one join and one UTF-8 encoding of the whole state in a single turn of the event loop:
 *   about 300 ms for a 200,000-row, 73 MB state; scripts/bench/persistence.ts measures this.)
 *   Rows are immutable (tables replace them on update), so every row written is a consistent
 *   version of itself.
 * - Versioned: `format` and `version` head the file; a newer version is refused at start.
 */

/** What gets written: a header and, per table, the rows to save (live iterables, not copies). */
export interface StateDocument {
  format: typeof STATE_FORMAT;
  version: number;
  savedAt: string;
  clockOffsetMs: number;
  /** the first journal generation to replay over this snapshot (a `--data` snapshot only) */
  journal?: number;
  tables: Record<string, Iterable<unknown>>;
  /**
   * An export's bytes: written as a last table, `blobContent`, one row per content
   * (`{"id": SHA256, "data": BASE64}`), each row's base64 produced in pieces.
   */
  blobContent?: { refs: Iterable<string>; get: (ref: string) => Buffer | undefined };
}

/** The pseudo-table of an export that carries the bytes of `blobs` rows. */
export const BLOB_CONTENT_TABLE = 'blobContent';

/** Bytes per base64 piece of a blob (a multiple of 3, so pieces join into one valid base64). */
const BASE64_PIECE = 3 * 32 * 1024;

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

/**
 * The size of one synchronous step of a flush: well under a millisecond of `JSON.stringify`
 * (median 0.6-0.9 ms on a 2.3 GHz server vCPU); a row longer than this is one chunk on its own.
 */
const CHUNK_CHARS = 128 * 1024;

/** The file's text in chunks of about `chunkChars`, one line per row (the file stays diffable). */
export function* serializeChunks(doc: StateDocument, chunkChars = CHUNK_CHARS): Generator<string> {
  let chunk = '';
  const header = {
    format: doc.format,
    version: doc.version,
    savedAt: doc.savedAt,
    clockOffsetMs: doc.clockOffsetMs,
    ...(doc.journal !== undefined ? { journal: doc.journal } : {}),
  };
  chunk += JSON.stringify(header).slice(0, -1) + ',"tables":{\n';
  let firstTable = true;
  for (const [name, rows] of Object.entries(doc.tables)) {
    chunk += (firstTable ? '' : ',\n') + JSON.stringify(name) + ':[';
    firstTable = false;
    let firstRow = true;
    for (const row of rows) {
      chunk += (firstRow ? '\n' : ',\n') + JSON.stringify(row);
      firstRow = false;
      if (chunk.length >= chunkChars) {
        yield chunk;
        chunk = '';
      }
    }
    chunk += firstRow ? ']' : '\n]';
  }
  if (doc.blobContent) {
    chunk += (firstTable ? '' : ',\n') + JSON.stringify(BLOB_CONTENT_TABLE) + ':[';
    let firstRow = true;
    for (const ref of doc.blobContent.refs) {
      const bytes = doc.blobContent.get(ref);
      if (!bytes) continue;
      chunk += `${firstRow ? '\n' : ',\n'}{"id":${JSON.stringify(ref)},"data":"`;
      firstRow = false;
      for (let at = 0; at < bytes.length; at += BASE64_PIECE) {
        chunk += bytes.toString('base64', at, Math.min(bytes.length, at + BASE64_PIECE));
        if (chunk.length >= chunkChars) {
          yield chunk;
          chunk = '';
        }
      }
      chunk += '"}';
    }
    chunk += firstRow ? ']' : '\n]';
  }
  yield chunk + '\n}}\n';
}

/** The temporary file lowdb's TextFile (steno) uses: `.NAME.tmp` next to the file. */
function tempFileOf(filename: string): string {
  return join(dirname(filename), `.${basename(filename)}.tmp`);
}

/** Rename, retried like steno does (Windows refuses while another process holds the file open). */
async function renameWithRetry(from: string, to: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await rename(from, to);
      return;
    } catch (e) {
      if (attempt >= 10) throw e;
      await sleep(100);
    }
  }
}

/** A lowdb adapter for the state file: record-by-record read, chunked atomic write. */
export class StateFileAdapter implements Adapter<StateDocument> {
  /** Writes run one at a time (Persistence never overlaps them; this keeps the adapter safe alone). */
  private writing: Promise<void> = Promise.resolve();

  constructor(private readonly filename: string) {}

  async read(): Promise<StateDocument | null> {
    let raw: unknown;
    try {
      raw = await readStateJson(this.filename);
    } catch (e) {
      if (!(e instanceof StateSyntaxError))
        throw new StateFileError(`cannot read ${this.filename}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
      throw new StateFileError(
        `${this.filename} is corrupt or truncated: ${(e as Error).message}. The file was left untouched; move it away or fix it to start.`,
      );
    }
    return raw === null ? null : checkStateHeader(raw, this.filename);
  }

  write(doc: StateDocument): Promise<void> {
    const next = this.writing.then(
      () => this.writeNow(doc),
      () => this.writeNow(doc),
    );
    this.writing = next.catch(() => {});
    return next;
  }

  private async writeNow(doc: StateDocument): Promise<void> {
    const temp = tempFileOf(this.filename);
    const fh = await open(temp, 'w');
    try {
      // Each awaited write hands the event loop back before the next chunk is built.
      for (const chunk of serializeChunks(doc)) {
        const bytes = Buffer.from(chunk, 'utf8');
        for (let at = 0; at < bytes.length;) at += (await fh.write(bytes, at, bytes.length - at)).bytesWritten;
      }
    } catch (e) {
      await fh.close().catch(() => {});
      await rm(temp, { force: true }).catch(() => {});
      throw e;
    }
    // On disk before it replaces the old snapshot: the journal it lets go of is deleted after.
    await fh.sync();
    await fh.close();
    await renameWithRetry(temp, this.filename);
  }
}

/** Read and check a state file without an adapter (`--seed FILE`). */
export async function readStateFile(filename: string): Promise<StateFile> {
  let raw: unknown;
  try {
    raw = await readStateJson(filename);
  } catch (e) {
    if (e instanceof StateSyntaxError) throw new StateFileError(`${filename} is corrupt or truncated: ${e.message}`);
    throw new StateFileError(`cannot read ${filename}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  if (raw === null) throw new StateFileError(`cannot read ${filename}: ENOENT`);
  return checkStateHeader(raw, filename);
}
