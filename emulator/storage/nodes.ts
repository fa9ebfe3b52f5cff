/**
 * The node tree of a workspace: scoped lookups, listing, folders, trash and purge. Every lookup is
 * scoped to the workspace the pipeline resolved, so a foreign id cannot be reached by accident.
 * Writing file and note versions is versions.ts's; this file only places and removes nodes.
 */
import type { ActivityHub } from '../activity/hub.js';
import { AuditEvents } from '../events/catalogue.js';
import { ApiError, Codes, Errors } from '../http/errors.js';
import { OpaqueType } from '../store/ids.js';
import type { StorageNode, User } from '../store/model.js';
import type { WorkspaceScope } from '../tenancy/access.js';
import { BULK_DETAILS_MAX_IDS, bulkNodeId, type ListOptions } from './schema.js';
import type { StorageDeps, StorageSignals } from './service.js';
import type { StorageCredits } from './storage-credits.js';
import { pageNodes, type NodePagination } from './listing.js';

/** Which nodes a lookup accepts: live ones, trashed ones too, or only trashed ones. */
export type TrashedFilter = 'no' | 'allow' | 'only';

/** A node changed: everyone waiting on the workspace's activity hears of it. */
export function touchNode(activityHub: ActivityHub, node: StorageNode): void {
  activityHub.touch([node.workspaceId], `storage:${node.id}`);
}

/** Per-id codes of bulk details (official client src/api/storage.rs:80-84). */
const BULK_INVALID_ID = 191_878;
const BULK_NO_SUCH_NODE = 133_123;

/** One id of a bulk details request that did not resolve. */
export interface BulkDetailsError {
  node_id: string;
  code: number;
  message: string;
}

export class NodeTree {
  constructor(
    private readonly d: Pick<StorageDeps, 'db' | 'ids' | 'now' | 'audit' | 'activityHub'>,
    private readonly credits: StorageCredits,
    private readonly signals: StorageSignals,
  ) {}

  /**
   * Refuses a write to these nodes when the caller may not make it: set by the service to the
   * locks' check (locks.ts), so versions, trash and purge ask it without knowing of locks.
   */
  assertWritable: (user: User, nodes: readonly StorageNode[]) => void = () => undefined;

  /**
   * A node of THIS workspace. PARITY: a node that exists in another workspace answers 401/115069
   * ("not shared with the caller", API notes); CHOICE: also when the caller happens to reach that
   * other workspace, since this path's workspace does not hold it. An unknown id is 404/1609.
   */
  node(scope: WorkspaceScope, id: string, trashed: TrashedFilter = 'no'): StorageNode {
    if (id === 'root' || id === 'trash') throw Errors.invalidField('node_id', `"${id}" is not a file or folder id here.`);
    const node = this.d.db.nodes.get(id);
    if (!node) throw Errors.notFound('node');
    if (node.workspaceId !== scope.workspace.id) throw Errors.notShared();
    if (trashed === 'no' && node.trashed !== null) throw Errors.notFound('node');
    if (trashed === 'only' && node.trashed === null) throw Errors.invalidField('node_id', 'Only a node in the trash can be purged; delete it first.');
    return node;
  }

