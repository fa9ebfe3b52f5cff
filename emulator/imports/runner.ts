/**
 * Import jobs and write-backs, on the emulator's background queue (storage/job-queue.ts): a job
 * copies the source's remote tree into its workspace folder through the storage service (nodes,
 * versions, bytes and storage credits as an upload of the same files); a change to an imported
 * file queues a write-back that copies the file's bytes to the remote. Nothing runs on the request
 * path: tests settle the queue (`POST /_emulator/jobs/settle`), contract suites wait on activity.
 *
 * CHOICE (the sources name the routes and the resolutions, nothing of the rules):
 * - one import job per source at a time: a refresh while one is queued or running answers it;
 * - a job imports a remote file when its revision is newer than the one imported (or it is new);
 *   a file changed on both sides since is not overwritten: a write-back in `conflict` is filed;
 * - a write-back is queued for files under the source's folder of a `read_write` source that is
 *   not disconnected or in error; one pending write-back per file takes the latest version; a
 *   paused source holds its pending write-backs until it is resumed;
 * - jobs and write-backs start `startDelayMs` after they are queued (at least 2 s, so a client can
 *   cancel a queued one; settling the queue runs them at once);
 * - a write-back finds the remote changed since the revision it was based on: `conflict`, until
 *   resolved `keep_local` (the workspace's bytes go to the remote) or `keep_remote` (the remote's
 *   bytes become a new version of the file);
 * - a write-back fails when its file left the workspace or its source stopped; `retry` queues it again.
 */
import { ApiError, Errors } from '../http/errors.js';
import { paginate, type Pagination } from '../http/schema.js';
import { AuditEvents } from '../events/catalogue.js';
import { OpaqueType } from '../store/ids.js';
import type { ImportJob, ImportSource, ImportWriteback } from '../store/import-model.js';
import type { StorageNode, User } from '../store/model.js';
import type { WorkspaceScope } from '../tenancy/access.js';
import { relativeTo, type RemoteDrive } from './remote.js';
import type { ImportDeps } from './service.js';
import { newestFirst } from '../store/order.js';

/** What refuses write-backs: a paused source holds them (pending) until it is resumed. */
const ENDED = new Set(['disconnected', 'error']);
const MAX_DEPTH = 64;

const place = (row: { orgId: string; workspaceId: string }) => ({ orgId: row.orgId, workspaceId: row.workspaceId });
const remotePathOf = (source: ImportSource, rel: string) => (source.remotePath === '/' ? `/${rel}` : `${source.remotePath}/${rel}`);

export class ImportRunner {
  /** set while an import writes workspace files, so its own writes queue no write-back */
  private importing = false;

  constructor(
    private readonly d: ImportDeps,
    private readonly drive: RemoteDrive,
  ) {}

  // ---- jobs

  jobs(source: ImportSource, limit?: number, offset?: number): { page: ImportJob[]; pagination: Pagination } {
    const rows = newestFirst(this.d.db.importJobs.find('source', source.id));
    return paginate(rows, limit ?? 100, offset ?? 0);
  }

  job(source: ImportSource, id: string): ImportJob {
    const job = this.d.db.importJobs.get(id);
    if (!job || job.sourceId !== source.id) throw Errors.notFound('import job');
    return job;
  }

  /** Queue an import of the source's remote tree (or answer the one already queued or running). */
  queueImport(user: User, source: ImportSource, kind: ImportJob['kind']): ImportJob {
    const active = this.d.db.importJobs.find('source', source.id).find((j) => j.status === 'queued' || j.status === 'running');
    if (active) return active;
    const now = this.d.now();
    const job = this.d.db.importJobs.insert({
      id: this.d.ids.opaqueId(OpaqueType.general),
      sourceId: source.id,
      orgId: source.orgId,
      workspaceId: source.workspaceId,
      kind,
      status: 'queued',
      filesTotal: 0,
      filesImported: 0,
      filesSkipped: 0,
      bytesImported: 0,
      error: null,
      createdBy: user.id,
      created: now,
      started: null,
      finished: null,
    });
    this.d.db.importSources.update(source.id, { status: 'syncing', updated: now });
    this.d.audit.record(AuditEvents.importJobStarted(place(job), user.id, job.id, { source_id: source.id, type: kind }));
    this.later(() => this.runJob(job.id));
    return job;
  }

