/**
 * Node operations after a node exists: update (rename, new content), move, copy, restore from the
 * trash, transfer to another workspace of the org, and the recent list. Every operation keeps the
 * tree valid: a folder never moves or copies into itself or its own folders, nothing moves into
 * the trash (delete does that), and a name already held in the target folder is a conflict.
 *
 * Each works over the storage context the pipeline resolved (`StorageContext`: the org and the
 * workspace today; the share context mounts the same operations) and records its audit event,
 * whose catalogue rule touches the activity key `storage:{node_id}`.
 *
 * PARITY: official client src/api/storage.rs (96b1551, 41dde01): move_node/copy_node (`parent`),
 * update_node/rename_node (`name`, `from`, `metadata_*`), restore_node, transfer_node
 * (`target_workspace_id`), list_recent. Agent guide v2.6 "Name-conflict behavior": "Move / Copy /
 * Restore-from-trash: trash the existing conflicting file first", so a clash is refused
 * (CHOICE: 409/1660, as createnote and uploads of another kind answer it).
 */
import { AuditEvents } from '../events/catalogue.js';
import { ApiError, Codes, Errors } from '../http/errors.js';
import type { Caller } from '../http/context.js';
import { OpaqueType } from '../store/ids.js';
import type { StorageNode, User } from '../store/model.js';
import type { WorkspaceScope } from '../tenancy/access.js';
import type { AddFile } from './add-file.js';
import { pageNodes, type NodePagination } from './listing.js';
import type { Locks } from './locks.js';
import type { NodeTree } from './nodes.js';
import type { AddFileSource, ListOptions } from './schema.js';
import type { StorageDeps, StorageSignals } from './service.js';
import type { StorageCredits } from './storage-credits.js';
import type { Versions } from './versions.js';

/** Where a node operation runs: the resolved org and workspace (a share context will carry the same). */
export type StorageContext = WorkspaceScope;

export interface NodeUpdate {
  name?: string | undefined;
  from?: AddFileSource | undefined;
  metadataTitle?: string | undefined;
  metadataShort?: string | undefined;
}

export interface RecentOptions extends Pick<ListOptions, 'page_size' | 'limit' | 'offset' | 'cursor'> {
  type?: 'file' | 'folder' | 'link' | 'note' | undefined;
}

/** A file or a note: a node with bytes (a folder or a share link has none). */
const hasBytes = (n: StorageNode) => n.type === 'file' || n.type === 'note';

export class NodeOps {
  constructor(
    private readonly d: Pick<StorageDeps, 'db' | 'ids' | 'now' | 'audit' | 'access' | 'jobs'>,
    private readonly tree: NodeTree,
    private readonly versions: Versions,
    private readonly credits: StorageCredits,
    private readonly locks: Locks,
    private readonly addFiles: AddFile,
    private readonly signals: StorageSignals,
  ) {}

  private place(ctx: StorageContext) {
    return { orgId: ctx.org.id, workspaceId: ctx.workspace.id };
  }

  /** The node and, for a folder, its live contents: what a write to it touches. */
  private subtree(node: StorageNode, includeTrashed = false): StorageNode[] {
    return [node, ...(node.type === 'folder' ? this.tree.descendants(node.workspaceId, node.id, includeTrashed) : [])];
  }

  private assertNameFree(workspaceId: string, parentId: string, name: string, self?: string): void {
    const clash = this.tree.childNamed(workspaceId, parentId, name);
    if (clash && clash.id !== self) throw Errors.conflict(`A ${clash.type} named "${name}" already exists in the target folder.`);
  }

  /** A folder may not go into itself or one of its own folders. PARITY: CHOICE, 400/1605 naming `parent`. */
  private assertNotInside(node: StorageNode, targetId: string): void {
    if (node.type !== 'folder' || targetId === 'root') return;
    if (targetId === node.id || this.tree.descendants(node.workspaceId, node.id).some((n) => n.id === targetId)) {
      throw Errors.invalidField('parent', 'A folder cannot be placed inside itself or one of its own folders.');
    }
  }

