/**
 * `addfile`: a file added to a folder from a source named in `from`, rather than from bytes in the
 * request. The emulator's uploads always name their destination, so the one source it takes is a
 * stored upload session of the caller's, whose bytes are added again under the given name.
 */
import { Errors } from '../http/errors.js';
import type { StorageNode, User } from '../store/model.js';
import type { WorkspaceScope } from '../tenancy/access.js';
import type { NodeTree } from './nodes.js';
import type { AddFileSource } from './schema.js';
import type { StorageDeps } from './service.js';
import type { Uploads } from './uploads.js';
import type { Versions } from './versions.js';

export class AddFile {
  constructor(
    private readonly d: Pick<StorageDeps, 'jobs'>,
    private readonly nodes: NodeTree,
    private readonly versions: Versions,
    private readonly uploads: Uploads,
  ) {}

  /**
   * PARITY: official client src/api/storage.rs add_file and commands/files.rs
   * validate_addfile_hash_context: a workspace takes only an upload source (a hash source is a
   * share feature, refused with 400/1605). Same-name adds overwrite in place and keep the previous
   * content as a version (agent guide v2.6 "Name-conflict behavior": "Upload (addfile)").
   * CHOICE: the upload must be the caller's own (else 404/1609), of this workspace (else 400/1605)
   * and `stored` (else 409/1660); its stored version's bytes are stored again (storage charged as
   * for any upload, ingestion follows).
   */
  add(user: User, scope: WorkspaceScope, parentRef: string, name: string, from: AddFileSource, replace?: StorageNode): StorageNode {
    if (from.type === 'hash') throw Errors.invalidField('from', 'A hash source is accepted in a share context only; add an upload to a workspace.');
    const parentId = this.nodes.folder(scope, parentRef);
    const upload = this.uploads.ownUpload(user, from.upload.id);
    if (upload.workspaceId !== scope.workspace.id) throw Errors.invalidField('from', 'This upload belongs to another workspace.');
    if (upload.status !== 'stored' || !upload.newFileId) throw Errors.conflict(`The upload session is ${upload.status}; only a stored upload can be added.`);
    const source = this.sourceBytes(scope, upload.newFileId, upload.versionId ?? null);
    this.d.jobs.admit();
    return this.versions.storeVersion(user, scope.workspace, scope.org, {
      parentId,
      name,
      bytes: source.bytes,
      type: 'file',
      declaredMimetype: source.mimetype ?? undefined,
      uploadId: upload.id,
      // `update/` with `from` names the file that gets the version (node-ops.ts)
      ...(replace ? { replace } : {}),
      via: replace ? 'update' : 'addfile',
    });
  }

  /** The bytes the upload stored: its version, current or kept (the node may have moved on). */
  private sourceBytes(scope: WorkspaceScope, nodeId: string, versionId: string | null): { bytes: Buffer; mimetype: string | null } {
    const node = this.nodes.node(scope, nodeId, 'allow');
    const version = versionId ? this.versions.version(node, versionId) : { blobId: node.blobId, current: true };
    if (!version) throw Errors.conflict('The version this upload stored is no longer kept.');
    return { bytes: this.versions.bytesOf(version), mimetype: node.mimetype };
  }
}
