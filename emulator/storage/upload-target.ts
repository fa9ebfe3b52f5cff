/**
 * Where an upload goes (the target types of storage/uploads.ts), and the re-check of a session
 * opened through another area: a share (issue 17) or a fileshare write-back (V2). Such a session
 * keeps its `shareId` or `fileshareId`, and each chunk, the complete call and the store step ask
 * that area again (the share's write right; the fileshare's `edit` capability), through the same
 * hook that resolved it (set by shares/share-storage-mount.ts and shares/fileshare-writeback.ts).
 * So a member of the share (a holder of `edit`) alone completes it, and one who lost the right
 * meanwhile cannot.
 */
import { Errors } from '../http/errors.js';
import type { Caller } from '../http/context.js';
import type { StorageNode, Upload, User, Workspace } from '../store/model.js';
import type { Access, WorkspaceScope } from '../tenancy/access.js';
import type { NodeTree } from './nodes.js';

/** Where an upload goes: the fields of `POST /upload/` (and `batch/`, `web_upload/`) that name it. */
export interface UploadTargetInput {
  instance_id: string;
  profile_type?: 'workspace' | 'share' | undefined;
  action?: 'create' | 'update' | undefined;
  file_id?: string | undefined;
  folder_id?: string | undefined;
  /** a fileshare write-back's compare-and-swap precondition (the bound file's current version) */
  if_version_id?: string | undefined;
}

export interface UploadTarget {
  scope: WorkspaceScope;
  parentId: string;
  /** `action=update`: the file that gets the new version */
  target: StorageNode | undefined;
  /** `profile_type=share`: the share the upload goes through (its write right is checked again per chunk) */
  shareId?: string;
  /** a write-back: the fileshare the upload goes through (its `edit` capability is checked again per chunk) */
  fileshareId?: string;
}

type UploadCaller = Pick<Caller, 'user'> & Partial<Pick<Caller, 'credential'>>;

/** Resolves a `profile_type=share` upload (the shares area's, shares/share-storage-mount.ts). */
export type ShareUploadTarget = (caller: UploadCaller, input: UploadTargetInput) => UploadTarget;

/**
 * Resolves a fileshare write-back (`instance_id` a fileshare id, no `profile_type`;
 * shares/fileshare-writeback.ts): undefined when `instance_id` names no fileshare, so the upload
 * is a workspace upload.
 */
export type FileshareUploadTarget = (caller: UploadCaller, input: UploadTargetInput) => UploadTarget | undefined;

/** The other areas' upload targets; a hook left unset leaves its form unserved. */
export interface UploadTargetHooks {
  share?: ShareUploadTarget | undefined;
  fileshare?: FileshareUploadTarget | undefined;
}

/**
 * THE place an upload's destination is resolved (single call, session, stream, batch, web
 * import; storage/uploads.ts `resolveUploadTarget`): the workspace the caller may write to, the
 * folder and, for `action=update`, the file. Share targets and fileshare write-backs hook in here.
 */
export function resolveUploadTarget(
  d: { access: Access; nodes: NodeTree; hooks: UploadTargetHooks },
  caller: UploadCaller,
  input: UploadTargetInput,
  route: string,
): UploadTarget {
  if (input.profile_type === 'share') {
    // Set by the shares area (shares/share-storage-mount.ts); unset, share uploads answer 501.
    if (!d.hooks.share) throw Errors.notImplemented('POST', `${route} (profile_type=share)`);
    return d.hooks.share(caller, input);
  }
  // PARITY: 96b1551 src/api/upload.rs writeback_form_fields: a write-back names the fileshare as
  // `instance_id` with no `profile_type`; `if_version_id` is fileshare-only (400 elsewhere, its doc comment).
  const writeBack = input.profile_type === undefined ? d.hooks.fileshare?.(caller, input) : undefined;
  if (writeBack) return writeBack;
  if (input.if_version_id !== undefined) throw Errors.invalidField('if_version_id', 'if_version_id is taken by a fileshare write-back only.');
  const scope = d.access.workspace(caller, input.instance_id, 'workspace.storage.write');
  if (input.action !== 'update') return { scope, parentId: d.nodes.folder(scope, input.folder_id ?? 'root', 'folder_id'), target: undefined };
  // PARITY: agent guide v2.6: `action=update` + `file_id` replaces that file's content (a new
  // version, same node id); `folder_id` is ignored. The file is looked up in the workspace of
  // `instance_id`, so another workspace's file answers 401/115069 by construction.
  if (input.file_id === undefined) throw Errors.missingField('file_id', 'string');
  const target = d.nodes.file(scope, input.file_id, 'file_id');
  // PARITY: CHOICE. A note changes through updatenote, not an upload.
  if (target.type !== 'file') throw Errors.invalidField('file_id', 'This node is a note: change it with updatenote.');
  return { scope, parentId: target.parentId, target };
}

