/**
 * Fileshare write-back (V2, issue 17): a holder of `edit` on a fileshare (the workspace's members,
 * or an `edit` grant) replaces the bound file's content with a new version through the ordinary
 * upload routes: `POST /current/upload/` with `instance_id` the fileshare, `action=update`,
 * `file_id` the bound file and an optional `if_version_id` (compare-and-swap), then for a large
 * file the session's chunks, `complete/` and `details/`. This is the hook the storage uploads call
 * (storage/upload-target.ts `FileshareUploadTarget`): the upload machinery, plan limits, storage
 * credits, audit events and activity are the uploads' own; each chunk, complete and the store
 * step ask the fileshare again.
 *
 * PARITY: 96b1551 src/api/upload.rs writeback_form_fields (no `profile_type` or `folder_id`;
 * another node than the bound one answers 404), src/bin/fastio/commands/fileshare.rs
 * upload_writeback (details first for `fileshare.file.id`; single shot up to 4 MB with the
 * session under `session`; a CAS miss is a session in `assembly_failed` whose `status_message` is
 * `CONFLICT_VERSION_MISMATCH:{current version id}`). The April dialect has no fileshares: the hook
 * is not set there, so a fileshare id is an unknown workspace (404/1609). The choices are listed
 * with the upload route (storage/upload-target.ts FILESHARE_WRITEBACK_CHOICES).
 */
import type { Emulator } from '../emulator.js';
import { Errors } from '../http/errors.js';
import type { FileshareUploadTarget } from '../storage/uploads.js';

/** Wire the write-back in (V2 only). */
export function mountFileshareWriteback(emu: Emulator): void {
  if (emu.config.apiDialect !== 'v2') return;
  emu.storage.fileshareUploadTarget = fileshareUploadTarget(emu);
}

function fileshareUploadTarget(emu: Emulator): FileshareUploadTarget {
  return (caller, input) => {
    const row = emu.db.fileshares.get(input.instance_id);
    if (!row || row.kind !== 'fileshare') return undefined;
    const scope = emu.fileshares.access.write(caller, row.id);
    if (input.action !== 'update') throw Errors.invalidField('action', 'A fileshare write-back is action=update with file_id the bound file.');
    if (input.file_id === undefined) throw Errors.missingField('file_id', 'string');
    if (input.file_id !== scope.fileshare.nodeId) throw Errors.notFound('file');
    const ws = emu.fileshares.access.storageScope(scope, 'workspace.storage.write');
    const target = emu.storage.file(ws, scope.fileshare.nodeId, 'file_id');
    return { scope: ws, parentId: target.parentId, target, fileshareId: row.id };
  };
}
