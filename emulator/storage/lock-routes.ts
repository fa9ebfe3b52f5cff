/** The lock routes (locks.ts): acquire, status, heartbeat, release. Both dialects document them. */
import { defineRoute } from '../http/define.js';
import { callerOf } from '../http/context.js';
import { formatTime } from '../http/format.js';
import type { FileLock } from './locks.js';
import { lockAcquireBody, lockTokenBody, workspaceNodeParams } from './schema.js';

const SOURCE = 'official client src/api/locking.rs and src/api/storage.rs lock_* (96b1551, 41dde01)';
const FOREIGN_NODE_CHOICE = "another workspace's node id answers 401/115069 (also when the caller reaches that workspace)";
const SHAPE_CHOICE =
  'answers `lock: {locked, node_id, holder, acquired, expires, duration, client_info}`; `lock_token` only to the holder, in acquire and heartbeat answers';
const EXPIRY_CHOICE = 'a lock expires on the emulator clock; locks live in the instance (a state import or restart releases them)';
const TOKEN_CHOICE = 'no live lock answers 404/1609; a token that is not the lock holder’s answers 400/1605 naming lock_token';

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

const LOCK_PATH = '/current/workspace/:workspace_id/storage/:node_id/lock/';

export const storageLockRoutes = [
  defineRoute({
    method: 'POST',
    path: LOCK_PATH,
    area: 'storage',
    summary: 'Take the exclusive lock on a file or note (`duration` 60-3600 s, default 300; `client_info` JSON)',
    params: workspaceNodeParams,
    body: lockAcquireBody,
    access: { workspace: 'workspace_id', action: 'workspace.storage.write' },
    parity: {
      status: 'implemented',
      source: SOURCE,
      choices: [
        SHAPE_CHOICE,
        'the holder acquiring again renews the lock (same token); another user’s live lock answers 409/1660; a folder answers 400/1605',
        'while locked, writes by others (new version, update, move, delete, purge, transfer, version restore) answer 409/1660; the holder writes as usual',
        'records workspace_storage_lock_acquired',
        EXPIRY_CHOICE,
        FOREIGN_NODE_CHOICE,
      ],
    },
    handler: (ctx, { params, body, scope }, emu) => {
      const lock = emu.storage.acquireLock(callerOf(ctx).user, scope, params.node_id, body.duration, body.client_info);
      return { lock: lockJson(lock.nodeId, lock, true), lock_token: lock.token };
    },
  }),

  defineRoute({
    method: 'GET',
    path: LOCK_PATH,
    area: 'storage',
    summary: 'Whether a file is locked, by whom and until when (never the token)',
    params: workspaceNodeParams,
    access: { workspace: 'workspace_id', action: 'workspace.storage.read' },
    parity: { status: 'implemented', source: SOURCE, choices: [SHAPE_CHOICE, EXPIRY_CHOICE, FOREIGN_NODE_CHOICE] },
    handler: (_ctx, { params, scope }, emu) => {
      const { node, lock } = emu.storage.lockStatus(scope, params.node_id);
      return { lock: lockJson(node.id, lock, false) };
    },
  }),

  defineRoute({
    method: 'POST',
    path: '/current/workspace/:workspace_id/storage/:node_id/lock/heartbeat/',
    area: 'storage',
    summary: 'Renew a lock (`lock_token`) for its duration from now',
    params: workspaceNodeParams,
    body: lockTokenBody,
    access: { workspace: 'workspace_id', action: 'workspace.storage.write' },
    parity: {
      status: 'implemented',
      source: SOURCE,
      choices: [SHAPE_CHOICE, TOKEN_CHOICE, 'not an audit event (a renewal)', EXPIRY_CHOICE, FOREIGN_NODE_CHOICE],
    },
    handler: (ctx, { params, body, scope }, emu) => {
      const lock = emu.storage.heartbeatLock(callerOf(ctx).user, scope, params.node_id, body.lock_token);
      return { lock: lockJson(lock.nodeId, lock, true), lock_token: lock.token };
    },
  }),

  defineRoute({
    method: 'DELETE',
    path: LOCK_PATH,
    area: 'storage',
    summary: 'Release a lock (`lock_token` in the form body)',
    params: workspaceNodeParams,
    body: lockTokenBody,
    access: { workspace: 'workspace_id', action: 'workspace.storage.write' },
    parity: { status: 'implemented', source: SOURCE, choices: [TOKEN_CHOICE, 'records workspace_storage_lock_released', FOREIGN_NODE_CHOICE] },
    handler: (ctx, { params, body, scope }, emu) => {
      emu.storage.releaseLock(callerOf(ctx).user, scope, params.node_id, body.lock_token);
    },
  }),
];
