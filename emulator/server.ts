import { randomBytes } from 'node:crypto';
import { createServer, IncomingMessage, ServerResponse, STATUS_CODES, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Logger } from 'pino';
import { createApp } from './app.js';
import { ConfigError, loadConfig, type ConfigSources, type EmulatorConfig } from './config.js';
import type { RequestJournal } from './control/journal.js';
import { Emulator } from './emulator.js';
import { createLogger, silentLogger } from './logger.js';
import { allRoutes } from './routes.js';
import { Persistence } from './store/persistence.js';
import { DataFileLock, DataLockError } from './store/data-lock.js';
import { loadSeed, type LoadedSeed } from './scenarios.js';
import { servesDialect, type AnyRoute } from './http/route.js';
import { ActivitySockets } from './activity/websocket.js';
import { EventForwarder } from './events/forwarder.js';
import { ApiError, Codes } from './http/errors.js';
import { VERSION } from './version.js';
import { hostName, isLoopback } from './http/control-guard.js';
import type { McpHost } from './mcp/host.js';

export interface StartOptions extends Partial<EmulatorConfig> {
  /** a logger; by default the programmatic API is silent and the CLI logs */
  logger?: Logger;
  /** read FASTIO_EMULATOR_* variables (the CLI does; the programmatic API does not by default) */
  env?: NodeJS.ProcessEnv;
  /** the config file (`--config`), or the directory to look for `fastio-emulator.json` in (the CLI's working directory) */
  sources?: ConfigSources;
}

/** What the state came from at start, for the banner: the data file, a seed, or nothing. */
export interface LoadedState {
  source: 'data' | 'seed' | 'empty';
  file: string | undefined;
  users: number;
  orgs: number;
  workspaces: number;
}

export interface RunningEmulator {
  /** `http://host:port` */
  url: string;
  port: number;
  host: string;
  emulator: Emulator;
  server: Server;
  routes: readonly AnyRoute[];
  /** the WebSocket endpoint `/api/websocket/` on this server */
  sockets: ActivitySockets;
  /** with `forwardEventsTo`: where events go, and the secret their signatures use */
  forwarder: EventForwarder | undefined;
  forwardSecret: string | undefined;
  /** the seed or scenario loaded at start (with its personas' logins), if any */
  seed: LoadedSeed | undefined;
  /** where the state came from and how much of it there was */
  loaded: LoadedState;
  /** the express app the server serves (the MCP server sends its tool calls through it, in process) */
  app: ReturnType<typeof createApp>;
  /** with `mcpPort`: the MCP server (emulator/mcp/) and its `http://host:port` (`/mcp`, `/sse`, `/blob`) */
  mcp: McpHost | undefined;
  mcpUrl: string | undefined;
  /** Stop listening, close connections, flush state to `--data`. */
  close(): Promise<void>;
}

export class StartupError extends Error {}

