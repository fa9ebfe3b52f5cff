#!/usr/bin/env node
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { resolve as resolvePath } from 'node:path';
import { registerExec } from './cli-exec.js';
import { CONFIG_FILE_NAME, ConfigError, DEFAULTS, ENV_VARS, parseRateLimit, type EmulatorConfig, type LogFormat, type LogLevel } from './config.js';
import { exposureWarning, startEmulator, StartupError } from './server.js';
import { VERSION } from './version.js';
import { registerSeed } from './cli-seed.js';
import { registerMcp } from './cli-mcp.js';
import { banner } from './cli-banner.js';
import { didYouMean } from './did-you-mean.js';
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
  port?: number;
  host?: string;
  config?: string;
  data?: string;
  seed?: string;
  plans?: string;
  logLevel?: LogLevel;
  logFormat?: LogFormat;
  rateLimit?: EmulatorConfig['rateLimit'];
  flushDelayMs?: number;
  durability?: 'relaxed' | 'strict';
  ingestDelayMs?: number;
  randomSeed?: string;
  controlToken?: string;
  forwardEventsTo?: string;
  forwardSecret?: string;
  apiDialect?: Dialect;
  mcpPort?: number;
  webUploadHosts?: string[];
  importRoot?: string;
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
    logFormat: flags.logFormat,
    rateLimit: flags.rateLimit,
    flushDelayMs: flags.flushDelayMs,
    durability: flags.durability,
    ingestDelayMs: flags.ingestDelayMs,
    randomSeed: flags.randomSeed,
    controlToken: flags.controlToken,
    forwardEventsTo: flags.forwardEventsTo,
    forwardSecret: flags.forwardSecret,
    apiDialect: flags.apiDialect,
    mcpPort: flags.mcpPort,
    webUploadHosts: flags.webUploadHosts,
    importRoot: flags.importRoot === undefined ? undefined : resolvePath(flags.importRoot),
    env: process.env,
    // Defaults live in config.ts; flags, variables and the config file override them. The log
    // format's default depends on the terminal, so the CLI supplies it as the lowest layer.
    sources: { configFile: flags.config, cwd: process.cwd(), defaults: { logFormat: process.stdout.isTTY ? 'pretty' : 'json' } },
  });
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
  // Before the banner: a script that reads the URL line and stops the emulator at once must find
  // the handlers in place.
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
  // The first line on stdout names the base URL, so scripts can read it.
  process.stdout.write(banner(running, { forwardSecretShown: Boolean(running.emulator.config.forwardSecret) }));
  // The control token may come from the environment or the config file: the config decides.
  const exposure = exposureWarning(running.host, running.emulator.config.controlToken);
  if (exposure) process.stderr.write(exposure);
}

const environmentHelp = [
  '',
  'Environment (flags win over variables, variables over the config file):',
  ...ENV_VARS.map((v) => `  ${v.name.padEnd(34)} ${v.help}`),
  '',
  'Exit codes: 0 stopped cleanly, 1 could not start or stop (port in use, bad state file), 2 bad usage.',
].join('\n');

/** One line for a failed listen: what went wrong and what to try. */
function listenErrorLine(err: NodeJS.ErrnoException & { address?: string; port?: number; hostname?: string }): string | undefined {
  const where = err.address !== undefined ? `${err.address}:${err.port ?? ''}` : 'the address';
  if (err.code === 'EADDRINUSE')
    return `port ${err.port ?? ''} on ${err.address ?? 'this host'} is already in use (another process is using that port; try --port 0)`;
  if (err.code === 'EADDRNOTAVAIL') return `cannot listen on ${where}: this machine has no such address (try --host 127.0.0.1)`;
  if (err.code === 'EACCES') return `cannot listen on ${where}: permission denied (ports below 1024 need privileges; try --port 0)`;
  if (err.code === 'ENOTFOUND' || err.code === 'EAI_AGAIN') return `cannot listen on host "${err.hostname ?? ''}": the name does not resolve`;
  return undefined;
}

/**
 * `fastio-emulator bogus` would otherwise reach the default command as an extra argument
 * ("too many arguments for 'start'"): a word that is not a command is answered as one.
 */
function unknownCommand(program: Command, argv: readonly string[]): string | undefined {
  const word = argv[2];
  if (word === undefined || word.startsWith('-')) return undefined;
  const names = program.commands.flatMap((c) => [c.name(), ...c.aliases()]).concat('help');
  if (names.includes(word)) return undefined;
  const guess = didYouMean(word, names);
  return `unknown command '${word}'${guess ? ` (did you mean ${guess}?)` : ''}; commands: ${names.join(', ')}`;
}

