/**
 * The lock routes (locks.ts): acquire, status, heartbeat, release. Both dialects document them,
 * for a workspace's files and (the `{context_type}` twins) a share's. `lockRoutes` writes the four
 * routes once; a context says only where its file is found (the pipeline's workspace access, or
 * the share's own, shares/share-storage-lock-routes.ts) and what its routes say of themselves.
 */
import type { z } from 'zod';
import { defineRoute } from '../http/define.js';
import { callerOf, type RequestContext } from '../http/context.js';
import { formatTime } from '../http/format.js';
import type { AnyRoute, Area, AuthMode, RouteInput } from '../http/route.js';
import type { Emulator } from '../emulator.js';
import type { User } from '../store/model.js';
import type { AccessSpec, WorkspaceScope } from '../tenancy/access.js';
import type { FileLock } from './locks.js';
import { lockAcquireBody, lockTokenBody, workspaceNodeParams } from './schema.js';

/** A lock as the routes answer it (workspace and share routes alike); `withToken` only for its holder. */
export function lockJson(nodeId: string, lock: FileLock | undefined, withToken: boolean): Record<string, unknown> {
  if (!lock) return { locked: false, node_id: nodeId };
  return {
    locked: true,
    node_id: nodeId,
    holder: lock.userId,
    acquired: formatTime(lock.acquired),
    expires: formatTime(lock.expires),
    duration: lock.duration,
    client_info: lock.clientInfo,
    ...(withToken ? { lock_token: lock.token } : {}),
  };
}

/** What acquire and heartbeat answer: the lock with its token, which only its holder gets. */
function heldAnswer(lock: FileLock): Record<string, unknown> {
  return { lock: lockJson(lock.nodeId, lock, true), lock_token: lock.token };
}

type LockOp = 'acquire' | 'status' | 'heartbeat' | 'release';
type LockInput<P> = RouteInput<P, unknown, unknown, unknown>;

/** The file a lock route acts on: the workspace scope it is read through and its node id. */
export interface LockedFile {
  ws: WorkspaceScope;
  nodeId: string;
}

/** Where one context (a workspace, a share) finds a lock route's file and who may change its lock. */
export interface LockContext<P extends { node_id: string }> {
  /** the path up to `:node_id/lock/`, e.g. `/current/workspace/:workspace_id/storage/` */
  base: string;
  area: Area;
  auth?: AuthMode;
  params: () => z.ZodType<P>;
  /** the pipeline's access for reading and for changing a lock (absent: the handler's `reader`/`writer` decide) */
  access?: { read: AccessSpec; write: AccessSpec };
  summaries: Record<LockOp, string>;
  source: string;
  choices: Record<LockOp, string[]>;
  reader: (ctx: RequestContext, input: LockInput<P>, emu: Emulator) => LockedFile;
  /** as `reader`, with the user who takes, renews or releases the lock */
  writer: (ctx: RequestContext, input: LockInput<P>, emu: Emulator) => LockedFile & { user: User };
}

