/**
 * File and note versions and their bytes. Bytes live in the `blobs` table (base64), so a state
 * export or the `--data` file carries them; a node row points at the blob of its current version.
 * Storing a version charges storage and tells the listeners; reading one charges bandwidth.
 */
import { createHash } from 'node:crypto';
import { Errors } from '../http/errors.js';
import { classifyDocument } from '../intelligence/engine/document-types.js';
import { OpaqueType } from '../store/ids.js';
import type { Blob, Org, StorageNode, User, Workspace } from '../store/model.js';
import type { WorkspaceScope } from '../tenancy/access.js';
import type { NodeTree } from './nodes.js';
import type { StorageDeps, StorageSignals } from './service.js';
import { AuditEvents } from '../events/catalogue.js';
import type { StorageCredits } from './storage-credits.js';

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
}

export class Versions {
  constructor(
    private readonly d: Pick<StorageDeps, 'db' | 'ids' | 'now' | 'audit' | 'jobs'>,
    private readonly nodes: NodeTree,
    private readonly credits: StorageCredits,
    private readonly signals: StorageSignals,
  ) {}

  putBlob(bytes: Buffer): Blob {
    return this.d.db.blobs.insert({
      id: this.d.ids.opaqueId(OpaqueType.general),
      data: bytes.toString('base64'),
      size: bytes.length,
      sha256: createHash('sha256').update(bytes).digest('hex'),
    });
  }

  bytesOf(node: StorageNode): Buffer {
    const blob = node.blobId ? this.d.db.blobs.get(node.blobId) : undefined;
    return blob ? Buffer.from(blob.data, 'base64') : Buffer.alloc(0);
  }

  /**
   * Store bytes as a file or note under `parentId`. PARITY: CHOICE. A file of the same name in
   * the same folder gets a new version (same node id, new version id; the previous version is not
   * kept); a note, or a name held by another kind of node, answers 409/1660.
   */
  storeVersion(user: User, ws: Workspace, org: Org, input: VersionInput): StorageNode {
    const { parentId, name, bytes, type } = input;
    const existing = this.nodes.childNamed(ws.id, parentId, name);
    if (existing && (existing.type !== type || type === 'note')) {
      throw Errors.conflict(`A ${existing.type} named "${name}" already exists in this folder.`);
    }
    this.credits.assertFits(org, bytes.length, existing?.size ?? 0);
    this.credits.settleHeldStorage(org);
    const now = this.d.now();
    const blob = this.putBlob(bytes);
    const mimetype = type === 'note' ? 'text/markdown' : classifyDocument(name, input.declaredMimetype, bytes).mimetype;
    const version = { versionId: this.d.ids.opaqueId(OpaqueType.version), blobId: blob.id, size: bytes.length, hash: blob.sha256, mimetype, updated: now };
    let node: StorageNode;
    if (existing) {
      if (existing.blobId) this.d.db.blobs.delete(existing.blobId);
      node = this.d.db.nodes.update(existing.id, version);
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
        parent_id: parentId,
        new_version: Boolean(existing),
        upload_id: input.uploadId ?? null,
      }),
    );
    this.signals.versionStored.emit(node, user);
    return this.d.db.nodes.get(node.id)!;
  }

  createNote(user: User, scope: WorkspaceScope, parentRef: string, name: string, content: string): StorageNode {
    // A stored note is ingested in the background: admitted only while the job queue has room.
    this.d.jobs.admit();
    const parentId = this.nodes.folder(scope, parentRef);
    return this.storeVersion(user, scope.workspace, scope.org, { parentId, name, bytes: Buffer.from(content, 'utf8'), type: 'note' });
  }

  /**
   * The bytes of a file or note, charging bandwidth. PARITY: CHOICE, `version_id` other than the
   * current version answers 404/1609 (previous versions are not kept).
   */
  download(user: User, scope: WorkspaceScope, id: string, versionId: string | undefined, charge: boolean): Download {
    const node = this.nodes.file(scope, id);
    if (versionId && versionId !== node.versionId) throw Errors.notFound('version');
    this.credits.settleHeldStorage(scope.org);
    const bytes = this.bytesOf(node);
    // PARITY: CHOICE. HEAD sends no bytes and is not charged.
    if (charge) this.credits.chargeBandwidth(scope.org, node, bytes.length, user.id);
    return { node, bytes };
  }
}
