/**
 * Workspace storage: folders, files and notes, their bytes, uploads (single call and chunked
 * sessions), trash, downloads, and the storage and bandwidth credits they cost.
 *
 * This class is the area's face (`emu.storage`): it builds the parts, each owning one lifecycle,
 * and hands calls to them. nodes.ts: the tree, lookups, trash and purge; versions.ts: file and note
 * versions (current and kept) and their bytes; notes.ts: the note routes; uploads.ts: the upload
 * state machine; add-file.ts: `addfile` from a stored upload; storage-credits.ts: plan limits
 * and credits; download-tokens.ts: `requestread` tokens. Rows are replaced, never mutated. The
 * intelligence area hears about stored versions and removed nodes through `versionStored.on` and
 * `nodesRemoved.on`; storage knows nothing of indexes.
 */
import { Listeners, type Observable } from '../listeners.js';
import type { Caller } from '../http/context.js';
import type { UploadedFile } from '../http/route.js';
import type { NodePagination } from './listing.js';
import type { Org, StorageNode, Upload, User, Workspace } from '../store/model.js';
import type { WorkspaceScope } from '../tenancy/access.js';
import { AddFile } from './add-file.js';
import { DownloadTokens, type DownloadGrant } from './download-tokens.js';
import { Locks, type FileLock } from './locks.js';
import { NodeOps, type NodeUpdate, type RecentOptions, type StorageContext } from './node-ops.js';
import { NodeTree, type BulkDetailsError, type TrashedFilter } from './nodes.js';
import { Notes, type NoteUpdate } from './notes.js';
import type { AddFileSource, ListOptions, UploadInput } from './schema.js';
import { StorageCredits } from './storage-credits.js';
import { Uploads, type FileshareUploadTarget, type ShareUploadTarget } from './uploads.js';
import { BatchUploads } from './batch.js';
import { resolveLimits, type LimitsQuery } from './upload-limits.js';
import { UploadSessions } from './upload-sessions.js';
import { WebUploads } from './web-upload.js';
import { FolderZips } from './zip.js';
import { Versions, type Download, type VersionInput, type VersionView } from './versions.js';
import type { ServiceDeps, TenancyDeps } from '../service-deps.js';

/** What storage tells its listeners (the parts emit, the facade hands out `on`). */
export interface StorageSignals {
  /** A file or note version was stored (new node or new version of one). */
  versionStored: Listeners<[node: StorageNode, user: User]>;
  /** Nodes left the live tree (trashed) or were purged. */
  nodesRemoved: Listeners<[nodes: StorageNode[]]>;
}

export type StorageDeps = TenancyDeps & Pick<ServiceDeps, 'ledger' | 'activityHub' | 'jobs' | 'log'>;

export class StorageService {
  private readonly signals: StorageSignals = { versionStored: new Listeners(), nodesRemoved: new Listeners() };
  /** A file or note version was stored (new node or new version of one). */
  readonly versionStored: Observable<[node: StorageNode, user: User]> = this.signals.versionStored;
  /** Nodes left the live tree (trashed) or were purged. */
  readonly nodesRemoved: Observable<[nodes: StorageNode[]]> = this.signals.nodesRemoved;
  private readonly credits: StorageCredits;
  private readonly tree: NodeTree;
  private readonly versions: Versions;
  private readonly uploads: Uploads;
  private readonly notes: Notes;
  private readonly addFiles: AddFile;
  private readonly tokens: DownloadTokens;
  private readonly locks: Locks;
  private readonly ops: NodeOps;
  /** the caller's sessions as a set, chunk reads and deletes, streams (upload-sessions.ts) */
  readonly sessions: UploadSessions;
  /** `POST /upload/batch/` (batch.ts) */
  readonly batches: BatchUploads;
  /** imports from a URL (web-upload.ts) */
  readonly webUploads: WebUploads;
  /** folders as ZIPs (zip.ts) */
  readonly zips: FolderZips;
  private readonly deps: StorageDeps;