  /** A queued job is cancelled before it copies anything (jobs run in one step, so a running one is never seen half done). */
  cancelJob(user: User, source: ImportSource, id: string): ImportJob {
    const job = this.job(source, id);
    if (job.status !== 'queued' && job.status !== 'running') throw Errors.conflict(`This job is ${job.status}: only a queued or running job can be cancelled.`);
    const cancelled = this.endJob(job, 'cancelled', null);
    this.d.audit.record(AuditEvents.importJobCancelled(place(job), user.id, id, { source_id: source.id }));
    return cancelled;
  }

  private endJob(job: ImportJob, status: ImportJob['status'], error: string | null, counts: Partial<ImportJob> = {}): ImportJob {
    const now = this.d.now();
    const ended = this.d.db.importJobs.update(job.id, { ...counts, status, error, finished: now, started: job.started ?? now });
    const source = this.d.db.importSources.get(job.sourceId);
    if (source && source.status === 'syncing') {
      const next = status === 'completed' ? 'synced' : status === 'failed' ? 'error' : source.lastSynced === null ? 'pending' : 'synced';
      this.d.db.importSources.update(source.id, { status: next, error: status === 'failed' ? error : null, updated: now });
    }
    return ended;
  }

  private runJob(jobId: string): void {
    const job = this.d.db.importJobs.get(jobId);
    if (!job || job.status !== 'queued') return;
    const source = this.d.db.importSources.get(job.sourceId);
    const user = this.d.db.users.get(job.createdBy);
    if (!source || !user) return void this.endJob(job, 'failed', 'The source or the user who started the job is gone.');
    let scope: WorkspaceScope;
    try {
      scope = this.d.access.workspace({ user }, source.workspaceId, 'workspace.storage.write');
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      return void this.endJob(job, 'failed', err.message);
    }
    // Paused, disconnected or revoked since the job was queued: it copies nothing.
    if (source.status !== 'syncing') return void this.endJob(job, 'cancelled', `The source is ${source.status}.`);
    this.d.db.importJobs.update(job.id, { status: 'running', started: this.d.now() });
    const remote = this.drive.files(source.remotePath);
    const files = { ...source.files };
    const counts = { filesTotal: remote.length, filesImported: 0, filesSkipped: 0, bytesImported: 0 };
    try {
      for (const f of remote) {
        const rel = relativeTo(source.remotePath, f.id)!;
        const prev = files[rel];
        const node = prev ? this.d.db.nodes.get(prev.nodeId) : undefined;
        const live = node && node.trashed === null && node.workspaceId === source.workspaceId ? node : undefined;
        if (prev && live && prev.remoteRev >= f.rev) {
          counts.filesSkipped++;
          continue;
        }
        if (prev && live && live.versionId !== prev.versionId) {
          this.fileConflict(user, source, live, rel, prev.remoteRev, f.rev);
          counts.filesSkipped++;
          continue;
        }
        const stored = this.writeLocal(user, scope, source, rel, this.drive.bytes(f), live);
        files[rel] = { nodeId: stored.id, versionId: stored.versionId ?? '', remoteRev: f.rev };
        counts.filesImported++;
        counts.bytesImported += f.size;
      }
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      this.d.db.importSources.update(source.id, { files });
      const failed = this.endJob(job, 'failed', err.message, counts);
      this.d.audit.record(AuditEvents.importJobFinished(place(job), user.id, job.id, { source_id: source.id, status: failed.status, error: err.message }));
      return;
    }
    this.d.db.importSources.update(source.id, { files, lastSynced: this.d.now() });
    const done = this.endJob(job, 'completed', null, counts);
    this.d.audit.record(
      AuditEvents.importJobFinished(place(job), user.id, job.id, { source_id: source.id, status: done.status, files_imported: counts.filesImported }),
    );
  }

