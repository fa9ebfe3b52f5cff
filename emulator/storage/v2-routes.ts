/**
 * The storage routes V2 added (official client 96b1551, agent guide v2.6): notes read and updated
 * as notes, kept versions restored, files added from a stored upload. `createnote`, `read/` and the
 * uploads (with `action=update`) are in routes.ts, served by both dialects.
 */
import { defineRoute } from '../http/define.js';
import { callerOf } from '../http/context.js';
import { nodeJson } from './format.js';
import { addFileBody, readNoteQuery, restoreVersionBody, updateNoteBody, workspaceNodeParams } from './schema.js';

const V2_SOURCE = 'official client 96b1551 src/api/storage.rs, src/api/workspace.rs; agent guide v2.6 "Notes vs Files", "Storage overwrite & versioning"';
const FOREIGN_NODE_CHOICE = "another workspace's node id answers 401/115069 (also when the caller reaches that workspace)";
const NOT_A_NOTE_CHOICE =
  'a file or folder answers 400/1605 "Node is not a note." with params[{name: node_id, code: 153548}]: the client reads 400/1605 and that text (view falls back to read/), the guide names 153548';
const VERSIONS_CHOICE =
  'kept versions are held storage (charged like any stored bytes, never refunded); a purge removes them; version_id of another node answers 400/1605';

export const storageV2Routes = [
  defineRoute({
    method: 'GET',
    path: '/current/workspace/:workspace_id/storage/:node_id/readnote/',
    dialects: ['v2'],
    area: 'storage',
    summary: "A note's markdown (`content`) and its node (`note`); `version_id` reads a kept version",
    params: workspaceNodeParams,
    query: readNoteQuery,
    access: { workspace: 'workspace_id', action: 'workspace.storage.read' },
    parity: {
      status: 'implemented',
      source: V2_SOURCE,
      choices: [NOT_A_NOTE_CHOICE, 'not charged as bandwidth (a JSON read of at most 100 KB)', 'a trashed note answers 404/1609', FOREIGN_NODE_CHOICE],
    },
    handler: (_ctx, { params, query, scope }, emu) => {
      const { content, note } = emu.storage.readNote(scope, params.node_id, query.version_id);
      return { content, note: nodeJson(note) };
    },
  }),

  defineRoute({
    method: 'POST',
    path: '/current/workspace/:workspace_id/storage/:node_id/updatenote/',
    area: 'storage',
    summary: 'Rename a note and/or replace its markdown (a new version; the previous one is kept); `if_version_id` guards the write',
    params: workspaceNodeParams,
    body: updateNoteBody,
    access: { workspace: 'workspace_id', action: 'workspace.storage.write' },
    parity: {
      status: 'implemented',
      source: V2_SOURCE,
      choices: [
        'answers the note under `node`',
        'neither name nor content answers 400/1605',
        'if_version_id other than the current version answers 409/1660, naming the current version in the text and hint (not under error.params.current)',
        'a rename alone records workspace_storage_file_updated; new content records workspace_storage_file_added with new_version: true and is ingested (charged) like any version',
        NOT_A_NOTE_CHOICE,
        VERSIONS_CHOICE,
        FOREIGN_NODE_CHOICE,
      ],
    },
    handler: (ctx, { params, body, scope }, emu) => ({
      node: nodeJson(
        emu.storage.updateNote(callerOf(ctx).user, scope, params.node_id, { name: body.name, content: body.content, ifVersionId: body.if_version_id }),
      ),
    }),
  }),

  defineRoute({
    method: 'POST',
    path: '/current/workspace/:workspace_id/storage/:node_id/restore-version/',
    dialects: ['v2'],
    area: 'storage',
    summary: 'Make a kept version (`version_id`, a body field) current again; the current one is kept',
    params: workspaceNodeParams,
    body: restoreVersionBody,
    access: { workspace: 'workspace_id', action: 'workspace.storage.write' },
    parity: {
      status: 'implemented',
      source: 'official client 96b1551 src/api/storage.rs version_restore; agent guide v2.6 "Storage overwrite & versioning"',
      choices: [
        'answers the node under `node`; the restored version keeps its version id',
        'restoring the current version changes nothing (no event)',
        'no storage is charged (both versions were already held); the content changed, so it is ingested (and charged) as a new version would be',
        'the version takes back its name unless another node of the folder now holds it',
        'records workspace_storage_version_restored',
        VERSIONS_CHOICE,
        FOREIGN_NODE_CHOICE,
      ],
    },
    handler: (ctx, { params, body, scope }, emu) => ({
      node: nodeJson(emu.storage.restoreVersion(callerOf(ctx).user, scope, params.node_id, body.version_id)),
    }),
  }),

  defineRoute({
    method: 'POST',
    path: '/current/workspace/:workspace_id/storage/:node_id/addfile/',
    area: 'storage',
    summary: 'Add a file to a folder from `from` (JSON): a stored upload session of the caller, `{"type":"upload","upload":{"id":…}}`',
    params: workspaceNodeParams,
    body: addFileBody,
    access: { workspace: 'workspace_id', action: 'workspace.storage.write' },
    parity: {
      status: 'partial',
      source: 'official client 96b1551 src/api/storage.rs add_file, commands/files.rs validate_addfile_hash_context; agent guide v2.6 "Name-conflict behavior"',
      choices: [
        'answers the file under `node`',
        'uploads always name a destination here, so the source is a stored session: its bytes are stored again under `name` (storage charged, ingestion follows)',
        "the upload must be the caller's (else 404/1609), of this workspace (else 400/1605) and stored (else 409/1660)",
        'a hash source answers 400/1605 (a share feature, as the official client says)',
        'a file of the same name is overwritten in place, its previous content kept as a version',
        FOREIGN_NODE_CHOICE,
      ],
    },
    handler: (ctx, { params, body, scope }, emu) => ({
      node: nodeJson(emu.storage.addFile(callerOf(ctx).user, scope, params.node_id, body.name, body.from)),
    }),
  }),
];