  /**
   * The bulk form of details: each id judged on its own, answered as resolved nodes plus per-id
   * error rows (`node_id` as sent, `code`, `message`). PARITY: official client
   * src/api/storage.rs:72-90 (row shape and codes: 191878 not a node id, 133123 no such node in
   * this workspace) and :161-178 (ids deduplicated case-insensitively, at most 25, order not kept).
   * CHOICE: a trashed node resolves (with `deleted: true`), as the single form shows it.
   */
  nodesDetails(scope: WorkspaceScope, rawIds: string[]): { nodes: StorageNode[]; errors: BulkDetailsError[] } {
    if (rawIds.length > BULK_DETAILS_MAX_IDS) {
      throw new ApiError(400, Codes.bulkDetailsTooMany, `At most ${BULK_DETAILS_MAX_IDS} node ids per details request (got ${rawIds.length}).`, {
        params: [{ name: 'node_id', kind: 'invalid', code: Codes.bulkDetailsTooMany, message: `At most ${BULK_DETAILS_MAX_IDS} node ids.` }],
      });
    }
    const nodes: StorageNode[] = [];
    const errors: BulkDetailsError[] = [];
    const seen = new Set<string>();
    for (const raw of rawIds) {
      const id = bulkNodeId(raw);
      if (id === undefined) {
        errors.push({ node_id: raw, code: BULK_INVALID_ID, message: 'Expected a file or folder id.' });
        continue;
      }
      if (seen.has(id)) continue;
      seen.add(id);
      const node = this.d.db.nodes.get(id);
      if (!node || node.workspaceId !== scope.workspace.id)
        errors.push({ node_id: raw, code: BULK_NO_SUCH_NODE, message: 'The requested node was not found.' });
      else nodes.push(node);
    }
    return { nodes, errors };
  }

  /** A folder to put things in or list: `root` or a live folder of this workspace. */
  folder(scope: WorkspaceScope, ref: string, field = 'node_id'): string {
    if (ref === 'root') return 'root';
    if (ref === 'trash') throw Errors.invalidField(field, 'The trash cannot hold new nodes.');
    const node = this.node(scope, ref);
    if (node.type !== 'folder') throw Errors.invalidField(field, 'This node is not a folder.');
    return node.id;
  }

  /** A file or note of this workspace (not a folder). */
  file(scope: WorkspaceScope, id: string, field = 'node_id'): StorageNode {
    const node = this.node(scope, id);
    if (node.type === 'folder') throw Errors.invalidField(field, 'This node is a folder, not a file.');
    if (node.type === 'link') throw Errors.invalidField(field, 'This node is a link to a share, not a file.');
    return node;
  }

  /** The live node called `name` directly under `parentId`, if any. */
  childNamed(workspaceId: string, parentId: string, name: string): StorageNode | undefined {
    for (const n of this.d.db.nodes.find('parent', `${workspaceId}/${parentId}`)) if (n.trashed === null && n.name === name) return n;
    return undefined;
  }

  /** Live descendants of a folder, depth first. */
  descendants(workspaceId: string, folderId: string, includeTrashed = false): StorageNode[] {
    const out: StorageNode[] = [];
    const stack = [folderId];
    while (stack.length > 0) {
      const parent = stack.pop()!;
      for (const child of this.d.db.nodes.find('parent', `${workspaceId}/${parent}`)) {
        if (!includeTrashed && child.trashed !== null) continue;
        out.push(child);
        if (child.type === 'folder') stack.push(child.id);
      }
    }
    return out;
  }

  list(scope: WorkspaceScope, ref: string, opts: ListOptions): { nodes: StorageNode[]; pagination: NodePagination } {
    const wsId = scope.workspace.id;
    let rows: StorageNode[];
    if (ref === 'trash') {
      // PARITY: CHOICE. The trash lists what was deleted, not the contents of deleted folders.
      rows = this.d.db.nodes.find('workspace', wsId).filter((n) => {
        if (n.trashed === null) return false;
        const parent = n.parentId === 'root' ? undefined : this.d.db.nodes.get(n.parentId);
        return !parent || parent.trashed === null;
      });
    } else {
      const folderId = this.folder(scope, ref);
      rows = this.d.db.nodes.find('parent', `${wsId}/${folderId}`).filter((n) => n.trashed === null);
    }
    // PARITY: CHOICE. Folders first, then the sort key, then the id (a total order); see listing.ts for cursors.
    return pageNodes(
      rows,
      { list: ref === 'trash' ? 'trash' : ref, sortBy: opts.sort_by ?? 'name', sortDir: opts.sort_dir ?? 'asc', foldersFirst: true },
      opts,
    );
  }

