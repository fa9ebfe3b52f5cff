import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fromPackageRoot } from '../../emulator/index.js';
import { COMMANDS, type CommandRow } from './commands.js';

/**
 * Where the official client is: `FASTIO_CLI`, else the machine's build beside the repository
 * (`../shared/fastio-cli/fastio`). Undefined when neither exists.
 */
export function findOfficialCli(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const candidates = env.FASTIO_CLI ? [resolve(env.FASTIO_CLI)] : [fromPackageRoot('..', 'shared', 'fastio-cli', 'fastio')];
  return candidates.find((c) => existsSync(c));
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  token?: string;
  /** the client's HOME (its profiles and stored credentials); the runner's own by default */
  home?: string;
  cwd?: string;
  timeoutMs?: number;
}

const ROWS = new Map(COMMANDS.map((r) => [r.command, r]));

export function row(command: string): CommandRow {
  const r = ROWS.get(command);
  if (!r) throw new Error(`"${command}" is not in the command table (test/official-client/commands.ts)`);
  return r;
}

/**
 * Runs the official client against one emulator, `--format json`, with a HOME of its own, and
 * remembers which table commands succeeded, so the test can require that every `pass` row ran.
 */
export class OfficialCli {
  readonly succeeded = new Set<string>();

  constructor(
    readonly bin: string,
    readonly apiBase: string,
    readonly home: string,
  ) {}

  run(command: string, args: string[], opts: RunOptions = {}): Promise<CliResult> {
    const argv = [
      '--api-base',
      this.apiBase,
      '--format',
      'json',
      ...(opts.token ? ['--token', opts.token] : []),
      ...command.split(' ').filter(Boolean),
      ...args,
    ];
    // No FASTIO_TOKEN or RUST_LOG from the runner's environment: the command line says everything.
    const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: opts.home ?? this.home, NO_COLOR: '1' };
    return new Promise((done, fail) => {
      const child = spawn(this.bin, argv, { env, cwd: opts.cwd ?? opts.home ?? this.home, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
      child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
      const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
      child.on('error', (e) => {
        clearTimeout(timer);
        fail(e);
      });
      child.on('close', (code) => {
        clearTimeout(timer);
        done({ code, stdout, stderr });
      });
    });
  }

  /**
   * A `pass` command: exit 0 and one JSON document on stdout, which is returned. Throws with the
   * client's stderr otherwise.
   */
  async ok<T = Record<string, unknown>>(command: string, args: string[] = [], opts: RunOptions = {}): Promise<T> {
    const r = row(command);
    if (r.expect !== 'pass') throw new Error(`"${command}" is listed as ${r.expect}, not pass`);
    const res = await this.run(command, args, opts);
    if (res.code !== 0) throw new Error(`fastio ${command} ${args.join(' ')} exited ${res.code}\n${res.stderr}${res.stdout}`);
    let json: T;
    try {
      json = JSON.parse(res.stdout) as T;
    } catch {
      throw new Error(`fastio ${command} printed no JSON:\n${res.stdout}\n${res.stderr}`);
    }
    this.succeeded.add(command);
    return json;
  }

  /** A `pass` command whose output is not JSON (`view` prints markdown): exit 0, stdout returned. */
  async okText(command: string, args: string[], opts: RunOptions = {}): Promise<string> {
    if (row(command).expect !== 'pass') throw new Error(`"${command}" is not listed as pass`);
    const res = await this.run(command, args, opts);
    if (res.code !== 0) throw new Error(`fastio ${command} ${args.join(' ')} exited ${res.code}\n${res.stderr}${res.stdout}`);
    this.succeeded.add(command);
    return res.stdout;
  }
}

/** The subcommands `fastio <path...> --help` lists (clap's "Commands:" block), without `help`. */
export async function subcommands(cli: OfficialCli, path: string[]): Promise<string[]> {
  const res = await cli.run(path.join(' '), ['--help']);
  const block = /\nCommands:\n([\s\S]*?)(\n\n|$)/.exec(res.stdout);
  if (!block) return [];
  return block[1]!
    .split('\n')
    .map((l) => /^\s{2}(\S+)/.exec(l)?.[1])
    .filter((s): s is string => s !== undefined && s !== 'help');
}

/** Leaf commands under a group, depth first. */
export async function leafCommands(cli: OfficialCli, path: string[]): Promise<string[]> {
  const subs = await subcommands(cli, path);
  if (subs.length === 0) return [path.join(' ')];
  const out: string[] = [];
  for (const s of subs) out.push(...(await leafCommands(cli, [...path, s])));
  return out;
}