  /** Store remote bytes as the file at `rel` under the source's folder (folders made on the way). */
  private writeLocal(user: User, scope: WorkspaceScope, source: ImportSource, rel: string, bytes: Buffer, replace: StorageNode | undefined): StorageNode {
    const segs = rel.split('/');
    const name = segs.pop()!;
    let parentId = replace?.parentId ?? source.folderId ?? 'root';
    if (!replace) for (const seg of segs) parentId = this.d.storage.createFolder(user, scope, parentId, seg).id;
    this.importing = true;
    try {
      return this.d.storage.storeVersion(user, scope.workspace, scope.org, {
        parentId,
        name: replace?.name ?? name,
        bytes,
        type: 'file',
        via: 'import',
        ...(replace ? { replace } : {}),
      });
    } finally {
      this.importing = false;
    }
  }

  // ---- write-backs

  writebacks(source: ImportSource, status: ImportWriteback['status'] | undefined, limit?: number, offset?: number) {
    const rows = newestFirst(this.d.db.importWritebacks.find('source', source.id).filter((w) => status === undefined || w.status === status));
    return paginate(rows, limit ?? 100, offset ?? 0);
  }

  writeback(source: ImportSource, id: string): ImportWriteback {
    const w = this.d.db.importWritebacks.get(id);
    if (!w || w.sourceId !== source.id) throw Errors.notFound('write-back');
    return w;
  }

  /** The storage service's `versionStored`: a change under a read-write source's folder queues a write-back. */
  localChange(node: StorageNode, user: User): void {
    if (this.importing || node.type !== 'file') return;
    for (const source of this.d.db.importSources.find('workspace', node.workspaceId)) {
      if (source.accessMode !== 'read_write' || ENDED.has(source.status)) continue;
      const rel = this.pathIn(source, node);
      if (rel !== undefined) this.queueWriteback(user, source, node, rel, 'auto');
    }
  }

  /** `writebacks/push/{node_id}/`: write one file of the source's folder to the remote now. */
  push(user: User, scope: WorkspaceScope, source: ImportSource, nodeId: string): ImportWriteback {
    const node = this.d.storage.file(scope, nodeId);
    if (source.accessMode !== 'read_write') throw Errors.accessDenied('This source is read-only: set access_mode read_write to write files back.');
    if (ENDED.has(source.status)) throw Errors.conflict(`This source is ${source.status}: nothing is written back.`);
    const rel = this.pathIn(source, node);
    if (rel === undefined) throw Errors.invalidField('node_id', "This file is not inside the source's folder.");
    return this.queueWriteback(user, source, node, rel, 'push');
  }

  private queueWriteback(user: User, source: ImportSource, node: StorageNode, rel: string, trigger: ImportWriteback['trigger']): ImportWriteback {
    const now = this.d.now();
    const baseRev = source.files[rel]?.remoteRev ?? 0;
    const open = this.d.db.importWritebacks.find('source', source.id).find((w) => w.nodeId === node.id && w.status === 'pending');
    const w = open
      ? this.d.db.importWritebacks.update(open.id, { versionId: node.versionId ?? '', updated: now })
      : this.d.db.importWritebacks.insert({
          id: this.d.ids.opaqueId(OpaqueType.general),
          sourceId: source.id,
          orgId: source.orgId,
          workspaceId: source.workspaceId,
          nodeId: node.id,
          path: rel,
          status: 'pending',
          versionId: node.versionId ?? '',
          baseRev,
          remoteRev: null,
          resolution: null,
          attempts: 0,
          error: null,
          trigger,
          createdBy: user.id,
          created: now,
          updated: now,
        });
    this.d.audit.record(AuditEvents.importWritebackQueued(place(w), user.id, w.id, { source_id: source.id, node_id: node.id, trigger }));
    if (!open) this.later(() => this.runWriteback(w.id));
    return w;
  }