/** Build an emulator instance with its state loaded (seed, then data file) and persistence attached. */
export async function buildEmulator(options: StartOptions = {}): Promise<{
  emulator: Emulator;
  persistence: Persistence | undefined;
  journal: RequestJournal;
  routes: AnyRoute[];
  seed: LoadedSeed | undefined;
  loaded: LoadedState;
}> {
  const { logger, env, sources, ...flags } = options;
  const config = loadConfig(flags, env ?? {}, sources);
  const log = logger ?? (env ? await createLogger(config.logLevel, config.logFormat) : silentLogger());
  const emulator = new Emulator(config, log);

  let persistence: Persistence | undefined;
  let seed: LoadedSeed | undefined;
  let source: LoadedState['source'] = 'empty';
  let lock: DataFileLock | undefined;
  if (config.dataFile) {
    // One process per data file; a missing or read-only folder stops start-up here.
    try {
      lock = DataFileLock.acquire(config.dataFile, (message) => log.warn({ file: config.dataFile }, message));
    } catch (e) {
      throw e instanceof DataLockError ? new StartupError(e.message) : e;
    }
    persistence = new Persistence(
      config.dataFile,
      () => emulator.stateDocument(),
      config.flushDelayMs,
      (err) => log.error({ err: err.message, file: config.dataFile }, 'cannot write the state file; serving from memory (health reports degraded)'),
    );
    persistence.holdLock(lock);
  }

  try {
    const saved = persistence ? await persistence.read() : null;
    if (saved) {
      emulator.importState(saved, config.dataFile);
      source = 'data';
    } else if (config.seedFile) {
      seed = await loadSeed(config.seedFile, emulator.clock.now(), (msg) => log.warn(msg), config.apiDialect);
      emulator.importState(seed.state, seed.file);
      source = 'seed';
    }
  } catch (e) {
    lock?.release();
    // An unknown scenario name is a usage error (exit 2), like a bad flag.
    if (e instanceof ConfigError) throw e;
    throw new StartupError((e as Error).message);
  }
  const loaded: LoadedState = {
    source,
    file: source === 'data' ? config.dataFile : source === 'seed' ? seed?.file : undefined,
    users: emulator.db.users.size,
    orgs: emulator.db.orgs.size,
    workspaces: emulator.db.workspaces.size,
  };
  if (persistence) {
    const p = persistence;
    emulator.changed.on(() => p.markDirty());
    // A seed loaded into a new data file is written at once.
    if (config.seedFile) p.markDirty();
  }

  // the control plane lists (and documents in OpenAPI) the routes of the running dialect
  const routes = allRoutes({
    routes: () => routes.filter((r) => servesDialect(r, config.apiDialect)),
    allRoutes: () => routes,
    persistence: () => persistence?.status(),
  });
  // `journal` is the instance's own (emulator.journal), named here for callers that read it.
  return { emulator, persistence, journal: emulator.journal, routes, seed, loaded };
}

/**
 * A request Node's HTTP parser refuses before the app sees it (a bad Content-Length, headers over
 * the limit, an unknown method, broken chunked encoding) is answered in the live error envelope
 * too, not with Node's bare `400 Bad Request`.
 */
