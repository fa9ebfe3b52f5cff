/**
 * File and note versions and their bytes. Bytes live in the blob store (store/blobs.ts: in memory,
 * or files next to `--data`), one copy per content; a `blobs` row is one use of them, and an
 * export carries them (`blobContent`). A node row points at the blob row of its current version,
 * and each earlier version is a `fileVersions` row with its own blob. Storing a version charges
 * storage and tells the listeners; reading one charges bandwidth.
 */
import { Errors } from '../http/errors.js';
import { classifyDocument } from '../intelligence/engine/document-types.js';
import { OpaqueType } from '../store/ids.js';
import type { Blob, FileVersion, Org, StorageNode, User, Workspace } from '../store/model.js';
import type { WorkspaceScope } from '../tenancy/access.js';
import type { NodeTree } from './nodes.js';
import type { StorageDeps, StorageSignals } from './service.js';
import { AuditEvents } from '../events/catalogue.js';
import type { StorageCredits } from './storage-credits.js';
import { newestFirst } from '../store/order.js';

export interface Download {
  node: StorageNode;
  bytes: Buffer;
}

export interface VersionInput {
  parentId: string;
  name: string;
  bytes: Buffer;
  type: 'file' | 'note';
  declaredMimetype?: string | undefined;
  uploadId?: string;
  /** the node that gets the new version (upload `action=update`, `updatenote`); else found by name */
  replace?: StorageNode;
  /** which call stored it, for the audit event (`upload`, `updatenote`, `addfile`, ...) */
  via?: string;
  /** a fileshare write-back: the fileshare it went through (the event says `via: fileshare_writeback` and names it) */
  fileshareId?: string | null | undefined;
}

/** One version of a node as the routes show it: the current one or a kept one. */
export interface VersionView {
  id: string;
  size: number;
  mimetype: string | null;
  hash: string | null;
  name: string;
  createdBy: string;
  created: number;
  current: boolean;
}

export class Versions {
  constructor(
    private readonly d: Pick<StorageDeps, 'db' | 'ids' | 'now' | 'audit' | 'jobs'>,
    private readonly nodes: NodeTree,
    private readonly credits: StorageCredits,
    private readonly signals: StorageSignals,
  ) {}

  putBlob(bytes: Buffer): Blob {
    const sha256 = this.d.db.blobStore.put(bytes);
    return this.d.db.blobs.insert({ id: this.d.ids.opaqueId(OpaqueType.general), size: bytes.length, sha256 });
  }

  /** A blob's bytes by id (an upload's chunk or assembled file), or undefined when it is gone. */
  blobBytes(blobId: string): Buffer | undefined {
    return this.d.db.blobs.bytes(blobId);
  }

  /** Forget a blob nothing points at any more (a replaced or deleted chunk, an assembled upload once stored). */
  dropBlob(blobId: string): void {
    this.d.db.blobs.delete(blobId);
  }

  bytesOf(node: Pick<StorageNode, 'blobId'>): Buffer {
    return (node.blobId ? this.d.db.blobs.bytes(node.blobId) : undefined) ?? Buffer.alloc(0);
  }

  /** The kept (not current) versions of a node, newest first. */
  kept(nodeId: string): FileVersion[] {
    return newestFirst(this.d.db.fileVersions.find('node', nodeId));
  }

  /**
   * A version of `node`: the current one or a kept one, or undefined when `versionId` names no
   * version of this node (another node's version included).
   */
  version(node: StorageNode, versionId: string): { blobId: string | null; current: boolean } | undefined {
    if (versionId === node.versionId) return { blobId: node.blobId, current: true };
    const kept = this.d.db.fileVersions.get(versionId);
    return kept && kept.nodeId === node.id ? { blobId: kept.blobId, current: false } : undefined;
  }

