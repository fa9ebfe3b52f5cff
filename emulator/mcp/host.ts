/**
 * The MCP server of one emulator: the MCP port (Streamable HTTP at `/mcp` with `Mcp-Session-Id`
 * sessions, legacy SSE at `/sse` + `/messages`, the `POST /blob` sidecar and the `GET /file/...`
 * pass-through) and stdio (`fastio-emulator mcp`). Tool calls go to the emulator's express app
 * in process (dispatch.ts), so the MCP port adds a protocol, never a second implementation.
 */
import { createServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { SSEServerTransport } from '@modelcontextprotocol/sdk/server/sse.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { isInitializeRequest, type JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { JsonHttpTransport } from './json-transport.js';
import type { Emulator } from '../emulator.js';
import { routeShape } from '../catalogue/index.js';
import { servesDialect, type AnyRoute } from '../http/route.js';
import { InProcessApi } from './dispatch.js';
import { createProtocolServer, type ProtocolDeps } from './protocol.js';
import { passThrough } from './resources.js';
import { BLOB_MAX_BYTES, McpSession, type ToolMode } from './session.js';

export interface McpHostOptions {
  emulator: Emulator;
  app: Express;
  routes: readonly AnyRoute[];
  /** the REST API's URL when it listens (download URLs, the PKCE consent page) */
  apiUrl?: string | undefined;
  /** one mode for every client; default: from `clientInfo.name` */
  mode?: ToolMode | undefined;
}

interface Live {
  session: McpSession;
  server: Server;
  /** Streamable HTTP sessions (json-transport.ts) */
  json?: JsonHttpTransport;
  /** legacy SSE sessions */
  sse?: SSEServerTransport;
  close(): Promise<void>;
}

/** The biggest JSON-RPC body `/mcp` reads (content_base64 travels inside it). */
const RPC_MAX_BYTES = 64 * 1024 * 1024;

class TooLarge extends Error {}

function readBody(req: IncomingMessage, max: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let size = 0;
    // Past the cap the rest is read and dropped, so the client gets its 413 instead of a reset.
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= max) parts.push(c);
    });
    req.on('end', () => (size > max ? reject(new TooLarge()) : resolve(Buffer.concat(parts))));
    req.on('error', reject);
  });
}

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function apiError(res: ServerResponse, status: number, code: number, text: string): void {
  json(res, status, { result: false, error: { code, text } });
}

export class McpHost {
  readonly api: InProcessApi;
  private readonly deps: ProtocolDeps;
  private readonly live = new Map<string, Live>();
  private http: HttpServer | undefined;
  private url: string | undefined;

  constructor(private readonly o: McpHostOptions) {
    this.api = new InProcessApi(o.app);
    const dialect = o.emulator.config.apiDialect;
    const served = new Set(o.routes.filter((r) => r.area !== 'control' && servesDialect(r, dialect)).map((r) => `${r.method} ${routeShape(r.path)}`));
    this.deps = { emulator: o.emulator, api: this.api, served, mcpUrl: () => this.url, apiUrl: () => o.apiUrl, forcedMode: o.mode };
  }

  /** `http://host:port` of the MCP listener once it listens. */
  get mcpUrl(): string | undefined {
    return this.url;
  }

  get sessions(): number {
    return this.live.size;
  }

  session(id: string): McpSession | undefined {
    return this.live.get(id)?.session;
  }

