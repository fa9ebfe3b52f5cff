/**
 * Stage 1, identify: the request's context (id, caller, tenant, limits, timing), made once per
 * request and handed to every later stage and to the handler as a `RequestContext`.
 */
import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { Request, Response } from 'express';
import type { Caller, DownloadGrant, RequestContext } from './context.js';
import type { LimitState } from './rate-limit.js';

const NO_FAULTS: readonly string[] = Object.freeze([]);

/** The header an MCP tool call's in-process request carries: `MCP_TOOL_KEY` + `tool.action` (emulator/mcp/dispatch.ts). */
export const MCP_TOOL_HEADER = 'x-fastio-mcp-tool';
/** A per-process key, so only the in-process dispatcher (never a client over HTTP) tags a request as an MCP call. */
export const MCP_TOOL_KEY = `${randomUUID()}:`;

export class Context implements RequestContext {
  caller: Caller | undefined = undefined;
  /** set by the pipeline from the resolved scope (input stage), or by `tenantResolved` */
  orgId: string | undefined = undefined;
  /** for the journal: the workspace a workspace route resolved */
  workspaceId: string | undefined = undefined;
  /** the download token's grant, on `bearer-or-download-token` routes opened with one */
  download: DownloadGrant | undefined = undefined;
  /** a share-scoped token, on routes that take one */
  shareToken: string | undefined = undefined;
  /** the `x-ve-password` header (fileshare link passwords) */
  linkPassword: string | undefined = undefined;
  /** for the journal: the fault rules that applied (most requests: none, and no array) */
  faultIds: readonly string[] = NO_FAULTS;
  /** the rate-limit window whose `x-ve-limit-*` headers the answer carries */
  limit: LimitState | undefined = undefined;
  /** performance.now() when the request arrived */
  readonly started = performance.now();
  /** set once the answer is written and journaled */
  done = false;
  /** the dashboard's own requests: their access line is at debug, so its long-polls do not flood info */
  quiet = false;
  /** `tool.action` of the MCP tool call that made this request (emulator/mcp/dispatch.ts), for the journal and faults */
  mcpTool: string | undefined;
  private controller: AbortController | undefined;

  constructor(
    readonly requestId: string,
    readonly method: string,
    readonly path: string,
    readonly ip: string,
    readonly authorization: string | undefined,
    readonly log: RequestContext['log'],
    private readonly clock: { now(): number },
    private readonly res: ServerResponse,
  ) {}

  now(): number {
    return this.clock.now();
  }

  tenantResolved(orgId: string): void {
    this.orgId = orgId;
  }

  /** Created on first use: most handlers never wait, so most requests never pay for it. */
  get signal(): AbortSignal {
    if (!this.controller) {
      const controller = new AbortController();
      this.controller = controller;
      this.res.once('close', () => {
        if (!this.res.writableFinished) controller.abort();
      });
    }
    return this.controller.signal;
  }
}

export function identify(req: Request, res: Response, log: RequestContext['log'], clock: { now(): number }): Context {
  const ctx = new Context(randomUUID(), req.method, req.path, req.socket.remoteAddress ?? '', req.headers.authorization, log, clock, res);
  const linkPassword = req.headers['x-ve-password'];
  if (typeof linkPassword === 'string') ctx.linkPassword = linkPassword;
  const mcp = req.headers[MCP_TOOL_HEADER];
  // Only the in-process MCP dispatcher knows the key, so a client cannot tag its own requests.
  if (typeof mcp === 'string' && mcp.startsWith(MCP_TOOL_KEY)) ctx.mcpTool = mcp.slice(MCP_TOOL_KEY.length);
  return ctx;
}

/** The context the first stage stored on the response (the error stage reads it back). */
export function contextOf(res: Response): Context | undefined {
  return (res.locals as { ctx?: Context }).ctx;
}
