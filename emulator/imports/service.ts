/**
 * Cloud imports: the workspace switch, provider identities and import sources (this file), import
 * jobs and write-backs (runner.ts). Every operation on a source resolves the source's workspace for
 * the caller first, so another tenant's source id answers the workspace refusal (401/10545) and an
 * id that exists nowhere 404/1609, before anything of the source is read.
 *
 * CHOICE (the sources are silent on all of these): imports are enabled on a workspace until
 * `import/disable/`; reads need workspace membership, changes need storage write rights (members,
 * not guests), the switch needs settings rights (admins); a disabled workspace refuses every change
 * but disconnect and delete with 403/1680.
 */
import type { Caller } from '../http/context.js';
import { Errors } from '../http/errors.js';
import { paginate, type Pagination } from '../http/schema.js';
import { AuditEvents } from '../events/catalogue.js';
import { OpaqueType } from '../store/ids.js';
import type { ImportAccessMode, ImportIdentity, ImportProvider, ImportSource, ImportSourceStatus } from '../store/import-model.js';
import type { User } from '../store/model.js';
import type { WorkspaceScope } from '../tenancy/access.js';
import type { WorkspaceAction } from '../tenancy/permissions.js';
import type { ServiceDeps } from '../service-deps.js';
import type { StorageService } from '../storage/service.js';
import { providerUnavailable } from './providers.js';
import { normalizeRemotePath, RemoteDrive } from './remote.js';
import { ImportRunner } from './runner.js';
import { oldestFirst } from '../store/order.js';

export type ImportDeps = Pick<ServiceDeps, 'db' | 'ids' | 'now' | 'audit' | 'access' | 'jobs'> & {
  storage: StorageService;
  importRoot?: string | undefined;
  /** how long a queued import job or write-back waits before it runs (ms) */
  startDelayMs?: number | undefined;
};
export type ImportCaller = Pick<Caller, 'user'> & Partial<Pick<Caller, 'credential'>>;

const READ: WorkspaceAction = 'workspace.storage.read';
const WRITE: WorkspaceAction = 'workspace.storage.write';
/** CHOICE: the default sync interval, one hour. */
const DEFAULT_SYNC_INTERVAL = 3600;

export interface SourceInput {
  identity_id: string;
  remote_path: string;
  remote_name?: string | undefined;
  sync_interval?: number | undefined;
  access_mode?: ImportAccessMode | undefined;
}

export interface SourceUpdate {
  sync_interval?: number | undefined;
  remote_name?: string | undefined;
  access_mode?: ImportAccessMode | undefined;
  action?: 'pause' | 'resume' | undefined;
}

export class ImportService {
  readonly drive: RemoteDrive;
  readonly runner: ImportRunner;

  constructor(private readonly d: ImportDeps) {
    this.drive = new RemoteDrive(d.db, d.now, d.importRoot);
    this.runner = new ImportRunner(d, this.drive);
  }

  // ---- the workspace switch

  enabled(workspaceId: string): boolean {
    return this.d.db.importSettings.get(workspaceId)?.enabled ?? true;
  }

  setEnabled(user: User, scope: WorkspaceScope, enabled: boolean): boolean {
    const ws = scope.workspace;
    const row = { id: ws.id, orgId: ws.orgId, enabled, updatedBy: user.id, updated: this.d.now() };
    if (this.d.db.importSettings.has(ws.id)) this.d.db.importSettings.update(ws.id, row);
    else this.d.db.importSettings.insert(row);
    const at = { orgId: ws.orgId, workspaceId: ws.id };
    if (enabled) this.d.audit.record(AuditEvents.workspaceImportEnabled(at, user.id, ws.id));
    else this.d.audit.record(AuditEvents.workspaceImportDisabled(at, user.id, ws.id));
    return enabled;
  }

  /** 403/1680 while the workspace's imports are switched off. */
  assertEnabled(workspaceId: string): void {
    if (!this.enabled(workspaceId))
      throw Errors.accessDenied('Cloud import is disabled for this workspace: enable it with POST /current/workspace/{id}/import/enable/.');
  }

  // ---- identities

  identities(scope: WorkspaceScope, limit?: number, offset?: number): { page: ImportIdentity[]; pagination: Pagination } {
    const rows = oldestFirst(this.d.db.importIdentities.find('workspace', scope.workspace.id));
    return paginate(rows, limit ?? 100, offset ?? 0);
  }

  identity(scope: WorkspaceScope, id: string): ImportIdentity {
    const found = this.d.db.importIdentities.get(id);
    if (!found || found.workspaceId !== scope.workspace.id) throw Errors.notFound('import identity');
    return found;
  }