/** The four lock routes of one context. Their records look alike by shape, as route records do (http/route.ts RouteSpec). */
export function lockRoutes<P extends { node_id: string }>(c: LockContext<P>): AnyRoute[] {
  const path = `${c.base}:node_id/lock/`;
  const common = (op: LockOp) => ({
    area: c.area,
    ...(c.auth ? { auth: c.auth } : {}),
    summary: c.summaries[op],
    params: c.params,
    parity: { status: 'implemented' as const, source: c.source, choices: c.choices[op] },
  });
  return [
    defineRoute({
      method: 'POST',
      path,
      ...common('acquire'),
      body: lockAcquireBody,
      ...(c.access ? { access: c.access.write } : {}),
      handler: (ctx, input, emu) => {
        const { user, ws, nodeId } = c.writer(ctx, input as LockInput<P>, emu);
        return heldAnswer(emu.storage.acquireLock(user, ws, nodeId, input.body.duration, input.body.client_info));
      },
    }),
    defineRoute({
      method: 'GET',
      path,
      ...common('status'),
      ...(c.access ? { access: c.access.read } : {}),
      handler: (ctx, input, emu) => {
        const { ws, nodeId } = c.reader(ctx, input as LockInput<P>, emu);
        const { node, lock } = emu.storage.lockStatus(ws, nodeId);
        return { lock: lockJson(node.id, lock, false) };
      },
    }),
    defineRoute({
      method: 'POST',
      path: `${path}heartbeat/`,
      ...common('heartbeat'),
      body: lockTokenBody,
      ...(c.access ? { access: c.access.write } : {}),
      handler: (ctx, input, emu) => {
        const { user, ws, nodeId } = c.writer(ctx, input as LockInput<P>, emu);
        return heldAnswer(emu.storage.heartbeatLock(user, ws, nodeId, input.body.lock_token));
      },
    }),
    defineRoute({
      method: 'DELETE',
      path,
      ...common('release'),
      body: lockTokenBody,
      ...(c.access ? { access: c.access.write } : {}),
      handler: (ctx, input, emu) => {
        const { user, ws, nodeId } = c.writer(ctx, input as LockInput<P>, emu);
        emu.storage.releaseLock(user, ws, nodeId, input.body.lock_token);
      },
    }),
  ];
}

const SOURCE = 'official client src/api/locking.rs and src/api/storage.rs lock_* (96b1551, 41dde01)';
const FOREIGN_NODE_CHOICE = "another workspace's node id answers 401/115069 (also when the caller reaches that workspace)";
const SHAPE_CHOICE =
  'answers `lock: {locked, node_id, holder, acquired, expires, duration, client_info}`; `lock_token` only to the holder, in acquire and heartbeat answers';
const EXPIRY_CHOICE = 'a lock expires on the emulator clock; locks live in the instance (a state import or restart releases them)';
const TOKEN_CHOICE = 'no live lock answers 404/1609; a token that is not the lock holder’s answers 400/1605 naming lock_token';

/** The pipeline resolved the workspace (the route's `access`): the file is the path's node in it. */
function workspaceFile(ctx: RequestContext, input: LockInput<{ node_id: string }>): LockedFile & { user: User } {
  return { user: callerOf(ctx).user, ws: input.scope as WorkspaceScope, nodeId: input.params.node_id };
}

export const storageLockRoutes = lockRoutes({
  base: '/current/workspace/:workspace_id/storage/',
  area: 'storage',
  params: workspaceNodeParams,
  access: { read: { workspace: 'workspace_id', action: 'workspace.storage.read' }, write: { workspace: 'workspace_id', action: 'workspace.storage.write' } },
  summaries: {
    acquire: 'Take the exclusive lock on a file or note (`duration` 60-3600 s, default 300; `client_info` JSON)',
    status: 'Whether a file is locked, by whom and until when (never the token)',
    heartbeat: 'Renew a lock (`lock_token`) for its duration from now',
    release: 'Release a lock (`lock_token` in the form body)',
  },
  source: SOURCE,
  choices: {
    acquire: [
      SHAPE_CHOICE,
      'the holder acquiring again renews the lock (same token); another user’s live lock answers 409/1660; a folder answers 400/1605',
      'while locked, writes by others (new version, update, move, delete, purge, transfer, version restore) answer 409/1660; the holder writes as usual',
      'records workspace_storage_lock_acquired',
      EXPIRY_CHOICE,
      FOREIGN_NODE_CHOICE,
    ],
    status: [SHAPE_CHOICE, EXPIRY_CHOICE, FOREIGN_NODE_CHOICE],
    heartbeat: [SHAPE_CHOICE, TOKEN_CHOICE, 'not an audit event (a renewal)', EXPIRY_CHOICE, FOREIGN_NODE_CHOICE],
    release: [TOKEN_CHOICE, 'records workspace_storage_lock_released', FOREIGN_NODE_CHOICE],
  },
  reader: workspaceFile,
  writer: workspaceFile,
});