  async listen(port: number, host: string): Promise<string> {
    const http = createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => {
        this.o.emulator.log.error({ err: (err as Error).message }, 'MCP request failed');
        if (!res.headersSent) apiError(res, 500, 1605, 'The MCP server could not answer this request.');
        else res.end();
      });
    });
    await new Promise<void>((resolve, reject) => {
      http.once('error', reject);
      http.listen(port, host, () => resolve());
    });
    this.http = http;
    const address = http.address() as AddressInfo;
    const urlHost = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;
    this.url = `http://${urlHost}:${address.port}`;
    return this.url;
  }

  /** One session over stdin/stdout (for clients that spawn a process). */
  async serveStdio(stdin: NodeJS.ReadableStream = process.stdin, stdout: NodeJS.WritableStream = process.stdout): Promise<McpSession> {
    const session = new McpSession(this.o.emulator.clock, this.o.mode);
    const server = createProtocolServer(session, this.deps);
    const transport = new StdioServerTransport(stdin as never, stdout as never);
    this.live.set(session.id, { session, server, close: () => server.close() });
    await server.connect(transport);
    return session;
  }

  async close(): Promise<void> {
    await Promise.all([...this.live.values()].map((l) => l.close().catch(() => undefined)));
    this.live.clear();
    const http = this.http;
    if (http) {
      await new Promise<void>((resolve) => {
        http.close(() => resolve());
        http.closeAllConnections();
      });
    }
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://mcp.local');
    const path = url.pathname.replace(/\/+$/, '') || '/';
    if (path === '/mcp') return this.streamable(req, res);
    if (path === '/sse' && req.method === 'GET') return this.sse(res);
    if (path === '/messages' && req.method === 'POST') {
      const live = this.live.get(url.searchParams.get('sessionId') ?? '');
      if (!live?.sse) return apiError(res, 404, 1609, 'No SSE session with this sessionId.');
      return live.sse.handlePostMessage(req, res);
    }
    if (path === '/blob' && req.method === 'POST') return this.blob(req, res, url);
    if (path.startsWith('/file/') && req.method === 'GET') return this.file(req, res, url.pathname);
    if (path === '/' && req.method === 'GET')
      return json(res, 200, { name: 'fastio-emulator MCP server', endpoints: ['/mcp', '/sse', '/blob', '/file/{workspace|share}/{id}/{node_id}'] });
    apiError(res, 404, 9992, `Unknown MCP endpoint ${req.method} ${url.pathname}: use /mcp (Streamable HTTP), /sse, /blob or /file/...`);
  }

  private sessionIdOf(req: IncomingMessage, url?: URL): string | undefined {
    const h = req.headers['mcp-session-id'];
    return (Array.isArray(h) ? h[0] : h) ?? url?.searchParams.get('sessionId') ?? undefined;
  }

  private async streamable(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const id = this.sessionIdOf(req);
    const existing = id ? this.live.get(id) : undefined;
    const rpcError = (status: number, code: number, message: string) => json(res, status, { jsonrpc: '2.0', error: { code, message }, id: null });
    if (id && !existing?.json) return rpcError(404, -32001, 'Session not found: initialize a new session.');
    if (req.method === 'GET') {
      res.writeHead(405, { allow: 'POST, DELETE' });
      return void res.end();
    }
    if (req.method === 'DELETE') {
      if (!existing) return rpcError(400, -32000, 'No Mcp-Session-Id.');
      await existing.close();
      this.live.delete(existing.session.id);
      return void res.writeHead(200).end();
    }
    if (req.method !== 'POST') return rpcError(405, -32000, 'Use POST (JSON-RPC), or DELETE to end the session.');
    let body: unknown;
    try {
      body = JSON.parse((await readBody(req, RPC_MAX_BYTES)).toString('utf8'));
    } catch (e) {
      return rpcError(e instanceof TooLarge ? 413 : 400, -32700, e instanceof TooLarge ? 'Request too large.' : 'Parse error.');
    }
    const messages = (Array.isArray(body) ? body : [body]) as JSONRPCMessage[];
    let live = existing;
    if (!live) {
      if (!messages.some((m) => isInitializeRequest(m))) return rpcError(400, -32000, 'No Mcp-Session-Id: send initialize first.');
      const session = new McpSession(this.o.emulator.clock, this.o.mode);
      const server = createProtocolServer(session, this.deps);
      const transport = new JsonHttpTransport(session.id);
      await server.connect(transport);
      live = { session, server, json: transport, close: () => server.close() };
      this.live.set(session.id, live);
    }
    const answers = await live.json!.handle(messages);
    const headers: Record<string, string> = { 'mcp-session-id': live.session.id };
    if (answers.length === 0) {
      res.writeHead(202, headers);
      return void res.end();
    }
    const text = JSON.stringify(Array.isArray(body) ? answers : answers[0]);
    res.writeHead(200, { ...headers, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)) });
    res.end(text);
  }

  private async sse(res: ServerResponse): Promise<void> {
    const transport = new SSEServerTransport('/messages', res);
    const session = new McpSession(this.o.emulator.clock, this.o.mode, transport.sessionId);
    const server = createProtocolServer(session, this.deps);
    this.live.set(session.id, { session, server, sse: transport, close: () => server.close() });
    transport.onclose = () => this.live.delete(session.id);
    await server.connect(transport);
  }

  /** PARITY: agent guide v2.6 "POST /blob sidecar": raw bytes, same session, 201 `{blob_id, size}`. */
  private async blob(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const live = this.live.get(this.sessionIdOf(req, url) ?? '');
    if (!live)
      return apiError(res, 401, 10011, 'POST /blob needs the Mcp-Session-Id header of an open MCP session (SSE clients: ?transport=sse&sessionId=...).');
    let data: Buffer;
    try {
      data = await readBody(req, BLOB_MAX_BYTES);
    } catch (e) {
      if (e instanceof TooLarge) return apiError(res, 413, 1605, 'A blob is at most 100 MB: use upload action=create-session and chunks.');
      throw e;
    }
    if (data.length === 0) return apiError(res, 400, 1605, 'The blob is empty: POST the raw bytes as the body.');
    const blob = live.session.stageBlob(data);
    json(res, 201, { blob_id: blob.id, size: data.length, expires_in: 300 });
  }

  /** `GET /file/...`: a caller's Bearer wins over the session's token (guide section 5 "Downloads"). */
  private async file(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    const bearer = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1];
    const token = bearer ?? this.live.get(this.sessionIdOf(req) ?? '')?.session.token;
    if (!token) return apiError(res, 401, 10011, 'GET /file/... needs Authorization: Bearer or the Mcp-Session-Id of a signed-in session.');
    const answer = await passThrough(this.api, path, token);
    if (!answer) return apiError(res, 404, 9992, 'Expected /file/{workspace|share}/{id}/{node_id}.');
    const headers: Record<string, string> = { 'content-type': answer.contentType || 'application/octet-stream', 'content-length': String(answer.raw.length) };
    for (const h of ['content-disposition', 'etag', 'x-fastio-emulator']) if (answer.headers[h]) headers[h] = answer.headers[h]!;
    res.writeHead(answer.status, headers);
    res.end(answer.raw);
  }
}
