import { accessSync, constants, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/**
 * One process per data file. Two emulators on one `--data` file would each flush their own state
 * over the other's, and the writes one of them acknowledged would be lost; so start-up takes
 * `FILE.lock`, created exclusively (`wx`: O_CREAT | O_EXCL) and holding the owner's pid.
 *
 * - A lock whose pid is alive refuses the start, naming the file and the pid.
 * - A lock whose pid is not running (the owner was killed, the machine rebooted) is stale: it is
 *   taken over, and the caller is told so.
 * - Released on a clean stop, only if it is still this process's own.
 *
 * Checked before anything is read: a folder that is missing or refuses writes would otherwise
 * let the emulator serve and drop every write (a folder that turns read-only later is reported
 * `degraded` by Persistence instead).
 */
export class DataLockError extends Error {}

export class DataFileLock {
  private released = false;

  private constructor(
    readonly file: string,
    readonly lockFile: string,
  ) {}

  /** Take the lock of `file`, or throw DataLockError saying why not. `note` hears a stale lock taken over. */
  static acquire(file: string, note: (message: string) => void): DataFileLock {
    const dir = dirname(resolve(file));
    checkFolder(file, dir);
    const lockFile = `${file}.lock`;
    const content = `${process.pid}\n`;
    // Twice at most: once, and once more after removing a stale lock (another process may take it first).
    for (let attempt = 1; ; attempt++) {
      try {
        writeFileSync(lockFile, content, { flag: 'wx' });
        return new DataFileLock(file, lockFile);
      } catch (e) {
        const err = e as NodeJS.ErrnoException;
        if (err.code === 'EACCES' || err.code === 'EROFS' || err.code === 'EPERM')
          throw new DataLockError(`the folder of --data ${file} is not writable (${dir}: ${err.code}).`);
        if (err.code !== 'EEXIST') throw new DataLockError(`cannot create the lock file ${lockFile} for --data ${file}: ${err.code ?? err.message}`);
      }
      const owner = readOwner(lockFile);
      if (owner !== undefined && isAlive(owner)) {
        const who = owner === process.pid ? 'this process (another emulator in it)' : `another process (pid ${owner})`;
        throw new DataLockError(`${file} is in use by ${who}: its lock ${lockFile} is held. Stop that emulator or use another --data file.`);
      }
      if (attempt >= 2) throw new DataLockError(`${file}: could not take over the stale lock ${lockFile}`);
      note(`taking over the stale lock ${lockFile} (${owner === undefined ? 'no pid in it' : `pid ${owner} is not running`})`);
      try {
        unlinkSync(lockFile);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw new DataLockError(`cannot remove the stale lock ${lockFile}: ${(e as Error).message}`);
      }
    }
  }

  /** Remove the lock file if it is still ours. */
  release(): void {
    if (this.released) return;
    this.released = true;
    if (readOwner(this.lockFile) !== process.pid) return;
    try {
      unlinkSync(this.lockFile);
    } catch {
      // Already gone: nothing to release.
    }
  }
}

function checkFolder(file: string, dir: string): void {
  let isDir: boolean;
  try {
    isDir = statSync(dir).isDirectory();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new DataLockError(`the folder of --data ${file} does not exist: ${dir}. Create it first.`);
    if (code === 'ENOTDIR') throw new DataLockError(`the folder of --data ${file} is not a folder: ${dir}`);
    throw new DataLockError(`cannot reach the folder of --data ${file} (${dir}): ${code ?? (e as Error).message}`);
  }
  if (!isDir) throw new DataLockError(`the folder of --data ${file} is not a folder: ${dir}`);
  try {
    accessSync(dir, constants.W_OK);
  } catch (e) {
    throw new DataLockError(`the folder of --data ${file} is not writable (${dir}: ${(e as NodeJS.ErrnoException).code ?? 'refused'}).`);
  }
}

function readOwner(lockFile: string): number | undefined {
  try {
    const pid = Number(readFileSync(lockFile, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Signal 0 checks that the pid exists; EPERM means it exists under another user. A zombie (killed,
 * not yet reaped by its parent: a script that restarts right after `kill -9`) still answers signal
 * 0 but holds nothing, so on Linux its state in /proc counts it dead.
 */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true;
  }
}