  /** The emulator provider is provisioned at once; a live provider answers 501 naming it. */
  provision(user: User, scope: WorkspaceScope, provider: ImportProvider): ImportIdentity {
    this.assertEnabled(scope.workspace.id);
    if (provider !== 'emulator') throw providerUnavailable(provider);
    const now = this.d.now();
    const ws = scope.workspace;
    const identity = this.d.db.importIdentities.insert({
      id: this.d.ids.opaqueId(OpaqueType.general),
      orgId: ws.orgId,
      workspaceId: ws.id,
      provider,
      status: 'active',
      accountName: `${user.firstName || user.email} (emulator drive)`,
      createdBy: user.id,
      created: now,
      updated: now,
    });
    this.d.audit.record(AuditEvents.importIdentityProvisioned(placeOf(identity), user.id, identity.id, { provider }));
    return identity;
  }

  /** CHOICE: the sources that sign in with a revoked identity stop, status `error`, their files kept. */
  revoke(user: User, scope: WorkspaceScope, id: string): ImportIdentity {
    const identity = this.identity(scope, id);
    if (identity.status === 'revoked') return identity;
    const now = this.d.now();
    const revoked = this.d.db.importIdentities.update(id, { status: 'revoked', updated: now });
    for (const s of this.d.db.importSources.find('identity', id)) {
      if (s.status !== 'disconnected')
        this.d.db.importSources.update(s.id, { status: 'error', error: 'The identity of this source was revoked.', updated: now });
    }
    this.d.audit.record(AuditEvents.importIdentityRevoked(placeOf(revoked), user.id, id, { provider: identity.provider }));
    return revoked;
  }

  /** The folders at the top of the identity's drive (an emulator identity: the drive's top folders, and `/`). */
  discover(scope: WorkspaceScope, identityId: string): { identity: ImportIdentity; folders: Record<string, unknown>[] } {
    const identity = this.activeIdentity(scope, identityId, 'identity_id');
    const all = this.drive.files('/');
    const root = { path: '/', name: 'My Drive', file_count: all.length, size: all.reduce((n, f) => n + f.size, 0) };
    return { identity, folders: [root, ...this.drive.folders()] };
  }

  private activeIdentity(scope: WorkspaceScope, id: string, field: string): ImportIdentity {
    const found = this.d.db.importIdentities.get(id);
    if (!found || found.workspaceId !== scope.workspace.id) throw Errors.invalidField(field, 'No identity of this workspace has this id.');
    if (found.status !== 'active') throw Errors.conflict('This identity was revoked: provision a new one.');
    return found;
  }

  // ---- sources

  sources(scope: WorkspaceScope, status: ImportSourceStatus | undefined, limit?: number, offset?: number): { page: ImportSource[]; pagination: Pagination } {
    const rows = this.d.db.importSources.find('workspace', scope.workspace.id).filter((s) => status === undefined || s.status === status);
    return paginate(oldestFirst(rows), limit ?? 100, offset ?? 0);
  }

  /** A source and its workspace, for a caller who may `write` (or read) that workspace. Unknown ids answer 404/1609. */
  source(caller: ImportCaller, id: string, mode: 'read' | 'write'): { source: ImportSource; scope: WorkspaceScope } {
    const source = this.d.db.importSources.get(id);
    if (!source) throw Errors.notFound('import source');
    const scope = this.d.access.workspace(caller, source.workspaceId, mode === 'read' ? READ : WRITE);
    return { source, scope };
  }

  /**
   * A source over a folder of the identity's drive, imported into a new folder at the workspace's
   * root named after it (CHOICE: `remote_name`, else the remote folder's name); its first import
   * job is queued at once.
   */
  create(caller: ImportCaller, scope: WorkspaceScope, input: SourceInput) {
    this.assertEnabled(scope.workspace.id);
    const identity = this.activeIdentity(scope, input.identity_id, 'identity_id');
    const remotePath = normalizeRemotePath(input.remote_path);
    const ws = scope.workspace;
    for (const s of this.d.db.importSources.find('workspace', ws.id)) {
      if (s.identityId === identity.id && s.remotePath === remotePath && s.status !== 'disconnected') {
        throw Errors.conflict(`This workspace already imports ${remotePath} with this identity (source ${s.id}).`);
      }
    }
    const name = input.remote_name ?? (remotePath === '/' ? 'My Drive' : remotePath.split('/').pop()!);
    this.d.jobs.admit();
    const folder = this.d.storage.createFolder(caller.user, scope, 'root', name, true);
    const now = this.d.now();
    const source = this.d.db.importSources.insert({
      id: this.d.ids.opaqueId(OpaqueType.general),
      orgId: ws.orgId,
      workspaceId: ws.id,
      identityId: identity.id,
      provider: identity.provider,
      remotePath,
      remoteName: name,
      syncInterval: input.sync_interval ?? DEFAULT_SYNC_INTERVAL,
      accessMode: input.access_mode ?? 'read_only',
      status: 'pending',
      folderId: folder.id,
      files: {},
      lastSynced: null,
      error: null,
      createdBy: caller.user.id,
      created: now,
      updated: now,
    });
    this.d.audit.record(
      AuditEvents.importSourceCreated(placeOf(source), caller.user.id, source.id, { source_id: source.id, remote_path: remotePath, folder_id: folder.id }),
    );
    const job = this.runner.queueImport(caller.user, source, 'initial');
    return { source: this.d.db.importSources.get(source.id)!, job };
  }

