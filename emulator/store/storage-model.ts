/**
 * Stored files: nodes (files, folders, notes, links), their versions, the blobs that hold their bytes,
 * and upload sessions. Kept beside model.ts, which re-exports them.
 */
export type AiState = 'disabled' | 'pending' | 'in_progress' | 'ready' | 'failed';

export interface StorageNode {
  /** opaque id, type `2` */
  id: string;
  workspaceId: string;
  orgId: string;
  /** `root` or a folder node id */
  parentId: string;
  type: 'file' | 'folder' | 'note' | 'link';
  /** a link node's target (`addlink`: a share); only on `link` nodes */
  link?: { type: 'share'; shareId: string } | undefined;
  name: string;
  size: number;
  mimetype: string | null;
  /** opaque id, type `3`; changes with each new version */
  versionId: string | null;
  /** id of the blob holding the bytes */
  blobId: string | null;
  /** sha256 (hex) of the current version's bytes */
  hash: string | null;
  ai: { state: AiState; reason: string | null; pages: number | null; updated: number };
  createdBy: string;
  created: number;
  /** when the current version was stored (storage held is charged from it); not moved by trashing */
  updated: number;
  /** moved to trash */
  trashed: number | null;
}

/**
 * A kept (not current) version of a file or note. The current version lives on the node row; when
 * a new one is stored, the previous one becomes a row here, with its bytes' blob.
 */
export interface FileVersion {
  /** opaque id, type `3` (the version id the node carried while it was current) */
  id: string;
  nodeId: string;
  workspaceId: string;
  orgId: string;
  name: string;
  size: number;
  mimetype: string | null;
  blobId: string | null;
  hash: string | null;
  /** who stored this version */
  createdBy: string;
  /** when this version was stored (storage held is charged from it) */
  created: number;
}

/**
 * One use of some stored bytes. The bytes are in the blob store (store/blobs.ts), addressed by
 * `sha256`; state version 1 carried them here as base64 (`data`), which an import still reads.
 */
export interface Blob {
  id: string;
  size: number;
  /** the content's address in the blob store */
  sha256: string;
}

/** `queued`, `fetching`, `fetch_failed` and `canceled` are a URL import's (`web_upload`) own steps. */
export type UploadStatus =
  | 'ready'
  | 'uploading'
  | 'assembling'
  | 'complete'
  | 'storing'
  | 'stored'
  | 'assembly_failed'
  | 'store_failed'
  | 'queued'
  | 'fetching'
  | 'fetch_failed'
  | 'canceled';

export interface Upload {
  /** opaque id, type `5` */
  id: string;
  userId: string;
  workspaceId: string;
  orgId: string;
  folderId: string;
  name: string;
  size: number;
  status: UploadStatus;
  /** chunk order -> blob id */
  chunks: Record<string, { blobId: string; size: number }>;
  /** the assembled file, between assembly and storing */
  blobId: string | null;
  newFileId: string | null;
  /** `action=update`: the file this upload replaces with a new version (absent in older states) */
  fileId?: string | null;
  /** the version this upload stored, once stored (absent in older states) */
  versionId?: string | null;
  error: string | null;
  created: number;
  updated: number;
  /** a streaming session (`stream=true`): one `stream/` call brings every byte, up to `maxSize` (absent in older states) */
  stream?: { maxSize: number | null } | null;
  /** an import from a URL (`web_upload`): where the bytes come from (absent in older states) */
  web?: { url: string; fetchedBytes: number } | null;
  /** `profile_type=share`: the share the session goes through (absent in older states and for workspace uploads) */
  shareId?: string | null;
  /** a fileshare write-back: the fileshare the session goes through (absent in older states and for other uploads) */
  fileshareId?: string | null;
  /** a write-back's compare-and-swap precondition: the version the bound file must still have when stored */
  ifVersionId?: string | null;
}