  /**
   * `update/`: rename and/or new content from an upload (`from`, a new version of a file).
   * PARITY: CHOICE. At least one field (else 400/1605); metadata overrides are not emulated yet
   * (501/1501 naming them); a folder takes a name only; a rename alone keeps the version and
   * records workspace_storage_file_updated.
   */
  update(user: User, ctx: StorageContext, id: string, input: NodeUpdate): StorageNode {
    const node = this.tree.node(ctx, id);
    if (input.name === undefined && input.from === undefined) {
      if (input.metadataTitle !== undefined || input.metadataShort !== undefined) {
        throw new ApiError(
          501,
          Codes.notImplemented,
          'The emulator does not implement metadata_title and metadata_short of POST .../storage/{node_id}/update/ yet.',
        );
      }
      throw Errors.invalidField('name', 'Send at least one of name, from, metadata_title or metadata_short.');
    }
    this.locks.assertWritable(user, [node]);
    if (input.from !== undefined) {
      if (node.type !== 'file') throw Errors.invalidField('from', 'Only a file takes new content this way (a note changes with updatenote).');
      return this.addFiles.add(user, ctx, node.parentId, input.name ?? node.name, input.from, node);
    }
    const name = input.name!;
    if (name === node.name) return node;
    this.assertNameFree(node.workspaceId, node.parentId, name, node.id);
    // The name changes, not the version: `updated` (when the version was stored) stays.
    const renamed = this.d.db.nodes.update(node.id, { name });
    this.d.audit.record(AuditEvents.storageFileUpdated(this.place(ctx), user.id, renamed, { name, previous_name: node.name, type: node.type }));
    return renamed;
  }

  /** `move/`: to another folder of the same workspace (`root` or a folder; not the trash). Same folder: nothing changes. */
  move(user: User, ctx: StorageContext, id: string, parentRef: string): StorageNode {
    const node = this.tree.node(ctx, id);
    const targetId = this.tree.folder(ctx, parentRef, 'parent');
    if (targetId === node.parentId) return node;
    this.assertNotInside(node, targetId);
    this.locks.assertWritable(user, this.subtree(node));
    this.assertNameFree(node.workspaceId, targetId, node.name);
    const moved = this.d.db.nodes.update(node.id, { parentId: targetId });
    this.d.audit.record(
      AuditEvents.storageNodeMoved(
        node.type === 'folder' ? 'workspace_storage_folder_moved' : 'workspace_storage_file_moved',
        this.place(ctx),
        user.id,
        moved,
        {
          name: node.name,
          type: node.type,
          from_parent_id: node.parentId,
          parent_id: targetId,
        },
      ),
    );
    return moved;
  }

  /**
   * `copy/`: a real copy (a folder with its live contents): new node ids and version ids, the
   * current version's bytes (kept versions stay with the original). PARITY: CHOICE. The bytes are
   * stored again through versions.ts (a content-addressed store keeps them once); storage is held
   * and charged for each copied file as for an upload (402/1685 past the plan's limits, checked
   * before anything is written), and an intelligent workspace ingests the copies.
   */
  copy(user: User, ctx: StorageContext, id: string, parentRef: string): StorageNode {
    const node = this.tree.node(ctx, id);
    const targetId = this.tree.folder(ctx, parentRef, 'parent');
    this.assertNotInside(node, targetId);
    this.assertNameFree(node.workspaceId, targetId, node.name);
    const sources = this.subtree(node);
    let total = 0;
    for (const s of sources) {
      if (!hasBytes(s)) continue;
      this.credits.assertFits(ctx.org, s.size, -total);
      total += s.size;
    }
    if (sources.some((s) => hasBytes(s))) this.d.jobs.admit();
    this.credits.settleHeldStorage(ctx.org);
    const now = this.d.now();
    const newIds = new Map<string, string>();
    const copies: StorageNode[] = [];
    for (const s of sources) {
      const parentId = s.id === node.id ? targetId : newIds.get(s.parentId)!;
      const blob = !hasBytes(s) ? null : this.versions.putBlob(this.versions.bytesOf(s));
      const copy = this.d.db.nodes.insert({
        ...s,
        id: this.d.ids.opaqueId(OpaqueType.node),
        parentId,
        versionId: !hasBytes(s) ? null : this.d.ids.opaqueId(OpaqueType.version),
        blobId: blob?.id ?? null,
        hash: blob?.sha256 ?? null,
        ai: { state: 'disabled', reason: null, pages: null, updated: now },
        createdBy: user.id,
        created: now,
        updated: now,
        trashed: null,
      });
      newIds.set(s.id, copy.id);
      copies.push(copy);
      if (hasBytes(copy)) this.credits.chargeStoredVersion(ctx.org, copy, user.id);
    }
    const top = copies[0]!;
    this.d.audit.record(
      AuditEvents.storageFileCopied(this.place(ctx), user.id, top, {
        name: top.name,
        type: top.type,
        source_id: node.id,
        parent_id: targetId,
        nodes: copies.length,
        size: total,
      }),
    );
    for (const c of copies) if (hasBytes(c)) this.signals.versionStored.emit(c, user);
    return this.d.db.nodes.get(top.id)!;
  }

