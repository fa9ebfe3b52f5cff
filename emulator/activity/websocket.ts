/**
 * Activity over a WebSocket: `ws(s)://host/api/websocket/?token=<JWT or API key>` pushes
 * `{"response": "activity", "activity": [...keys]}` for every entity the token's user may watch
 * (the same rule as the long-poll, checked again at every push, so a membership that ends stops
 * the pushes at once). A missing or bad token refuses the upgrade with the live error envelope.
 *
 * The socket server (the `ws` library) is loaded on the first upgrade, so start-up does not pay for
 * it, and it attaches to the HTTP server `startEmulator` creates; the in-process target has no
 * server and so no WebSocket.
 *
 * PARITY: path, token parameter and message shape from the agent guide v1.29 section 13.
 */
import { STATUS_CODES, type IncomingMessage, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { WebSocket, WebSocketServer } from 'ws';
import type { Emulator } from '../emulator.js';
import { HostRule } from '../http/control-guard.js';
import { ApiError, Errors } from '../http/errors.js';
import type { Caller } from '../http/context.js';
import { VERSION } from '../version.js';

export const WEBSOCKET_PATHS: ReadonlySet<string> = new Set(['/api/websocket', '/api/websocket/']);

/** PARITY: CHOICE close codes. */
export const CLOSE_CREDENTIAL_ENDED = 4401;
export const CLOSE_GOING_AWAY = 1001;

const HEARTBEAT_MS = 30_000;

export const WEBSOCKET_CHOICES = [
  'each message also names its entity: `{"response": "activity", "activity": [...], "entity_id": "..."}`',
  'changes of one entity in one tick are sent as one message',
  'the token may also come as `Authorization: Bearer`; a missing or bad token refuses the upgrade with 401 and the error envelope, an unverified email with 403/10587',
  'a revoked or expired credential (or a removed user) closes the socket with code 4401 at the next push or heartbeat',
  'messages from the client are ignored; the server pings every 30 s and drops peers that do not answer',
  'at most maxWebSocketsPerCredential (10) sockets per credential, more are refused with 429; a socket with more than maxWebSocketBufferedBytes (1 MiB) unsent is cut off',
];

interface Connection {
  ws: WebSocket;
  caller: Caller;
  alive: boolean;
  /** entity -> keys waiting for this tick's flush */
  pending: Map<string, Set<string>>;
  flushing: boolean;
  /** gives back the credential's WebSocket slot */
  release: () => void;
}

function refuse(socket: Duplex, err: ApiError): void {
  const body = JSON.stringify({ result: false, error: err.toBody() });
  const reason = STATUS_CODES[err.status] ?? 'Error';
  // Closed once written, whatever the client does: a half-open socket would hold up shutdown.
  socket.once('finish', () => socket.destroy());
  socket.end(
    `HTTP/1.1 ${err.status} ${reason}\r\n` +
      'Content-Type: application/json; charset=utf-8\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      `x-fastio-emulator: ${VERSION}\r\n` +
      'Connection: close\r\n\r\n' +
      body,
  );
}

/** What the ws library would refuse in a handshake (RFC 6455 section 4.2.1), or undefined. */
function handshakeProblem(req: IncomingMessage): string | undefined {
  if (req.method !== 'GET') return 'the method must be GET';
  if (req.headers.upgrade?.toLowerCase() !== 'websocket') return 'Upgrade must be websocket';
  if (!/^[+/0-9A-Za-z]{22}==$/.test(req.headers['sec-websocket-key'] ?? '')) return 'Sec-WebSocket-Key is missing or invalid';
  const version = req.headers['sec-websocket-version'];
  if (version !== '13' && version !== '8') return 'Sec-WebSocket-Version must be 13';
  return undefined;
}

export class ActivitySockets {
  private wss: Promise<WebSocketServer> | undefined;
  private readonly connections = new Set<Connection>();
  private unsubscribe: (() => void) | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private closed = false;

  private readonly hosts: HostRule;

  constructor(private readonly emu: Emulator) {
    this.hosts = new HostRule(emu.config.host);
  }

  /** Open sockets (tests check that a client that leaves leaves nothing behind). */
  get size(): number {
    return this.connections.size;
  }

  attach(server: Server): void {
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      this.handleUpgrade(req, socket, head).catch((err: unknown) => {
        this.emu.log.error({ err }, 'websocket upgrade failed');
        socket.destroy();
      });
    });
  }

  async handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    // A peer that resets the connection mid-handshake must not take the process down.
    socket.on('error', () => socket.destroy());
    const url = new URL(req.url ?? '/', 'http://emulator.local');
    if (!WEBSOCKET_PATHS.has(url.pathname)) return refuse(socket, Errors.unknownRoute('GET', url.pathname));
    // The control plane's Host rule (issue 14): a page that rebinds its own name to this machine
    // cannot open a socket through it.
    if (!this.hosts.allows(req.headers.host)) {
      return refuse(
        socket,
        Errors.accessDenied('The WebSocket answers only to requests addressed to this machine (Host: localhost, a loopback address or the --host).'),
      );
    }
    // The ws library refuses a malformed handshake in plain text; check it here, in the envelope.
    const handshake = handshakeProblem(req);
    if (handshake) return refuse(socket, Errors.badRequest(`Not a valid WebSocket handshake: ${handshake}.`));
    if (this.closed) return refuse(socket, new ApiError(503, Errors.internal().code, 'The emulator is shutting down.'));
    const header = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
    const token = url.searchParams.get('token') || header?.[1];
    if (!token) return refuse(socket, Errors.unauthenticated('The WebSocket needs a token: /api/websocket/?token=<auth token or API key>.'));
    let caller: Caller;
    try {
      caller = await this.emu.users.authenticate(token);
    } catch (err) {
      return refuse(socket, err instanceof ApiError ? err : Errors.unauthenticated());
    }
    if (!caller.user.emailVerified) return refuse(socket, Errors.emailNotVerified());
    let release: () => void;
    try {
      release = this.emu.held.acquire('websocket', caller);
    } catch (err) {
      return refuse(socket, err as ApiError);
    }
    const wss = await this.server();
    if (this.closed || socket.destroyed) {
      release();
      return void socket.destroy();
    }
    socket.once('close', release);
    wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws, caller, release));
  }

  /** Close every socket and stop listening to the hub. */
  close(): void {
    this.closed = true;
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    if (this.heartbeat) clearInterval(this.heartbeat);
    for (const c of this.connections) c.ws.close(CLOSE_GOING_AWAY, 'the emulator is stopping');
    // Peers that do not finish the closing handshake are cut off.
    for (const c of this.connections) c.ws.terminate();
    this.connections.clear();
    void this.wss?.then((wss) => wss.close());
  }

  private server(): Promise<WebSocketServer> {
    this.wss ??= import('ws').then(({ WebSocketServer }) => new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 }));
    return this.wss;
  }

  /** A socket past the handshake (tests hand it a stand-in to play a consumer that does not read). */
  accept(ws: WebSocket, caller: Caller, release: () => void = () => {}): void {
    const conn: Connection = { ws, caller, alive: true, pending: new Map(), flushing: false, release };
    this.connections.add(conn);
    ws.on('pong', () => (conn.alive = true));
    ws.on('error', () => ws.terminate());
    ws.on('close', () => {
      this.connections.delete(conn);
      release();
    });
    this.unsubscribe ??= this.emu.activityHub.touched.on((entityId, entry) => this.queue(entityId, entry.key));
    if (!this.heartbeat) {
      this.heartbeat = setInterval(() => this.beat(), HEARTBEAT_MS);
      this.heartbeat.unref();
    }
  }

  private queue(entityId: string, key: string): void {
    for (const conn of this.connections) {
      let keys = conn.pending.get(entityId);
      if (!keys) conn.pending.set(entityId, (keys = new Set()));
      keys.add(key);
      if (!conn.flushing) {
        conn.flushing = true;
        // After the change's request has finished its writes: permissions are checked on the result.
        setImmediate(() => this.flush(conn));
      }
    }
  }

  private flush(conn: Connection): void {
    conn.flushing = false;
    const pending = conn.pending;
    conn.pending = new Map();
    if (!this.connections.has(conn) || conn.ws.readyState !== conn.ws.OPEN) return;
    if (!this.credentialValid(conn.caller)) {
      conn.ws.close(CLOSE_CREDENTIAL_ENDED, 'the token was revoked or has expired');
      return;
    }
    for (const [entityId, keys] of pending) {
      if (!this.emu.activity.mayWatch(conn.caller, entityId)) continue;
      // A consumer that does not read would make the emulator buffer every push for it: past the
      // bound it is cut off (a close frame would only queue behind what it does not read).
      if (conn.ws.bufferedAmount > this.emu.config.maxWebSocketBufferedBytes) {
        this.emu.log.warn({ buffered: conn.ws.bufferedAmount, userId: conn.caller.user.id }, 'websocket consumer too slow: disconnected');
        this.connections.delete(conn);
        conn.release();
        conn.ws.terminate();
        return;
      }
      conn.ws.send(JSON.stringify({ response: 'activity', activity: [...keys], entity_id: entityId }));
    }
  }

  private beat(): void {
    for (const conn of this.connections) {
      if (!conn.alive || !this.credentialValid(conn.caller)) {
        if (conn.alive) conn.ws.close(CLOSE_CREDENTIAL_ENDED, 'the token was revoked or has expired');
        else conn.ws.terminate();
        continue;
      }
      conn.alive = false;
      conn.ws.ping();
    }
  }

  /** The credential the socket was opened with still stands (the same rules as `authenticate`). */
  private credentialValid(caller: Caller): boolean {
    const { db } = this.emu;
    const now = this.emu.clock.now();
    if (!db.users.has(caller.user.id)) return false;
    const c = caller.credential;
    if (c.kind === 'jwt') {
      const session = db.sessions.get(c.sessionId);
      return Boolean(session && !session.revoked && c.expires > now);
    }
    const key = db.apiKeys.get(c.keyId);
    return Boolean(key && (key.expires === null || key.expires > now));
  }
}
