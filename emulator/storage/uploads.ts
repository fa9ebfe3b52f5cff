/**
 * Uploads: a single call stores a file at once; a chunked session goes ready -> uploading ->
 * assembling -> complete -> storing -> stored (or assembly_failed / store_failed), each background
 * step a job of the queue, so a long upload never holds a request. Sessions are rows of the
 * `uploads` table and resume after a restart or a state import.
 */
import { ApiError, Errors, assert } from '../http/errors.js';
import type { Caller } from '../http/context.js';
import type { UploadedFile } from '../http/route.js';
import { OpaqueType } from '../store/ids.js';
import type { StorageNode, Upload, User } from '../store/model.js';
import type { WorkspaceScope } from '../tenancy/access.js';
import { workspaceAllows } from '../tenancy/permissions.js';
import type { NodeTree } from './nodes.js';
import type { UploadInput } from './schema.js';
import { checkedName, chunkPart } from './upload-schema.js';
import type { StorageDeps } from './service.js';
import type { StorageCredits } from './storage-credits.js';
import type { Versions } from './versions.js';
import {
  delegatedStoreRefusal,
  recheckDelegatedUpload,
  resolveUploadTarget,
  versionConflict,
  type UploadTarget,
  type UploadTargetHooks,
  type UploadTargetInput,
} from './upload-target.js';
import { AuditEvents } from '../events/catalogue.js';
import { throughShare } from '../events/through-share.js';
import { CHUNK_MAX_BYTES, SINGLE_CALL_MAX_BYTES, verifyHash } from './upload-limits.js';

export { CHUNK_MAX_BYTES, SINGLE_CALL_MAX_BYTES };

export const TERMINAL_UPLOAD: ReadonlySet<string> = new Set(['stored', 'assembly_failed', 'store_failed', 'fetch_failed', 'canceled']);

// The target types and the share and fileshare re-checks live in upload-target.ts (this file is at its size).
export type { FileshareUploadTarget, ShareUploadTarget, UploadTarget, UploadTargetInput } from './upload-target.js';

export class Uploads {
  constructor(
    private readonly d: Pick<StorageDeps, 'db' | 'ids' | 'now' | 'audit' | 'access' | 'activityHub' | 'jobs'>,
    private readonly nodes: NodeTree,
    private readonly versions: Versions,
    private readonly credits: StorageCredits,
  ) {}

  /** Share uploads (`profile_type=share`, unset: 501) and fileshare write-backs (V2 only), set by the shares area. */
  readonly hooks: UploadTargetHooks = {};

  /** Where an upload goes (single call, session, stream, batch, web import): upload-target.ts says. */
  resolveUploadTarget(caller: Caller, input: UploadTargetInput, route = '/current/upload/'): UploadTarget {
    return resolveUploadTarget({ access: this.d.access, nodes: this.nodes, hooks: this.hooks }, caller, input, route);
  }

  /** A change that records no audit event (the events touch the same key, events/catalogue.ts). */
  private touchUpload(upload: Upload): void {
    this.d.activityHub.touch([upload.userId, upload.workspaceId], `upload:${upload.id}`);
  }

