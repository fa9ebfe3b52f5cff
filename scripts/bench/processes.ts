/**
 * Servers under test run as child processes, each on its own port on 127.0.0.1, with stdout and
 * stderr going to a log file (what a CI job that keeps the emulator's log does). The load
 * generator stays in the bench process, so a server never shares its event loop with it.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { basename, join } from 'node:path';
import { fromPackageRoot } from '../../emulator/paths.js';

export interface ServerProcess {
  name: string;
  /** `http://127.0.0.1:PORT` */
  url: string;
  pid: number;
  /** The command line, for the report (paths relative to the package root). */
  command: string;
  logFile: string;
  child: ChildProcess;
  /** SIGTERM (the emulator flushes `--data`), SIGKILL after 10 s. */
  stop(): Promise<void>;
  /** Set when the process exited without being asked to: how (signal or exit code). */
  readonly unexpectedExit: string | undefined;
}

const running = new Set<ChildProcess>();
// A crashed or interrupted bench must not leave servers behind: kill the ones it started, by pid.
process.once('exit', () => {
  for (const c of running) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.once(sig, () => process.exit(130));
}

/** A port that was free a moment ago (the server binds it right after). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

function relative(p: string): string {
  const root = fromPackageRoot();
  return p.startsWith(root + '/') ? p.slice(root.length + 1) : p;
}

export interface StartServerOptions {
  name: string;
  /** Arguments to `node` (script first); `{port}` here and in `env` values is replaced by the chosen port. */
  args: string[];
  env?: NodeJS.ProcessEnv;
  /** Path polled until it answers; `readyStatus` (default: any status below 500). */
  readyPath: string;
  readyStatus?: number;
  readyTimeoutMs?: number;
  logDir: string;
}

export async function startServer(opts: StartServerOptions): Promise<ServerProcess> {
  const port = await freePort();
  const args = opts.args.map((a) => a.replaceAll('{port}', String(port)));
  const logFile = join(opts.logDir, `${opts.name.replace(/[^a-z0-9]+/gi, '-')}-${port}.log`);
  const fd = openSync(logFile, 'w');
  const child = spawn(process.execPath, args, {
    cwd: fromPackageRoot(),
    stdio: ['ignore', fd, fd],
    env: {
      ...process.env,
      NODE_OPTIONS: '',
      ...Object.fromEntries(Object.entries(opts.env ?? {}).map(([k, v]) => [k, v?.replaceAll('{port}', String(port))])),
    },
  });
  closeSync(fd);
  running.add(child);
  let stopping = false;
  let unexpectedExit: string | undefined;
  child.once('exit', (code, signal) => {
    running.delete(child);
    // A server that goes away in the middle of a run makes the next request fail with
    // ECONNREFUSED: say which one, how, and what it logged last.
    if (!stopping) {
      unexpectedExit = signal ?? `exit code ${code}`;
      console.error(`\n!! ${opts.name} (pid ${child.pid}) exited unexpectedly: ${unexpectedExit}. Last log: ${tail(logFile, 400)}\n`);
    }
  });
  const url = `http://127.0.0.1:${port}`;
  const command = ['node', ...args.map(relative)].join(' ');
  const stop = (): Promise<void> => {
    stopping = true;
    if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      child.kill('SIGTERM');
    });
  };
  const deadline = Date.now() + (opts.readyTimeoutMs ?? 30_000);
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`${opts.name} exited (${child.exitCode ?? child.signalCode}) before answering: ${tail(logFile)}`);
    }
    const res = await fetch(`${url}${opts.readyPath}`).catch(() => undefined);
    if (res) {
      await res.arrayBuffer();
      if (opts.readyStatus === undefined ? res.status < 500 : res.status === opts.readyStatus) break;
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`${opts.name} did not answer ${opts.readyPath} within ${opts.readyTimeoutMs ?? 30_000} ms: ${tail(logFile)}`);
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  return {
    name: opts.name,
    url,
    pid: child.pid!,
    command,
    logFile,
    child,
    stop,
    get unexpectedExit() {
      return unexpectedExit;
    },
  };
}

export function tail(file: string, chars = 800): string {
  try {
    const text = readFileSync(file, 'utf8');
    return text.length > chars ? `…${text.slice(-chars)}` : text;
  } catch {
    return `(no log at ${basename(file)})`;
  }
}

/** Resident and peak resident memory of a process, from /proc (Linux); undefined elsewhere. */
export function memoryOf(pid: number): { rssBytes: number; peakRssBytes: number } | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024;
    return { rssBytes: kb('VmRSS'), peakRssBytes: kb('VmHWM') };
  } catch {
    return undefined;
  }
}

let clockTicks: number | undefined;

/**
 * CPU time (user + system, all threads) a process has used, in ms, from /proc (Linux); undefined
 * elsewhere. Unlike req/s, CPU time per request barely moves when other work shares the machine.
 */
export function cpuTimeMs(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may contain spaces): state is field 3, utime 14, stime 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    clockTicks ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / clockTicks;
  } catch {
    return undefined;
  }
}