/** `--api-dialect`: which dialect of the API to serve (start and exec). */
export function apiDialectOption(): Option {
  return new Option(
    '--api-dialect <dialect>',
    `API dialect to serve: v2 (today's API) or 2026-04 (the April-2026 profile); default ${DEFAULT_DIALECT}, or FASTIO_EMULATOR_API_DIALECT`,
  ).choices([...DIALECTS]);
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
    // No commander defaults here: a default would hide the environment and the config file.
    .addOption(new Option('-p, --port <port>', `port to listen on, 0 picks a free port (default: ${DEFAULTS.port})`).argParser(intArg('--port', 0, 65535)))
    .option('-H, --host <host>', `address to listen on (default: ${DEFAULTS.host})`)
    .option('-c, --config <file>', `read settings from this JSON file (default: ./${CONFIG_FILE_NAME} when present)`)
    .option('-d, --data <file>', 'persist state to this JSON file (created if missing)')
    .option(
      '-s, --seed <file|scenario>',
      'load a state file or a named scenario (demo, credits-exhausted, transfer-pending, large) when --data has no saved state yet',
    )
    .option('--plans <file>', 'plan catalog to use instead of fixtures/plans.json')
    .addOption(
      new Option('--log-level <level>', `log level (default: ${DEFAULTS.logLevel})`).choices(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
    )
    .addOption(new Option('--log-format <format>', 'log format (default: pretty on a terminal, json otherwise)').choices(['pretty', 'json']))
    .addOption(new Option('--rate-limit <max/seconds>', 'per-token request budget, e.g. 600/60, or "off"').argParser(rateLimitArg))
    .addOption(
      new Option('--flush-delay-ms <ms>', 'with --data: fold a replayed journal into a snapshot this long after start-up; shortest retry wait').argParser(
        intArg('--flush-delay-ms', 0, 60_000),
      ),
    )
    .addOption(
      new Option('--durability <mode>', 'with --data: strict fsyncs the journal before answering a write (default: relaxed)').choices(['relaxed', 'strict']),
    )
    .addOption(new Option('--ingest-delay-ms <ms>', 'delay of each ingestion step').argParser(intArg('--ingest-delay-ms', 0, 600_000)))
    .option('--random-seed <seed>', 'seed ids and fault probabilities for reproducible runs')
    .option('--control-token <token>', 'require this token on /_emulator/* (and allow it beyond loopback)')
    .addOption(new Option('--forward-events-to <url>', 'POST every audit event to this URL, signed (emulator-only webhook)').argParser(urlArg))
    .option('--forward-secret <secret>', 'HMAC-SHA256 secret of the forwarded events (default: random, printed at start)')
    .addOption(apiDialectOption())
    .addOption(
      new Option('--mcp-port <port>', 'also serve the MCP server (/mcp, /sse, /blob) on this port, 0 picks a free port').argParser(
        intArg('--mcp-port', 0, 65535),
      ),
    )
    .option('--import-root <dir>', "a local folder the emulator's cloud import provider reads as its remote drive (write-backs are written into it)")
    .addOption(
      new Option('--web-upload-hosts <hosts>', 'hosts web_upload may fetch from besides loopback, comma-separated (host or host:port)').argParser((v) =>
        v
          .split(',')
          .map((h) => h.trim())
          .filter(Boolean),
      ),
    )
    .addHelpText('after', environmentHelp)
    .action(start);

  registerExec(program);
  registerSeed(program);
  registerMcp(program);
  return program;
}

async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  const unknown = unknownCommand(program, argv);
  if (unknown) {
    process.stderr.write(`fastio-emulator: error: ${unknown}\n(run with --help for usage)\n`);
    process.exit(2);
  }
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version end here with code 0; bad flags with 2.
      process.exit(err.exitCode === 0 ? 0 : 2);
    }
    if (err instanceof ConfigError) {
      process.stderr.write(`fastio-emulator: error: ${err.message}\n`);
      process.exit(2);
    }
    if (err instanceof StartupError) {
      process.stderr.write(`fastio-emulator: error: ${err.message}\n`);
      process.exit(1);
    }
    const listen = listenErrorLine(err as NodeJS.ErrnoException & { address?: string; port?: number; hostname?: string });
    if (listen) {
      process.stderr.write(`fastio-emulator: error: ${listen}\n`);
      process.exit(1);
    }
    throw err;
  }
}

await main(process.argv);
