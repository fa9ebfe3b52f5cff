/**
 * Ingestion: a stored file or note of an intelligent workspace goes pending -> in_progress ->
 * ready (or failed / disabled), each step a job of the queue, and is charged once, per page, when
 * reading it succeeds. The runs map decides which run may still write a node's state: a newer
 * version, a removal or turning intelligence off replaces or cancels it. Ready files go into the
 * workspace's own index (indexes.ts); the index is refilled lazily from `ready` files after a
 * restart or an import (`fillIndex`, not charged).
 */
import { CREDIT_COSTS } from '../billing/ledger.js';
import { ApiError, Codes } from '../http/errors.js';
import type { StorageNode, User, Workspace } from '../store/model.js';
import { chunkPages } from './engine/chunk.js';
import { classifyDocument } from './engine/document-types.js';
import { extractDocument } from './engine/extract.js';
import type { WorkspaceSearchIndex } from './engine/search-index.js';
import type { WorkspaceIndexes } from './indexes.js';
import type { IntelligenceDeps } from './service.js';
import { AuditEvents } from '../events/catalogue.js';

export class Ingestion {
  /** node id -> the ingestion run allowed to write its state (a newer version or a cancel replaces it) */
  private readonly runs = new Map<string, number>();
  private runSeq = 0;

  constructor(
    private readonly d: Pick<IntelligenceDeps, 'db' | 'now' | 'audit' | 'ledger' | 'activityHub' | 'jobs' | 'storage' | 'parsers' | 'log'>,
    private readonly indexes: WorkspaceIndexes,
  ) {}

  private intelligent(workspaceId: string): boolean {
    const ws = this.d.db.workspaces.get(workspaceId);
    return Boolean(ws && !ws.deleted && ws.intelligence);
  }

  private setAi(nodeId: string, ai: Partial<StorageNode['ai']>): void {
    const node = this.d.db.nodes.get(nodeId);
    if (!node) return;
    this.d.db.nodes.update(nodeId, { ai: { ...node.ai, ...ai, updated: this.d.now() } });
    this.d.activityHub.touch([node.workspaceId], `ai_state:${nodeId}`);
  }

  versionStored(node: StorageNode, user: User): void {
    this.runs.delete(node.id);
    // PARITY: CHOICE. The previous version leaves the index when a new one is stored.
    this.indexes.peek(node.workspaceId)?.remove(node.id);
    if (this.intelligent(node.workspaceId)) this.queue(node, user.id);
    else if (node.ai.state !== 'disabled') this.setAi(node.id, { state: 'disabled', reason: null, pages: null });
  }

  nodesRemoved(nodes: readonly StorageNode[]): void {
    for (const node of nodes) {
      this.runs.delete(node.id);
      this.indexes.peek(node.workspaceId)?.remove(node.id);
      if (node.ai.state === 'pending' || node.ai.state === 'in_progress') this.setAi(node.id, { state: 'disabled', reason: null });
    }
  }

  /** A file or note of an intelligent workspace goes `pending`, or `disabled` when the engine cannot read its kind. */
  private queue(node: StorageNode, userId: string): void {
    if (node.type === 'folder' || node.type === 'link') return;
    // The bytes decide only for names without an extension; others are not decoded here.
    const sniff = node.name.includes('.') ? new Uint8Array(0) : this.d.storage.bytesOf(node).subarray(0, 8192);
    const { kind } = classifyDocument(node.name, node.mimetype ?? undefined, sniff);
    if (kind === undefined) {
      // PARITY: CHOICE. Types the engine does not read (images, archives, media) are not ingested
      // and not charged: `disabled` with reason `unsupported_type`.
      this.setAi(node.id, { state: 'disabled', reason: 'unsupported_type', pages: null });
      return;
    }
    this.setAi(node.id, { state: 'pending', reason: null, pages: null });
    this.schedule(node.id, userId, true);
  }

