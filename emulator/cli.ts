#!/usr/bin/env node
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { registerExec } from './cli-exec.js';
import { ConfigError, parseRateLimit, type EmulatorConfig, type LogFormat, type LogLevel } from './config.js';
import { exposureWarning, startEmulator, StartupError } from './server.js';
import { VERSION } from './version.js';
import { describeSeed, registerSeed } from './cli-seed.js';
import { DEFAULT_DIALECT, DIALECTS, type Dialect } from './catalogue/index.js';

// The CLI runs from a minified bundle: map stack traces in logs back to the sources.
process.setSourceMapsEnabled(true);

function intArg(name: string, min: number, max: number) {
  return (v: string): number => {
    if (!/^\d+$/.test(v)) throw new InvalidArgumentError(`${name} must be a whole number.`);
    const n = Number(v);
    if (n < min || n > max) throw new InvalidArgumentError(`${name} must be between ${min} and ${max}.`);
    return n;
  };
}

function rateLimitArg(v: string): EmulatorConfig['rateLimit'] {
  try {
    return parseRateLimit(v);
  } catch (e) {
    throw new InvalidArgumentError((e as Error).message);
  }
}

interface StartFlags {
  port: number;
  host: string;
  data?: string;
  seed?: string;
  plans?: string;
  logLevel: LogLevel;
  logFormat?: LogFormat;
  rateLimit?: EmulatorConfig['rateLimit'];
  flushDelayMs?: number;
  ingestDelayMs?: number;
  randomSeed?: string;
  controlToken?: string;
  forwardEventsTo?: string;
  forwardSecret?: string;
  apiDialect?: Dialect;
}

function urlArg(v: string): string {
  try {
    const u = new URL(v);
    if (u.protocol === 'http:' || u.protocol === 'https:') return v;
  } catch {
    // fall through
  }
  throw new InvalidArgumentError('--forward-events-to must be an http(s) URL.');
}

async function start(flags: StartFlags): Promise<void> {
  const running = await startEmulator({
    port: flags.port,
    host: flags.host,
    dataFile: flags.data,
    seedFile: flags.seed,
    plansFile: flags.plans,
    logLevel: flags.logLevel,
    logFormat: flags.logFormat ?? (process.stdout.isTTY ? 'pretty' : 'json'),
    rateLimit: flags.rateLimit,
    flushDelayMs: flags.flushDelayMs,
    ingestDelayMs: flags.ingestDelayMs,
    randomSeed: flags.randomSeed,
    controlToken: flags.controlToken,
    forwardEventsTo: flags.forwardEventsTo,
    forwardSecret: flags.forwardSecret,
    apiDialect: flags.apiDialect,
    env: process.env,
  });
  // The first line on stdout names the base URL, so scripts can read it.
  process.stdout.write(`fastio-emulator ${VERSION} listening on ${running.url} (API dialect ${running.emulator.config.apiDialect})\n`);
  if (running.seed) process.stdout.write(describeSeed(running.seed));
  const exposure = exposureWarning(running.host, flags.controlToken);
  if (exposure) process.stderr.write(exposure);
  if (running.forwarder) {
    const secret = flags.forwardSecret ? '' : ` (x-fastio-emulator-signature secret: ${running.forwardSecret})`;
    process.stdout.write(`forwarding events to ${running.forwarder.url}${secret}\n`);
  }

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) process.exit(1);
    stopping = true;
    running.emulator.log.info({ signal }, 'stopping');
    running.close().then(
      () => process.exit(0),
      (err: unknown) => {
        process.stderr.write(`fastio-emulator: error while stopping: ${(err as Error).message}\n`);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

/** `--api-dialect`: which dialect of the API to serve (start and exec). */
export function apiDialectOption(): Option {
  return new Option('--api-dialect <dialect>', `API dialect to serve (default ${DEFAULT_DIALECT}, or FASTIO_EMULATOR_API_DIALECT)`).choices([...DIALECTS]);
}

export function buildProgram(): Command {
  const program = new Command('fastio-emulator')
    .description('A local emulator of the Fast.io REST API.')
    .version(VERSION)
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();

  program
    .command('start', { isDefault: true })
    .description('Serve the emulated API on localhost')
    .addOption(new Option('-p, --port <port>', 'port to listen on (0 picks a free port)').default(3278).argParser(intArg('--port', 0, 65535)))
    .option('-H, --host <host>', 'address to listen on', '127.0.0.1')
    .option('-d, --data <file>', 'persist state to this JSON file (created if missing)')
    .option(
      '-s, --seed <file|scenario>',
      'load a state file or a named scenario (demo, credits-exhausted, transfer-pending, large) when --data has no saved state yet',
    )
    .option('--plans <file>', 'plan catalog to use instead of fixtures/plans.json')
    .addOption(new Option('--log-level <level>', 'log level').choices(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'))
    .addOption(new Option('--log-format <format>', 'log format (default: pretty on a terminal, json otherwise)').choices(['pretty', 'json']))
    .addOption(new Option('--rate-limit <max/seconds>', 'per-token request budget, e.g. 600/60, or "off"').argParser(rateLimitArg))
    .addOption(new Option('--flush-delay-ms <ms>', 'coalesce writes to --data for this long').argParser(intArg('--flush-delay-ms', 0, 60_000)))
    .addOption(new Option('--ingest-delay-ms <ms>', 'delay of each ingestion step').argParser(intArg('--ingest-delay-ms', 0, 600_000)))
    .option('--random-seed <seed>', 'seed ids and fault probabilities for reproducible runs')
    .option('--control-token <token>', 'require this token on /_emulator/* (and allow it beyond loopback)')
    .addOption(new Option('--forward-events-to <url>', 'POST every audit event to this URL, signed (emulator-only webhook)').argParser(urlArg))
    .option('--forward-secret <secret>', 'HMAC-SHA256 secret of the forwarded events (default: random, printed at start)')
    .addOption(apiDialectOption())
    .action(start);

  registerExec(program);
  registerSeed(program);
  return program;
}

async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version end here with code 0; bad flags with 2.
      process.exit(err.exitCode === 0 ? 0 : 2);
    }
    if (err instanceof StartupError || err instanceof ConfigError) {
      process.stderr.write(`fastio-emulator: error: ${err.message}\n`);
      process.exit(1);
    }
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      process.stderr.write(`fastio-emulator: error: ${(err as Error).message} (another process is using that port; try --port 0)\n`);
      process.exit(1);
    }
    throw err;
  }
}

await main(process.argv);
