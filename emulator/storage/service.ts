/**
 * Workspace storage: folders, files and notes, their bytes, uploads (single call and chunked
 * sessions), trash, downloads, and the storage and bandwidth credits they cost.
 *
 * Bytes live in the `blobs` table (base64), so a state export or the `--data` file carries them.
 * Rows are replaced, never mutated. The intelligence area hears about stored versions and removed
 * nodes through `addListener`; storage knows nothing of indexes.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Logger } from 'pino';
import type { ActivityHub } from '../activity/hub.js';
import { CREDIT_COSTS, PERIOD_MS, type CreditLedger } from '../billing/ledger.js';
import type { PlanCatalog } from '../billing/plans.js';
import type { AuditLog } from '../events/audit.js';
import type { Caller } from '../http/context.js';
import { ApiError, Codes, Errors, assert } from '../http/errors.js';
import { paginate, type Pagination } from '../http/schema.js';
import { classifyDocument } from '../intelligence/engine/document-types.js';
import type { Db } from '../store/db.js';
import { OpaqueType, type IdGenerator } from '../store/ids.js';
import type { Blob, Org, StorageNode, Upload, User, Workspace } from '../store/model.js';
import type { Access, WorkspaceScope } from '../tenancy/access.js';
import { workspaceAllows } from '../tenancy/permissions.js';
import type { UploadedFile } from '../http/route.js';
import type { JobQueue } from './job-queue.js';
import { BULK_DETAILS_MAX_IDS, bulkNodeId, nodeName } from './schema.js';

/** Per-id codes of bulk details (official client src/api/storage.rs:80-84). */
const BULK_INVALID_ID = 191_878;
const BULK_NO_SUCH_NODE = 133_123;

/** PARITY: single-call uploads take files up to 4 MB (official client `SINGLE_CALL_MAX_SIZE`, 4 MiB). */
export const SINGLE_CALL_MAX_BYTES = 4 * 1024 * 1024;
/** PARITY: CHOICE. Chunks up to 4 MiB, the official client's chunk size (the live size is plan-dependent). */
export const CHUNK_MAX_BYTES = 4 * 1024 * 1024;
/** PARITY: storage is measured in GiB, bandwidth in 10^9 bytes (agent guide v1.29 "Unit Calculations"). */
export const GIB = 1024 ** 3;
export const GB = 1e9;
/** PARITY: CHOICE. How long a `requestread` token opens `read/` (the live lifetime is not published). */
export const DOWNLOAD_TOKEN_TTL_MS = 3600 * 1000;
const STORAGE_PERIOD_MARKER = 'storage-period:';

const TERMINAL_UPLOAD = new Set(['stored', 'assembly_failed', 'store_failed']);

export interface StorageListener {
  /** A file or note version was stored (new node or new version of one). */
  versionStored?(node: StorageNode, user: User): void;
  /** Nodes left the live tree (trashed) or were purged. */
  nodesRemoved?(nodes: StorageNode[]): void;
}

export interface StorageDeps {
  db: Db;
  ids: IdGenerator;
  now: () => number;
  audit: AuditLog;
  access: Access;
  plans: PlanCatalog;
  ledger: CreditLedger;
  activity: ActivityHub;
  jobs: JobQueue;
  log: Logger;
}

export interface UploadInput {
  name?: string | undefined;
  size?: number | undefined;
  instance_id: string;
  profile_type?: 'workspace' | 'share' | undefined;
  folder_id?: string | undefined;
  chunk?: string | undefined;
}

export interface ListOptions {
  limit?: number | undefined;
  page_size?: number | undefined;
  offset?: number | undefined;
  sort_by?: 'name' | 'created' | 'modified' | 'updated' | 'size' | 'type' | undefined;
  sort_dir?: 'asc' | 'desc' | undefined;
}

export interface Download {
  node: StorageNode;
  bytes: Buffer;
}

export class StorageService {
  private readonly listeners: StorageListener[] = [];
  /** `${orgId}:${periodStart}` whose held storage is already charged (derived from the ledger). */
  private readonly settledPeriods = new Set<string>();
  /** Signs download tokens; a token of another instance (or an earlier run) does not verify. */
  private readonly tokenSecret = randomBytes(32);

  constructor(private readonly d: StorageDeps) {}

  addListener(l: StorageListener): void {
    this.listeners.push(l);
  }