  /**
   * pending -> (delay) extract, charge 10 credits a page -> in_progress -> (delay) indexed -> ready.
   * PARITY: ingestion costs 10 credits per page, charged once when it starts, through the ledger
   * (API notes); an org short of credits leaves the file `failed` with reason `credits`.
   * `charge` is false when resuming a file that was already charged (state imported mid-ingestion).
   */
  private schedule(nodeId: string, userId: string, charge: boolean): void {
    const run = ++this.runSeq;
    this.runs.set(nodeId, run);
    const mine = () => this.runs.get(nodeId) === run;
    // An unexpected failure ends the file in `failed` (reason `internal_error`) rather than leaving
    // it pending for ever; the queue logs it. The server itself never sees the error.
    const guarded =
      (step: (alive: () => boolean) => void | Promise<void>) =>
      async (alive: () => boolean): Promise<void> => {
        try {
          await step(alive);
        } catch (err) {
          const node = this.d.db.nodes.get(nodeId);
          if (alive() && mine() && node) this.finish(node, userId, { state: 'failed', reason: 'internal_error', pages: null }, String(err));
          throw err;
        }
      };
    this.d.jobs.after(
      guarded(async (alive) => {
        if (!mine()) return;
        const node = this.d.db.nodes.get(nodeId);
        if (!node || node.trashed !== null) return;
        if (!this.intelligent(node.workspaceId)) return void this.setAi(nodeId, { state: 'disabled', reason: null });
        const versionId = node.versionId;
        const extracted = await extractDocument(this.d.storage.bytesOf(node), node.name, node.mimetype ?? undefined, {}, this.d.parsers);
        if (!alive() || !mine()) return;
        const current = this.d.db.nodes.get(nodeId);
        if (!current || current.trashed !== null || current.versionId !== versionId) return;
        // Reading the document awaited: the workspace may have been deleted meanwhile (turning
        // intelligence off cancels the run, see `mine`); nothing is charged for it then.
        if (!this.intelligent(current.workspaceId)) return void this.setAi(nodeId, { state: 'disabled', reason: null });
        if (!extracted.ok) return void this.finish(current, userId, { state: 'failed', reason: extracted.reason, pages: null });
        const pages = extracted.pages.length;
        let credits = 0;
        if (charge) {
          const org = this.d.db.orgs.get(current.orgId);
          if (!org) return;
          credits = pages * CREDIT_COSTS.ingestionPerPage;
          try {
            this.d.ledger.charge(org, { kind: 'ingestion', units: pages, credits, workspaceId: current.workspaceId, objectId: nodeId, userId });
          } catch (err) {
            if (err instanceof ApiError && err.code === Codes.creditLimit) {
              return void this.finish(current, userId, { state: 'failed', reason: 'credits', pages }, err.message);
            }
            throw err;
          }
        }
        this.setAi(nodeId, { state: 'in_progress', reason: null, pages });
        const passages = chunkPages(extracted.pages);
        this.d.jobs.after(
          guarded((stillAlive) => {
            if (!stillAlive() || !mine()) return;
            const latest = this.d.db.nodes.get(nodeId);
            if (!latest || latest.trashed !== null || latest.versionId !== versionId || !this.intelligent(latest.workspaceId)) return;
            this.indexes.forIngestion(latest.workspaceId).add({ nodeId, versionId: versionId ?? '', passages });
            this.finish(latest, userId, { state: 'ready', reason: null, pages }, undefined, credits);
          }),
        );
      }),
    );
  }

  private finish(node: StorageNode, userId: string, ai: Pick<StorageNode['ai'], 'state' | 'reason' | 'pages'>, message?: string, credits = 0): void {
    this.runs.delete(node.id);
    this.setAi(node.id, ai);
    this.d.audit.record(
      AuditEvents.aiFileIngestion(ai.state === 'ready', node, userId, {
        version_id: node.versionId,
        pages: ai.pages,
        credits,
        reason: ai.reason,
        ...(message ? { message } : {}),
      }),
    );
  }

  /** PARITY: turning intelligence on re-ingests every file at full cost (API notes "Intelligence"). */
  ingestWorkspace(ws: Workspace, user: User): void {
    this.indexes.drop(ws.id);
    for (const node of this.d.db.nodes.find('workspace', ws.id)) {
      if (node.type !== 'folder' && node.trashed === null) this.queue(node, user.id);
    }
  }

  /** PARITY: turning intelligence off flushes the workspace's index; files go `disabled`. */
  flushWorkspace(ws: Workspace): void {
    this.indexes.drop(ws.id);
    for (const node of this.d.db.nodes.find('workspace', ws.id)) {
      if (node.type === 'folder') continue;
      this.runs.delete(node.id);
      if (node.ai.state !== 'disabled' || node.ai.reason !== null) this.setAi(node.id, { state: 'disabled', reason: null, pages: null });
    }
  }

  /** The index's lazy fill: ready files of the stored state that the index lacks are read again (not charged). */
  async fillIndex(workspaceId: string, index: WorkspaceSearchIndex, isCurrent: () => boolean): Promise<void> {
    for (const node of this.d.db.nodes.find('workspace', workspaceId)) {
      if (node.trashed !== null || node.ai.state !== 'ready' || !node.versionId) continue;
      if (index.indexedVersion(node.id) === node.versionId) continue;
      const versionId = node.versionId;
      const extracted = await extractDocument(this.d.storage.bytesOf(node), node.name, node.mimetype ?? undefined, {}, this.d.parsers);
      if (!isCurrent()) return;
      const latest = this.d.db.nodes.get(node.id);
      if (!latest || latest.trashed !== null || latest.ai.state !== 'ready' || latest.versionId !== versionId) continue;
      if (!extracted.ok) {
        this.d.log.warn({ node: node.id, reason: extracted.reason }, 'a ready file could not be read again for the search index');
        continue;
      }
      if (index.indexedVersion(node.id) !== versionId) index.add({ nodeId: node.id, versionId, passages: chunkPages(extracted.pages) });
    }
  }

  /** After the state is replaced: runs are forgotten, and ingestion in flight resumes. */
  resume(): void {
    this.runs.clear();
    for (const node of this.d.db.nodes.values()) {
      if (node.trashed !== null) continue;
      if (node.ai.state === 'pending') this.schedule(node.id, node.createdBy, true);
      else if (node.ai.state === 'in_progress') this.schedule(node.id, node.createdBy, false);
    }
  }
}
