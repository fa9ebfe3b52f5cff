/**
 * The node-operation routes (node-ops.ts): update, move, copy, restore, transfer, versions, the
 * April version restore, and recent. Served by both dialects unless a record says otherwise.
 */
import { defineRoute } from '../http/define.js';
import { callerOf } from '../http/context.js';
import { formatTime } from '../http/format.js';
import { nodeJson } from './format.js';
import { recentQuery, transferBody, updateNodeBody, parentBody, versionPathParams, workspaceNodeParams } from './schema.js';
import type { VersionView } from './versions.js';
import { workspaceParams } from '../workspaces/schema.js';

const SOURCE = 'official client src/api/storage.rs at 96b1551 and 41dde01; agent guide v2.6 "Name-conflict behavior"';
const FOREIGN_NODE_CHOICE = "another workspace's node id answers 401/115069 (also when the caller reaches that workspace)";
const CONFLICT_CHOICE = 'a name already held in the target folder answers 409/1660 (the guide: "trash the existing conflicting file first")';
const LOCK_CHOICE = "a node (or a folder's node) locked by another user answers 409/1660";
const CURSOR_CHOICE =
  'page_size 100/250/500 (else 400/1605), cursor (keyset, stable across writes; `pagination.next_cursor`, null on the last page); a bad or foreign cursor answers 400/1605';

/** One version as `versions/` answers it. CHOICE: field names (the client renders what it gets). */
function versionJson(v: VersionView): Record<string, unknown> {
  return {
    id: v.id,
    version_id: v.id,
    name: v.name,
    size: v.size,
    mimetype: v.mimetype,
    hash: v.hash,
    hash_algo: v.hash ? 'sha256' : null,
    creator: v.createdBy,
    created: formatTime(v.created),
    current: v.current,
  };
}