  /**
   * `POST /current/upload/`: with a `chunk` the file is stored at once (single call, up to 4 MB);
   * without one a chunked session opens. Returns the upload and, for a single call, the node.
   */
  upload(caller: Caller, input: UploadInput, files: readonly UploadedFile[]): { upload: Upload; node: StorageNode | null; scope: WorkspaceScope } {
    const part = chunkPart(files);
    const { scope, parentId, target, shareId, fileshareId } = this.resolveUploadTarget(caller, input);
    const user = caller.user;
    const bytes = part ? part.data : input.chunk !== undefined ? Buffer.from(input.chunk, 'utf8') : undefined;
    // A single-call upload stores the file now, and its ingestion follows in the background.
    if (bytes) this.d.jobs.admit();
    // An update keeps the file's name unless `name` renames it (the part's file name does not).
    const name = input.name ?? target?.name ?? (part ? checkedName(part.name) : undefined);
    if (name === undefined) throw Errors.missingField('name', 'string');
    const now = this.d.now();
    const id = this.d.ids.opaqueId(OpaqueType.upload);
    const base = {
      id,
      userId: user.id,
      workspaceId: scope.workspace.id,
      orgId: scope.org.id,
      folderId: parentId,
      name,
      fileId: target?.id ?? null,
      ...(shareId !== undefined ? { shareId } : {}),
      ...(fileshareId !== undefined ? { fileshareId, ifVersionId: input.if_version_id ?? null } : {}),
      created: now,
      updated: now,
    };

    if (bytes === undefined && input.stream === true) {
      // PARITY: official client create_stream_session: no `size` up front; `max_size` bounds the
      // stream, else the plan's file-size limit does (checked when the bytes arrive).
      if (input.max_size !== undefined) this.credits.assertFits(scope.org, input.max_size);
      const upload = this.d.db.uploads.insert({
        ...base,
        size: 0,
        status: 'ready',
        chunks: {},
        blobId: null,
        newFileId: null,
        error: null,
        stream: { maxSize: input.max_size ?? null },
      });
      this.d.audit.record(
        AuditEvents.uploadSessionCreated({ orgId: scope.org.id, workspaceId: scope.workspace.id, shareId }, user.id, id, {
          name,
          stream: true,
          max_size: input.max_size ?? null,
          folder_id: parentId,
        }),
      );
      return { upload, node: null, scope };
    }

    if (bytes === undefined) {
      if (input.size === undefined) throw Errors.missingField('size', 'integer');
      if (input.size < 1) throw Errors.invalidField('size', 'A chunked upload holds at least one byte.', 'integer');
      this.credits.assertFits(scope.org, input.size);
      const upload = this.d.db.uploads.insert({ ...base, size: input.size, status: 'ready', chunks: {}, blobId: null, newFileId: null, error: null });
      this.d.audit.record(
        AuditEvents.uploadSessionCreated({ orgId: scope.org.id, workspaceId: scope.workspace.id, shareId }, user.id, id, {
          name,
          size: input.size,
          folder_id: parentId,
        }),
      );
      return { upload, node: null, scope };
    }

    // PARITY: CHOICE. Past 4 MB a single call answers 400/1605 naming `chunk`; a `size` that differs
    // from the bytes is refused the same way (the live answers are not recorded).
    if (bytes.length > SINGLE_CALL_MAX_BYTES) {
      throw Errors.invalidField('chunk', `A single-call upload holds at most ${SINGLE_CALL_MAX_BYTES} bytes; open a chunked session for larger files.`);
    }
    if (input.size !== undefined && input.size !== bytes.length) {
      throw Errors.invalidField('size', `size says ${input.size} bytes but the chunk holds ${bytes.length}.`, 'integer');
    }
    verifyHash(bytes, input.hash, input.hash_algo);
    // PARITY: 96b1551 fileshare.rs single_shot_writeback: a CAS miss is an answered session in assembly_failed.
    const conflict = versionConflict(input.if_version_id, target);
    if (conflict) return { upload: this.failAtOnce(base, bytes.length, conflict), node: null, scope };
    return this.storeAtOnce(user, { scope, parentId, target }, base, bytes, part?.mimetype);
  }

  /**
   * Store bytes that came whole (a single call, one file of a batch): the file now, and a
   * `stored` session row that says so.
   */
  storeAtOnce(
    user: User,
    { scope, parentId, target }: UploadTarget,
    base: Omit<Upload, 'size' | 'status' | 'chunks' | 'blobId' | 'newFileId' | 'error'>,
    bytes: Buffer,
    declaredMimetype: string | undefined,
  ): { upload: Upload; node: StorageNode; scope: WorkspaceScope } {
    const node = throughShare(base.shareId, () =>
      this.versions.storeVersion(user, scope.workspace, scope.org, {
        parentId,
        name: base.name,
        bytes,
        type: 'file',
        declaredMimetype,
        uploadId: base.id,
        ...(target ? { replace: target, via: 'upload_update', fileshareId: base.fileshareId } : {}),
      }),
    );
    const upload = this.d.db.uploads.insert({
      ...base,
      size: bytes.length,
      status: 'stored',
      chunks: {},
      blobId: null,
      newFileId: node.id,
      versionId: node.versionId,
      error: null,
    });
    this.touchUpload(upload);
    return { upload, node, scope };
  }