  private fileConflict(user: User, source: ImportSource, node: StorageNode, rel: string, baseRev: number, remoteRev: number): void {
    const open = this.d.db.importWritebacks.find('source', source.id).find((w) => w.nodeId === node.id && (w.status === 'pending' || w.status === 'conflict'));
    const now = this.d.now();
    if (open) {
      this.d.db.importWritebacks.update(open.id, { status: 'conflict', remoteRev, versionId: node.versionId ?? '', updated: now });
      return;
    }
    const w = this.d.db.importWritebacks.insert({
      id: this.d.ids.opaqueId(OpaqueType.general),
      sourceId: source.id,
      orgId: source.orgId,
      workspaceId: source.workspaceId,
      nodeId: node.id,
      path: rel,
      status: 'conflict',
      versionId: node.versionId ?? '',
      baseRev,
      remoteRev,
      resolution: null,
      attempts: 0,
      error: 'The file changed in the workspace and on the remote.',
      trigger: 'auto',
      createdBy: user.id,
      created: now,
      updated: now,
    });
    this.d.audit.record(AuditEvents.importWritebackFinished(place(w), user.id, w.id, { source_id: source.id, node_id: node.id, status: 'conflict' }));
  }

  private runWriteback(id: string): void {
    const w = this.d.db.importWritebacks.get(id);
    if (!w || w.status !== 'pending') return;
    const source = this.d.db.importSources.get(w.sourceId);
    // A paused source holds it; resuming queues it again (`resumed`).
    if (!source || source.status === 'paused') return;
    const node = this.d.db.nodes.get(w.nodeId);
    const now = this.d.now();
    let patch: Partial<ImportWriteback>;
    if (ENDED.has(source.status)) patch = { status: 'failed', error: `The source is ${source.status}.` };
    else if (!node || node.trashed !== null) patch = { status: 'failed', error: 'The file is no longer in the workspace.' };
    else {
      const remote = this.drive.get(remotePathOf(source, w.path));
      const remoteRev = remote?.rev ?? 0;
      if (remoteRev > w.baseRev) patch = { status: 'conflict', remoteRev, error: 'The remote file changed since this file was imported.' };
      else {
        this.writeRemote(source, node, w.path);
        patch = { status: 'completed', error: null, versionId: node.versionId ?? '' };
      }
    }
    const done = this.d.db.importWritebacks.update(id, { ...patch, attempts: w.attempts + 1, updated: now });
    this.d.audit.record(AuditEvents.importWritebackFinished(place(w), w.createdBy, id, { source_id: source.id, node_id: w.nodeId, status: done.status }));
  }

  /** Copy the node's current bytes to the remote and remember both sides as in step. */
  private writeRemote(source: ImportSource, node: StorageNode, rel: string): void {
    const written = this.drive.put(remotePathOf(source, rel), this.d.storage.bytesOf(node));
    const fresh = this.d.db.importSources.get(source.id) ?? source;
    this.d.db.importSources.update(source.id, {
      files: { ...fresh.files, [rel]: { nodeId: node.id, versionId: node.versionId ?? '', remoteRev: written.rev } },
    });
  }