/**
 * Ask the share or the fileshare again whether the session's owner may still write through it
 * (throws its refusal). False when the session went to a workspace directly.
 */
export function recheckDelegatedUpload(hooks: UploadTargetHooks, caller: Pick<Caller, 'user'>, upload: Upload): boolean {
  if (upload.fileshareId) {
    const fileId = upload.fileId ?? undefined;
    if (!hooks.fileshare?.(caller, { instance_id: upload.fileshareId, action: 'update', file_id: fileId })) throw Errors.notFound('fileshare');
    return true;
  }
  if (!upload.shareId) return false;
  if (!hooks.share) throw Errors.notImplemented('POST', '/current/upload/ (profile_type=share)');
  hooks.share(caller, { instance_id: upload.shareId, profile_type: 'share', action: upload.fileId ? 'update' : 'create', file_id: upload.fileId ?? undefined });
  return true;
}

/** Why the store step of a share or fileshare session fails, or undefined when it may store (the error the session ends with). */
export function delegatedStoreRefusal(hooks: UploadTargetHooks, user: User, ws: Workspace, upload: Upload): string | undefined {
  if (ws.archived) return 'the workspace was archived';
  try {
    recheckDelegatedUpload(hooks, { user }, upload);
    return undefined;
  } catch {
    return upload.fileshareId ? 'the uploader may no longer write to this fileshare' : 'the uploader may no longer write to this share';
  }
}

/** What a fileshare write-back does (the hook is shares/fileshare-writeback.ts); listed on `POST /current/upload/`. */
export const FILESHARE_WRITEBACK_CHOICES = [
  'a write-back is `POST /current/upload/` with `instance_id` a fileshare id and no `profile_type`; it needs `edit` (members, `edit` grants): a lower capability 403/1700, a stranger to a named-people fileshare 401/115069, a deleted or expired one 404/1609',
  'it takes `action=update` only (400/1605) and `file_id` the bound file (missing 400/1605, another node 404/1609); `folder_id` is ignored',
  '`if_version_id` other than the current version ends the session in assembly_failed with `status_message` CONFLICT_VERSION_MISMATCH:{current}; sent to any other target it answers 400/1605',
  'a single call answers `session` (status stored, or assembly_failed on a CAS miss) beside `id` and `new_file_id`; the storage event says `via: fileshare_writeback` and names the fileshare',
];

/** PARITY: 96b1551 src/api/fileshare.rs CONFLICT_VERSION_PREFIX, read from a failed session's `status_message`. */
export const CONFLICT_VERSION_PREFIX = 'CONFLICT_VERSION_MISMATCH:';

/**
 * A write-back's `if_version_id` against the file as it is now: the `status_message` the session
 * fails with (`CONFLICT_VERSION_MISMATCH:{current version id}`), or undefined when it may store.
 */
export function versionConflict(ifVersionId: string | null | undefined, file: StorageNode | undefined): string | undefined {
  if (!ifVersionId || !file || file.versionId === ifVersionId) return undefined;
  return `${CONFLICT_VERSION_PREFIX}${file.versionId ?? ''}`;
}