  /** Bytes that came whole but may not be stored: a session row that failed assembly (its event recorded). */
  private failAtOnce(base: Omit<Upload, 'size' | 'status' | 'chunks' | 'blobId' | 'newFileId' | 'error'>, size: number, error: string): Upload {
    this.d.db.uploads.insert({ ...base, size, status: 'assembling', chunks: {}, blobId: null, newFileId: null, error: null });
    return this.setUploadStatus(base.id, { status: 'assembly_failed', error });
  }

  /** The caller's own upload. PARITY: CHOICE, another user's session is as good as absent (404/1609). */
  ownUpload(user: User, id: string): Upload {
    const upload = this.d.db.uploads.get(id);
    if (!upload || upload.userId !== user.id) throw Errors.notFound('upload');
    return upload;
  }

  /**
   * PARITY: issue 18: every write to a session re-checks that its owner may still write to the
   * target workspace, as the upload route checked when it opened: a member removed (401/10545), a
   * role lowered (403/1680) or the workspace archived stops the session's next chunk.
   */
  assertMayStillWrite(caller: Pick<Caller, 'user'>, upload: Upload): void {
    // A session opened through a share or a fileshare: it decides again (upload-target.ts).
    if (recheckDelegatedUpload(this.hooks, caller, upload)) return;
    this.d.access.workspace(caller, upload.workspaceId, 'workspace.storage.write');
  }

  addChunk(
    caller: Pick<Caller, 'user'>,
    id: string,
    order: number,
    declaredSize: number | undefined,
    files: readonly UploadedFile[],
    textChunk: string | undefined,
    hash?: { hash?: string | undefined; hash_algo?: string | undefined },
  ): Upload {
    const user = caller.user;
    const upload = this.ownUpload(user, id);
    this.assertMayStillWrite(caller, upload);
    // PARITY: CHOICE. A streaming session takes its bytes through `stream/` only.
    if (upload.stream) throw Errors.badRequest('This is a streaming session: send its bytes with POST /current/upload/{id}/stream/.');
    // PARITY: CHOICE. Chunks after complete answer 409/1660.
    assert(upload.status === 'ready' || upload.status === 'uploading', () =>
      Errors.conflict(`The upload session is ${upload.status}; chunks are accepted until it is completed.`),
    );
    const bytes = chunkPart(files)?.data ?? (textChunk !== undefined ? Buffer.from(textChunk, 'utf8') : undefined);
    if (bytes === undefined) throw Errors.missingField('chunk');
    if (bytes.length > CHUNK_MAX_BYTES) throw Errors.invalidField('chunk', `A chunk holds at most ${CHUNK_MAX_BYTES} bytes.`);
    if (declaredSize !== undefined && declaredSize !== bytes.length) {
      throw Errors.invalidField('size', `size says ${declaredSize} bytes but the chunk holds ${bytes.length}.`, 'integer');
    }
    verifyHash(bytes, hash?.hash, hash?.hash_algo);
    // PARITY: CHOICE. Re-sending an order replaces that chunk; chunks may not add up to more than
    // the session's `size`; one audit event (`upload_chunk_added`) per chunk.
    const key = String(order);
    let others = 0;
    for (const [k, c] of Object.entries(upload.chunks)) if (k !== key) others += c.size;
    if (others + bytes.length > upload.size) throw Errors.invalidField('chunk', `The chunks would exceed the session's size of ${upload.size} bytes.`);
    const previous = upload.chunks[key];
    if (previous) this.versions.dropBlob(previous.blobId);
    const blob = this.versions.putBlob(bytes);
    const updated = this.d.db.uploads.update(id, {
      status: 'uploading',
      chunks: { ...upload.chunks, [key]: { blobId: blob.id, size: bytes.length } },
      updated: this.d.now(),
    });
    this.d.audit.record(AuditEvents.uploadChunkAdded(upload, user.id, id, { order, size: bytes.length }));
    return updated;
  }

