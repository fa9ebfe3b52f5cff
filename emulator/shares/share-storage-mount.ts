/**
 * Mounting share storage into the emulator (`mountShareStorage`, called once from emulator.ts):
 * a portal's own root folder is made when the share is created (on its `share_created` event, so a
 * refused request never makes one), and share uploads resolve through `shareUploadTarget`.
 *
 * Uploads into a share (`POST /current/upload/` with `profile_type=share`, `instance_id` the share):
 * the one hook the storage uploads call (storage/uploads.ts `shareTarget`). The share decides
 * (share-storage.ts): adding a file needs guest in receive and exchange shares and admin in send
 * shares; `action=update` changes a file (member, admin in send shares). The bytes are stored in
 * the share's folder of the workspace tree, with the workspace's plan limits and storage credits.
 *
 * PARITY: CHOICE. `folder_id` is `root` (the share's folder) or a folder of the share; a folder or
 * file outside the share answers 401/115069. A chunked session opened through a share is checked
 * again at each chunk, at complete and when it is stored by the share's rule (storage/uploads.ts
 * assertMayStillWrite: the upload keeps its `shareId`), so a member of the share alone completes
 * it; one whose share role was lowered or removed meanwhile ends in store_failed.
 */
import type { Emulator } from '../emulator.js';
import { Errors } from '../http/errors.js';
import type { ShareUploadTarget } from '../storage/uploads.js';
import { ShareStorage } from './share-storage.js';

/** Wire share storage in: the portal roots and the share uploads hook. */
export function mountShareStorage(emu: Emulator): void {
  emu.storage.shareUploadTarget = shareUploadTarget(emu);
  emu.audit.recorded.on((event) => {
    if (event.event !== 'share_created' || !event.shareId) return;
    const share = emu.db.shares.get(event.shareId);
    if (share && share.storageMode === 'independent') new ShareStorage(emu).portalRoot(share);
  });
}

export function shareUploadTarget(emu: Emulator): ShareUploadTarget {
  return (caller, input) => {
    const st = new ShareStorage(emu);
    const update = input.action === 'update';
    const s = st.openForUser(caller, input.instance_id, update ? 'modify' : 'add');
    const shareId = s.share.share.id;
    if (!update) return { scope: s.ws, parentId: st.folder(s, input.folder_id ?? 'root'), target: undefined, shareId };
    if (input.file_id === undefined) throw Errors.missingField('file_id', 'string');
    const target = st.node(s, input.file_id);
    if (target.type !== 'file') throw Errors.invalidField('file_id', 'Only a file takes a new version by upload.');
    return { scope: s.ws, parentId: target.parentId, target, shareId };
  };
}
