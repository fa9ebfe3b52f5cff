/**
 * Rebuild the route catalogue (emulator/catalogue/routes.json) from the official client's sources
 * and the agent guide, so it can be refreshed when a newer client or guide is published.
 *
 *   node dist/scripts/catalogue/refresh.js --client GITDIR [--skills GITDIR]
 *        [--april 41dde01] [--v2 96b1551] [--skills-ref e9a33b5]
 *        [--inventory ../shared/fastio-routes.json] [--out emulator/catalogue/routes.json]
 *
 * What it does, per dialect (`2026-04` is the client at --april, `v2` the client at --v2):
 *  1. reads every `src/api/*.rs` of the client with `git show`, and takes each route a doc comment
 *     names in backticks (`` `GET /workspace/{workspace_id}/details/` ``) together with the function
 *     it documents (file, line, name);
 *     It also reads the calls of the client's generic dispatchers (`ai_api`, `metadata_api`) in its
 *     commands and MCP tools, whose sub-paths name routes no doc comment does, and its path
 *     builders (`pub fn …_path`, documented with a path and no method: the fileshare downloads),
 *     whose method is that of the client call their callers make with the built path;
 *  2. checks the doc comment against the path literal in that function's body (`format!("/…/{}/…")`):
 *     when the literal has a different shape the literal wins (it is what the client sends) and the
 *     entry records the disagreement in `notes`;
 *  3. normalises: `/current` prefix, no query string, `//` collapsed, every parameter named
 *     `:name` (express style; unnamed or one-letter doc names take the name of the segment before
 *     them, see PARAM_NAMES), a leading `{context_type}/{context_id}` (or `{entity_type}`,
 *     `{profile_type}`) expanded into concrete `workspace/:workspace_id` and `share/:share_id`
 *     routes, which is how the emulator serves them;
 *  4. adds the routes the agent guide (MediaFire/fastio-skills references/REFERENCE.md, the April
 *     dialect's reference) names that the client never calls, with the guide's section as their
 *     source (a guide path that a client route matches is that route);
 *  5. merges the dialects: one entry per method and path shape (parameter names ignored), with the
 *     dialects that document it, its upstream status and every source;
 *  6. with --inventory, prints how the result differs from a previously extracted inventory.
 *
 * Upstream status: the client's commit 96b1551 ("Sunset workflows, tasks, approvals; disable
 * E-Sign", 2026-07-21) deleted workflow.rs and instructions.rs and the share/workspace workflow
 * toggles, and keeps signing.rs only behind a disabled feature: routes of the first kind are
 * `removed-2026-07-21` (documented only in 2026-04), e-sign routes `disabled-2026-07-21`.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { fromPackageRoot } from '../../emulator/paths.js';
import {
  Catalogue,
  CATALOGUE_AREAS,
  DIALECTS,
  routeShape,
  type CatalogueArea,
  type CatalogueFile,
  type CatalogueRoute,
  type Dialect,
  type UpstreamStatus,
} from '../../emulator/catalogue/index.js';

const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH'] as const;
type Method = (typeof METHODS)[number];

interface Found {
  method: Method;
  /** normalised `/current/...` path with `:name` parameters */
  path: string;
  dialect: Dialect;
  source: string;
  note?: string;
  expandedFrom?: string;
}

/** The name a parameter takes from the literal segment before it (doc names differ from file to file). */
const PARAM_NAMES: Record<string, string> = {
  workspace: 'workspace_id',
  org: 'org_id',
  share: 'share_id',
  fileshare: 'fileshare_id',
  upload: 'upload_id',
  web_upload: 'upload_id',
  storage: 'node_id',
  chat: 'chat_id',
  agent: 'chat_id',
  message: 'message_id',
  key: 'key_id',
  comments: 'comment_id',
  event: 'event_id',
  token: 'token_id',
  sign_envelopes: 'envelope_id',
  sign_templates: 'template_id',
  documents: 'document_id',
  templates: 'template_id',
  view: 'template_id',
  quickshare: 'quickshare_id',
  sessions: 'session_id',
  invitation: 'invitation_id',
  member: 'member_id',
  members: 'member_id',
  details: 'source_id',
  jobs: 'job_id',
  writebacks: 'writeback_id',
  identities: 'identity_id',
  apps: 'app_id',
  assets: 'asset_name',
  user: 'user_id',
  tasks: 'list_id',
  items: 'task_id',
  todos: 'todo_id',
  approvals: 'approval_id',
  worklogs: 'entry_id',
  versions: 'version_id',
  poll: 'entity_id',
  push: 'node_id',
  cards: 'card_key',
  preview: 'preview_type',
  transform: 'transform_name',
  grants: 'user_id',
  auth: 'fileshare_id',
};

