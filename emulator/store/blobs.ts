/**
 * Stored bytes (issue 18 item 7): a content-addressed blob store beside the state document, so a
 * state holding hundreds of MB of files is never one string. The `blobs` table keeps one small
 * row per use of some bytes (`{id, size, sha256}`); the bytes themselves live here once per
 * content, addressed by their sha256, in memory or as files next to `--data`.
 *
 * The API storage code calls is three functions: `put(bytes) -> ref`, `get(ref)`, `release(ref)`.
 * References are counted by the `blobs` table (BlobTable below): inserting a row retains its
 * bytes, deleting it releases them, so code that deletes a row (`db.blobs.delete(id)`) frees the
 * bytes without knowing about this store.
 *
 * On disk (`FileBlobStore`): `NAME.blobs/ab/abcdef...` (first two hex digits as a folder), each
 * file written to a temporary name and renamed, so a file under its final name is always whole.
 * Bytes whose last reference goes are deleted only after the next snapshot is on disk: until then
 * the previous snapshot or the journal may still name them (`sweep`).
 */
import { createHash } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { Blob } from './model.js';
import { Table, type TableChange } from './table.js';

export type BlobRef = string;

export interface BlobStore {
  /** Store bytes; the ref is their sha256 (hex). Storing the same bytes twice stores them once. */
  put(bytes: Buffer): BlobRef;
  /** The bytes of a ref, or undefined when the store does not hold it. */
  get(ref: BlobRef): Buffer | undefined;
  /** One use fewer; the bytes go when none is left (a file store: after the next snapshot). */
  release(ref: BlobRef): void;
  /** One use more (the blobs table calls this for each row it holds). */
  retain(ref: BlobRef): void;
  /** Forget every reference count (before a whole state is loaded); the bytes stay until swept. */
  resetCounts(): void;
  /** Bytes held, and how many distinct contents. */
  stats(): { blobs: number; bytes: number };
  /** Every ref held (an export walks them). */
  refs(): Iterable<BlobRef>;
  /** The refs whose last use went since the last sweep (a snapshot takes them before it is written). */
  releasedRefs(): BlobRef[];
  /**
   * Drop bytes no reference names: among `candidates` only (what a snapshot just written no
   * longer names), or all of them (after start-up, when the loaded state names all it needs).
   */
  sweep(candidates?: Iterable<BlobRef>): void;
}

