/**
 * Stage 8's second half: rendering an answer, the headers every answer carries, and the journal
 * entry once the answer is written. The error stage writes through the same `writeHead`.
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Response } from 'express';
import type { Emulator } from '../emulator.js';
import { VERSION } from '../version.js';
import type { Context } from './request-context.js';
import { JsonFields, RawResponse, StreamResponse } from './route.js';
import { outputOf, renderWithOutput } from './output.js';

const EMULATOR_HEADER = 'x-fastio-emulator';
const JSON_TYPE = 'application/json; charset=utf-8';

export class Responder {
  private readonly accessLog: boolean;
  private readonly quietAccessLog: boolean;

  constructor(private readonly emulator: Emulator) {
    this.accessLog = emulator.log.isLevelEnabled('info');
    this.quietAccessLog = emulator.log.isLevelEnabled('debug');
  }

  /** A 302 to `location` (a browser opening the bare address is sent to the dashboard). */
  redirect(res: Response, ctx: Context, location: string): void {
    const body = `Found. Redirecting to ${location}`;
    this.writeHead(res, ctx, 302, 'text/plain; charset=utf-8', Buffer.byteLength(body), { location });
    res.end(ctx.method === 'HEAD' ? undefined : body);
    this.finish(ctx, 302);
  }

  /**
   * The headers every answer carries, written with the status in one `writeHead` (a `setHeader`
   * per header showed in the profiles): the emulator's version, the request id, the rate-limit
   * window, and the fault rules that applied.
   */
  writeHead(res: Response, ctx: Context, status: number, contentType: string, length: number | undefined, extra?: Record<string, string>): void {
    // --durability strict: what this request wrote is on disk before its answer (store/journal.ts).
    this.emulator.settle();
    let type = contentType;
    // No length: the body is streamed with chunked transfer encoding (StreamResponse).
    let size = length === undefined ? undefined : String(length);
    const h: string[] = [EMULATOR_HEADER, VERSION, 'x-request-id', ctx.requestId];
    if (ctx.limit)
      h.push('x-ve-limit-avail', String(ctx.limit.avail), 'x-ve-limit-max', String(ctx.limit.max), 'x-ve-limit-expires', String(ctx.limit.expires));
    if (ctx.faultIds.length > 0) h.push('x-fastio-emulator-fault', ctx.faultIds.join(','));
    if (extra) {
      for (const k in extra) {
        const lower = k.toLowerCase();
        // A handler's own length (a HEAD of a download names the file's size) or type wins.
        if (lower === 'content-length') size = extra[k]!;
        else if (lower === 'content-type') type = extra[k]!;
        else h.push(k, extra[k]!);
      }
    }
    h.push('content-type', type);
    if (size !== undefined) h.push('content-length', size);
    res.writeHead(status, h);
  }

  /** A handler's result: raw bytes as they are, anything else as `{"result": true, ...}`. */
  render(res: Response, ctx: Context, result: unknown): void {
    if (result instanceof RawResponse) {
      const body = typeof result.body === 'string' ? Buffer.from(result.body) : result.body;
      this.writeHead(res, ctx, result.status, result.contentType, body.length, result.headers);
      res.end(ctx.method === 'HEAD' ? undefined : body);
      this.finish(ctx, result.status);
      return;
    }
    if (result instanceof StreamResponse) {
      this.writeHead(res, ctx, result.status, result.contentType, undefined, result.headers);
      if (ctx.method === 'HEAD') {
        res.end();
        this.finish(ctx, result.status);
        return;
      }
      // A client that goes away mid-answer ends the pipeline with an error: the answer is over
      // either way, and its journal entry says what status was sent.
      void pipeline(Readable.from(result.chunks(), { objectMode: false }), res)
        .catch(() => res.destroy())
        .finally(() => this.finish(ctx, result.status));
      return;
    }
    // `?output=` (http/output.ts): another detail level or markdown; absent, today's bytes.
    const option = outputOf(res);
    const shaped = option && renderWithOutput(option, result as Record<string, unknown> | JsonFields | undefined);
    if (shaped) {
      this.writeHead(res, ctx, 200, shaped.type, Buffer.byteLength(shaped.body));
      res.end(ctx.method === 'HEAD' ? undefined : shaped.body);
      this.finish(ctx, 200);
      return;
    }
    // `{"result":true,` + the handler's fields: no spread copy of the result object per request.
    const fields = result === undefined ? '{}' : result instanceof JsonFields ? result.json : JSON.stringify(result);
    const body = fields === '{}' ? '{"result":true}' : `{"result":true,${fields.slice(1)}`;
    this.writeHead(res, ctx, 200, JSON_TYPE, Buffer.byteLength(body));
    res.end(ctx.method === 'HEAD' ? undefined : body);
    this.finish(ctx, 200);
  }

  /** An error envelope, already serialised. */
  renderError(res: Response, ctx: Context, status: number, body: string, headers: Record<string, string> | undefined, contentType = JSON_TYPE): void {
    this.writeHead(res, ctx, status, contentType, Buffer.byteLength(body), headers);
    res.end(ctx.method === 'HEAD' ? undefined : body);
    this.finish(ctx, status);
  }

  /** The journal entry and the access line, once per answered request. */
  finish(ctx: Context, status: number): void {
    if (ctx.done) return;
    ctx.done = true;
    const { emulator } = this;
    const latencyMs = performance.now() - ctx.started;
    emulator.journal.record({
      method: ctx.method,
      path: ctx.path,
      status,
      latencyMs,
      userId: ctx.caller?.user.id ?? null,
      orgId: ctx.orgId ?? null,
      workspaceId: ctx.workspaceId ?? null,
      faults: ctx.faultIds,
      requestId: ctx.requestId,
      mcp: ctx.mcpTool ?? null,
      time: emulator.clock.now(),
    });
    // The access line: who called and which tenant it touched (built only when the level prints it).
    if (ctx.quiet ? !this.quietAccessLog : !this.accessLog) return;
    emulator.log[ctx.quiet ? 'debug' : 'info'](
      {
        reqId: ctx.requestId,
        method: ctx.method,
        path: ctx.path,
        status,
        ms: Math.round(latencyMs * 100) / 100,
        user: ctx.caller?.user.id,
        org: ctx.orgId,
        workspace: ctx.workspaceId,
        fault: ctx.faultIds.length > 0 ? ctx.faultIds.join(',') : undefined,
      },
      'request',
    );
  }
}
