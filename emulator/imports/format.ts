/**
 * The wire form of the imports area. PARITY: the official client renders every answer as it comes
 * (96b1551 and 41dde01 commands/import.rs `ctx.output.render(&v)`) and reads no field, so the field
 * names are CHOICE, in the live naming pattern (snake_case, `created`/`updated` times as
 * `YYYY-MM-DD HH:MM:SS UTC`, ids as strings); lists answer their rows with the shared `pagination`.
 */
import { formatTime } from '../http/format.js';
import type { ImportIdentity, ImportJob, ImportSource, ImportWriteback } from '../store/import-model.js';

export function identityJson(i: ImportIdentity): Record<string, unknown> {
  return {
    id: i.id,
    workspace_id: i.workspaceId,
    provider: i.provider,
    status: i.status,
    account_name: i.accountName,
    created_by: i.createdBy,
    created: formatTime(i.created),
    updated: formatTime(i.updated),
  };
}

export function sourceJson(s: ImportSource): Record<string, unknown> {
  const files = Object.values(s.files);
  return {
    id: s.id,
    workspace_id: s.workspaceId,
    identity_id: s.identityId,
    provider: s.provider,
    remote_path: s.remotePath,
    remote_name: s.remoteName,
    sync_interval: s.syncInterval,
    access_mode: s.accessMode,
    status: s.status,
    folder_id: s.folderId,
    file_count: files.length,
    last_synced: formatTime(s.lastSynced),
    error: s.error,
    created_by: s.createdBy,
    created: formatTime(s.created),
    updated: formatTime(s.updated),
  };
}

export function jobJson(j: ImportJob): Record<string, unknown> {
  return {
    id: j.id,
    source_id: j.sourceId,
    workspace_id: j.workspaceId,
    type: j.kind,
    status: j.status,
    files_total: j.filesTotal,
    files_imported: j.filesImported,
    files_skipped: j.filesSkipped,
    bytes_imported: j.bytesImported,
    error: j.error,
    created_by: j.createdBy,
    created: formatTime(j.created),
    started: formatTime(j.started),
    finished: formatTime(j.finished),
  };
}

export function writebackJson(w: ImportWriteback): Record<string, unknown> {
  return {
    id: w.id,
    source_id: w.sourceId,
    workspace_id: w.workspaceId,
    node_id: w.nodeId,
    remote_path: w.path,
    status: w.status,
    version_id: w.versionId,
    base_revision: w.baseRev,
    remote_revision: w.remoteRev,
    resolution: w.resolution,
    attempts: w.attempts,
    trigger: w.trigger,
    error: w.error,
    created_by: w.createdBy,
    created: formatTime(w.created),
    updated: formatTime(w.updated),
  };
}
