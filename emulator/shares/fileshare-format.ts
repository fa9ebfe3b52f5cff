/**
 * Fileshares and QuickShares as the API answers them. PARITY: the V2 client reads the id under
 * `fileshare` and the bound file under `file` (`file.name`, 96b1551 src/api/fileshare.rs tests
 * `extractors_prefer_named_key...`, `fileshare_file_name_reads_nested_file_name`), the caller's
 * `effective_capability` on details; grants under `grants` with `user`. The rest is CHOICE.
 */
import { formatTime } from '../http/format.js';
import type { Fileshare, FileshareCapability, FileshareGrant } from '../store/fileshare-model.js';
import type { StorageNode } from '../store/model.js';
import type { VersionView } from '../storage/versions.js';

function fileJson(node: StorageNode | undefined): Record<string, unknown> | null {
  if (!node) return null;
  return { id: node.id, name: node.name, size: node.size, mimetype: node.mimetype, hash: node.hash, version: node.versionId };
}

export function fileshareJson(f: Fileshare, node: StorageNode | undefined, capability: FileshareCapability): Record<string, unknown> {
  return {
    fileshare: f.id,
    id: f.id,
    workspace_id: f.workspaceId,
    node_id: f.nodeId,
    title: f.title,
    access_option: f.accessOption,
    password_protected: f.passwordHash !== null,
    expires: formatTime(f.expires),
    grants: f.grants.length,
    effective_capability: capability,
    created_by: f.createdBy,
    created: formatTime(f.created),
    updated: formatTime(f.updated),
    file: fileJson(node),
  };
}

export function grantJson(g: FileshareGrant): Record<string, unknown> {
  return {
    user: g.userId,
    email: g.emailKey,
    capability: g.capability,
    state: g.userId === null ? 'pending' : 'active',
    granted_by: g.grantedBy,
    created: formatTime(g.created),
  };
}

export function versionJson(v: VersionView): Record<string, unknown> {
  return {
    id: v.id,
    size: v.size,
    mimetype: v.mimetype,
    hash: v.hash,
    name: v.name,
    created_by: v.createdBy,
    created: formatTime(v.created),
    current: v.current,
  };
}

/** PARITY: agent guide "ID formats": a QuickShare is named by `quickshare.id` (`qs-...`). */
export function quickshareJson(f: Fileshare, node: StorageNode | undefined): Record<string, unknown> {
  return {
    id: f.id,
    workspace_id: f.workspaceId,
    node_id: f.nodeId,
    expires: formatTime(f.expires),
    created_by: f.createdBy,
    created: formatTime(f.created),
    updated: formatTime(f.updated),
    file: fileJson(node),
  };
}