  /**
   * Store bytes as a file or note under `parentId`. PARITY: agent guide v2.6 "Storage overwrite &
   * versioning": a file of the same name in the same folder is overwritten in place (same node id,
   * new version id) and its previous content is kept as a version. CHOICE: a note of that name, or
   * a name held by another kind of node, answers 409/1660 (notes change through `updatenote`).
   * With `replace` the named node gets the version (and `name`, a rename if it differs).
   */
  storeVersion(user: User, ws: Workspace, org: Org, input: VersionInput): StorageNode {
    const { parentId, name, bytes, type } = input;
    const named = this.nodes.childNamed(ws.id, parentId, name);
    let existing: StorageNode | undefined = input.replace;
    if (existing) {
      if (named && named.id !== existing.id) throw Errors.conflict(`A ${named.type} named "${name}" already exists in this folder.`);
    } else if (named) {
      if (named.type !== type || type === 'note') throw Errors.conflict(`A ${named.type} named "${name}" already exists in this folder.`);
      existing = named;
    }
    // A lock of another user refuses the new version (locks.ts).
    if (existing) this.nodes.assertWritable(user, [existing]);
    // The previous version is kept, so nothing is freed by the write.
    this.credits.assertFits(org, bytes.length);
    this.credits.settleHeldStorage(org);
    const now = this.d.now();
    const blob = this.putBlob(bytes);
    const mimetype = type === 'note' ? 'text/markdown' : classifyDocument(name, input.declaredMimetype, bytes).mimetype;
    const version = { versionId: this.d.ids.opaqueId(OpaqueType.version), blobId: blob.id, size: bytes.length, hash: blob.sha256, mimetype, updated: now };
    let node: StorageNode;
    let previousVersion: string | null = null;
    if (existing) {
      previousVersion = this.keep(existing);
      node = this.d.db.nodes.update(existing.id, { ...version, name });
    } else {
      node = this.d.db.nodes.insert({
        id: this.d.ids.opaqueId(OpaqueType.node),
        workspaceId: ws.id,
        orgId: org.id,
        parentId,
        type,
        name,
        ...version,
        ai: { state: 'disabled', reason: null, pages: null, updated: now },
        createdBy: user.id,
        created: now,
        trashed: null,
      });
    }
    this.credits.chargeStoredVersion(org, node, user.id);
    // The event touches `storage:{id}` on the workspace (events/catalogue.ts).
    this.d.audit.record(
      AuditEvents.storageFileAdded({ orgId: org.id, workspaceId: ws.id }, user.id, node, {
        name,
        type,
        size: node.size,
        version_id: node.versionId,
        parent_id: node.parentId,
        new_version: Boolean(existing),
        previous_version_id: previousVersion,
        upload_id: input.uploadId ?? null,
        via: input.fileshareId ? 'fileshare_writeback' : (input.via ?? 'upload'),
        ...(input.fileshareId ? { fileshare: input.fileshareId } : {}),
      }),
    );
    this.signals.versionStored.emit(node, user);
    return this.d.db.nodes.get(node.id)!;
  }

  /** The node's current version becomes a kept row (its blob goes with it). Returns its id. */
  private keep(node: StorageNode): string | null {
    if (!node.versionId) return null;
    this.d.db.fileVersions.insert({
      id: node.versionId,
      nodeId: node.id,
      workspaceId: node.workspaceId,
      orgId: node.orgId,
      name: node.name,
      size: node.size,
      mimetype: node.mimetype,
      blobId: node.blobId,
      hash: node.hash,
      createdBy: node.createdBy,
      created: node.updated,
    });
    return node.versionId;
  }

  /**
   * `restore-version`: a kept version becomes current again, keeping its version id; the current
   * one is kept in its place. PARITY: CHOICE. No bytes are written, so no storage is charged (both
   * versions were already held); the content changed, so the listeners hear of it (ingestion runs
   * and is charged as for any new version). Restoring the current version changes nothing.
   */
  restoreVersion(user: User, scope: WorkspaceScope, id: string, versionId: string): StorageNode {
    const node = this.nodes.file(scope, id);
    if (versionId === node.versionId) return node;
    const kept = this.d.db.fileVersions.get(versionId);
    if (!kept || kept.nodeId !== node.id) throw Errors.invalidField('version_id', 'This version does not belong to this file.');
    this.nodes.assertWritable(user, [node]);
    // The restored content is ingested in the background: admitted only while the job queue has room.
    this.d.jobs.admit();
    this.credits.settleHeldStorage(scope.org);
    const named = this.nodes.childNamed(node.workspaceId, node.parentId, kept.name);
    // PARITY: CHOICE. A version keeps the name it had; if another node now holds it, the file keeps its current name.
    const name = named && named.id !== node.id ? node.name : kept.name;
    const previous = this.keep(node);
    this.d.db.fileVersions.delete(kept.id);
    const restored = this.d.db.nodes.update(node.id, {
      versionId: kept.id,
      blobId: kept.blobId,
      size: kept.size,
      hash: kept.hash,
      mimetype: kept.mimetype,
      name,
      updated: this.d.now(),
    });
    this.d.audit.record(
      AuditEvents.storageVersionRestored({ orgId: scope.org.id, workspaceId: node.workspaceId }, user.id, restored, {
        name,
        version_id: kept.id,
        previous_version_id: previous,
        size: restored.size,
      }),
    );
    this.signals.versionStored.emit(restored, user);
    return this.d.db.nodes.get(node.id)!;
  }

  /**
   * The bytes of a file or note, charging bandwidth. `version_id` may name the current version or
   * a kept one of this node; anything else answers 404/1609.
   */
  download(user: User, scope: WorkspaceScope, id: string, versionId: string | undefined, charge: boolean): Download {
    const node = this.nodes.file(scope, id);
    const version = versionId ? this.version(node, versionId) : { blobId: node.blobId, current: true };
    if (!version) throw Errors.notFound('version');
    this.credits.settleHeldStorage(scope.org);
    const bytes = this.bytesOf(version);
    // PARITY: CHOICE. HEAD sends no bytes and is not charged.
    if (charge) this.credits.chargeBandwidth(scope.org, node, bytes.length, user.id);
    return { node, bytes };
  }

  /** Every version of a node, the current one first. */
  views(node: StorageNode): VersionView[] {
    const current: VersionView[] = node.versionId
      ? [
          {
            id: node.versionId,
            size: node.size,
            mimetype: node.mimetype,
            hash: node.hash,
            name: node.name,
            createdBy: node.createdBy,
            created: node.updated,
            current: true,
          },
        ]
      : [];
    return [...current, ...this.kept(node.id).map((v) => ({ ...v, current: false }))];
  }
}
