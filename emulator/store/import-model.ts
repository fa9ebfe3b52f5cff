/**
 * Cloud imports (emulator/imports/): provider identities, import sources, their import jobs and
 * write-backs, the per-workspace import switch, and the emulator provider's remote tree. Kept in
 * its own file beside model.ts so the imports area adds tables without touching other records.
 */

/** `emulator` is the emulator's own provider; the others are the live providers the client names. */
export type ImportProvider = 'google_drive' | 'box' | 'onedrive_business' | 'dropbox' | 'emulator';

export interface ImportIdentity {
  /** opaque id, type `a` */
  id: string;
  orgId: string;
  workspaceId: string;
  provider: ImportProvider;
  status: 'active' | 'revoked';
  /** the remote account the identity signs in as */
  accountName: string;
  createdBy: string;
  created: number;
  updated: number;
}

export type ImportSourceStatus = 'pending' | 'syncing' | 'synced' | 'paused' | 'error' | 'disconnected';
export type ImportAccessMode = 'read_only' | 'read_write';

/** What an import source last saw of one remote file, and the workspace node it became. */
export interface ImportedFile {
  nodeId: string;
  /** the node's version the last import or write-back left (a newer one is a local change) */
  versionId: string;
  /** the remote file's revision at that moment (a newer one is a remote change) */
  remoteRev: number;
}

export interface ImportSource {
  id: string;
  orgId: string;
  workspaceId: string;
  identityId: string;
  provider: ImportProvider;
  /** normalised: `/a/b`, `/` for the whole remote */
  remotePath: string;
  remoteName: string;
  /** seconds, 300-86400 */
  syncInterval: number;
  accessMode: ImportAccessMode;
  status: ImportSourceStatus;
  /** the workspace folder the remote tree is imported into */
  folderId: string | null;
  /** remote path relative to remotePath -> what was imported */
  files: Record<string, ImportedFile>;
  lastSynced: number | null;
  error: string | null;
  createdBy: string;
  created: number;
  updated: number;
}

export type ImportJobStatus = 'queued' | 'running' | 'completed' | 'cancelled' | 'failed';

export interface ImportJob {
  id: string;
  sourceId: string;
  orgId: string;
  workspaceId: string;
  kind: 'initial' | 'refresh';
  status: ImportJobStatus;
  filesTotal: number;
  filesImported: number;
  filesSkipped: number;
  bytesImported: number;
  error: string | null;
  createdBy: string;
  created: number;
  started: number | null;
  finished: number | null;
}

export type WritebackStatus = 'pending' | 'completed' | 'conflict' | 'failed' | 'cancelled';

export interface ImportWriteback {
  id: string;
  sourceId: string;
  orgId: string;
  workspaceId: string;
  nodeId: string;
  /** the remote path relative to the source's remotePath */
  path: string;
  status: WritebackStatus;
  /** the node version to write */
  versionId: string;
  /** the remote revision the local change was made on */
  baseRev: number;
  /** set on a conflict: the remote revision found */
  remoteRev: number | null;
  resolution: 'keep_local' | 'keep_remote' | null;
  attempts: number;
  error: string | null;
  /** `auto` (a change in the workspace) or `push` (the push route) */
  trigger: 'auto' | 'push';
  createdBy: string;
  created: number;
  updated: number;
}

/** Whether a workspace takes cloud imports (id = the workspace id). */
export interface ImportSetting {
  id: string;
  orgId: string;
  enabled: boolean;
  updatedBy: string;
  updated: number;
}

/** One file of the emulator provider's remote tree (id = its absolute remote path, `/a/b.txt`). */
export interface RemoteFile {
  id: string;
  /** base64 */
  data: string;
  size: number;
  /** increases on every change, from either side */
  rev: number;
  modified: number;
}
