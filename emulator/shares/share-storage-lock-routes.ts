/**
 * Locks on a share's files: acquire, status, heartbeat, release (both dialects document the
 * `{context_type}` twins), written once with the workspace's (storage/lock-routes.ts `lockRoutes`):
 * this file says only how a share finds its file. The lock is the file's one lock
 * (emulator/storage/locks.ts): a lock taken through the share holds in the workspace too, and the
 * other way round.
 */
import { lockRoutes } from '../storage/lock-routes.js';
import { shareNodeParams } from './share-storage-routes.js';
import { SHARE_STORAGE_CHOICES, ShareStorage } from './share-storage.js';

const CHOICES = [
  ...SHARE_STORAGE_CHOICES,
  'the lock is the file’s one lock, shared with the workspace routes: `lock: {locked, node_id, holder, acquired, expires, duration, client_info}`, `lock_token` only to the holder',
  'another user’s live lock answers 409/1660; a folder 400/1605; a token that is not the holder’s 400/1605; no live lock 404/1609',
];

export const shareStorageLockRoutes = lockRoutes({
  base: '/current/share/:share_id/storage/',
  area: 'shares',
  auth: 'bearer-or-share-token',
  params: shareNodeParams,
  summaries: {
    acquire: 'Take the exclusive lock on a file of the share (`duration` 60-3600 s; `client_info` JSON)',
    status: 'Whether a file of the share is locked, by whom and until when (never the token)',
    heartbeat: 'Renew a lock on a file of the share (`lock_token`) for its duration from now',
    release: 'Release a lock on a file of the share (`lock_token` in the form body)',
  },
  source: 'official client src/api/locking.rs and src/api/storage.rs lock_* ({context_type} twins; 96b1551, 41dde01)',
  choices: { acquire: CHOICES, status: CHOICES, heartbeat: CHOICES, release: CHOICES },
  reader: (ctx, { params }, emu) => {
    const st = new ShareStorage(emu);
    const s = st.open(ctx, params.share_id, 'read');
    return { ws: s.ws, nodeId: st.node(s, params.node_id).id };
  },
  writer: (ctx, { params }, emu) => {
    const st = new ShareStorage(emu);
    const s = st.open(ctx, params.share_id, 'modify');
    // A visitor token is refused before the node is looked at (ShareStorage.writer).
    const user = ShareStorage.writer(s);
    return { user, ws: s.ws, nodeId: st.node(s, params.node_id).id };
  },
});
