/**
 * A request handed to the express app in process: a real `IncomingMessage` fed the body, and a
 * real `ServerResponse` writing into a socket that only collects bytes. No port, no parser: the
 * app's pipeline (app.ts) runs as it does for a socket, and the same app keeps serving HTTP.
 * (light-my-request, which the unit tests use, rewrites an express app's request prototypes to
 * its own classes, which breaks that app's HTTP server: it cannot serve a listening emulator.)
 */
import { IncomingMessage, ServerResponse } from 'node:http';
import { Duplex } from 'node:stream';
import type { Express } from 'express';

export interface Injected {
  status: number;
  headers: Record<string, string>;
  raw: Buffer;
}

/** A socket that keeps what is written and never reads; `remoteAddress` is loopback. */
class CollectingSocket extends Duplex {
  readonly chunks: Buffer[] = [];
  readonly remoteAddress = '127.0.0.1';
  readonly remotePort = 0;
  readonly remoteFamily = 'IPv4';
  readonly encrypted = false;
  override _read(): void {}
  override _write(chunk: Buffer | string, encoding: BufferEncoding, cb: (err?: Error | null) => void): void {
    this.chunks.push(typeof chunk === 'string' ? Buffer.from(chunk, encoding) : chunk);
    cb();
  }
  setTimeout(): this {
    return this;
  }
  setNoDelay(): this {
    return this;
  }
  setKeepAlive(): this {
    return this;
  }
  ref(): this {
    return this;
  }
  unref(): this {
    return this;
  }
}

const HEADER_END = Buffer.from('\r\n\r\n');

export function inject(app: Express, method: string, url: string, headers: Record<string, string>, payload: Buffer | undefined): Promise<Injected> {
  return new Promise((resolve, reject) => {
    const socket = new CollectingSocket();
    const req = new IncomingMessage(socket as never);
    req.method = method;
    req.url = url;
    req.httpVersion = '1.1';
    req.httpVersionMajor = 1;
    req.httpVersionMinor = 1;
    const h: Record<string, string> = {};
    for (const [k, v] of Object.entries(headers)) h[k.toLowerCase()] = v;
    h.host ??= 'mcp.local';
    if (payload !== undefined) h['content-length'] = String(payload.length);
    req.headers = h;
    req.rawHeaders = Object.entries(h).flat();
    if (payload !== undefined && payload.length > 0) req.push(payload);
    req.push(null);
    req.complete = true;

    const res = new ServerResponse(req);
    // No chunked framing and no keep-alive: what follows the header block is the body as written.
    res.useChunkedEncodingByDefault = false;
    res.shouldKeepAlive = false;
    res.assignSocket(socket as never);
    res.once('finish', () => {
      const all = Buffer.concat(socket.chunks);
      const end = all.indexOf(HEADER_END);
      // The header block as written (writeHead's headers do not show in getHeaders()).
      const out: Record<string, string> = {};
      const lines = (end >= 0 ? all.subarray(0, end) : all).toString('latin1').split('\r\n').slice(1);
      for (const line of lines) {
        const colon = line.indexOf(':');
        if (colon <= 0) continue;
        const k = line.slice(0, colon).trim().toLowerCase();
        const v = line.slice(colon + 1).trim();
        out[k] = out[k] === undefined ? v : `${out[k]}, ${v}`;
      }
      resolve({ status: res.statusCode, headers: out, raw: end >= 0 ? all.subarray(end + HEADER_END.length) : Buffer.alloc(0) });
      res.detachSocket(socket as never);
      socket.destroy();
    });
    try {
      (app as unknown as (q: IncomingMessage, s: ServerResponse) => void)(req, res);
    } catch (e) {
      reject(e as Error);
    }
  });
}