  constructor(d: StorageDeps & { webUploadHosts?: readonly string[] }) {
    this.deps = d;
    this.credits = new StorageCredits(d);
    this.tree = new NodeTree(d, this.credits, this.signals);
    this.versions = new Versions(d, this.tree, this.credits, this.signals);
    this.uploads = new Uploads(d, this.tree, this.versions, this.credits);
    this.notes = new Notes(d, this.tree, this.versions);
    this.addFiles = new AddFile(d, this.tree, this.versions, this.uploads);
    this.tokens = new DownloadTokens(d.now);
    this.locks = new Locks(d, this.tree);
    this.tree.assertWritable = (user, nodes) => this.locks.assertWritable(user, nodes);
    // A trashed, purged or transferred node loses its lock.
    this.signals.nodesRemoved.on((nodes) => this.locks.drop(nodes.map((n) => n.id)));
    this.ops = new NodeOps(d, this.tree, this.versions, this.credits, this.locks, this.addFiles, this.signals);
    this.sessions = new UploadSessions(d, this.uploads, this.versions, this.credits);
    this.batches = new BatchUploads(d, this.tree, this.uploads);
    this.webUploads = new WebUploads(d, this.uploads, d.webUploadHosts ?? []);
    this.zips = new FolderZips(this.tree, this.versions, this.credits);
  }

  /** `GET /upload/limits/` for this caller, in the context the query names (upload-limits.ts). */
  uploadLimits(caller: Caller, q: LimitsQuery): Record<string, unknown> {
    const { plans, access } = this.deps;
    return resolveLimits(
      { plans, heldBytes: (orgId) => this.credits.heldBytes(orgId), accountType: caller.user.accountType },
      q,
      (t) => this.uploads.resolveUploadTarget(caller, { instance_id: t.instance_id!, action: t.action, file_id: t.file_id, folder_id: t.folder_id }).scope,
      (ref) => access.org(caller, ref, 'org.details').org,
    );
  }

  /** Where `profile_type=share` uploads go (the shares area sets it, shares/share-storage-mount.ts). */
  set shareUploadTarget(resolve: ShareUploadTarget) {
    this.uploads.hooks.share = resolve;
  }

  /** Where fileshare write-backs go (V2; the shares area sets it, shares/fileshare-writeback.ts). */
  set fileshareUploadTarget(resolve: FileshareUploadTarget) {
    this.uploads.hooks.fileshare = resolve;
  }

  // ---- the tree (nodes.ts)

  node(scope: WorkspaceScope, id: string, trashed?: TrashedFilter): StorageNode {
    return this.tree.node(scope, id, trashed);
  }

  nodesDetails(scope: WorkspaceScope, rawIds: string[]): { nodes: StorageNode[]; errors: BulkDetailsError[] } {
    return this.tree.nodesDetails(scope, rawIds);
  }

  folder(scope: WorkspaceScope, ref: string, field?: string): string {
    return this.tree.folder(scope, ref, field);
  }

  file(scope: WorkspaceScope, id: string, field?: string): StorageNode {
    return this.tree.file(scope, id, field);
  }

  list(scope: WorkspaceScope, ref: string, opts: ListOptions): { nodes: StorageNode[]; pagination: NodePagination } {
    return this.tree.list(scope, ref, opts);
  }

  createFolder(user: User, scope: WorkspaceScope, parentRef: string, name: string, force?: boolean): StorageNode {
    return this.tree.createFolder(user, scope, parentRef, name, force);
  }

  trash(user: User, scope: WorkspaceScope, id: string): StorageNode {
    return this.tree.trash(user, scope, id);
  }

  purge(user: User, scope: WorkspaceScope, id: string): void {
    this.tree.purge(user, scope, id);
  }

  // ---- node operations (node-ops.ts)

  updateNode(user: User, ctx: StorageContext, id: string, input: NodeUpdate): StorageNode {
    return this.ops.update(user, ctx, id, input);
  }

  move(user: User, ctx: StorageContext, id: string, parentRef: string): StorageNode {
    return this.ops.move(user, ctx, id, parentRef);
  }

  copy(user: User, ctx: StorageContext, id: string, parentRef: string): StorageNode {
    return this.ops.copy(user, ctx, id, parentRef);
  }

  restore(user: User, ctx: StorageContext, id: string): StorageNode {
    return this.ops.restore(user, ctx, id);
  }

  transfer(caller: Caller, ctx: StorageContext, id: string, targetRef: string): { node: StorageNode; target: StorageContext } {
    return this.ops.transfer(caller, ctx, id, targetRef);
  }

  recent(ctx: StorageContext, opts: RecentOptions): { nodes: StorageNode[]; pagination: NodePagination } {
    return this.ops.recent(ctx, opts);
  }

  // ---- locks (locks.ts)

  acquireLock(user: User, ctx: StorageContext, id: string, duration: number | undefined, clientInfo: Record<string, unknown> | undefined): FileLock {
    return this.locks.acquire(user, ctx, id, duration, clientInfo);
  }