  complete(caller: Pick<Caller, 'user'>, id: string): Upload {
    const user = caller.user;
    const upload = this.ownUpload(user, id);
    this.assertMayStillWrite(caller, upload);
    this.d.jobs.admit();
    if (upload.status === 'ready') throw Errors.badRequest('No chunks were uploaded to this session.');
    assert(upload.status === 'uploading', () => Errors.conflict(`The upload session is already ${upload.status}.`));
    const updated = this.beginAssembly(id);
    this.d.audit.record(AuditEvents.uploadSessionCompleted(upload, user.id, id, { chunks: Object.keys(upload.chunks).length }));
    return updated;
  }

  /** A status step of a session (or of a URL import, web-upload.ts); a failure records its event. */
  setUploadStatus(id: string, patch: Partial<Upload>): Upload {
    const updated = this.d.db.uploads.update(id, { ...patch, updated: this.d.now() });
    if (updated.status === 'assembly_failed' || updated.status === 'store_failed' || updated.status === 'fetch_failed') {
      this.d.audit.record(AuditEvents.uploadSessionFailed(updated, updated.userId, id, { status: updated.status, status_message: updated.error }));
    } else this.touchUpload(updated);
    return updated;
  }

  /**
   * assembling -> complete (or assembly_failed), then storing -> stored (or store_failed).
   * PARITY: the statuses are the agent guide's ("Large Files"); CHOICE: a missing chunk or a byte
   * count that differs from `size` is assembly_failed, a plan limit, a deleted folder or a lost
   * membership at storing time is store_failed, each with `status_message`.
   */
  private assemble(id: string, alive: () => boolean): void {
    const upload = this.d.db.uploads.get(id);
    if (!alive() || !upload || upload.status !== 'assembling') return;
    const orders = Object.keys(upload.chunks)
      .map(Number)
      .sort((a, b) => a - b);
    const gap = orders.findIndex((o, i) => o !== i + 1);
    const total = orders.reduce((sum, o) => sum + upload.chunks[String(o)]!.size, 0);
    let problem: string | undefined;
    if (gap >= 0) problem = `chunk ${gap + 1} is missing`;
    else if (total !== upload.size) problem = `the chunks hold ${total} bytes but the session declared ${upload.size}`;
    else problem = versionConflict(upload.ifVersionId, upload.fileId ? this.d.db.nodes.get(upload.fileId) : undefined);
    if (problem) {
      this.setUploadStatus(id, { status: 'assembly_failed', error: problem });
      return;
    }
    const bytes = Buffer.concat(orders.map((o) => this.versions.blobBytes(upload.chunks[String(o)]!.blobId) ?? Buffer.alloc(0)));
    const blob = this.versions.putBlob(bytes);
    const chunks: Upload['chunks'] = {};
    for (const [k, c] of Object.entries(upload.chunks)) {
      this.versions.dropBlob(c.blobId);
      chunks[k] = { blobId: '', size: c.size };
    }
    this.setUploadStatus(id, { status: 'complete', blobId: blob.id, chunks });
    this.d.jobs.after((stillAlive) => this.beginStoring(id, stillAlive));
  }

  /** Bytes that arrived whole in the background (a URL import): complete, then storing as a session. */
  storeFetched(id: string, bytes: Buffer): void {
    this.setUploadStatus(id, { status: 'complete', blobId: this.versions.putBlob(bytes).id, size: bytes.length });
    this.d.jobs.after((alive) => this.beginStoring(id, alive));
  }

  private beginStoring(id: string, alive: () => boolean): void {
    const upload = this.d.db.uploads.get(id);
    if (!alive() || !upload || upload.status !== 'complete') return;
    this.setUploadStatus(id, { status: 'storing' });
    this.d.jobs.after((stillAlive) => this.finishStoring(id, stillAlive));
  }