export function sha256Of(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

const REF = /^[0-9a-f]{64}$/;

/** Reference counts, shared by both stores. */
abstract class Counted implements BlobStore {
  protected readonly counts = new Map<BlobRef, number>();
  abstract put(bytes: Buffer): BlobRef;
  abstract get(ref: BlobRef): Buffer | undefined;
  abstract stats(): { blobs: number; bytes: number };
  abstract refs(): Iterable<BlobRef>;
  abstract releasedRefs(): BlobRef[];
  abstract sweep(candidates?: Iterable<BlobRef>): void;
  protected abstract dropped(ref: BlobRef): void;

  retain(ref: BlobRef): void {
    this.counts.set(ref, (this.counts.get(ref) ?? 0) + 1);
  }

  release(ref: BlobRef): void {
    const n = (this.counts.get(ref) ?? 0) - 1;
    if (n > 0) this.counts.set(ref, n);
    else {
      this.counts.delete(ref);
      this.dropped(ref);
    }
  }

  resetCounts(): void {
    this.counts.clear();
  }
}

/** Bytes in memory (no `--data`): Buffers live outside the V8 heap and are never base64 strings. */
export class MemoryBlobStore extends Counted {
  private readonly bytes = new Map<BlobRef, Buffer>();
  private held = 0;

  put(bytes: Buffer): BlobRef {
    const ref = sha256Of(bytes);
    if (!this.bytes.has(ref)) {
      // A copy: the caller's Buffer may be a slice of a larger one (a multipart body).
      this.bytes.set(ref, Buffer.from(bytes));
      this.held += bytes.length;
    }
    return ref;
  }

  get(ref: BlobRef): Buffer | undefined {
    return this.bytes.get(ref);
  }

  protected dropped(ref: BlobRef): void {
    const b = this.bytes.get(ref);
    if (!b) return;
    this.bytes.delete(ref);
    this.held -= b.length;
  }

  stats(): { blobs: number; bytes: number } {
    return { blobs: this.bytes.size, bytes: this.held };
  }

  refs(): Iterable<BlobRef> {
    return this.bytes.keys();
  }

  releasedRefs(): BlobRef[] {
    return [];
  }

  /** Bytes stored but never referenced (a put whose row was not inserted). */
  sweep(candidates?: Iterable<BlobRef>): void {
    for (const ref of [...(candidates ?? this.bytes.keys())]) if (!this.counts.has(ref)) this.dropped(ref);
  }
}

/**
 * Bytes as files in `dir`. `durable`: each new file is fsynced (and its folder) before `put`
 * returns, so a journal record naming it can be acknowledged (`--durability strict`).
 * Reads go to the file each time: the process holds no copy, so resident memory does not grow
 * with the bytes stored (the page cache keeps what is read often).
 */
export class FileBlobStore extends Counted {
  /** sizes of the files held (known without reading them) */
  private readonly sizes = new Map<BlobRef, number>();
  private held = 0;
  /** refs released since the last sweep: deleted once a snapshot no longer names them */
  private readonly released = new Set<BlobRef>();

  /** bytes a refusing disk could not take yet (written before the next snapshot) */
  private readonly unwritten = new Map<BlobRef, Buffer>();
  /** a write the disk refused (persistence reports it: health degraded) */
  onError: (err: Error) => void = () => {};

  constructor(
    readonly dir: string,
    private readonly durable: boolean,
  ) {
    super();
    mkdirSync(dir, { recursive: true });
    for (const sub of readdirSync(dir)) {
      if (!/^[0-9a-f]{2}$/.test(sub)) continue;
      for (const name of readdirSync(join(dir, sub))) {
        const path = join(dir, sub, name);
        if (!REF.test(name)) {
          // A temporary file a crash left behind.
          if (name.startsWith('.')) rmSync(path, { force: true });
          continue;
        }
        const size = statSync(path).size;
        this.sizes.set(name, size);
        this.held += size;
      }
    }
  }

  private pathOf(ref: BlobRef): string {
    return join(this.dir, ref.slice(0, 2), ref);
  }

  put(bytes: Buffer): BlobRef {
    const ref = sha256Of(bytes);
    this.released.delete(ref);
    if (this.sizes.has(ref) || this.unwritten.has(ref)) return ref;
    try {
      this.writeFile(ref, bytes);
    } catch (e) {
      // The disk refuses (read-only, full): the bytes stay in memory, the request goes on, health
      // reports degraded, and the next snapshot writes them first (writeUnwritten).
      this.unwritten.set(ref, Buffer.from(bytes));
      this.held += bytes.length;
      this.onError(e as Error);
    }
    return ref;
  }

  private writeFile(ref: BlobRef, bytes: Buffer): void {
    const folder = join(this.dir, ref.slice(0, 2));
    if (!existsSync(folder)) {
      // Not recursive first: a read-only or full disk then reports its own error (EROFS, ENOSPC),
      // where a recursive mkdir can answer ENOENT; recursive only when the store's folder is gone.
      try {
        mkdirSync(folder);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'ENOENT') mkdirSync(folder, { recursive: true });
        else if (code !== 'EEXIST') throw e;
      }
    }
    const temp = join(folder, `.${ref}.${process.pid}.tmp`);
    const fd = openSync(temp, 'w');
    try {
      for (let at = 0; at < bytes.length;) at += writeSync(fd, bytes, at, bytes.length - at);
      if (this.durable) fsyncSync(fd);
    } catch (e) {
      closeSync(fd);
      rmSync(temp, { force: true });
      throw e;
    }
    closeSync(fd);
    renameSync(temp, this.pathOf(ref));
    if (this.durable) fsyncDir(folder);
    this.sizes.set(ref, bytes.length);
    this.held += bytes.length;
  }

  /** Write the bytes a refusing disk left in memory; throws while it still refuses (a snapshot waits). */
  writeUnwritten(): void {
    for (const [ref, bytes] of [...this.unwritten]) {
      this.held -= bytes.length;
      try {
        this.writeFile(ref, bytes);
      } catch (e) {
        this.held += bytes.length;
        throw e;
      }
      this.unwritten.delete(ref);
    }
  }

  get(ref: BlobRef): Buffer | undefined {
    const held = this.unwritten.get(ref);
    if (held) return held;
    if (!this.sizes.has(ref)) return undefined;
    try {
      return readFileSync(this.pathOf(ref));
    } catch {
      return undefined;
    }
  }

  protected dropped(ref: BlobRef): void {
    if (this.sizes.has(ref) || this.unwritten.has(ref)) this.released.add(ref);
  }

  stats(): { blobs: number; bytes: number } {
    return { blobs: this.sizes.size + this.unwritten.size, bytes: this.held };
  }

  refs(): Iterable<BlobRef> {
    return [...this.sizes.keys(), ...this.unwritten.keys()];
  }

  releasedRefs(): BlobRef[] {
    return [...this.released];
  }

  /**
   * Call after a snapshot is on disk with the refs released before it was taken: those still
   * unreferenced are deleted. Without candidates (after start-up), every unreferenced file goes.
   */
  sweep(candidates?: Iterable<BlobRef>): void {
    for (const ref of [...(candidates ?? this.refs())]) {
      this.released.delete(ref);
      if (this.counts.has(ref)) continue;
      const held = this.unwritten.get(ref);
      if (held) {
        this.unwritten.delete(ref);
        this.held -= held.length;
        continue;
      }
      if (!this.sizes.has(ref)) continue;
      rmSync(this.pathOf(ref), { force: true });
      this.held -= this.sizes.get(ref)!;
      this.sizes.delete(ref);
    }
  }
}

export function fsyncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // Some platforms refuse to open or fsync a directory; the rename is then as durable as it gets.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** The blobs table: a row per use of some bytes; rows retain and release them in the store. */
export class BlobTable extends Table<Blob> {
  constructor(
    readonly store: BlobStore,
    onChange: (change: TableChange) => void,
  ) {
    super('blobs', {}, onChange);
  }

  override insert(row: Blob): Blob {
    const out = super.insert(row);
    this.store.retain(row.sha256);
    return out;
  }

  override update(id: string, patch: Partial<Blob> | ((row: Blob) => Blob)): Blob {
    const prev = this.get(id);
    const next = super.update(id, patch);
    if (prev && prev.sha256 !== next.sha256) {
      this.store.retain(next.sha256);
      this.store.release(prev.sha256);
    }
    return next;
  }

  override delete(id: string): Blob | undefined {
    const prev = super.delete(id);
    if (prev) this.store.release(prev.sha256);
    return prev;
  }

  override clear(): void {
    for (const row of this.values()) this.store.release(row.sha256);
    super.clear();
  }

  override load(rows: readonly Blob[]): void {
    super.load(rows);
    this.store.resetCounts();
    for (const row of rows) this.store.retain(row.sha256);
  }

  /** The bytes of a row, or undefined when the row or its bytes are missing. */
  bytes(id: string): Buffer | undefined {
    const row = this.get(id);
    return row ? this.store.get(row.sha256) : undefined;
  }
}
