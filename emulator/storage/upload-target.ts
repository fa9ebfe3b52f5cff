/**
 * Where an upload goes (the target types of storage/uploads.ts), and the re-check of a session
 * opened through a share (issue 17): such a session keeps its `shareId`, and each chunk, the
 * complete call and the store step ask the share again (its write right: share role and type),
 * through the same hook that resolved it (`shareTarget`, set by shares/share-storage-mount.ts).
 * So a member of the share alone completes it, and one removed from the share meanwhile cannot.
 */
import { Errors } from '../http/errors.js';
import type { Caller } from '../http/context.js';
import type { StorageNode, Upload, User, Workspace } from '../store/model.js';
import type { WorkspaceScope } from '../tenancy/access.js';

/** Where an upload goes: the fields of `POST /upload/` (and `batch/`, `web_upload/`) that name it. */
export interface UploadTargetInput {
  instance_id: string;
  profile_type?: 'workspace' | 'share' | undefined;
  action?: 'create' | 'update' | undefined;
  file_id?: string | undefined;
  folder_id?: string | undefined;
}

export interface UploadTarget {
  scope: WorkspaceScope;
  parentId: string;
  /** `action=update`: the file that gets the new version */
  target: StorageNode | undefined;
  /** `profile_type=share`: the share the upload goes through (its write right is checked again per chunk) */
  shareId?: string;
}

/** Resolves a `profile_type=share` upload (the shares area's, shares/share-storage-mount.ts). */
export type ShareUploadTarget = (caller: Pick<Caller, 'user'> & Partial<Pick<Caller, 'credential'>>, input: UploadTargetInput) => UploadTarget;

/** Ask the share again whether the session's owner may still write through it (throws the share's refusal). */
export function recheckShareUpload(resolve: ShareUploadTarget | undefined, caller: Pick<Caller, 'user'>, upload: Upload): void {
  if (!upload.shareId) return;
  if (!resolve) throw Errors.notImplemented('POST', '/current/upload/ (profile_type=share)');
  resolve(caller, { instance_id: upload.shareId, profile_type: 'share', action: upload.fileId ? 'update' : 'create', file_id: upload.fileId ?? undefined });
}

/** Why the store step of a share session fails, or undefined when it may store (the error the session ends with). */
export function shareStoreRefusal(resolve: ShareUploadTarget | undefined, user: User, ws: Workspace, upload: Upload): string | undefined {
  if (ws.archived) return 'the workspace was archived';
  try {
    recheckShareUpload(resolve, { user }, upload);
    return undefined;
  } catch {
    return 'the uploader may no longer write to this share';
  }
}