  retry(user: User, source: ImportSource, id: string): ImportWriteback {
    const w = this.writeback(source, id);
    if (w.status !== 'failed' && w.status !== 'cancelled') throw Errors.conflict(`This write-back is ${w.status}: only a failed or cancelled one is retried.`);
    if (ENDED.has(source.status)) throw Errors.conflict(`This source is ${source.status}: nothing is written back.`);
    const node = this.d.db.nodes.get(w.nodeId);
    const retried = this.d.db.importWritebacks.update(id, { status: 'pending', error: null, versionId: node?.versionId ?? w.versionId, updated: this.d.now() });
    this.d.audit.record(AuditEvents.importWritebackQueued(place(w), user.id, id, { source_id: source.id, node_id: w.nodeId, trigger: 'retry' }));
    this.later(() => this.runWriteback(id));
    return retried;
  }

  cancel(user: User, source: ImportSource, id: string): ImportWriteback {
    const w = this.writeback(source, id);
    if (w.status !== 'pending') throw Errors.conflict(`This write-back is ${w.status}: only a pending one can be cancelled.`);
    const cancelled = this.d.db.importWritebacks.update(id, { status: 'cancelled', updated: this.d.now() });
    this.d.audit.record(AuditEvents.importWritebackCancelled(place(w), user.id, id, { source_id: source.id, node_id: w.nodeId }));
    return cancelled;
  }

  resolve(user: User, scope: WorkspaceScope, source: ImportSource, id: string, resolution: 'keep_local' | 'keep_remote'): ImportWriteback {
    const w = this.writeback(source, id);
    if (w.status !== 'conflict') throw Errors.conflict(`This write-back is ${w.status}: only a conflict is resolved.`);
    const node = this.d.storage.file(scope, w.nodeId);
    if (resolution === 'keep_local') this.writeRemote(source, node, w.path);
    else {
      const remote = this.drive.get(remotePathOf(source, w.path));
      if (!remote) throw Errors.conflict('The remote file no longer exists: resolve with keep_local to write it back.');
      const stored = this.writeLocal(user, scope, source, w.path, this.drive.bytes(remote), node);
      const fresh = this.d.db.importSources.get(source.id) ?? source;
      this.d.db.importSources.update(source.id, {
        files: { ...fresh.files, [w.path]: { nodeId: stored.id, versionId: stored.versionId ?? '', remoteRev: remote.rev } },
      });
    }
    const resolved = this.d.db.importWritebacks.update(id, { status: 'completed', resolution, error: null, updated: this.d.now() });
    this.d.audit.record(AuditEvents.importWritebackResolved(place(w), user.id, id, { source_id: source.id, node_id: w.nodeId, resolution }));
    return resolved;
  }

  /** A paused source resumed: the write-backs it held run. */
  resumed(source: ImportSource): void {
    for (const w of this.d.db.importWritebacks.find('source', source.id)) if (w.status === 'pending') this.later(() => this.runWriteback(w.id));
  }

  private later(step: () => void): void {
    this.d.jobs.after(step, this.d.startDelayMs);
  }

  /** A source stops (disconnect, delete): its queued jobs and pending write-backs are cancelled. */
  stopSource(source: ImportSource): void {
    const now = this.d.now();
    for (const j of this.d.db.importJobs.find('source', source.id)) {
      if (j.status === 'queued' || j.status === 'running') this.d.db.importJobs.update(j.id, { status: 'cancelled', finished: now });
    }
    for (const w of this.d.db.importWritebacks.find('source', source.id)) {
      if (w.status === 'pending') this.d.db.importWritebacks.update(w.id, { status: 'cancelled', updated: now });
    }
  }

  /** The node's path below the source's folder, or undefined when it is elsewhere. */
  private pathIn(source: ImportSource, node: StorageNode): string | undefined {
    if (!source.folderId || node.workspaceId !== source.workspaceId) return undefined;
    const names = [node.name];
    let parent = node.parentId;
    for (let depth = 0; depth < MAX_DEPTH; depth++) {
      if (parent === source.folderId) return names.reverse().join('/');
      const up = this.d.db.nodes.get(parent);
      if (!up || up.trashed !== null) return undefined;
      names.push(up.name);
      parent = up.parentId;
    }
    return undefined;
  }
}