export const storageNodeRoutes = [
  defineRoute({
    method: 'POST',
    path: '/current/workspace/:workspace_id/storage/:node_id/update/',
    area: 'storage',
    summary: 'Rename a node (`name`) and/or give a file new content from a stored upload (`from`, a new version)',
    params: workspaceNodeParams,
    body: updateNodeBody,
    access: { workspace: 'workspace_id', action: 'workspace.storage.write' },
    parity: {
      status: 'partial',
      source: SOURCE,
      choices: [
        'answers the node under `node`',
        'no field answers 400/1605; metadata_title/metadata_short alone answer 501/1501 (not emulated)',
        '`from` takes the addfile upload source and stores a new version of that file (a folder or note answers 400/1605)',
        'a rename keeps the version and records workspace_storage_file_updated',
        CONFLICT_CHOICE,
        LOCK_CHOICE,
        FOREIGN_NODE_CHOICE,
      ],
    },
    handler: (ctx, { params, body, scope }, emu) => ({
      node: nodeJson(
        emu.storage.updateNode(callerOf(ctx).user, scope, params.node_id, {
          name: body.name,
          from: body.from,
          metadataTitle: body.metadata_title,
          metadataShort: body.metadata_short,
        }),
      ),
    }),
  }),

  defineRoute({
    method: 'POST',
    path: '/current/workspace/:workspace_id/storage/:node_id/move/',
    area: 'storage',
    summary: 'Move a node (a folder with its contents) to `parent` (`root` or a folder of the workspace)',
    params: workspaceNodeParams,
    body: parentBody,
    access: { workspace: 'workspace_id', action: 'workspace.storage.write' },
    parity: {
      status: 'implemented',
      source: SOURCE,
      choices: [
        'answers the node under `node`',
        'a folder into itself or one of its folders answers 400/1605 naming parent; `trash` as parent answers 400/1605 (delete trashes)',
        'the folder it is already in changes nothing (no event)',
        'records workspace_storage_file_moved or workspace_storage_folder_moved',
        CONFLICT_CHOICE,
        LOCK_CHOICE,
        FOREIGN_NODE_CHOICE,
      ],
    },
    handler: (ctx, { params, body, scope }, emu) => ({ node: nodeJson(emu.storage.move(callerOf(ctx).user, scope, params.node_id, body.parent)) }),
  }),

  defineRoute({
    method: 'POST',
    path: '/current/workspace/:workspace_id/storage/:node_id/copy/',
    area: 'storage',
    summary: 'Copy a node (a folder with its live contents) into `parent`: new node and version ids',
    params: workspaceNodeParams,
    body: parentBody,
    access: { workspace: 'workspace_id', action: 'workspace.storage.write' },
    parity: {
      status: 'implemented',
      source: SOURCE,
      choices: [
        'answers the copy under `node`',
        'only current versions are copied; each copied file is held storage, charged like an upload, refused with 402/1685 past the plan limits before anything is written',
        'a folder into itself or one of its folders answers 400/1605',
        'records workspace_storage_file_copied (the copy is the object, data.source_id the original)',
        CONFLICT_CHOICE,
        FOREIGN_NODE_CHOICE,
      ],
    },
    handler: (ctx, { params, body, scope }, emu) => ({ node: nodeJson(emu.storage.copy(callerOf(ctx).user, scope, params.node_id, body.parent)) }),
  }),

  defineRoute({
    method: 'POST',
    path: '/current/workspace/:workspace_id/storage/:node_id/restore/',
    area: 'storage',
    summary: 'Bring a trashed node (with what was trashed with it) back to its folder, or to root if that folder is gone',
    params: workspaceNodeParams,
    access: { workspace: 'workspace_id', action: 'workspace.storage.write' },
    parity: {
      status: 'implemented',
      source: SOURCE,
      choices: [
        'answers the node under `node`',
        'a node not in the trash answers 400/1605',
        'records workspace_storage_file_restored; restored files are ingested again',
        CONFLICT_CHOICE,
        FOREIGN_NODE_CHOICE,
      ],
    },
    handler: (ctx, { params, scope }, emu) => ({ node: nodeJson(emu.storage.restore(callerOf(ctx).user, scope, params.node_id)) }),
  }),

  defineRoute({
    method: 'POST',
    path: '/current/workspace/:workspace_id/storage/:node_id/transfer/',
    area: 'storage',
    summary: 'Hand a node (with all its contents and versions) to the root of another workspace of the same org (`target_workspace_id`)',
    params: workspaceNodeParams,
    body: transferBody,
    access: { workspace: 'workspace_id', action: 'workspace.storage.write' },
    parity: {
      status: 'implemented',
      source: SOURCE,
      choices: [
        'answers the node under `node` and the target under `workspace_id`',
        'the caller must write in the target (else its refusal: 401/10545, 403/1680); another org answers 400/1605; the same workspace answers 400/1605',
        'nothing is charged (same org); locks are released; workspace_storage_node_transferred is recorded in both workspaces',
        CONFLICT_CHOICE,
        LOCK_CHOICE,
        FOREIGN_NODE_CHOICE,
      ],
    },
    handler: (ctx, { params, body, scope }, emu) => {
      const { node, target } = emu.storage.transfer(callerOf(ctx), scope, params.node_id, body.target_workspace_id);
      return { node: nodeJson(node), workspace_id: target.workspace.id };
    },
  }),

  defineRoute({
    method: 'GET',
    path: '/current/workspace/:workspace_id/storage/:node_id/versions/',
    area: 'storage',
    summary: 'Every version of a file or note, the current one first (`versions[]`)',
    params: workspaceNodeParams,
    access: { workspace: 'workspace_id', action: 'workspace.storage.read' },
    parity: {
      status: 'implemented',
      source: SOURCE,
      choices: [
        'answers `versions[]` (id, version_id, name, size, mimetype, hash, creator, created, current), newest first',
        'a folder answers 400/1605',
        FOREIGN_NODE_CHOICE,
      ],
    },
    handler: (_ctx, { params, scope }, emu) => ({ versions: emu.storage.versionsOf(scope, params.node_id).map(versionJson) }),
  }),

  defineRoute({
    method: 'POST',
    path: '/current/workspace/:workspace_id/storage/:node_id/versions/:version_id/restore/',
    dialects: ['2026-04'],
    area: 'storage',
    summary: "April's form of restore-version: the version id in the path",
    params: versionPathParams,
    access: { workspace: 'workspace_id', action: 'workspace.storage.write' },
    parity: {
      status: 'implemented',
      source: 'official client 41dde01 src/api/storage.rs version_restore',
      choices: ['behaves as V2 restore-version (answers the node under `node`)', LOCK_CHOICE, FOREIGN_NODE_CHOICE],
    },
    handler: (ctx, { params, scope }, emu) => ({ node: nodeJson(emu.storage.restoreVersion(callerOf(ctx).user, scope, params.node_id, params.version_id)) }),
  }),

  defineRoute({
    method: 'GET',
    path: '/current/workspace/:workspace_id/storage/recent/',
    area: 'storage',
    summary: 'Live nodes of the workspace, the most recently stored or created first (`type` filters)',
    params: workspaceParams,
    query: recentQuery,
    access: { workspace: 'workspace_id', action: 'workspace.storage.read' },
    parity: {
      status: 'implemented',
      source: 'official client src/api/storage.rs list_recent',
      choices: [
        'reads are not tracked: "recent" is by the time a node was stored or created',
        '`type=link` finds nothing (links are not emulated)',
        CURSOR_CHOICE,
      ],
    },
    handler: (_ctx, { query, scope }, emu) => {
      const { nodes, pagination } = emu.storage.recent(scope, query);
      return { nodes: nodes.map(nodeJson), pagination };
    },
  }),
];
