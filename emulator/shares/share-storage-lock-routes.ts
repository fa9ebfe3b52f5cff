/**
 * Locks on a share's files: acquire, status, heartbeat, release (both dialects document the
 * `{context_type}` twins). The lock is the file's one lock (emulator/storage/locks.ts): a lock taken
 * through the share holds in the workspace too, and the other way round.
 */
import { defineRoute } from '../http/define.js';
import { lockJson } from '../storage/lock-routes.js';
import { lockAcquireBody, lockTokenBody } from '../storage/schema.js';
import { shareNodeParams } from './share-storage-routes.js';
import { SHARE_STORAGE_CHOICES, ShareStorage } from './share-storage.js';

const SOURCE = 'official client src/api/locking.rs and src/api/storage.rs lock_* ({context_type} twins; 96b1551, 41dde01)';
const CHOICES = [
  ...SHARE_STORAGE_CHOICES,
  'the lock is the file’s one lock, shared with the workspace routes: `lock: {locked, node_id, holder, acquired, expires, duration, client_info}`, `lock_token` only to the holder',
  'another user’s live lock answers 409/1660; a folder 400/1605; a token that is not the holder’s 400/1605; no live lock 404/1609',
];

const LOCK_PATH = '/current/share/:share_id/storage/:node_id/lock/';

export const shareStorageLockRoutes = [
  defineRoute({
    method: 'POST',
    path: LOCK_PATH,
    area: 'shares',
    auth: 'bearer-or-share-token',
    summary: 'Take the exclusive lock on a file of the share (`duration` 60-3600 s; `client_info` JSON)',
    params: shareNodeParams,
    body: lockAcquireBody,
    parity: { status: 'implemented', source: SOURCE, choices: CHOICES },
    handler: (ctx, { params, body }, emu) => {
      const st = new ShareStorage(emu);
      const s = st.open(ctx, params.share_id, 'modify');
      const lock = emu.storage.acquireLock(ShareStorage.writer(s), s.ws, st.node(s, params.node_id).id, body.duration, body.client_info);
      return { lock: lockJson(lock.nodeId, lock, true), lock_token: lock.token };
    },
  }),

  defineRoute({
    method: 'GET',
    path: LOCK_PATH,
    area: 'shares',
    auth: 'bearer-or-share-token',
    summary: 'Whether a file of the share is locked, by whom and until when (never the token)',
    params: shareNodeParams,
    parity: { status: 'implemented', source: SOURCE, choices: CHOICES },
    handler: (ctx, { params }, emu) => {
      const st = new ShareStorage(emu);
      const s = st.open(ctx, params.share_id, 'read');
      const { node, lock } = emu.storage.lockStatus(s.ws, st.node(s, params.node_id).id);
      return { lock: lockJson(node.id, lock, false) };
    },
  }),

  defineRoute({
    method: 'POST',
    path: '/current/share/:share_id/storage/:node_id/lock/heartbeat/',
    area: 'shares',
    auth: 'bearer-or-share-token',
    summary: 'Renew a lock on a file of the share (`lock_token`) for its duration from now',
    params: shareNodeParams,
    body: lockTokenBody,
    parity: { status: 'implemented', source: SOURCE, choices: CHOICES },
    handler: (ctx, { params, body }, emu) => {
      const st = new ShareStorage(emu);
      const s = st.open(ctx, params.share_id, 'modify');
      const lock = emu.storage.heartbeatLock(ShareStorage.writer(s), s.ws, st.node(s, params.node_id).id, body.lock_token);
      return { lock: lockJson(lock.nodeId, lock, true), lock_token: lock.token };
    },
  }),

  defineRoute({
    method: 'DELETE',
    path: LOCK_PATH,
    area: 'shares',
    auth: 'bearer-or-share-token',
    summary: 'Release a lock on a file of the share (`lock_token` in the form body)',
    params: shareNodeParams,
    body: lockTokenBody,
    parity: { status: 'implemented', source: SOURCE, choices: CHOICES },
    handler: (ctx, { params, body }, emu) => {
      const st = new ShareStorage(emu);
      const s = st.open(ctx, params.share_id, 'modify');
      emu.storage.releaseLock(ShareStorage.writer(s), s.ws, st.node(s, params.node_id).id, body.lock_token);
    },
  }),
];
