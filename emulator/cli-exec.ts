/**
 * `fastio-emulator exec [--with-persona] -- <command> [args...]`: for a user's own CI. Starts the
 * emulator on a free port, runs the command with `FASTIO_API_BASE` and `FASTIO_MCP_URL` (and, with --with-persona, a
 * ready persona's `FASTIO_API_KEY`) in its environment, stops the emulator, and exits with the
 * command's exit code. SIGINT and SIGTERM are forwarded to the command.
 */
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { Option, type Command } from 'commander';
import type { LogLevel } from './config.js';
import { DEFAULT_DIALECT, DIALECTS, type Dialect } from './catalogue/index.js';
import { createLogger } from './logger.js';
import { startEmulator } from './server.js';

interface ExecFlags {
  withPersona?: boolean;
  personaType: 'agent' | 'human';
  seed?: string;
  plans?: string;
  logLevel: LogLevel;
  apiDialect?: Dialect;
  /** false with --no-mcp */
  mcp: boolean;
}

/** What the command finds in its environment. */
export const EXEC_ENV = {
  base: 'FASTIO_API_BASE',
  emulator: 'FASTIO_EMULATOR_URL',
  dialect: 'FASTIO_EMULATOR_API_DIALECT',
  apiKey: 'FASTIO_API_KEY',
  token: 'FASTIO_AUTH_TOKEN',
  userId: 'FASTIO_USER_ID',
  email: 'FASTIO_USER_EMAIL',
  password: 'FASTIO_USER_PASSWORD',
  /** the MCP server's Streamable HTTP endpoint (`…/mcp`; `/sse` and `/blob` beside it) */
  mcp: 'FASTIO_MCP_URL',
} as const;

/** A persona made through the control plane, as environment variables. */
export async function personaEnv(baseUrl: string, accountType: 'agent' | 'human'): Promise<Record<string, string>> {
  const res = await fetch(`${baseUrl}/_emulator/users/`, {
    method: 'POST',
    // the project's own clients name themselves on the control plane (emulator/http/control-guard.ts)
    headers: { 'x-fastio-emulator-client': '1' },
    body: new URLSearchParams({ account_type: accountType }),
  });
  const p = (await res.json()) as Record<string, string>;
  if (res.status !== 200) throw new Error(`cannot create a persona: ${res.status} ${JSON.stringify(p)}`);
  return {
    [EXEC_ENV.apiKey]: p.api_key!,
    [EXEC_ENV.token]: p.auth_token!,
    [EXEC_ENV.userId]: p.user_id!,
    [EXEC_ENV.email]: p.email_address!,
    [EXEC_ENV.password]: p.password!,
  };
}

async function exec(command: string, args: string[], flags: ExecFlags): Promise<number> {
  // Logs go to stderr: the command's stdout stays its own.
  const logger = await createLogger(flags.logLevel, 'json', process.stderr);
  const running = await startEmulator({
    port: 0,
    host: '127.0.0.1',
    seedFile: flags.seed,
    plansFile: flags.plans,
    apiDialect: flags.apiDialect,
    // CHOICE: exec serves MCP on a free port unless --no-mcp (an agent under test finds FASTIO_MCP_URL).
    mcpPort: flags.mcp ? 0 : undefined,
    logger,
    env: process.env,
  });
  try {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      [EXEC_ENV.base]: running.url,
      [EXEC_ENV.emulator]: running.url,
      [EXEC_ENV.dialect]: running.emulator.config.apiDialect,
    };
    if (running.mcpUrl) env[EXEC_ENV.mcp] = `${running.mcpUrl}/mcp`;
    if (flags.withPersona) Object.assign(env, await personaEnv(running.url, flags.personaType));

    const child = spawn(command, args, { stdio: 'inherit', env });
    const forward = (signal: NodeJS.Signals) => () => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    };
    const onInt = forward('SIGINT');
    const onTerm = forward('SIGTERM');
    process.on('SIGINT', onInt);
    process.on('SIGTERM', onTerm);
    try {
      return await new Promise<number>((resolve) => {
        child.once('error', (err: NodeJS.ErrnoException) => {
          process.stderr.write(`fastio-emulator exec: cannot run "${command}": ${err.message}\n`);
          resolve(err.code === 'ENOENT' ? 127 : 126);
        });
        // A command ended by a signal exits like a shell reports it: 128 + the signal's number.
        child.once('exit', (code, signal) => resolve(code ?? 128 + (signal ? (constants.signals[signal] ?? 0) : 0)));
      });
    } finally {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
    }
  } finally {
    await running.close();
  }
}

/** Add the `exec` command to the CLI program. */
export function registerExec(program: Command): void {
  // Options after the command name belong to the command, not to the emulator.
  program.enablePositionalOptions();
  program
    .command('exec')
    .description("Start the emulator on a free port, run a command against it (FASTIO_API_BASE), stop, and exit with the command's code")
    .usage('[options] -- <command> [args...]')
    .argument('<command>', 'the command to run')
    .argument('[args...]', 'its arguments')
    .option('--with-persona', 'create a ready persona: FASTIO_API_KEY, FASTIO_AUTH_TOKEN, FASTIO_USER_ID, FASTIO_USER_EMAIL, FASTIO_USER_PASSWORD')
    .addOption(new Option('--persona-type <type>', 'account type of the persona').choices(['agent', 'human']).default('agent'))
    .option('-s, --seed <file>', 'load this state file at start')
    .option('--no-mcp', 'do not serve the MCP server (by default it listens on a free port: FASTIO_MCP_URL)')
    .option('--plans <file>', 'plan catalog to use instead of fixtures/plans.json')
    .addOption(
      new Option('--api-dialect <dialect>', `API dialect to serve: v2 or 2026-04 (the April profile); default ${DEFAULT_DIALECT}`).choices([...DIALECTS]),
    )
    .addOption(
      new Option('--log-level <level>', "the emulator's log level (logs go to stderr)")
        .choices(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
        .default('warn'),
    )
    .passThroughOptions()
    .action(async (command: string, args: string[], flags: ExecFlags) => {
      process.exit(await exec(command, args, flags));
    });
}
