/**
 * The emulator provider's remote drive: what an `emulator` identity sees as its cloud storage.
 * Files live in the `importRemote` table (id = absolute path, `/projects/a.txt`), so they are part
 * of the saved state and of a reset; the control plane sets them (`POST /_emulator/imports/tree`).
 * With `--import-root <dir>` a local folder is the drive as well: its files are read into the table
 * before every listing (a file whose bytes changed on disk gets a new revision) and write-backs are
 * written into it. CHOICE: only regular files inside the folder are read (no symlinks out of it).
 */
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { Errors } from '../http/errors.js';
import type { Db } from '../store/db.js';
import type { RemoteFile } from '../store/import-model.js';

/** CHOICE: at most 10 MiB per remote file and 2,000 files read from an import root. */
export const REMOTE_FILE_MAX = 10 * 1024 * 1024;
const ROOT_FILES_MAX = 2000;

/** `/a/b` from `a/b/`, `/a//b`, `\\a\\b`; `..` and `.` segments are refused. */
export function normalizeRemotePath(raw: string, what = 'remote_path'): string {
  const segs = raw.replaceAll('\\', '/').split('/').filter(Boolean);
  for (const s of segs)
    if (s === '.' || s === '..' || s.length > 255) throw Errors.invalidField(what, 'A remote path is folder names joined by "/" (no "." or "..").');
  return `/${segs.join('/')}`;
}

/** `/a/b/c.txt` under `/a` -> `b/c.txt`; undefined outside it. */
export function relativeTo(prefix: string, path: string): string | undefined {
  if (prefix === '/') return path.slice(1);
  return path.startsWith(`${prefix}/`) ? path.slice(prefix.length + 1) : undefined;
}

export class RemoteDrive {
  constructor(
    private readonly db: Db,
    private readonly now: () => number,
    /** `--import-root`, an absolute folder, or undefined */
    private readonly root: string | undefined,
  ) {}

  /** The files under `prefix` (absolute paths), by path. */
  files(prefix: string): RemoteFile[] {
    this.scanRoot();
    const out: RemoteFile[] = [];
    for (const f of this.db.importRemote.values()) if (relativeTo(prefix, f.id) !== undefined) out.push(f);
    return out.sort((a, b) => (a.id < b.id ? -1 : 1));
  }

  /** The folders at the top of the drive and of `prefix`, with what they hold (discover). */
  folders(): { path: string; name: string; file_count: number; size: number }[] {
    const byTop = new Map<string, { count: number; size: number }>();
    for (const f of this.files('/')) {
      const top = f.id.split('/')[1];
      if (top === undefined || f.id.split('/').length < 3) continue;
      const cur = byTop.get(top) ?? { count: 0, size: 0 };
      byTop.set(top, { count: cur.count + 1, size: cur.size + f.size });
    }
    return [...byTop.entries()].map(([name, v]) => ({ path: `/${name}`, name, file_count: v.count, size: v.size }));
  }

  get(path: string): RemoteFile | undefined {
    return this.db.importRemote.get(path);
  }

  bytes(f: RemoteFile): Buffer {
    return Buffer.from(f.data, 'base64');
  }

  /** Write one file (a write-back, the control plane): a new revision. */
  put(path: string, bytes: Buffer): RemoteFile {
    if (bytes.length > REMOTE_FILE_MAX) throw Errors.payloadTooLarge(REMOTE_FILE_MAX);
    const prev = this.db.importRemote.get(path);
    const row: RemoteFile = { id: path, data: bytes.toString('base64'), size: bytes.length, rev: (prev?.rev ?? 0) + 1, modified: this.now() };
    if (this.root) this.writeRoot(path, bytes);
    return prev ? this.db.importRemote.update(path, row) : this.db.importRemote.insert(row);
  }

  /** Replace everything under `prefix` with these files (paths relative to it). */
  replaceTree(prefix: string, files: { path: string; bytes: Buffer }[]): RemoteFile[] {
    const keep = new Set(files.map((f) => normalizeRemotePath(`${prefix}/${f.path}`, 'files.path')));
    for (const f of this.db.importRemote.toArray()) if (relativeTo(prefix, f.id) !== undefined && !keep.has(f.id)) this.db.importRemote.delete(f.id);
    const out: RemoteFile[] = [];
    for (const f of files) {
      const path = normalizeRemotePath(`${prefix}/${f.path}`, 'files.path');
      if (path === prefix) throw Errors.invalidField('files.path', 'A file needs a name below the tree path.');
      const prev = this.db.importRemote.get(path);
      out.push(prev && prev.data === f.bytes.toString('base64') ? prev : this.put(path, f.bytes));
    }
    return out;
  }

  remove(path: string): void {
    this.db.importRemote.delete(path);
  }

  private scanRoot(): void {
    if (!this.root || !existsSync(this.root)) return;
    let seen = 0;
    const walk = (dir: string): void => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        if (seen >= ROOT_FILES_MAX) return;
        const full = join(dir, entry.name);
        if (entry.isDirectory()) walk(full);
        else if (entry.isFile() && lstatSync(full).size <= REMOTE_FILE_MAX) {
          seen++;
          const path = `/${relative(this.root!, full).split(sep).join('/')}`;
          const data = readFileSync(full).toString('base64');
          const prev = this.db.importRemote.get(path);
          if (prev?.data === data) continue;
          const row: RemoteFile = { id: path, data, size: Buffer.byteLength(data, 'base64'), rev: (prev?.rev ?? 0) + 1, modified: this.now() };
          if (prev) this.db.importRemote.update(path, row);
          else this.db.importRemote.insert(row);
        }
      }
    };
    walk(this.root);
  }

  private writeRoot(path: string, bytes: Buffer): void {
    const target = resolve(this.root!, `.${path}`);
    if (!target.startsWith(resolve(this.root!) + sep)) throw Errors.invalidField('path', 'The path leaves the import root.');
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, bytes);
  }
}
