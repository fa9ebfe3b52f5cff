/**
 * A fileshare's preview read and its realtime-channel token (V2; issue 17; official client 96b1551
 * src/api/fileshare.rs storage_preview_path, websocket_auth; commands/fileshare.rs preview, ws_token).
 * The preview is the bound file's, rendered by emulator/storage/previews.ts and streamed directly
 * (a 200, no redirect: the client follows at most one and single-file previews do not redirect).
 */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { callerOf } from '../http/context.js';
import { defineRoute } from '../http/define.js';
import { formatTime } from '../http/format.js';
import { lazy } from '../http/schema.js';
import { renderCacheOf, renderPreview, PREVIEW_TYPES, type PreviewType } from '../storage/previews.js';
import { PREVIEW_CHOICES, serveRendered, sourceBytes } from '../storage/preview-routes.js';
import { FILESHARE_ACCESS_CHOICES } from './fileshare-access.js';
import { fileshareParams } from './fileshare-schema.js';

const SOURCE = 'official client 96b1551 src/api/fileshare.rs storage_preview_path/websocket_auth, src/bin/fastio/commands/fileshare.rs preview/ws_token';
/** PARITY: CHOICE. How long a fileshare's realtime token lives (the sources say only "short-lived"). */
export const FILESHARE_WS_TOKEN_TTL_MS = 5 * 60 * 1000;

/** PARITY: CHOICE. The fileshare client passes the type verbatim and its help names `hls_stream`: taken as `hlsstream`. */
const previewParams = lazy(() =>
  z.object({
    fileshare_id: z.string().min(1).max(100),
    preview_type: z
      .enum([...PREVIEW_TYPES, 'hls_stream'], { message: `Expected one of: ${PREVIEW_TYPES.join(', ')}.` })
      .transform((t): PreviewType => (t === 'hls_stream' ? 'hlsstream' : t)),
  }),
);

/** One signing key per emulator instance: a token of another instance or run does not verify. */
const keys = new WeakMap<object, Uint8Array>();
const keyOf = (owner: object) => {
  let k = keys.get(owner);
  if (!k) keys.set(owner, (k = new Uint8Array(randomBytes(32))));
  return k;
};

export const filesharePreviewRoutes = [
  defineRoute({
    method: 'GET',
    path: '/current/fileshare/:fileshare_id/storage/preview/:preview_type/read/',
    dialects: ['v2'],
    area: 'shares',
    auth: 'bearer-optional',
    summary: "The bound file's preview (`thumbnail`, `image`, `bin`, `pdf`, …), streamed; needs `view`, anonymous per the tier",
    params: previewParams,
    parity: {
      status: 'partial',
      source: SOURCE,
      choices: [
        'answers the preview bytes directly (200, no redirect); thumbnail and image need view, bin and pdf (the file itself) download; bandwidth charged to the org as a read',
        ...PREVIEW_CHOICES.slice(1),
        ...FILESHARE_ACCESS_CHOICES,
      ],
    },
    handler: async (ctx, { params }, emu) => {
      // PARITY: CHOICE. bin and pdf are the file itself: they need `download`, rendered previews `view`.
      const need = params.preview_type === 'bin' || params.preview_type === 'pdf' ? 'download' : 'view';
      const scope = await emu.fileshares.access.consume(ctx.caller, params.fileshare_id, ctx.linkPassword, need);
      const ws = emu.fileshares.access.storageScope(scope);
      const node = emu.storage.file(ws, scope.fileshare.nodeId);
      const rendered = await renderPreview(renderCacheOf(emu), params.preview_type, node, sourceBytes(emu, scope.actingUser, ws, node));
      return serveRendered(emu, ctx.method, scope.actingUser, ws, node, rendered);
    },
  }),

  defineRoute({
    method: 'GET',
    path: '/current/websocket/auth/:fileshare_id/',
    dialects: ['v2'],
    area: 'shares',
    summary: "A short-lived token for a fileshare's realtime channel (workspace members only)",
    params: fileshareParams,
    parity: {
      status: 'partial',
      source: SOURCE,
      choices: [
        'answers `token` (a JWT signed by this emulator instance, audience fileshare-realtime, naming the fileshare and its workspace) and `expires`; it lives 5 minutes on the emulator clock',
        "only the fileshare's managers (workspace owner, admin, member) get one, as for its other management routes: a recipient (or anyone, past the named-people tier) 403/1680, a stranger to a named-people fileshare 401/115069",
        "the emulator's /api/websocket/ does not take this token: the per-fileshare realtime channel is not served (activity is followed with the user's own token)",
        'the client calls the path without its trailing slash; the emulator answers both',
      ],
    },
    handler: async (ctx, { params }, emu) => {
      const { user } = callerOf(ctx);
      const scope = emu.fileshares.access.manage({ user }, params.fileshare_id, 'workspace.storage.read');
      const now = emu.clock.now();
      const exp = Math.floor((now + FILESHARE_WS_TOKEN_TTL_MS) / 1000);
      const { SignJWT } = await import('jose');
      const token = await new SignJWT({ fileshare: scope.fileshare.id, workspace: scope.workspace.id })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setSubject(user.id)
        .setIssuer('fastio-emulator')
        .setAudience('fileshare-realtime')
        .setIssuedAt(Math.floor(now / 1000))
        .setExpirationTime(exp)
        .sign(keyOf(emu));
      return { token, expires: formatTime(exp * 1000) };
    },
  }),
];
