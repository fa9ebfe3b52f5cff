/**
 * Code mode (agent guide v2.6 section 6): `auth`, `upload`, `search`, `execute`, `how-to`.
 * `execute` takes a structured method/path/body/params and sends it through the same pipeline
 * as HTTP, with the session's token; `search target="api"` reads the route catalogue.
 */
import { Catalogue, routeShape } from '../catalogue/index.js';
import type { Dialect } from '../catalogue/index.js';
import type { FormFields } from './dispatch.js';
import { answer, call, fail, invalid, ok, str, type ActionSpec, type Args, type ToolCtx, type ToolResult, type ToolSpec } from './kit.js';
import { authTool } from './tools/auth.js';
import { uploadTool } from './tools/upload.js';
import { howToTool } from './tools/shares.js';

const METHODS: Record<string, { method: string; json: boolean }> = {
  get: { method: 'GET', json: false },
  delete: { method: 'DELETE', json: false },
  post: { method: 'POST', json: false },
  put: { method: 'PUT', json: false },
  patch: { method: 'PATCH', json: false },
  postjson: { method: 'POST', json: true },
  putjson: { method: 'PUT', json: true },
  patchjson: { method: 'PATCH', json: true },
};

/** PARITY: guide section 6: "Byte-download routes are blocked": storage and fileshare `…/read/`. */
const BYTE_ROUTES = [/\/storage\/[^/]+\/read\/?$/, /^\/(current\/)?fileshare\/[^/]+\/read\/?$/];

function objectOf(v: unknown): Record<string, unknown> | undefined | 'invalid' {
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v === 'string') {
    try {
      const parsed: unknown = JSON.parse(v);
      return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : 'invalid';
    } catch {
      return 'invalid';
    }
  }
  return typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : 'invalid';
}

function flat(o: Record<string, unknown> | undefined): FormFields | undefined {
  if (!o) return undefined;
  const out: FormFields = {};
  for (const [k, v] of Object.entries(o))
    out[k] = typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? v : v === undefined ? undefined : JSON.stringify(v);
  return out;
}

const execute: ActionSpec = {
  summary: 'An authenticated REST call: method (get, delete, post, put, patch, postJson, putJson, patchJson), path, body, params',
  params: ['method', 'path', 'body', 'params'],
  required: ['method', 'path'],
  async run(ctx, a) {
    const m = METHODS[String(a.method ?? '').toLowerCase()];
    const path = str(a, 'path');
    if (!m) return invalid(ctx, `method must be one of ${Object.keys(METHODS).join(', ')} (postJson/putJson/patchJson send JSON).`);
    if (!path) return invalid(ctx, 'Missing required parameter: path');
    const bare = path.split('?')[0]!;
    if (BYTE_ROUTES.some((r) => r.test(bare))) {
      return fail(ctx, 400, 1605, 'execute cannot stream bytes: read files with the download:// resource (resources/read) or GET /file/... on the MCP port.');
    }
    const body = objectOf(a.body);
    const params = objectOf(a.params);
    if (body === 'invalid' || params === 'invalid') return invalid(ctx, 'body and params are JSON objects.');
    const res = await call(ctx, { method: m.method, path, query: flat(params), ...(m.json ? { json: body ?? {} } : { form: flat(body) }) });
    if (res.status < 400 && !res.body) {
      const textual = /^text\/|json|xml|markdown/.test(res.contentType);
      if (textual) return ok(ctx, { content: res.raw.toString('utf8'), content_type: res.contentType, http_status: res.status });
      return ok(
        ctx,
        { content_type: res.contentType, bytes: res.raw.length, http_status: res.status },
        { next: ['Binary answer: read it with resources/read uri=download://workspace/{ws}/{node}'] },
      );
    }
    return answer(ctx, res);
  },
};

interface ApiHit {
  method: string;
  path: string;
  area: string;
  served: boolean;
  source: string | undefined;
}

