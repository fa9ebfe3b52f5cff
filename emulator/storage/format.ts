import { formatTime } from '../http/format.js';
import type { StorageNode, Upload } from '../store/model.js';

/** `application/pdf` -> `document`, and so on (the live node's `mimecategory`). */
function mimeCategory(mimetype: string | null): string | null {
  if (!mimetype) return null;
  if (mimetype.startsWith('image/')) return 'image';
  if (mimetype.startsWith('video/')) return 'video';
  if (mimetype.startsWith('audio/')) return 'audio';
  if (/zip|gzip|tar|7z|rar/.test(mimetype)) return 'archive';
  if (/spreadsheet|ms-excel|csv|tab-separated/.test(mimetype)) return 'spreadsheet';
  if (mimetype === 'application/octet-stream') return 'other';
  return 'document';
}

/**
 * A storage node as the live API renders it (docs.fast.io/storage.html "Node Object Schema":
 * id, name, type, parent, size, hash, mimetype, version, created, modified, ai, origin).
 * PARITY: `ai.reason` and `ai.pages` are the emulator's own additions (why ingestion failed, and
 * the pages it charged for); `deleted` is true for a node in the trash.
 */
export function nodeJson(node: StorageNode): Record<string, unknown> {
  const base: Record<string, unknown> = {
    id: node.id,
    name: node.name,
    type: node.type,
    parent: node.parentId,
  };
  // PARITY: CHOICE. A share link (addlink) shows its target under `link` and nothing of a file's.
  if (node.type === 'link') base.link = { type: 'share', share: node.link?.shareId ?? null };
  else if (node.type !== 'folder') {
    Object.assign(base, {
      size: node.size,
      hash: node.hash,
      hash_algo: node.hash ? 'sha256' : null,
      mimetype: node.mimetype,
      mimecategory: mimeCategory(node.mimetype),
      version: node.versionId,
      ai: { state: node.ai.state, attach: node.ai.state === 'ready', reason: node.ai.reason, pages: node.ai.pages },
      origin: { type: node.type === 'note' ? 'note' : 'upload', creator: node.createdBy },
    });
  }
  return {
    ...base,
    deleted: node.trashed !== null,
    created: formatTime(node.created),
    modified: formatTime(node.updated),
  };
}

/** An upload session (`GET /current/upload/{id}/details/` answers it under `session`). */
export function uploadJson(upload: Upload): Record<string, unknown> {
  const chunks: Record<string, number> = {};
  for (const [order, chunk] of Object.entries(upload.chunks).sort((a, b) => Number(a[0]) - Number(b[0]))) chunks[order] = chunk.size;
  return {
    id: upload.id,
    name: upload.name,
    size: upload.size,
    status: upload.status,
    status_message: upload.error,
    new_file_id: upload.newFileId,
    // a write-back names its fileshare, as the client sent it (profile_type stays the storage's)
    instance_id: upload.fileshareId ?? upload.workspaceId,
    profile_type: 'workspace',
    folder_id: upload.folderId,
    chunks,
    created: formatTime(upload.created),
    updated: formatTime(upload.updated),
  };
}