  private finishStoring(id: string, alive: () => boolean): void {
    const upload = this.d.db.uploads.get(id);
    if (!alive() || !upload || upload.status !== 'storing') return;
    const bytes = upload.blobId ? this.versions.blobBytes(upload.blobId) : undefined;
    const ws = this.d.db.workspaces.get(upload.workspaceId);
    const org = this.d.db.orgs.get(upload.orgId);
    const user = this.d.db.users.get(upload.userId);
    const fail = (message: string) => this.setUploadStatus(id, { status: 'store_failed', error: message });
    if (!bytes) return void fail('the assembled file is missing');
    if (!ws || ws.deleted || !org || org.closed || !user) return void fail('the workspace no longer exists');
    const delegated = Boolean(upload.shareId || upload.fileshareId);
    const refused = delegated ? delegatedStoreRefusal(this.hooks, user, ws, upload) : undefined;
    if (refused) return void fail(refused);
    const role = this.d.access.workspaceRoleOf(ws, user.id);
    if (!delegated && (!role || !workspaceAllows('workspace.storage.write', role, ws))) return void fail('the uploader may no longer write to this workspace');
    if (ws.archived) return void fail('the workspace was archived');
    const parent = upload.folderId === 'root' ? undefined : this.d.db.nodes.get(upload.folderId);
    if (upload.folderId !== 'root' && (!parent || parent.trashed !== null)) return void fail('the target folder no longer exists');
    // `action=update`: the file must still be a live file of this workspace.
    const target = upload.fileId ? this.d.db.nodes.get(upload.fileId) : undefined;
    if (upload.fileId && (!target || target.workspaceId !== ws.id || target.trashed !== null)) return void fail('the file to update no longer exists');
    const conflict = versionConflict(upload.ifVersionId, target);
    if (conflict) return void fail(conflict);
    let node: StorageNode;
    try {
      node = throughShare(upload.shareId, () =>
        this.versions.storeVersion(user, ws, org, {
          parentId: target ? target.parentId : upload.folderId,
          name: upload.name,
          bytes,
          type: 'file',
          uploadId: id,
          ...(target ? { replace: target, via: 'upload_update', fileshareId: upload.fileshareId } : {}),
        }),
      );
    } catch (err) {
      if (err instanceof ApiError) return void fail(err.message);
      throw err;
    }
    this.versions.dropBlob(upload.blobId!);
    this.setUploadStatus(id, { status: 'stored', blobId: null, newFileId: node.id, versionId: node.versionId });
  }

  /**
   * Upload details; with `wait` (seconds) an unfinished session is held until it changes.
   * PARITY: `details/?wait=60` long-polls a session (agent guide v1.29 "Large Files").
   */
  async uploadDetails(user: User, id: string, waitSeconds: number, signal: AbortSignal | undefined): Promise<Upload> {
    const upload = this.ownUpload(user, id);
    if (waitSeconds <= 0 || TERMINAL_UPLOAD.has(upload.status) || upload.status === 'ready' || upload.status === 'uploading') return upload;
    await this.d.activityHub.wait(user.id, this.d.activityHub.cursor, waitSeconds * 1000, signal);
    return this.ownUpload(user, id);
  }

  cancelUpload(user: User, id: string): void {
    const upload = this.ownUpload(user, id);
    this.dropSession(upload);
    this.d.audit.record(AuditEvents.uploadSessionDeleted(upload, user.id, id, { status: upload.status }));
  }

  /** Forget a session row and the bytes it still holds (a stored file keeps its own). */
  dropSession(upload: Upload): void {
    for (const c of Object.values(upload.chunks)) if (c.blobId) this.versions.dropBlob(c.blobId);
    if (upload.blobId) this.versions.dropBlob(upload.blobId);
    this.d.db.uploads.delete(upload.id);
  }

  /** Hand a session whose chunks are all in to the background assembly (a stream's one body). */
  beginAssembly(id: string): Upload {
    const updated = this.d.db.uploads.update(id, { status: 'assembling', updated: this.d.now() });
    this.d.jobs.after((alive) => this.assemble(id, alive));
    return updated;
  }

  /** After the state is replaced: sessions that were in flight resume where they stood. */
  resume(): void {
    for (const upload of this.d.db.uploads.values()) {
      if (upload.status === 'assembling') this.d.jobs.after((alive) => this.assemble(upload.id, alive));
      else if (upload.status === 'complete') this.d.jobs.after((alive) => this.beginStoring(upload.id, alive));
      else if (upload.status === 'storing') this.d.jobs.after((alive) => this.finishStoring(upload.id, alive));
    }
  }
}