  /**
   * `restore/`: a trashed node back where it was, with what was trashed with it. PARITY: CHOICE.
   * A node not in the trash answers 400/1605; if its folder is gone or in the trash it comes back
   * to `root`; a name now held there is a conflict (409/1660, "trash the conflicting file first").
   * The restored files are ingested again (they left the index when trashed).
   */
  restore(user: User, ctx: StorageContext, id: string): StorageNode {
    const node = this.tree.node(ctx, id, 'allow');
    if (node.trashed === null) throw Errors.invalidField('node_id', 'This node is not in the trash.');
    const parent = node.parentId === 'root' ? undefined : this.d.db.nodes.get(node.parentId);
    const parentId = parent && parent.trashed === null ? parent.id : 'root';
    this.assertNameFree(node.workspaceId, parentId, node.name);
    const trashedAt = node.trashed;
    const back = this.subtree(node, true)
      .filter((n) => n.trashed === trashedAt)
      .map((n) => this.d.db.nodes.update(n.id, n.id === node.id ? { trashed: null, parentId } : { trashed: null }));
    const restored = back[0]!;
    this.d.audit.record(
      AuditEvents.storageFileRestored(this.place(ctx), user.id, restored, { name: node.name, type: node.type, parent_id: parentId, nodes: back.length }),
    );
    for (const n of back) if (n.type !== 'folder') this.signals.versionStored.emit(n, user);
    return this.d.db.nodes.get(restored.id)!;
  }

  /**
   * `transfer/`: the node (a folder with all its contents, kept versions too) leaves this
   * workspace for the root of another workspace of the same org. PARITY: CHOICE. The caller must
   * be able to write there (else that workspace's own refusal: 401/10545, 403/1680); a workspace of
   * another org answers 400/1605 naming `target_workspace_id` (bytes do not cross orgs); the same
   * workspace answers 400/1605 too (use move). Nothing is charged: the org held the bytes already.
   * Its locks are released; one event in each workspace.
   */
  transfer(caller: Caller, ctx: StorageContext, id: string, targetRef: string): { node: StorageNode; target: StorageContext } {
    const node = this.tree.node(ctx, id);
    const target = this.d.access.workspace(caller, targetRef, 'workspace.storage.write');
    if (target.org.id !== ctx.org.id)
      throw Errors.invalidField('target_workspace_id', 'A node can be transferred only to a workspace of the same organization.');
    if (target.workspace.id === ctx.workspace.id) throw Errors.invalidField('target_workspace_id', 'The node is already in this workspace; use move.');
    const all = this.subtree(node, true);
    this.locks.assertWritable(caller.user, all);
    this.assertNameFree(target.workspace.id, 'root', node.name);
    this.signals.nodesRemoved.emit(all);
    const moved = all.map((n) =>
      this.d.db.nodes.update(n.id, n.id === node.id ? { workspaceId: target.workspace.id, parentId: 'root' } : { workspaceId: target.workspace.id }),
    );
    for (const n of all) for (const v of this.d.db.fileVersions.find('node', n.id)) this.d.db.fileVersions.update(v.id, { workspaceId: target.workspace.id });
    this.locks.drop(all.map((n) => n.id));
    const top = moved[0]!;
    const data = { name: node.name, type: node.type, from_workspace_id: ctx.workspace.id, to_workspace_id: target.workspace.id, nodes: moved.length };
    this.d.audit.record(AuditEvents.storageNodeTransferred(this.place(ctx), caller.user.id, top, data));
    this.d.audit.record(AuditEvents.storageNodeTransferred(this.place(target), caller.user.id, top, data));
    for (const n of moved) if (n.type !== 'folder' && n.trashed === null) this.signals.versionStored.emit(n, caller.user);
    return { node: this.d.db.nodes.get(top.id)!, target };
  }

  /**
   * `recent/`: the workspace's live nodes, the most recently changed first. PARITY: CHOICE.
   * "Recently accessed" is read as recently stored or created (reads are not tracked); `type`
   * filters (`link` finds none: links are not emulated); page_size/cursor as listing.ts.
   */
  recent(ctx: StorageContext, opts: RecentOptions): { nodes: StorageNode[]; pagination: NodePagination } {
    const rows = this.d.db.nodes.find('workspace', ctx.workspace.id).filter((n) => n.trashed === null && (opts.type === undefined || n.type === opts.type));
    return pageNodes(rows, { list: `recent:${opts.type ?? '*'}`, sortBy: 'updated', sortDir: 'desc', foldersFirst: false }, opts);
  }
}