/** Routes of the catalogue (and the emulator's own) that match the query's words, best first. */
export function searchApi(dialect: Dialect, served: ReadonlySet<string>, query: string, tag: string | undefined, limit = 20): ApiHit[] {
  const words = query
    .toLowerCase()
    .split(/[^a-z0-9_-]+/)
    .filter(Boolean);
  const hits: { hit: ApiHit; score: number }[] = [];
  for (const r of Catalogue.bundled().routes) {
    if (!r.dialects.includes(dialect) || r.status !== 'documented') continue;
    if (tag && r.area !== tag) continue;
    const fn = r.sources.find((s) => s.dialect === dialect)?.ref ?? r.sources[0]?.ref;
    const hay = `${r.method} ${r.path} ${r.area} ${fn ?? ''}`.toLowerCase();
    const score = words.reduce((s, w) => s + (hay.includes(w) ? 1 : 0), 0);
    if (words.length && score === 0) continue;
    hits.push({
      hit: { method: r.method, path: r.path.replace(/^\/current/, ''), area: r.area, served: served.has(`${r.method} ${routeShape(r.path)}`), source: fn },
      score,
    });
  }
  hits.sort((x, y) => y.score - x.score || x.hit.path.localeCompare(y.hit.path));
  return hits.slice(0, limit).map((h) => h.hit);
}

async function searchContent(ctx: ToolCtx, a: Args): Promise<ToolResult> {
  const query = str(a, 'query', 'q');
  if (!query) return invalid(ctx, 'Missing required parameter: query');
  const share = str(a, 'share_id');
  const ws = str(a, 'workspace_id');
  const q = { search: query, limit: str(a, 'limit'), offset: str(a, 'offset'), files_scope: str(a, 'files_scope'), folders_scope: str(a, 'folders_scope') };
  if (ws || share)
    return answer(ctx, await call(ctx, { method: 'GET', path: share ? `/share/${share}/storage/search/` : `/workspace/${ws}/storage/search/`, query: q }));
  // PARITY: guide section 6: no id fans out over the top ~10 workspaces, 4 at a time, without pagination.
  const all = await call(ctx, { method: 'GET', path: '/workspaces/all/' });
  if (all.status !== 200) return answer(ctx, all);
  const list = ((all.body?.workspaces ?? []) as { id?: string }[]).slice(0, 10);
  const results: Record<string, unknown>[] = [];
  for (let i = 0; i < list.length; i += 4) {
    const batch = await Promise.all(
      list.slice(i, i + 4).map((w) => call(ctx, { method: 'GET', path: `/workspace/${w.id}/storage/search/`, query: { search: query } })),
    );
    batch.forEach((res, j) => {
      const { result: _r, ...body } = res.body ?? {};
      results.push({ workspace_id: list[i + j]!.id, status: res.status, ...body });
    });
  }
  return ok(
    ctx,
    { query, fanout: true, workspaces_searched: list.length, results },
    { warnings: ['Fan-out results are not paginated: pass workspace_id or share_id for deep results.'] },
  );
}

export interface CodeModeDeps {
  /** `METHOD /shape/` of every route the running emulator serves */
  served: ReadonlySet<string>;
}

export function codeTools(deps: CodeModeDeps): ToolSpec[] {
  const search: ToolSpec = {
    name: 'search',
    description:
      'Find content (default target="content": query, workspace_id|share_id, or a fan-out over ~10 workspaces) or API endpoints (target="api": query, tag).',
    actions: {
      search: {
        summary: 'target=content|api, query, workspace_id, share_id, tag',
        params: ['query', 'target', 'workspace_id', 'share_id', 'tag', 'limit', 'offset', 'files_scope', 'folders_scope'],
        required: ['query'],
        auth: true,
        async run(ctx, a) {
          if (str(a, 'target') === 'api') {
            return ok(
              ctx,
              { target: 'api', endpoints: searchApi(ctx.dialect, deps.served, str(a, 'query') ?? '', str(a, 'tag'), Number(str(a, 'limit') ?? 20)) },
              { next: ['execute method=<get|post|postJson...> path=<path with ids filled in>'] },
            );
          }
          return searchContent(ctx, a);
        },
      },
    },
  };
  const exec: ToolSpec = {
    name: 'execute',
    description: 'Authenticated REST calls, structured only (no eval): method, path, body, params. The token is attached for you.',
    actions: { execute },
  };
  return [authTool, uploadTool, search, exec, howToTool];
}

/** `search`/`execute` are not action-routed: their single action runs unless `action=describe`. */
export const UNROUTED = new Set(['search', 'execute']);
