/**
 * `fastio-emulator mcp`: the MCP server over stdio, for MCP clients that spawn a process (Claude
 * Desktop, agent frameworks' stdio clients). The emulator starts as `start` would (its REST API
 * on `--port`, 0 by default: a free port, for download and ZIP URLs), one MCP session runs on
 * stdin/stdout, and the process ends when stdin closes. stdout carries the protocol only: logs
 * and the one start-up line go to stderr. `--mcp-port` also serves `/mcp`, `/sse` and `/blob`.
 */
import { InvalidArgumentError, Option, type Command } from 'commander';
import type { LogLevel } from './config.js';
import { DEFAULT_DIALECT, DIALECTS, type Dialect } from './catalogue/index.js';
import { createLogger } from './logger.js';
import { startEmulator } from './server.js';

interface McpFlags {
  port: number;
  mcpPort?: number;
  seed?: string;
  data?: string;
  plans?: string;
  logLevel: LogLevel;
  apiDialect?: Dialect;
  mode?: 'named' | 'code';
}

function portArg(name: string) {
  return (v: string): number => {
    if (!/^\d+$/.test(v) || Number(v) > 65535) throw new InvalidArgumentError(`${name} must be a port number (0 picks a free port).`);
    return Number(v);
  };
}

async function serve(flags: McpFlags): Promise<void> {
  const logger = await createLogger(flags.logLevel, 'json', process.stderr);
  const running = await startEmulator({
    port: flags.port,
    host: '127.0.0.1',
    seedFile: flags.seed,
    dataFile: flags.data,
    plansFile: flags.plans,
    apiDialect: flags.apiDialect,
    mcpPort: flags.mcpPort,
    logger,
    env: process.env,
  });
  const { McpHost } = await import('./mcp/host.js');
  const host = running.mcp ?? new McpHost({ emulator: running.emulator, app: running.app, routes: running.routes, apiUrl: running.url, mode: flags.mode });
  process.stderr.write(`fastio-emulator MCP over stdio (API ${running.url}${running.mcpUrl ? `, MCP HTTP ${running.mcpUrl}/mcp` : ''})\n`);
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    void (async () => {
      await host.close().catch(() => undefined);
      await running.close();
      process.exit(0);
    })();
  };
  process.stdin.once('end', stop);
  process.stdin.once('close', stop);
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  await host.serveStdio(process.stdin, process.stdout);
}

export function registerMcp(program: Command): void {
  program
    .command('mcp')
    .description('Serve the emulator as an MCP server over stdio (for MCP clients that spawn a process)')
    .addOption(new Option('-p, --port <port>', 'port of the REST API beside it (default: 0, a free port)').argParser(portArg('--port')).default(0))
    .addOption(new Option('--mcp-port <port>', 'also serve MCP over HTTP (/mcp, /sse, /blob) on this port').argParser(portArg('--mcp-port')))
    .option('-s, --seed <file|scenario>', 'load a state file or a named scenario')
    .option('-d, --data <file>', 'persist state to this JSON file')
    .option('--plans <file>', 'plan catalog to use instead of fixtures/plans.json')
    .addOption(new Option('--mode <mode>', 'tool mode for every client (default: from the client name, as the live server does)').choices(['named', 'code']))
    .addOption(
      new Option('--log-level <level>', 'log level (logs go to stderr)')
        .choices(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
        .default('warn'),
    )
    .addOption(new Option('--api-dialect <dialect>', `API dialect to serve: v2 or 2026-04 (default ${DEFAULT_DIALECT})`).choices([...DIALECTS]))
    .action(serve);
}