  lockStatus(ctx: StorageContext, id: string): { node: StorageNode; lock: FileLock | undefined } {
    return this.locks.status(ctx, id);
  }

  heartbeatLock(user: User, ctx: StorageContext, id: string, token: string): FileLock {
    return this.locks.heartbeat(user, ctx, id, token);
  }

  releaseLock(user: User, ctx: StorageContext, id: string, token: string): void {
    this.locks.release(user, ctx, id, token);
  }

  // ---- versions and bytes (versions.ts)

  bytesOf(node: StorageNode): Buffer {
    return this.versions.bytesOf(node);
  }

  storeVersion(user: User, ws: Workspace, org: Org, input: VersionInput): StorageNode {
    return this.versions.storeVersion(user, ws, org, input);
  }

  download(user: User, scope: WorkspaceScope, id: string, versionId: string | undefined, charge: boolean): Download {
    return this.versions.download(user, scope, id, versionId, charge);
  }

  restoreVersion(user: User, scope: WorkspaceScope, id: string, versionId: string): StorageNode {
    return this.versions.restoreVersion(user, scope, id, versionId);
  }

  /** Every version of a file or note of this workspace, the current one first. */
  versionsOf(scope: WorkspaceScope, id: string): VersionView[] {
    return this.versions.views(this.tree.file(scope, id));
  }

  // ---- notes (notes.ts) and addfile (add-file.ts)

  createNote(user: User, scope: WorkspaceScope, parentRef: string, name: string, content: string): StorageNode {
    return this.notes.createNote(user, scope, parentRef, name, content);
  }

  readNote(scope: WorkspaceScope, id: string, versionId: string | undefined): { content: string; note: StorageNode } {
    return this.notes.readNote(scope, id, versionId);
  }

  updateNote(user: User, scope: WorkspaceScope, id: string, input: NoteUpdate): StorageNode {
    return this.notes.updateNote(user, scope, id, input);
  }

  addFile(user: User, scope: WorkspaceScope, parentRef: string, name: string, from: AddFileSource): StorageNode {
    return this.addFiles.add(user, scope, parentRef, name, from);
  }

  // ---- credits (storage-credits.ts)

  /** Bandwidth for bytes served that are not a stored version's (a rendered preview or transform, previews.ts). */
  chargeBandwidth(org: Org, node: StorageNode, bytes: number, userId: string): void {
    this.credits.settleHeldStorage(org);
    this.credits.chargeBandwidth(org, node, bytes, userId);
  }

  settleHeldStorage(org: Org): void {
    this.credits.settleHeldStorage(org);
  }

  // ---- uploads (uploads.ts)

  upload(caller: Caller, input: UploadInput, files: readonly UploadedFile[]): { upload: Upload; node: StorageNode | null; scope: WorkspaceScope } {
    return this.uploads.upload(caller, input, files);
  }

  addChunk(
    caller: Caller,
    id: string,
    order: number,
    declaredSize: number | undefined,
    files: readonly UploadedFile[],
    textChunk: string | undefined,
    hash?: { hash?: string | undefined; hash_algo?: string | undefined },
  ): Upload {
    return this.uploads.addChunk(caller, id, order, declaredSize, files, textChunk, hash);
  }

  complete(caller: Caller, id: string): Upload {
    return this.uploads.complete(caller, id);
  }

  uploadDetails(user: User, id: string, waitSeconds: number, signal: AbortSignal | undefined): Promise<Upload> {
    return this.uploads.uploadDetails(user, id, waitSeconds, signal);
  }

  cancelUpload(user: User, id: string): void {
    this.uploads.cancelUpload(user, id);
  }

  // ---- download tokens (download-tokens.ts)

  /** PARITY: `requestread` hands out a token that opens `read/?token=` without a bearer (agent guide "Download Tokens"). */
  async requestRead(user: User, scope: WorkspaceScope, id: string): Promise<{ token: string; expires: number; node: StorageNode }> {
    const node = this.tree.file(scope, id);
    return { ...(await this.tokens.issue(user, node)), node };
  }

  verifyReadToken(token: string, nodeId: string): Promise<DownloadGrant> {
    return this.tokens.verify(token, nodeId);
  }

  /** After the state is replaced: forget derived sums and resume uploads that were in flight. */
  stateReplaced(): void {
    this.credits.forget();
    this.locks.clear();
    this.uploads.resume();
    this.webUploads.resume();
  }
}