  // ---------------------------------------------------------------------------------------------
  // Lookups. Every lookup is scoped to the workspace the pipeline resolved.

  /**
   * A node of THIS workspace. PARITY: a node that exists in another workspace answers 401/115069
   * ("not shared with the caller", API notes); CHOICE: also when the caller happens to reach that
   * other workspace, since this path's workspace does not hold it. An unknown id is 404/1609.
   */
  node(scope: WorkspaceScope, id: string, trashed: 'no' | 'allow' | 'only' = 'no'): StorageNode {
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
  nodesDetails(scope: WorkspaceScope, rawIds: string[]): { nodes: StorageNode[]; errors: { node_id: string; code: number; message: string }[] } {
    if (rawIds.length > BULK_DETAILS_MAX_IDS) {
      throw new ApiError(400, Codes.bulkDetailsTooMany, `At most ${BULK_DETAILS_MAX_IDS} node ids per details request (got ${rawIds.length}).`, {
        params: [{ name: 'node_id', kind: 'invalid', code: Codes.bulkDetailsTooMany, message: `At most ${BULK_DETAILS_MAX_IDS} node ids.` }],
      });
    }
    const nodes: StorageNode[] = [];
    const errors: { node_id: string; code: number; message: string }[] = [];
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
    return node;
  }

  private childNamed(workspaceId: string, parentId: string, name: string): StorageNode | undefined {
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

  bytesOf(node: StorageNode): Buffer {
    const blob = node.blobId ? this.d.db.blobs.get(node.blobId) : undefined;
    return blob ? Buffer.from(blob.data, 'base64') : Buffer.alloc(0);
  }

  list(scope: WorkspaceScope, ref: string, opts: ListOptions): { nodes: StorageNode[]; pagination: Pagination } {
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
    const dir = opts.sort_dir === 'desc' ? -1 : 1;
    const key = opts.sort_by ?? 'name';
    const value = (n: StorageNode): string | number =>
      key === 'size' ? n.size : key === 'created' ? n.created : key === 'modified' || key === 'updated' ? n.updated : key === 'type' ? n.type : n.name;
    // PARITY: CHOICE. Folders first, then the sort key, then the id (a total order).
    rows.sort((a, b) => {
      if ((a.type === 'folder') !== (b.type === 'folder')) return a.type === 'folder' ? -1 : 1;
      const va = value(a);
      const vb = value(b);
      if (va !== vb) return (va < vb ? -1 : 1) * dir;
      return a.id < b.id ? -1 : 1;
    });
    const { page, pagination } = paginate(rows, opts.limit ?? opts.page_size ?? 100, opts.offset ?? 0);
    return { nodes: page, pagination };
  }

  // ---------------------------------------------------------------------------------------------
  // Plan limits and credits

  /**
   * Bytes an org holds: every file and note version of its live workspaces. PARITY: CHOICE, the
   * trash still holds bytes until purged; a deleted workspace's files no longer count.
   */
  heldBytes(orgId: string, storedBefore = Infinity): number {
    const live = new Map<string, boolean>();
    let total = 0;
    for (const n of this.d.db.nodes.find('org', orgId)) {
      if (n.type === 'folder' || n.updated >= storedBefore) continue;
      let alive = live.get(n.workspaceId);
      if (alive === undefined) {
        const ws = this.d.db.workspaces.get(n.workspaceId);
        alive = Boolean(ws && !ws.deleted);
        live.set(n.workspaceId, alive);
      }
      if (alive) total += n.size;
    }
    return total;
  }

  /**
   * PARITY: the plan's file size and storage limits answer 402/1685 (API notes "Credits and plans").
   * `freed` is what the write replaces (the previous version of the same file is not kept).
   */
  assertFits(org: Org, size: number, freed = 0): void {
    const plan = this.d.plans.get(org.plan);
    if (!plan) return;
    if (plan.max_file_bytes !== null && size > plan.max_file_bytes) throw Errors.planLimit(`bytes per file (${plan.id} plan)`, plan.max_file_bytes);
    if (plan.storage_bytes !== null && this.heldBytes(org.id) - freed + size > plan.storage_bytes) {
      throw Errors.planLimit(`bytes of storage (${plan.id} plan)`, plan.storage_bytes);
    }
  }

  /**
   * Storage credits, without a cost on every request. PARITY: CHOICE (100 credits per GiB held,
   * pro-rated over the 30-day period):
   * - a stored version is charged for the rest of the current period when it is stored;
   * - bytes held when a period starts are charged for the whole period, once, at the org's first
   *   storage operation (upload, note, delete, purge, download) of that period (a ledger row
   *   with object `storage-period:{start}` marks it done, so a restart does not charge twice);
   * - deleting or replacing refunds nothing;
   * - storage never fails for credits ("storage keeps working"): past the limit only what is left
   *   of the budget is charged.
   */
  settleHeldStorage(org: Org): void {
    const { start, end } = this.d.ledger.period(org);
    const key = `${org.id}:${start}`;
    if (this.settledPeriods.has(key)) return;
    this.settledPeriods.add(key);
    const settled = this.d.ledger.entries(org.id, start, end).some((e) => e.kind === 'storage' && e.objectId?.startsWith(STORAGE_PERIOD_MARKER));
    if (settled) return;
    const held = this.heldBytes(org.id, start);
    if (held === 0) return;
    this.chargeStorage(org, { units: held, credits: (held / GIB) * CREDIT_COSTS.storagePerGib, objectId: `${STORAGE_PERIOD_MARKER}${start}` });
  }

  private chargeStoredVersion(org: Org, node: StorageNode, userId: string): void {
    if (node.size === 0) return;
    const { end } = this.d.ledger.period(org);
    const fraction = Math.max(0, end - this.d.now()) / PERIOD_MS;
    this.chargeStorage(org, {
      units: node.size,
      credits: (node.size / GIB) * CREDIT_COSTS.storagePerGib * fraction,
      workspaceId: node.workspaceId,
      objectId: node.id,
      userId,
    });
  }

  private chargeStorage(org: Org, input: { units: number; credits: number; workspaceId?: string; objectId: string; userId?: string }): void {
    const remaining = this.d.ledger.remaining(org);
    const credits = remaining === null ? input.credits : Math.min(input.credits, remaining);
    this.d.ledger.charge(org, { kind: 'storage', ...input, credits });
  }

  /** PARITY: bandwidth costs 212 credits per 10^9 bytes downloaded; past the budget a download answers 402/1696. */
  private chargeBandwidth(org: Org, node: StorageNode, bytes: number, userId: string): void {
    if (bytes === 0) return;
    this.d.ledger.charge(org, {
      kind: 'bandwidth',
      units: bytes,
      credits: (bytes / GB) * CREDIT_COSTS.bandwidthPerGb,
      workspaceId: node.workspaceId,
      objectId: node.id,
      userId,
    });
  }

  // ---------------------------------------------------------------------------------------------
  // Writing versions

  private putBlob(bytes: Buffer): Blob {
    return this.d.db.blobs.insert({
      id: this.d.ids.opaqueId(OpaqueType.general),
      data: bytes.toString('base64'),
      size: bytes.length,
      sha256: createHash('sha256').update(bytes).digest('hex'),
    });
  }

  private touchNode(node: StorageNode): void {
    this.d.activity.touch([node.workspaceId], `storage:${node.id}`);
  }

  /**
   * Store bytes as a file or note under `parentId`. PARITY: CHOICE. A file of the same name in
   * the same folder gets a new version (same node id, new version id; the previous version is not
   * kept); a note, or a name held by another kind of node, answers 409/1660.
   */
  storeVersion(
    user: User,
    ws: Workspace,
    org: Org,
    input: { parentId: string; name: string; bytes: Buffer; type: 'file' | 'note'; declaredMimetype?: string | undefined; uploadId?: string },
  ): StorageNode {
    const { parentId, name, bytes, type } = input;
    const existing = this.childNamed(ws.id, parentId, name);
    if (existing && (existing.type !== type || type === 'note')) {
      throw Errors.conflict(`A ${existing.type} named "${name}" already exists in this folder.`);
    }
    this.assertFits(org, bytes.length, existing?.size ?? 0);
    this.settleHeldStorage(org);
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
    this.chargeStoredVersion(org, node, user.id);
    this.d.audit.record({
      event: 'workspace_storage_file_added',
      category: 'workspace',
      subcategory: 'storage',
      orgId: org.id,
      workspaceId: ws.id,
      callingUserId: user.id,
      objectId: node.id,
      data: { name, type, size: node.size, version_id: node.versionId, parent_id: parentId, new_version: Boolean(existing), upload_id: input.uploadId ?? null },
    });
    this.touchNode(node);
    for (const l of this.listeners) l.versionStored?.(node, user);
    return this.d.db.nodes.get(node.id)!;
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
    this.d.audit.record({
      event: 'workspace_storage_folder_created',
      category: 'workspace',
      subcategory: 'storage',
      orgId: scope.org.id,
      workspaceId: ws.id,
      callingUserId: user.id,
      objectId: folder.id,
      data: { name: finalName, parent_id: parentId },
    });
    this.touchNode(folder);
    return folder;
  }

  createNote(user: User, scope: WorkspaceScope, parentRef: string, name: string, content: string): StorageNode {
    const parentId = this.folder(scope, parentRef);
    return this.storeVersion(user, scope.workspace, scope.org, { parentId, name, bytes: Buffer.from(content, 'utf8'), type: 'note' });
  }

  /** Move a node (and a folder's live contents) to the trash. */
  trash(user: User, scope: WorkspaceScope, id: string): StorageNode {
    const node = this.node(scope, id);
    this.settleHeldStorage(scope.org);
    const now = this.d.now();
    const removed = [node, ...(node.type === 'folder' ? this.descendants(node.workspaceId, node.id) : [])].map((n) =>
      this.d.db.nodes.update(n.id, { trashed: now }),
    );
    this.removed(user, scope, node, removed, node.type === 'folder' ? 'workspace_storage_folder_deleted' : 'workspace_storage_file_deleted');
    return removed[0]!;
  }

  /** Delete a trashed node for good (its bytes too). PARITY: CHOICE, a node not in the trash answers 400/1605; nothing is refunded. */
  purge(user: User, scope: WorkspaceScope, id: string): void {
    const node = this.node(scope, id, 'only');
    this.settleHeldStorage(scope.org);
    const gone = [node, ...(node.type === 'folder' ? this.descendants(node.workspaceId, node.id, true) : [])];
    for (const n of gone) {
      if (n.blobId) this.d.db.blobs.delete(n.blobId);
      this.d.db.nodes.delete(n.id);
    }
    this.removed(user, scope, node, gone, 'workspace_storage_file_purged');
  }

  /** After a trash or a purge: the listeners (search index, ingestion) told, one audit event, activity per node. */
  private removed(user: User, scope: WorkspaceScope, node: StorageNode, nodes: StorageNode[], event: string): void {
    for (const l of this.listeners) l.nodesRemoved?.(nodes);
    this.d.audit.record({
      event,
      category: 'workspace',
      subcategory: 'storage',
      orgId: scope.org.id,
      workspaceId: node.workspaceId,
      callingUserId: user.id,
      objectId: node.id,
      data: { name: node.name, type: node.type, nodes: nodes.length },
    });
    for (const n of nodes) this.touchNode(n);
  }

  // ---------------------------------------------------------------------------------------------
  // Uploads

  private uploadScope(caller: Caller, input: UploadInput): { scope: WorkspaceScope; parentId: string } {
    // PARITY: CHOICE. Share uploads (`profile_type=share`) are not emulated: 501 rather than a fake success.
    if (input.profile_type === 'share') throw Errors.notImplemented('POST', '/current/upload/ (profile_type=share)');
    const scope = this.d.access.workspace(caller, input.instance_id, 'workspace.storage.write');
    return { scope, parentId: this.folder(scope, input.folder_id ?? 'root', 'folder_id') };
  }

  private touchUpload(upload: Upload): void {
    this.d.activity.touch([upload.userId, upload.workspaceId], `upload:${upload.id}`);
  }

  /**
   * `POST /current/upload/`: with a `chunk` the file is stored at once (single call, up to 4 MB);
   * without one a chunked session opens. Returns the upload and, for a single call, the node.
   */
  upload(caller: Caller, input: UploadInput, files: readonly UploadedFile[]): { upload: Upload; node: StorageNode | null; scope: WorkspaceScope } {
    const stray = files.find((f) => f.field !== 'chunk');
    if (stray) throw Errors.invalidField(stray.field, 'Only the `chunk` part carries file content.');
    if (files.length > 1) throw Errors.invalidField('chunk', 'Send one `chunk` part.');
    const part = files[0];
    const { scope, parentId } = this.uploadScope(caller, input);
    const user = caller.user;
    const bytes = part ? part.data : input.chunk !== undefined ? Buffer.from(input.chunk, 'utf8') : undefined;
    const name = input.name ?? (part ? checkedName(part.name) : undefined);
    if (name === undefined) throw Errors.missingField('name', 'string');
    const now = this.d.now();
    const id = this.d.ids.opaqueId(OpaqueType.upload);
    const base = { id, userId: user.id, workspaceId: scope.workspace.id, orgId: scope.org.id, folderId: parentId, name, created: now, updated: now };

    if (bytes === undefined) {
      if (input.size === undefined) throw Errors.missingField('size', 'integer');
      if (input.size < 1) throw Errors.invalidField('size', 'A chunked upload holds at least one byte.', 'integer');
      this.assertFits(scope.org, input.size);
      const upload = this.d.db.uploads.insert({ ...base, size: input.size, status: 'ready', chunks: {}, blobId: null, newFileId: null, error: null });
      this.d.audit.record({
        event: 'upload_session_created',
        category: 'user',
        subcategory: 'upload',
        orgId: scope.org.id,
        workspaceId: scope.workspace.id,
        callingUserId: user.id,
        objectId: id,
        data: { name, size: input.size, folder_id: parentId },
      });
      this.touchUpload(upload);
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
    const node = this.storeVersion(user, scope.workspace, scope.org, { parentId, name, bytes, type: 'file', declaredMimetype: part?.mimetype, uploadId: id });
    const upload = this.d.db.uploads.insert({
      ...base,
      size: bytes.length,
      status: 'stored',
      chunks: {},
      blobId: null,
      newFileId: node.id,
      error: null,
    });
    this.touchUpload(upload);
    return { upload, node, scope };
  }

  /** The caller's own upload. PARITY: CHOICE, another user's session is as good as absent (404/1609). */
  ownUpload(user: User, id: string): Upload {
    const upload = this.d.db.uploads.get(id);
    if (!upload || upload.userId !== user.id) throw Errors.notFound('upload');
    return upload;
  }

  addChunk(user: User, id: string, order: number, declaredSize: number | undefined, files: readonly UploadedFile[], textChunk: string | undefined): Upload {
    const upload = this.ownUpload(user, id);
    // PARITY: CHOICE. Chunks after complete answer 409/1660.
    assert(upload.status === 'ready' || upload.status === 'uploading', () =>
      Errors.conflict(`The upload session is ${upload.status}; chunks are accepted until it is completed.`),
    );
    const stray = files.find((f) => f.field !== 'chunk');
    if (stray) throw Errors.invalidField(stray.field, 'Only the `chunk` part carries file content.');
    if (files.length > 1) throw Errors.invalidField('chunk', 'Send one `chunk` part.');
    const bytes = files[0]?.data ?? (textChunk !== undefined ? Buffer.from(textChunk, 'utf8') : undefined);
    if (bytes === undefined) throw Errors.missingField('chunk');
    if (bytes.length > CHUNK_MAX_BYTES) throw Errors.invalidField('chunk', `A chunk holds at most ${CHUNK_MAX_BYTES} bytes.`);
    if (declaredSize !== undefined && declaredSize !== bytes.length) {
      throw Errors.invalidField('size', `size says ${declaredSize} bytes but the chunk holds ${bytes.length}.`, 'integer');
    }
    // PARITY: CHOICE. Re-sending an order replaces that chunk; chunks may not add up to more than
    // the session's `size`; one audit event (`upload_chunk_added`) per chunk.
    const key = String(order);
    let others = 0;
    for (const [k, c] of Object.entries(upload.chunks)) if (k !== key) others += c.size;
    if (others + bytes.length > upload.size) throw Errors.invalidField('chunk', `The chunks would exceed the session's size of ${upload.size} bytes.`);
    const previous = upload.chunks[key];
    if (previous) this.d.db.blobs.delete(previous.blobId);
    const blob = this.putBlob(bytes);
    const updated = this.d.db.uploads.update(id, {
      status: 'uploading',
      chunks: { ...upload.chunks, [key]: { blobId: blob.id, size: bytes.length } },
      updated: this.d.now(),
    });
    this.d.audit.record({
      event: 'upload_chunk_added',
      category: 'user',
      subcategory: 'upload',
      orgId: upload.orgId,
      workspaceId: upload.workspaceId,
      callingUserId: user.id,
      objectId: id,
      data: { order, size: bytes.length },
    });
    this.touchUpload(updated);
    return updated;
  }

  complete(user: User, id: string): Upload {
    const upload = this.ownUpload(user, id);
    if (upload.status === 'ready') throw Errors.badRequest('No chunks were uploaded to this session.');
    assert(upload.status === 'uploading', () => Errors.conflict(`The upload session is already ${upload.status}.`));
    const updated = this.d.db.uploads.update(id, { status: 'assembling', updated: this.d.now() });
    this.d.audit.record({
      event: 'upload_session_completed',
      category: 'user',
      subcategory: 'upload',
      orgId: upload.orgId,
      workspaceId: upload.workspaceId,
      callingUserId: user.id,
      objectId: id,
      data: { chunks: Object.keys(upload.chunks).length },
    });
    this.touchUpload(updated);
    this.d.jobs.after((alive) => this.assemble(id, alive));
    return updated;
  }

  private setUploadStatus(id: string, patch: Partial<Upload>): Upload {
    const updated = this.d.db.uploads.update(id, { ...patch, updated: this.d.now() });
    this.touchUpload(updated);
    if (updated.status === 'assembly_failed' || updated.status === 'store_failed') {
      this.d.audit.record({
        event: 'upload_session_failed',
        category: 'user',
        subcategory: 'upload',
        orgId: updated.orgId,
        workspaceId: updated.workspaceId,
        userId: updated.userId,
        callingUserId: null,
        objectId: id,
        data: { status: updated.status, status_message: updated.error },
      });
    }
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
    let problem: string | null = null;
    if (gap >= 0) problem = `chunk ${gap + 1} is missing`;
    else if (total !== upload.size) problem = `the chunks hold ${total} bytes but the session declared ${upload.size}`;
    if (problem) {
      this.setUploadStatus(id, { status: 'assembly_failed', error: problem });
      return;
    }
    const bytes = Buffer.concat(orders.map((o) => Buffer.from(this.d.db.blobs.get(upload.chunks[String(o)]!.blobId)?.data ?? '', 'base64')));
    const blob = this.putBlob(bytes);
    const chunks: Upload['chunks'] = {};
    for (const [k, c] of Object.entries(upload.chunks)) {
      this.d.db.blobs.delete(c.blobId);
      chunks[k] = { blobId: '', size: c.size };
    }
    this.setUploadStatus(id, { status: 'complete', blobId: blob.id, chunks });
    this.d.jobs.after((stillAlive) => this.beginStoring(id, stillAlive));
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
    const blob = upload.blobId ? this.d.db.blobs.get(upload.blobId) : undefined;
    const ws = this.d.db.workspaces.get(upload.workspaceId);
    const org = this.d.db.orgs.get(upload.orgId);
    const user = this.d.db.users.get(upload.userId);
    const fail = (message: string) => this.setUploadStatus(id, { status: 'store_failed', error: message });
    if (!blob) return void fail('the assembled file is missing');
    if (!ws || ws.deleted || !org || org.closed || !user) return void fail('the workspace no longer exists');
    const role = this.d.access.workspaceRoleOf(ws, user.id);
    if (!role || !workspaceAllows('workspace.storage.write', role, ws)) return void fail('the uploader may no longer write to this workspace');
    const parent = upload.folderId === 'root' ? undefined : this.d.db.nodes.get(upload.folderId);
    if (upload.folderId !== 'root' && (!parent || parent.trashed !== null)) return void fail('the target folder no longer exists');
    let node: StorageNode;
    try {
      node = this.storeVersion(user, ws, org, {
        parentId: upload.folderId,
        name: upload.name,
        bytes: Buffer.from(blob.data, 'base64'),
        type: 'file',
        uploadId: id,
      });
    } catch (err) {
      if (err instanceof ApiError) return void fail(err.message);
      throw err;
    }
    this.d.db.blobs.delete(blob.id);
    this.setUploadStatus(id, { status: 'stored', blobId: null, newFileId: node.id });
  }

  /**
   * Upload details; with `wait` (seconds) an unfinished session is held until it changes.
   * PARITY: `details/?wait=60` long-polls a session (agent guide v1.29 "Large Files").
   */
  async uploadDetails(user: User, id: string, waitSeconds: number, signal: AbortSignal | undefined): Promise<Upload> {
    const upload = this.ownUpload(user, id);
    if (waitSeconds <= 0 || TERMINAL_UPLOAD.has(upload.status) || upload.status === 'ready' || upload.status === 'uploading') return upload;
    await this.d.activity.wait(user.id, this.d.activity.cursor, waitSeconds * 1000, signal);
    return this.ownUpload(user, id);
  }

  cancelUpload(user: User, id: string): void {
    const upload = this.ownUpload(user, id);
    for (const c of Object.values(upload.chunks)) if (c.blobId) this.d.db.blobs.delete(c.blobId);
    if (upload.blobId) this.d.db.blobs.delete(upload.blobId);
    this.d.db.uploads.delete(id);
    this.d.audit.record({
      event: 'upload_session_deleted',
      category: 'user',
      subcategory: 'upload',
      orgId: upload.orgId,
      workspaceId: upload.workspaceId,
      callingUserId: user.id,
      objectId: id,
      data: { status: upload.status },
    });
    this.touchUpload(upload);
  }

  // ---------------------------------------------------------------------------------------------
  // Downloads

  /** PARITY: `requestread` hands out a token that opens `read/?token=` without a bearer (agent guide "Download Tokens"). */
  requestRead(user: User, scope: WorkspaceScope, id: string): { token: string; expires: number; node: StorageNode } {
    const node = this.file(scope, id);
    const expires = this.d.now() + DOWNLOAD_TOKEN_TTL_MS;
    const payload = Buffer.from(JSON.stringify({ w: node.workspaceId, n: node.id, v: node.versionId, u: user.id, e: expires })).toString('base64url');
    return { token: `${payload}.${this.sign(payload)}`, expires, node };
  }

  private sign(payload: string): string {
    return createHmac('sha256', this.tokenSecret).update(payload).digest('base64url');
  }

  /** What a download token opens, if it is genuine, unexpired and for this node. */
  verifyReadToken(token: string, nodeId: string): { workspaceId: string; userId: string; versionId: string | null } {
    const invalid = () => Errors.unauthenticated('The download token is invalid or has expired; ask requestread for a new one.');
    const [payload, sig, extra] = token.split('.');
    if (!payload || !sig || extra !== undefined) throw invalid();
    const expected = Buffer.from(this.sign(payload));
    const given = Buffer.from(sig);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw invalid();
    let claims: { w?: unknown; n?: unknown; v?: unknown; u?: unknown; e?: unknown };
    try {
      claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as typeof claims;
    } catch {
      throw invalid();
    }
    if (typeof claims.w !== 'string' || claims.n !== nodeId || typeof claims.u !== 'string' || typeof claims.e !== 'number') throw invalid();
    if (claims.e <= this.d.now()) throw invalid();
    return { workspaceId: claims.w, userId: claims.u, versionId: typeof claims.v === 'string' ? claims.v : null };
  }

  /**
   * The bytes of a file or note, charging bandwidth. PARITY: CHOICE, `version_id` other than the
   * current version answers 404/1609 (previous versions are not kept).
   */
  download(user: User, scope: WorkspaceScope, id: string, versionId: string | undefined, charge: boolean): Download {
    const node = this.file(scope, id);
    if (versionId && versionId !== node.versionId) throw Errors.notFound('version');
    this.settleHeldStorage(scope.org);
    const bytes = this.bytesOf(node);
    // PARITY: CHOICE. HEAD sends no bytes and is not charged.
    if (charge) this.chargeBandwidth(scope.org, node, bytes.length, user.id);
    return { node, bytes };
  }

  // ---------------------------------------------------------------------------------------------

  /** After the state is replaced: forget derived sums and resume uploads that were in flight. */
  stateReplaced(): void {
    this.settledPeriods.clear();
    for (const upload of this.d.db.uploads.values()) {
      if (upload.status === 'assembling') this.d.jobs.after((alive) => this.assemble(upload.id, alive));
      else if (upload.status === 'complete') this.d.jobs.after((alive) => this.beginStoring(upload.id, alive));
      else if (upload.status === 'storing') this.d.jobs.after((alive) => this.finishStoring(upload.id, alive));
    }
  }

  isTerminalUpload(status: string): boolean {
    return TERMINAL_UPLOAD.has(status);
  }
}

/** A file part's own name, held to the same rules as the `name` field. */
function checkedName(raw: string): string {
  const parsed = nodeName().safeParse(raw);
  if (!parsed.success) throw Errors.invalidField('name', parsed.error.issues[0]?.message ?? 'This name is not valid.', 'string');
  return parsed.data;
}
