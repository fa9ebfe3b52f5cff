/**
 * Plumbing of the reliability tests (issue 9) beyond the shared client (test/support/client.ts):
 * the error-envelope check, the CI / long switch, the CLI in a child process with its log, and the
 * summaries each test prints and writes under test-results/reliability/ (RELIABILITY.md is made
 * from them by `npm run soak`).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cliPath } from '../../contracts/target.js';
import { fromPackageRoot } from '../../emulator/index.js';
import { mulberry32 } from '../../emulator/store/random.js';
import { UNIT_TEST_DIALECT } from '../support/client.js';

/** `npm run soak` sets FASTIO_RELIABILITY=long: the long forms of every reliability test. */
export const LONG = process.env.FASTIO_RELIABILITY === 'long';

export function scale<T>(ci: T, long: T): T {
  return LONG ? long : ci;
}

export const RESULTS_DIR = fromPackageRoot('test-results', 'reliability');

/** Print a summary with its counts and keep it as JSON for the report. */
export function report(name: string, summary: Record<string, unknown>): void {
  const doc = { name, mode: LONG ? 'long' : 'ci', finished: new Date().toISOString(), node: process.version, ...summary };
  console.log(`[reliability] ${name}: ${JSON.stringify(summary)}`);
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(join(RESULTS_DIR, `${name}.${doc.mode}.json`), JSON.stringify(doc, null, 2) + '\n');
}

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** `{"result": false, "error": {"code": <number>, "text": <string>, ...}}` with a 4xx status. */
export function envelopeProblem(a: { status: number; text: string; headers?: Headers }): string | undefined {
  if (a.status < 400 || a.status > 499) return `status ${a.status} is not a 4xx`;
  const body = parseJson(a.text) as { result?: unknown; error?: { code?: unknown; text?: unknown } } | undefined;
  if (!body || typeof body !== 'object') return 'the body is not JSON';
  if (body.result !== false) return 'result is not false';
  if (!body.error || typeof body.error.code !== 'number' || typeof body.error.text !== 'string') return 'error.code / error.text missing';
  const type = a.headers?.get('content-type');
  if (type != null && !type.startsWith('application/json')) return `content-type ${type}`;
  return undefined;
}

/** A small deterministic random source for the tests' own choices (mulberry32). */
export const prng = mulberry32;

/**
 * The CLI in a child process, like contracts/target.ts `spawnEmulator`, keeping its log (stdout)
 * as well as stderr: the reliability tests read what the emulator says about a failing disk.
 */
export async function spawnWithLog(args: string[]): Promise<{ url: string; child: ChildProcess; output: () => string }> {
  // The unit tests' dialect (April): their orgs spend without buying a V2 plan first.
  const child = spawn(process.execPath, [cliPath(), 'start', '--port', '0', '--log-format', 'json', '--api-dialect', UNIT_TEST_DIALECT, ...args], {
    env: { ...process.env, FASTIO_EMULATOR_PORT: undefined },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (output += d));
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (output += d));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the emulator did not start within 15 s: ${output}`)), 15_000);
    const onData = () => {
      const m = /listening on (http:\/\/\S+)/.exec(output);
      if (m) {
        clearTimeout(timer);
        child.stdout!.off('data', onData);
        resolve(m[1]!);
      }
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the emulator exited with ${code} before listening: ${output}`));
    });
  });
  return { url, child, output: () => output };
}