/** A leading type parameter stands for these concrete routes (the emulator serves them one by one). */
const CONTEXT_KINDS: Record<string, string[]> = {
  context_type: ['workspace', 'share'],
  ctx: ['workspace', 'share'],
  profile_type: ['workspace', 'share'],
  // PARITY: member.rs and invitation.rs say "for both workspaces and shares"; asset.rs lists
  // orgs, workspaces, shares and users.
  entity_type: ['workspace', 'share'],
};
const ASSET_KINDS = ['org', 'workspace', 'share', 'user'];

function git(gitDir: string, ...args: string[]): string {
  return execFileSync('git', ['--git-dir', gitDir, ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
}

/** `/workspace/{workspace_id}/storage/{}/x/?q=1` -> segments with parameters marked. */
function parseTemplate(raw: string): { segs: { lit?: string; param?: string }[] } | undefined {
  let p = raw.trim().replace(/[`.,;:]+$/, '');
  p = p
    .split('?')[0]!
    .split('…')[0]!
    .replace(/\[[^\]]*\]\/?/g, '');
  if (p.startsWith('/api/')) return undefined;
  if (!p.startsWith('/')) return undefined;
  if (!p.startsWith('/current/')) p = `/current${p}`;
  const segs: { lit?: string; param?: string }[] = [];
  for (const s of p.split('/').filter(Boolean)) {
    if (s === 'current' && segs.length === 0) continue;
    // `{country_code}-{phone_number}` is one segment, one parameter for the router
    const m = /^\{([^}]*)\}/.exec(s);
    if (m) segs.push({ param: s.includes('}-{') ? s.replace(/[{}]/g, '').replace('-', '_') : m[1]! });
    else if (s.startsWith(':')) segs.push({ param: s.slice(1) });
    else segs.push({ lit: s });
  }
  return { segs };
}

function nameParams(segs: { lit?: string; param?: string }[]): string[] {
  const out: string[] = [];
  const used = new Set<string>();
  segs.forEach((s, i) => {
    if (s.lit !== undefined) {
      out.push(s.lit);
      return;
    }
    const prev = segs[i - 1]?.lit;
    const doc = s.param ?? '';
    let name =
      doc.length > 2 &&
      ![
        'id',
        'ws',
        'env',
        'doc',
        'node',
        'parent',
        'ctx_id',
        'name',
        'code',
        'state',
        'channel',
        'token',
        'key',
        'action',
        'domain',
        'email',
        'email_or_user_id',
        'user_id',
        'member_id',
        'folder_id',
        'parent_id',
      ].includes(doc)
        ? doc
        : (prev && PARAM_NAMES[prev]) || doc || `${prev ?? 'param'}_id`;
    if (['parent_id', 'folder_id', 'parent', 'node'].includes(doc)) name = 'node_id';
    if (doc === 'user_id' || doc === 'member_id' || doc === 'email' || doc === 'email_or_user_id') name = prev === 'user' ? 'user_id' : 'member';
    if (['name', 'code', 'state', 'channel', 'token', 'key', 'action', 'domain'].includes(doc)) name = doc;
    // metadata sub-paths: `metadata/update/{}` and a node's `metadata/list/{}` take a template id,
    // `metadata/templates/list/{}` a filter
    if (prev === 'update' && segs.some((x) => x.lit === 'metadata')) name = 'template_id';
    if (prev === 'list' && segs.some((x) => x.lit === 'metadata')) name = segs.some((x) => x.lit === 'storage') ? 'template_id' : 'filter';
    if (used.has(name)) name = `${name}_${i}`;
    used.add(name);
    out.push(`:${name}`);
  });
  return out;
}

/** Expand a leading type parameter into concrete routes; returns [path, expandedFrom?]. */
function concretePaths(raw: string): { path: string; expandedFrom?: string }[] {
  const t = parseTemplate(raw);
  if (!t || t.segs.length === 0) return [];
  const first = t.segs[0]!;
  const second = t.segs[1];
  const original = `/current/${t.segs.map((s) => (s.lit !== undefined ? s.lit : `{${s.param}}`)).join('/')}/`;
  if (first.param !== undefined) {
    const isAsset = t.segs.some((s) => s.lit === 'assets');
    const kinds = isAsset ? ASSET_KINDS : (CONTEXT_KINDS[first.param] ?? ['workspace', 'share']);
    return kinds.map((kind) => {
      const segs = [{ lit: kind }, ...(second?.param !== undefined ? [{ param: `${kind}_id` }] : []), ...t.segs.slice(second?.param !== undefined ? 2 : 1)];
      const named = nameParams(segs);
      if (named[1]?.startsWith(':')) named[1] = kind === 'org' ? ':org_id' : kind === 'user' ? ':user_id' : `:${kind}_id`;
      return { path: `/current/${named.join('/')}/`, expandedFrom: original };
    });
  }
  return [{ path: `/current/${nameParams(t.segs).join('/')}/` }];
}

/** The shape of a code literal: `"/workspace/{}/storage/{}/list/"` -> `/current/workspace/*\/storage/*\/list/` */
/** `/a/[{b}/]` -> `/a/` and `/a/{b}/`; a path without an optional tail as it is. */
function optionalTails(raw: string): string[] {
  const m = /^(.*\/)\[([^\]]+)\]$/.exec(raw);
  return m ? [m[1]!, `${m[1]!}${m[2]!}`] : [raw];
}

function literalShape(lit: string): string {
  const t = parseTemplate(lit.replace(/^\{\}(?=\/)/, ''));
  if (!t) return '';
  return `/current/${t.segs.map((s) => (s.lit !== undefined ? s.lit : '*')).join('/')}/`;
}

function extractClient(gitDir: string, commit: string, dialect: Dialect): Found[] {
  const files = git(gitDir, 'ls-tree', '--name-only', commit, 'src/api/')
    .split('\n')
    .filter((f) => f.endsWith('.rs'));
  const sources = files.map((file) => ({ file, lines: git(gitDir, 'show', `${commit}:${file}`).split('\n') }));
  // The first segments the client's code really sends to (`/workspace/`, `/org/`, ...): a route a
  // comment names under any other root is a relative cross-reference (`/metadata/details/`).
  const roots = new Set<string>();
  for (const { lines } of sources) for (const m of lines.join('\n').matchAll(/"(?:\{\})?\/([a-z_-]+)\//g)) roots.add(m[1]!);
  const found: Found[] = [];
  for (const { file, lines } of sources) {
    const testStart = lines.findIndex((l) => /^#\[cfg\(test\)\]/.test(l));
    const end = testStart >= 0 ? testStart : lines.length;
    for (let fnLine = 0; fnLine < end; fnLine++) {
      const fnMatch = /^\s*pub(\(crate\))? (async )?fn (\w+)/.exec(lines[fnLine]!);
      if (!fnMatch) continue;
      const fn = fnMatch[3]!;
      // the doc block right above the function (attributes may sit between)
      let docStart = fnLine - 1;
      while (docStart >= 0 && /^\s*(\/\/\/|#\[)/.test(lines[docStart]!)) docStart--;
      docStart++;
      let bodyEnd = fnLine + 1;
      while (bodyEnd < end && !/^\s*(pub(\(crate\))? )?(async )?fn /.test(lines[bodyEnd]!) && !/^\s*\/\/\//.test(lines[bodyEnd]!)) bodyEnd++;
      const body = lines.slice(fnLine, bodyEnd).join('\n');
      // path literals whose parameters are all positional (`{}`); `{suffix}` builds a path in parts
      const literals = [
        ...new Set(
          [...body.matchAll(/"((?:\{\})?\/[a-z0-9_/{}.-]*)"/g)]
            .filter((x) => !/\{[a-z_]+\}/.test(x[1]!))
            .map((x) => literalShape(x[1]!))
            .filter((x) => x.length > 9),
        ),
      ];
      // The function's own routes start a comment line (`/// \`GET /path/\``, `/// - \`GET ...`);
      // routes named mid-sentence are cross-references ("the legacy `POST /x/` route is gone").
      let mentions: { method: Method; raw: string; line: number }[] = [];
      const loose: typeof mentions = [];
      for (let i = docStart; i < fnLine; i++) {
        const leading = /^\s*\/\/\/\s*[-(]?\s*`(GET|POST|PUT|DELETE|PATCH) \//.test(lines[i]!);
        for (const m of lines[i]!.matchAll(/`(GET|POST|PUT|DELETE|PATCH) (\/[^`\s]*)[^`]*`/g)) {
          const root = /^\/(?:current\/)?([a-z_-]+|\{)/.exec(m[2]!)?.[1];
          if (!root || (root !== '{' && !roots.has(root))) continue;
          // An optional tail (`list/[{state}/]`) documents two routes: without it and with it.
          for (const raw of optionalTails(m[2]!)) (leading ? mentions : loose).push({ method: m[1] as Method, raw, line: i + 1 });
        }
      }
      // Checked against the code: when the function's path literals are known, a mention they do
      // not contain is a cross-reference (its own function documents it) unless it is the only one.
      const genericShape = (raw: string) => literalShape(raw.replace(/\{[^}]*\}/g, '{}'));
      // a function documented only mid-sentence ("Post a batch to `POST /upload/batch/`"): the
      // mentions its code confirms
      if (mentions.length === 0) mentions = loose.filter((m) => literals.includes(genericShape(m.raw)));
      const matched = literals.length > 0 ? mentions.filter((m) => literals.includes(genericShape(m.raw))) : mentions;
      const kept = matched.length > 0 ? matched : mentions.slice(0, 1);
      // A documented route whose code also builds it with one more, optional, parameter segment
      // (`if let Some(s) = state { ".../list/{}/" } else { ".../list/" }`): that form is a route too,
      // its parameter named after the optional argument.
      const optional = /if let Some\(\w+\) = (\w+)/.exec(body)?.[1];
      if (optional) {
        for (const m of [...kept]) {
          const longer = genericShape(m.raw).replace(/\/$/, '/*/');
          if (literals.includes(longer) && !kept.some((k) => genericShape(k.raw) === longer))
            kept.push({ ...m, raw: `${m.raw.replace(/\/$/, '')}/{${optional}}/` });
        }
      }
      for (const m of kept) {
        const source = `MediaFire/fastio_cli@${commit} ${file}:${m.line} ${fn}`;
        const wrong = literals.length > 0 && matched.length === 0;
        if (wrong && literals.length !== 1) continue;
        for (const c of concretePaths(wrong ? literals[0]!.replace(/\*/g, '{}') : m.raw)) {
          const note = wrong ? `${file} ${fn}: the doc comment says ${m.method} ${m.raw}, the code calls ${literals[0]}` : undefined;
          found.push({
            method: m.method,
            path: c.path,
            dialect,
            source,
            ...(note ? { note } : {}),
            ...(c.expandedFrom ? { expandedFrom: c.expandedFrom } : {}),
          });
        }
      }
    }
  }
  return found;
}

/**
 * The client's generic dispatchers (`ai_api(client, ctx_type, ctx_id, sub, METHOD, ...)`,
 * `metadata_api(client, ws_id, sub, METHOD, ...)`), which its commands and MCP tools call with a
 * sub-path built just before the call: the routes they reach are documented by those calls.
 */
const DISPATCHERS: { fn: string; prefix: string; subArg: number }[] = [
  { fn: 'ai_api', prefix: '/{context_type}/{context_id}/ai/', subArg: 3 },
  { fn: 'metadata_api', prefix: '/workspace/{workspace_id}/', subArg: 2 },
];

function extractDispatcherCalls(gitDir: string, commit: string, dialect: Dialect): Found[] {
  const files = git(gitDir, 'ls-tree', '-r', '--name-only', commit, 'src/')
    .split('\n')
    .filter((f) => f.endsWith('.rs') && !f.startsWith('src/api/'));
  const found: Found[] = [];
  for (const file of files) {
    const text = git(gitDir, 'show', `${commit}:${file}`);
    if (!DISPATCHERS.some((d) => text.includes(`${d.fn}(`))) continue;
    const lines = text.split('\n');
    const testStart = lines.findIndex((l) => /^#\[cfg\(test\)\]/.test(l));
    const end = testStart >= 0 ? testStart : lines.length;
    for (let i = 0; i < end; i++) {
      for (const d of DISPATCHERS) {
        if (!lines[i]!.includes(`::${d.fn}(`)) continue;
        // the call's arguments, up to the closing parenthesis (a few lines at most)
        const call = lines.slice(i, i + 10).join(' ');
        const argsText = call.slice(call.indexOf(`${d.fn}(`) + d.fn.length + 1);
        const args = argsText.split(',').map((a) => a.trim());
        const method = /^"(GET|POST|PUT|DELETE|PATCH)"/.exec(args[d.subArg + 1] ?? '')?.[1] as Method | undefined;
        if (!method) continue;
        const subArg = args[d.subArg]!;
        let subs: string[] = [];
        const lit = /^"([^"]*)"/.exec(subArg);
        if (lit) subs = [lit[1]!];
        else {
          const name = subArg.replace(/^&/, '');
          // the nearest assignment of that variable above the call, to its semicolon
          for (let j = i; j >= Math.max(0, i - 30); j--) {
            if (!new RegExp(`\\blet (mut )?${name}\\b`).test(lines[j]!)) continue;
            let k = j;
            while (k < i && !lines[k]!.includes(';')) k++;
            subs = [
              ...lines
                .slice(j, k + 1)
                .join(' ')
                .matchAll(/"([a-z][a-z0-9_/{}.-]*)"/g),
            ].map((m) => m[1]!);
            break;
          }
        }
        for (const sub of subs) {
          if (!sub.includes('/')) continue;
          const source = `MediaFire/fastio_cli@${commit} ${file}:${i + 1} ${d.fn}`;
          for (const c of concretePaths(`${d.prefix}${sub}`))
            found.push({ method, path: c.path, dialect, source, ...(c.expandedFrom ? { expandedFrom: c.expandedFrom } : {}) });
        }
      }
    }
  }
  return found;
}

/** The client calls a built path is handed to, and the method each sends (src/client.rs). */
const CALL_METHODS: [RegExp, Method][] = [
  [/\.(download\w*|get\w*)\(\s*&(\w+)/, 'GET'],
  [/\.(post\w*)\(\s*&(\w+)/, 'POST'],
  [/\.(put\w*)\(\s*&(\w+)/, 'PUT'],
  [/\.(delete\w*)\(\s*&(\w+)/, 'DELETE'],
  [/\.(patch\w*)\(\s*&(\w+)/, 'PATCH'],
];

/**
 * Path builders: `pub fn x_path(...)` in src/api whose doc comment names a path without a method
 * (`` `/fileshare/{id}/storage/read/` ``). The route's method is the one of the client call its
 * callers (commands, MCP tools) make with the variable holding the built path, within 40 lines.
 */
function extractPathBuilders(gitDir: string, commit: string, dialect: Dialect): Found[] {
  const apiFiles = git(gitDir, 'ls-tree', '--name-only', commit, 'src/api/')
    .split('\n')
    .filter((f) => f.endsWith('.rs'));
  const builders: { fn: string; raw: string; file: string; line: number }[] = [];
  for (const file of apiFiles) {
    const lines = git(gitDir, 'show', `${commit}:${file}`).split('\n');
    for (let i = 0; i < lines.length; i++) {
      const m = /^\s*pub fn (\w+_path)\(/.exec(lines[i]!);
      if (!m) continue;
      let doc = i - 1;
      while (doc >= 0 && /^\s*\/\/\//.test(lines[doc]!)) doc--;
      const text = lines.slice(doc + 1, i).join(' ');
      const raw = /`(\/[a-z][^`\s]*\/)`/.exec(text)?.[1];
      if (raw && !/`(GET|POST|PUT|DELETE|PATCH) /.test(text)) builders.push({ fn: m[1]!, raw, file, line: doc + 2 });
    }
  }
  if (builders.length === 0) return [];
  const callers = git(gitDir, 'ls-tree', '-r', '--name-only', commit, 'src/')
    .split('\n')
    .filter((f) => f.endsWith('.rs') && !f.startsWith('src/api/'));
  const methods = new Map<string, Set<Method>>();
  for (const file of callers) {
    const lines = git(gitDir, 'show', `${commit}:${file}`).split('\n');
    for (let i = 0; i < lines.length; i++) {
      for (const b of builders) {
        if (!lines[i]!.includes(`::${b.fn}(`)) continue;
        // the variable the path is bound to: `let api_path = match … { … x_path(…) … }` or `let p = x_path(…)`
        let j = i;
        while (j >= Math.max(0, i - 5) && !/\blet (mut )?(\w+)\s*=/.test(lines[j]!)) j--;
        const name = /\blet (mut )?(\w+)\s*=/.exec(lines[j] ?? '')?.[2];
        if (!name) continue;
        for (const later of lines.slice(i, i + 40)) {
          for (const [re, method] of CALL_METHODS) {
            const call = re.exec(later);
            if (call && call[2] === name) (methods.get(b.fn) ?? methods.set(b.fn, new Set()).get(b.fn)!).add(method);
          }
        }
      }
    }
  }
  const found: Found[] = [];
  for (const b of builders) {
    for (const method of methods.get(b.fn) ?? []) {
      const source = `MediaFire/fastio_cli@${commit} ${b.file}:${b.line} ${b.fn}`;
      for (const c of concretePaths(b.raw)) found.push({ method, path: c.path, dialect, source, ...(c.expandedFrom ? { expandedFrom: c.expandedFrom } : {}) });
    }
  }
  return found;
}

function extractGuide(gitDir: string, commit: string, dialect: Dialect): Found[] {
  const file = 'references/REFERENCE.md';
  const lines = git(gitDir, 'show', `${commit}:${file}`).split('\n');
  const found: Found[] = [];
  let section = '';
  lines.forEach((line, i) => {
    const h = /^#{2,4} (.+)$/.exec(line);
    if (h) section = h[1]!.trim();
    // the activity WebSocket is given as an address (`wss://{host}/api/websocket/?token=...`)
    for (const m of line.matchAll(/wss:\/\/\{host\}(\/api\/websocket\/)/g))
      found.push({ method: 'GET', path: m[1]!, dialect, source: `MediaFire/fastio-skills@${commit} ${file}:${i + 1} "${section}"` });
    for (const m of line.matchAll(/\b(GET|POST|PUT|DELETE|PATCH) `?(\/(?:current|api)\/[^\s`?)]*)/g)) {
      const raw = m[2]!;
      const source = `MediaFire/fastio-skills@${commit} ${file}:${i + 1} "${section}"`;
      if (raw.startsWith('/api/')) {
        found.push({ method: m[1] as Method, path: raw.endsWith('/') ? raw : `${raw}/`, dialect, source });
        continue;
      }
      for (const c of concretePaths(raw))
        found.push({ method: m[1] as Method, path: c.path, dialect, source, ...(c.expandedFrom ? { expandedFrom: c.expandedFrom } : {}) });
    }
  });
  return found;
}

/** Which area of the emulator a route belongs to (first rule that matches). */
const AREA_RULES: [RegExp, CatalogueArea][] = [
  [/\/sign_(envelopes|templates)\//, 'esign'],
  [/^\/current\/(tasks|todos|worklogs|approvals)\/|\/(tasks|todos|approvals|workflow|instructions)\//, 'workflow'],
  [/^\/current\/imports\//, 'imports'],
  [/^\/current\/comments\//, 'comments'],
  [/\/ai\/|\/metadata\/|\/search\/$|\/storage\/search\//, 'intelligence'],
  [/^\/current\/(events?|activity)\/|\/dashboard\/|^\/api\/websocket\//, 'events'],
  [/\/transfer\/(token|claim)/, 'transfer'],
  [/\/billing\//, 'billing'],
  [/\/members?\/|\/invitations?\//, 'members'],
  [/^\/current\/(upload|web_upload)\/|\/storage\//, 'storage'],
  [/^\/current\/(fileshare|quickshare)\/|^\/current\/shares?\/|\/(create|list)\/(share|shares|fileshare|fileshares)\/|\/quickshares?\//, 'shares'],
  [/^\/current\/(user|users|oauth|auth)\//, 'auth'],
  [/^\/current\/(org|orgs)\/[^/]*\/?(create|details|update|close|public|assets|list|check|all|available|external)?/, 'orgs'],
  [/^\/current\/workspaces?\/|\/(create|list)\/workspaces?\//, 'workspaces'],
  [/^\/current\/(apps|ping|system|how-to)\//, 'other'],
];

export function areaOf(path: string): CatalogueArea {
  if (/\/(create|list)\/workspaces?\/$/.test(path)) return 'workspaces';
  for (const [re, area] of AREA_RULES) if (re.test(path)) return area;
  return 'other';
}

const REMOVED = /^\/current\/(tasks|todos|worklogs|approvals)\/|\/(tasks|todos|approvals|instructions)\/|\/workflow\/(enable|disable)\//;

export function buildCatalogue(found: Found[], refs: Record<string, string>): CatalogueFile {
  const byKey = new Map<string, CatalogueRoute & { notes?: string[] }>();
  const fromClient = (f: Found) => f.source.startsWith('MediaFire/fastio_cli');
  // the client first: a guide path written with a placeholder word (`/members/email/`) is the
  // client's parameterised route, not a route of its own
  const ordered = [...found.filter(fromClient), ...found.filter((f) => !fromClient(f))];
  for (const f of ordered) {
    let key = `${f.method} ${routeShape(f.path)}`;
    if (!fromClient(f) && !byKey.has(key)) {
      const known = new Catalogue([...byKey.values()]).matchAny(f.method, f.path);
      if (known) key = `${known.method} ${routeShape(known.path)}`;
    }
    let e = byKey.get(key);
    if (!e) {
      e = { method: f.method, path: f.path, area: areaOf(f.path), dialects: [], status: 'documented', sources: [] };
      byKey.set(key, e);
    }
    // a guide path never replaces the client's parameter names
    if (f.source.startsWith('MediaFire/fastio_cli') && e.sources.every((s) => !s.ref.startsWith('MediaFire/fastio_cli'))) e.path = f.path;
    if (!e.dialects.includes(f.dialect)) e.dialects.push(f.dialect);
    if (!e.sources.some((s) => s.ref === f.source && s.dialect === f.dialect)) e.sources.push({ dialect: f.dialect, ref: f.source });
    if (f.expandedFrom) e.expandedFrom = f.expandedFrom;
    if (f.note && !(e.notes ?? []).includes(f.note)) (e.notes ??= []).push(f.note);
  }
  const routes = [...byKey.values()].map((e) => {
    e.dialects.sort((a, b) => DIALECTS.indexOf(a) - DIALECTS.indexOf(b));
    let status: UpstreamStatus = 'documented';
    if (e.area === 'esign') status = 'disabled-2026-07-21';
    else if (REMOVED.test(e.path) && !e.dialects.includes('v2')) status = 'removed-2026-07-21';
    e.status = status;
    e.sources.sort((a, b) => DIALECTS.indexOf(a.dialect) - DIALECTS.indexOf(b.dialect) || a.ref.localeCompare(b.ref));
    return e;
  });
  routes.sort((a, b) => CATALOGUE_AREAS.indexOf(a.area) - CATALOGUE_AREAS.indexOf(b.area) || a.path.localeCompare(b.path) || a.method.localeCompare(b.method));
  return {
    about:
      'Every route of the Fast.io REST API as the official client (MediaFire/fastio_cli) and the agent guide (MediaFire/fastio-skills) document it, per dialect. Generated by scripts/catalogue/refresh.ts; do not edit by hand (see README, "Route catalogue").',
    refs,
    count: routes.length,
    routes,
  };
}

function arg(argv: string[], name: string, fallback?: string): string | undefined {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : fallback;
}

function compareInventory(cat: CatalogueFile, inventoryPath: string): void {
  const inv = JSON.parse(readFileSync(inventoryPath, 'utf8')) as { routes: { method: string; path: string; eras: string[] }[] };
  const invKeys = new Map<string, string>();
  for (const r of inv.routes)
    for (const c of concretePaths(r.path.replace(/^\/current/, ''))) invKeys.set(`${r.method} ${routeShape(c.path)}`, `${r.method} ${r.path}`);
  const catKeys = new Set(cat.routes.map((r) => `${r.method} ${routeShape(r.path)}`));
  const onlyInv = [...invKeys].filter(([k]) => !catKeys.has(k)).map(([, v]) => v);
  const onlyCat = cat.routes.filter(
    (r) => !invKeys.has(`${r.method} ${routeShape(r.path)}`) && r.sources.some((s) => s.ref.startsWith('MediaFire/fastio_cli')),
  );
  process.stdout.write(`inventory ${inventoryPath}: ${inv.routes.length} entries, ${invKeys.size} concrete routes\n`);
  process.stdout.write(`  in the inventory, not in the catalogue (${onlyInv.length}):\n${onlyInv.map((s) => `    ${s}`).join('\n')}\n`);
  process.stdout.write(
    `  in the catalogue from the client, not in the inventory (${onlyCat.length}):\n${onlyCat.map((r) => `    ${r.method} ${r.path}`).join('\n')}\n`,
  );
}

function main(argv: string[]): number {
  const client = arg(argv, '--client', '/work/.mirror/MediaFire+fastio_cli/repo')!;
  const skills = arg(argv, '--skills', '/work/.mirror/MediaFire+fastio-skills/repo');
  const april = arg(argv, '--april', '41dde01')!;
  const v2 = arg(argv, '--v2', '96b1551')!;
  const skillsRef = arg(argv, '--skills-ref', 'e9a33b5')!;
  const out = arg(argv, '--out', fromPackageRoot('emulator', 'catalogue', 'routes.json'))!;
  if (!existsSync(client)) {
    process.stderr.write(`catalogue refresh: no client git directory at ${client} (--client GITDIR)\n`);
    return 1;
  }
  const found = [
    ...extractClient(client, april, '2026-04'),
    ...extractClient(client, v2, 'v2'),
    ...extractDispatcherCalls(client, april, '2026-04'),
    ...extractDispatcherCalls(client, v2, 'v2'),
    ...extractPathBuilders(client, april, '2026-04'),
    ...extractPathBuilders(client, v2, 'v2'),
  ];
  const refs: Record<string, string> = { 'client 2026-04': `MediaFire/fastio_cli@${april}`, 'client v2': `MediaFire/fastio_cli@${v2}` };
  if (skills && existsSync(skills)) {
    // PARITY: references/REFERENCE.md last changed on 2026-05-22 (45a36aa); the V2 commits of the
    // guide rewrote SKILL.md and README.md only, so the reference documents the April dialect (it
    // still names /ai/chat/). CHOICE: guide routes count for 2026-04 only until a V2 reference exists.
    found.push(...extractGuide(skills, skillsRef, '2026-04'));
    refs['guide 2026-04'] = `MediaFire/fastio-skills@${skillsRef} references/REFERENCE.md`;
  }
  const cat = buildCatalogue(found, refs);
  writeFileSync(out, `${JSON.stringify(cat, null, 1)}\n`);
  const inventory = arg(argv, '--inventory');
  if (inventory) compareInventory(cat, inventory);
  const per = DIALECTS.map((d) => `${d}: ${cat.routes.filter((r) => r.dialects.includes(d)).length}`).join(', ');
  process.stdout.write(`wrote ${out}: ${cat.count} routes (${per})\n`);
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = main(process.argv.slice(2));
}

export { METHODS };