  createFolder(user: User, scope: WorkspaceScope, parentRef: string, name: string, force = false): StorageNode {
    const ws = scope.workspace;
    const parentId = this.folder(scope, parentRef);
    let finalName = name;
    const existing = this.childNamed(ws.id, parentId, name);
    if (existing) {
      // PARITY: official client src/api/storage.rs: without `force` an existing folder is returned
      // (idempotent); with `force` a new folder is made under another name.
      if (!force && existing.type === 'folder') return existing;
      // PARITY: CHOICE. A file or note of that name answers 409/1660 without force.
      if (!force) throw Errors.conflict(`A ${existing.type} named "${name}" already exists in this folder.`);
      for (let i = 2; this.childNamed(ws.id, parentId, finalName); i++) finalName = `${name} (${i})`;
    }
    const now = this.d.now();
    const folder = this.d.db.nodes.insert({
      id: this.d.ids.opaqueId(OpaqueType.node),
      workspaceId: ws.id,
      orgId: scope.org.id,
      parentId,
      type: 'folder',
      name: finalName,
      size: 0,
      mimetype: null,
      versionId: null,
      blobId: null,
      hash: null,
      ai: { state: 'disabled', reason: null, pages: null, updated: now },
      createdBy: user.id,
      created: now,
      updated: now,
      trashed: null,
    });
    // The event touches `storage:{id}` on the workspace (events/catalogue.ts).
    this.d.audit.record(
      AuditEvents.storageFolderCreated({ orgId: scope.org.id, workspaceId: ws.id }, user.id, folder, { name: finalName, parent_id: parentId }),
    );
    return folder;
  }

  /** Move a node (and a folder's live contents) to the trash. */
  trash(user: User, scope: WorkspaceScope, id: string): StorageNode {
    const node = this.node(scope, id);
    const subtree = [node, ...(node.type === 'folder' ? this.descendants(node.workspaceId, node.id) : [])];
    this.assertWritable(user, subtree);
    this.credits.settleHeldStorage(scope.org);
    const now = this.d.now();
    const removed = subtree.map((n) => this.d.db.nodes.update(n.id, { trashed: now }));
    this.removed(user, scope, node, removed, node.type === 'folder' ? 'workspace_storage_folder_deleted' : 'workspace_storage_file_deleted');
    return removed[0]!;
  }

  /** Delete a trashed node for good (its bytes too). PARITY: CHOICE, a node not in the trash answers 400/1605; nothing is refunded. */
  purge(user: User, scope: WorkspaceScope, id: string): void {
    const node = this.node(scope, id, 'only');
    this.credits.settleHeldStorage(scope.org);
    const gone = [node, ...(node.type === 'folder' ? this.descendants(node.workspaceId, node.id, true) : [])];
    this.assertWritable(user, gone);
    for (const n of gone) {
      if (n.blobId) this.d.db.blobs.delete(n.blobId);
      // The kept versions go with the node, their bytes too.
      for (const v of this.d.db.fileVersions.find('node', n.id)) {
        if (v.blobId) this.d.db.blobs.delete(v.blobId);
        this.d.db.fileVersions.delete(v.id);
      }
      this.d.db.nodes.delete(n.id);
    }
    this.removed(user, scope, node, gone, 'workspace_storage_file_purged');
  }

  /**
   * After a trash or a purge: the listeners (search index, ingestion) told, one audit event (which
   * touches the node itself), activity for every other node that went with it.
   */
  private removed(
    user: User,
    scope: WorkspaceScope,
    node: StorageNode,
    nodes: StorageNode[],
    how: 'workspace_storage_file_deleted' | 'workspace_storage_folder_deleted' | 'workspace_storage_file_purged',
  ): void {
    this.signals.nodesRemoved.emit(nodes);
    this.d.audit.record(AuditEvents.storageRemoved(how, { orgId: scope.org.id, workspaceId: node.workspaceId }, user.id, node, nodes.length));
    for (const n of nodes) if (n.id !== node.id) touchNode(this.d.activityHub, n);
  }
}