function answerClientError(err: NodeJS.ErrnoException, socket: Socket): void {
  const inFlight = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (err.code === 'ECONNRESET' || !socket.writable || inFlight?.headersSent) {
    socket.destroy();
    return;
  }
  const status = err.code === 'HPE_HEADER_OVERFLOW' ? 431 : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
  const text =
    status === 431
      ? 'The request headers are larger than the server accepts.'
      : status === 408
        ? 'The request was not received in time.'
        : `The request is not valid HTTP (${err.code ?? 'parse error'}).`;
  const body = JSON.stringify({ result: false, error: new ApiError(status, Codes.invalidInput, text).toBody() });
  // Read nothing more and close once the answer is out: a slow client still dripping bytes (the
  // 408 case) would otherwise feed a parser Node has already released to its pool, where another
  // connection may be using it.
  socket.pause();
  socket.once('finish', () => socket.destroy());
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\n` +
      `x-fastio-emulator: ${VERSION}\r\nconnection: close\r\n\r\n${body}`,
  );
}

/**
 * Request and response classes whose instances have express's prototypes from birth. Express
 * sets them on every request (`Object.setPrototypeOf(req, app.request)`, the same for `res`), and
 * in V8 each such change gives the objects fresh hidden classes that live in the old generation:
 * measured with --trace-gc, about 10 KB per request reached the old heap and every young-generation
 * collection took several milliseconds. Created with the same prototypes, express's calls find
 * nothing to change (setPrototypeOf with the current prototype is a no-op).
 */
function expressNative(app: ReturnType<typeof createApp>): { IncomingMessage: typeof IncomingMessage; ServerResponse: typeof ServerResponse } {
  function Request(this: IncomingMessage, socket: Socket): void {
    IncomingMessage.call(this, socket);
  }
  Request.prototype = app.request;
  function Response(this: ServerResponse, req: IncomingMessage, options?: unknown): void {
    (ServerResponse as unknown as (this: ServerResponse, req: IncomingMessage, options?: unknown) => void).call(this, req, options);
  }
  Response.prototype = app.response;
  return { IncomingMessage: Request as unknown as typeof IncomingMessage, ServerResponse: Response as unknown as typeof ServerResponse };
}

/**
 * The loud warning for a server reachable beyond this machine without `--control-token`
 * (undefined when there is nothing to say): its API and WebSocket answer anyone on the network,
 * and only loopback peers may use the control plane. Printed by the CLI and logged at start.
 */
export function exposureWarning(host: string, controlToken: string | undefined): string | undefined {
  if (controlToken || hostName(host) === 'localhost' || isLoopback(hostName(host))) return undefined;
  const bar = '!'.repeat(78);
  return (
    `${bar}\n` +
    `WARNING: listening on ${host} without --control-token.\n` +
    `  Anyone who can reach this address can call the emulated API and read its data.\n` +
    `  The control plane (/_emulator/*) answers loopback peers only; start with\n` +
    `  --control-token <secret> to use it from elsewhere, or --host 127.0.0.1 to stay local.\n` +
    `${bar}\n`
  );
}

/** Start an emulator listening on `host:port` (port 0 picks a free port). */
export async function startEmulator(options: StartOptions = {}): Promise<RunningEmulator> {
  const { emulator, persistence, routes, seed, loaded } = await buildEmulator(options);
  const app = createApp({ emulator, routes });
  const { headersTimeoutMs, requestTimeoutMs, keepAliveTimeoutMs } = emulator.config;
  const server = createServer(
    {
      ...expressNative(app),
      // Bounded: a client that sends its headers (or its body) too slowly is answered 408 and
      // closed, so slow clients cannot hold sockets forever. Node checks these timers every
      // `connectionsCheckingInterval` (30 s by default): a quarter of the header timeout keeps
      // the bound close to what was configured.
      headersTimeout: headersTimeoutMs,
      requestTimeout: requestTimeoutMs,
      keepAliveTimeout: keepAliveTimeoutMs,
      connectionsCheckingInterval: Math.max(10, Math.min(1000, Math.floor(headersTimeoutMs / 4))),
    },
    app,
  );
  server.on('clientError', answerClientError);
  const sockets = new ActivitySockets(emulator);
  sockets.attach(server);
  const { forwardEventsTo } = emulator.config;
  const forwardSecret = forwardEventsTo ? (emulator.config.forwardSecret ?? randomBytes(24).toString('base64url')) : undefined;
  let forwarder: EventForwarder | undefined;
  let stopForwarding = () => {};
  try {
    if (forwardEventsTo) {
      try {
        forwarder = new EventForwarder({ url: forwardEventsTo, secret: forwardSecret!, log: emulator.log });
      } catch (e) {
        throw new StartupError((e as Error).message);
      }
      const f = forwarder;
      stopForwarding = emulator.audit.recorded.on((event) => f.enqueue(event));
    }
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(emulator.config.port, emulator.config.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (e) {
    // Not started: the data file's lock goes (after writing a seed it may hold).
    stopForwarding();
    await persistence?.close();
    throw e;
  }
  const address = server.address() as AddressInfo;
  const host = emulator.config.host;
  const urlHost = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;
  const url = `http://${urlHost}:${address.port}`;
  // The MCP server loads on demand (a chunk of its own in the bundle), so a start without it pays nothing.
  let mcp: McpHost | undefined;
  let mcpUrl: string | undefined;
  if (emulator.config.mcpPort !== undefined) {
    try {
      const { McpHost: Host } = await import('./mcp/host.js');
      mcp = new Host({ emulator, app, routes, apiUrl: url });
      mcpUrl = await mcp.listen(emulator.config.mcpPort, host);
    } catch (e) {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      stopForwarding();
      await persistence?.close();
      throw e;
    }
  }
  const exposure = exposureWarning(emulator.config.host, emulator.config.controlToken);
  if (exposure) emulator.log.warn({ host: emulator.config.host }, exposure.replace(/!+\n/g, '').trim());

  let closing: Promise<void> | undefined;
  return {
    url,
    port: address.port,
    host,
    emulator,
    server,
    routes,
    sockets,
    forwarder,
    forwardSecret,
    seed,
    loaded,
    app,
    mcp,
    mcpUrl,
    close: () =>
      (closing ??= (async () => {
        await mcp?.close();
        sockets.close();
        stopForwarding();
        await forwarder?.close();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
        await persistence?.close();
        await emulator.close();
        emulator.log.flush?.();
      })()),
  };
}
