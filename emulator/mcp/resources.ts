/**
 * `download://{workspace|share}/{id}/{node_id}` resources and the `GET /file/...` pass-through.
 * PARITY: agent guide v2.6 section 5 "Downloads": up to 100 KB inline as base64; a larger file
 * answers a text pointing at `GET /file/...`, which takes `Mcp-Session-Id` or a Bearer (a
 * caller's Bearer wins over the session token). Both read the bytes through the REST `read/`
 * route, so access checks and bandwidth credits apply.
 */
import { McpError, ErrorCode } from '@modelcontextprotocol/sdk/types.js';
import type { ApiAnswer, InProcessApi } from './dispatch.js';
import type { ToolCtx } from './kit.js';

export const INLINE_MAX_BYTES = 100 * 1024;

export function parseDownloadUri(uri: string): { type: 'workspace' | 'share'; id: string; node: string } | undefined {
  const m = /^download:\/\/(workspace|share)\/([^/]+)\/([^/?#]+)\/?$/.exec(uri);
  return m ? { type: m[1] as 'workspace' | 'share', id: decodeURIComponent(m[2]!), node: decodeURIComponent(m[3]!) } : undefined;
}

function errorOf(res: ApiAnswer): string {
  const e = (res.body?.error ?? {}) as { code?: number; text?: string };
  return `${res.status} (code ${e.code ?? res.status}): ${e.text ?? 'request failed'}`;
}

export async function readDownload(ctx: ToolCtx, uri: string) {
  const target = parseDownloadUri(uri);
  if (!target) throw new McpError(ErrorCode.InvalidParams, `Expected download://workspace/{id}/{node_id} or download://share/{id}/{node_id}, got ${uri}`);
  if (!ctx.session.token) throw new McpError(ErrorCode.InvalidRequest, 'Not authenticated: call auth action=signin first.');
  const base = `/${target.type}/${encodeURIComponent(target.id)}/storage/${encodeURIComponent(target.node)}`;
  const tool = 'resources.download';
  const details = await ctx.api.call({ method: 'GET', path: `${base}/details/` }, ctx.session.token, tool);
  if (details.status !== 200) throw new McpError(ErrorCode.InvalidRequest, `download ${uri}: ${errorOf(details)}`);
  const node = (details.body?.node ?? {}) as { size?: number; mimetype?: string | null; name?: string; type?: string };
  const mimeType = node.mimetype ?? 'application/octet-stream';
  if (node.type === 'folder') throw new McpError(ErrorCode.InvalidParams, `${uri} is a folder: download action=zip-url`);
  if ((node.size ?? 0) > INLINE_MAX_BYTES) {
    const url = `${ctx.mcpUrl ?? ''}/file/${target.type}/${target.id}/${target.node}`;
    return {
      contents: [
        {
          uri,
          mimeType: 'text/plain',
          text: `${node.name ?? target.node} is ${node.size} bytes (over the 100 KB inline limit). GET ${url} with the Mcp-Session-Id header (or Authorization: Bearer).`,
        },
      ],
    };
  }
  const read = await ctx.api.call({ method: 'GET', path: `${base}/read/` }, ctx.session.token, tool);
  if (read.status !== 200) throw new McpError(ErrorCode.InvalidRequest, `download ${uri}: ${errorOf(read)}`);
  return { contents: [{ uri, mimeType, blob: read.raw.toString('base64') }] };
}

/** `GET /file/{workspace|share}/{id}/{node_id}`: the bytes of the REST read route, as they are. */
export async function passThrough(api: InProcessApi, path: string, token: string | undefined): Promise<ApiAnswer | undefined> {
  const m = /^\/file\/(workspace|share)\/([^/]+)\/([^/?#]+)\/?$/.exec(path);
  if (!m) return undefined;
  return api.call({ method: 'GET', path: `/${m[1]}/${m[2]}/storage/${m[3]}/read/` }, token, 'file.pass-through');
}