  update(user: User, source: ImportSource, input: SourceUpdate): ImportSource {
    // Pausing is allowed while imports are switched off; any other change is not.
    if (input.action !== 'pause') this.assertEnabled(source.workspaceId);
    const patch: Partial<ImportSource> = { updated: this.d.now() };
    if (input.sync_interval !== undefined) patch.syncInterval = input.sync_interval;
    if (input.remote_name !== undefined) patch.remoteName = input.remote_name;
    if (input.access_mode !== undefined) patch.accessMode = input.access_mode;
    if (input.action !== undefined) {
      if (source.status === 'disconnected') throw Errors.conflict('This source is disconnected: it can no longer be paused or resumed.');
      if (input.action === 'pause') patch.status = 'paused';
      else if (source.status === 'paused') patch.status = source.lastSynced === null ? 'pending' : 'synced';
    }
    const updated = this.d.db.importSources.update(source.id, patch);
    if (source.status === 'paused' && updated.status !== 'paused') this.runner.resumed(updated);
    const fields = Object.keys(input).filter((k) => input[k as keyof SourceUpdate] !== undefined);
    this.d.audit.record(AuditEvents.importSourceUpdated(placeOf(source), user.id, source.id, { source_id: source.id, fields }));
    return updated;
  }

  /** A new import job now (or the one already queued or running). */
  refresh(user: User, source: ImportSource) {
    this.assertEnabled(source.workspaceId);
    if (source.status === 'paused' || source.status === 'disconnected') throw Errors.conflict(`This source is ${source.status}: resume it before a refresh.`);
    const identity = this.d.db.importIdentities.get(source.identityId);
    if (!identity || identity.status !== 'active')
      throw Errors.conflict('The identity of this source was revoked: create the source again with a new identity.');
    this.d.jobs.admit();
    const job = this.runner.queueImport(user, source, 'refresh');
    return { source: this.d.db.importSources.get(source.id)!, job };
  }

  /**
   * `keep`: the imported files stay as ordinary workspace files; `delete`: the source's folder goes
   * to the trash. Either way the source stops (status `disconnected`) and its pending write-backs are
   * cancelled; it can still be read and deleted.
   */
  disconnect(user: User, scope: WorkspaceScope, source: ImportSource, action: 'keep' | 'delete'): ImportSource {
    if (source.status === 'disconnected') throw Errors.conflict('This source is already disconnected.');
    this.runner.stopSource(source);
    if (action === 'delete' && source.folderId) {
      const folder = this.d.db.nodes.get(source.folderId);
      if (folder && folder.trashed === null) this.d.storage.trash(user, scope, folder.id);
    }
    const updated = this.d.db.importSources.update(source.id, { status: 'disconnected', updated: this.d.now() });
    this.d.audit.record(AuditEvents.importSourceDisconnected(placeOf(source), user.id, source.id, { source_id: source.id, action }));
    return updated;
  }

  /** The source, its jobs and write-backs are forgotten; CHOICE: the imported files stay. */
  delete(user: User, source: ImportSource): void {
    this.runner.stopSource(source);
    for (const j of this.d.db.importJobs.find('source', source.id)) this.d.db.importJobs.delete(j.id);
    for (const w of this.d.db.importWritebacks.find('source', source.id)) this.d.db.importWritebacks.delete(w.id);
    this.d.db.importSources.delete(source.id);
    this.d.audit.record(AuditEvents.importSourceDeleted(placeOf(source), user.id, source.id, { source_id: source.id }));
  }
}

export function placeOf(row: { orgId: string; workspaceId: string }) {
  return { orgId: row.orgId, workspaceId: row.workspaceId };
}
