/**
 * Per-workspace intelligence: ingestion of stored files (with its credits), semantic search, and
 * AI chat answered locally from the workspace's own passages.
 *
 * Everything a request reads is scoped to the workspace the pipeline resolved: each workspace has
 * its own index (see indexes.ts), and every scope parameter is resolved against that workspace's
 * nodes before it reaches the engine.
 */
import type { Logger } from 'pino';
import type { ActivityHub } from '../activity/hub.js';
import { CREDIT_COSTS, type CreditLedger } from '../billing/ledger.js';
import type { PlanCatalog } from '../billing/plans.js';
import type { AuditLog } from '../events/audit.js';
import { ApiError, Codes, Errors } from '../http/errors.js';
import type { Db } from '../store/db.js';
import { OpaqueType, type IdGenerator } from '../store/ids.js';
import type { Chat, ChatMessage, Org, StorageNode, User, Workspace } from '../store/model.js';
import type { StorageService } from '../storage/service.js';
import type { JobQueue } from '../storage/job-queue.js';
import type { Access, WorkspaceScope } from '../tenancy/access.js';
import type { WorkspaceAction } from '../tenancy/permissions.js';
import type { WorkspaceService } from '../workspaces/service.js';
import { buildAnswer, countTokens, type Answer } from './engine/answer.js';
import { chunkPages } from './engine/chunk.js';
import { classifyDocument } from './engine/document-types.js';
import { extractDocument, type DocumentParsers } from './engine/extract.js';
import type { FileScope, FolderScope, MatchSource, SearchHit, WorkspaceSearchIndex } from './engine/search-index.js';
import { tokenize } from './engine/tokenize.js';
import { WorkspaceIndexes } from './indexes.js';

/** PARITY: CHOICE. A chat answer is built from the best 8 passages of the workspace. */
export const CHAT_CONTEXT_PASSAGES = 8;
/** PARITY: agent guide v1.29: at most 100 `files_scope` pairs and 100 `folders_scope` pairs, depth 1-10. */
export const MAX_SCOPE_REFS = 100;
export const MAX_FOLDER_DEPTH = 10;

/**
 * PARITY: CHOICE. A `chat` (no files) has no local model to answer with; the emulator says so, and
 * still counts the tokens of question and answer.
 */
export const GENERAL_CHAT_ANSWER =
  'The emulator answers only from the files of this workspace. Ask again with type chat_with_files in a workspace with intelligence on.';

export interface IntelligenceDeps {
  db: Db;
  access: Access;
  ids: IdGenerator;
  now: () => number;
  audit: AuditLog;
  plans: PlanCatalog;
  ledger: CreditLedger;
  activity: ActivityHub;
  jobs: JobQueue;
  storage: StorageService;
  workspaces: WorkspaceService;
  /** who reads documents: the emulator's parser workers, never this event loop */
  parsers: DocumentParsers;
  log: Logger;
}

export interface SearchInput {
  search: string;
  files_scope?: string | undefined;
  folders_scope?: string | undefined;
  limit?: number | undefined;
  offset?: number | undefined;
  details?: boolean | undefined;
}

export interface SearchRow {
  node: StorageNode;
  versionId: string | null;
  page: number | null;
  relevanceScore: number;
  snippet: string | null;
  matchSource: MatchSource;
}

export interface SearchResultPage {
  rows: SearchRow[];
  total: number;
  limit: number;
  offset: number;
}

export interface ChatInput {
  type: 'chat' | 'chat_with_files';
  question: string;
  personality?: 'concise' | 'detailed' | undefined;
  name?: string | undefined;
  files_scope?: string | undefined;
  folders_scope?: string | undefined;
}

export interface MessageInput {
  question: string;
  personality?: 'concise' | 'detailed' | undefined;
  files_scope?: string | undefined;
  folders_scope?: string | undefined;
}

interface Scopes {
  fileScope?: FileScope;
  folderScope?: FolderScope;
}

export class IntelligenceService {
  private readonly indexes: WorkspaceIndexes;
  /** node id -> the ingestion run allowed to write its state (a newer version or a cancel replaces it) */
  private readonly runs = new Map<string, number>();
  private runSeq = 0;

  constructor(private readonly d: IntelligenceDeps) {
    this.indexes = new WorkspaceIndexes((workspaceId, index, isCurrent) => this.fillIndex(workspaceId, index, isCurrent));
    d.workspaces.onIntelligenceChange((ws, enabled, user) => (enabled ? this.ingestWorkspace(ws, user) : this.flushWorkspace(ws)));
    d.storage.addListener({
      versionStored: (node, user) => this.versionStored(node, user),
      nodesRemoved: (nodes) => this.nodesRemoved(nodes),
    });
  }

  // ---------------------------------------------------------------------------------------------
  // Ingestion

  private intelligent(workspaceId: string): boolean {
    const ws = this.d.db.workspaces.get(workspaceId);
    return Boolean(ws && !ws.deleted && ws.intelligence);
  }

  private setAi(nodeId: string, ai: Partial<StorageNode['ai']>): void {
    const node = this.d.db.nodes.get(nodeId);
    if (!node) return;
    this.d.db.nodes.update(nodeId, { ai: { ...node.ai, ...ai, updated: this.d.now() } });
    this.d.activity.touch([node.workspaceId], `ai_state:${nodeId}`);
  }

  private versionStored(node: StorageNode, user: User): void {
    this.runs.delete(node.id);
    // PARITY: CHOICE. The previous version leaves the index when a new one is stored.
    this.indexes.peek(node.workspaceId)?.remove(node.id);
    if (this.intelligent(node.workspaceId)) this.queue(node, user.id);
    else if (node.ai.state !== 'disabled') this.setAi(node.id, { state: 'disabled', reason: null, pages: null });
  }

  private nodesRemoved(nodes: readonly StorageNode[]): void {
    for (const node of nodes) {
      this.runs.delete(node.id);
      this.indexes.peek(node.workspaceId)?.remove(node.id);
      if (node.ai.state === 'pending' || node.ai.state === 'in_progress') this.setAi(node.id, { state: 'disabled', reason: null });
    }
  }

  /** A file or note of an intelligent workspace goes `pending`, or `disabled` when the engine cannot read its kind. */
  private queue(node: StorageNode, userId: string): void {
    if (node.type === 'folder') return;
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
    this.d.audit.record({
      event: ai.state === 'ready' ? 'ai_file_ingested' : 'ai_file_ingestion_failed',
      category: 'ai',
      subcategory: 'ai',
      orgId: node.orgId,
      workspaceId: node.workspaceId,
      userId,
      callingUserId: null,
      objectId: node.id,
      data: { version_id: node.versionId, pages: ai.pages, credits, reason: ai.reason, ...(message ? { message } : {}) },
    });
  }

  /** PARITY: turning intelligence on re-ingests every file at full cost (API notes "Intelligence"). */
  private ingestWorkspace(ws: Workspace, user: User): void {
    this.indexes.drop(ws.id);
    for (const node of this.d.db.nodes.find('workspace', ws.id)) {
      if (node.type !== 'folder' && node.trashed === null) this.queue(node, user.id);
    }
  }

  /** PARITY: turning intelligence off flushes the workspace's index; files go `disabled`. */
  private flushWorkspace(ws: Workspace): void {
    this.indexes.drop(ws.id);
    for (const node of this.d.db.nodes.find('workspace', ws.id)) {
      if (node.type === 'folder') continue;
      this.runs.delete(node.id);
      if (node.ai.state !== 'disabled' || node.ai.reason !== null) this.setAi(node.id, { state: 'disabled', reason: null, pages: null });
    }
  }

  /** The index's lazy fill: ready files of the stored state that the index lacks are read again (not charged). */
  private async fillIndex(workspaceId: string, index: WorkspaceSearchIndex, isCurrent: () => boolean): Promise<void> {
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

  /** Passages and files in a workspace's index, completing it first (benchmarks and tests). */
  async indexSize(workspaceId: string): Promise<{ passages: number; files: number }> {
    const index = await this.indexes.complete(workspaceId);
    return { passages: index.size, files: index.nodeCount };
  }

  /** Wait for ingestion and upload assembly to finish (tests and `POST /_emulator/jobs/settle`). */
  settle(): Promise<void> {
    return this.d.jobs.settle();
  }

  /** After the state is replaced: indexes are rebuilt lazily; ingestion in flight resumes. */
  stateReplaced(): void {
    this.indexes.clear();
    this.runs.clear();
    for (const node of this.d.db.nodes.values()) {
      if (node.trashed !== null) continue;
      if (node.ai.state === 'pending') this.schedule(node.id, node.createdBy, true);
      else if (node.ai.state === 'in_progress') this.schedule(node.id, node.createdBy, false);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Scopes

  /** `files_scope`: `nodeId:versionId` pairs; an empty version means the current one. */
  private filesScope(scope: WorkspaceScope, raw: string | undefined, lenient = false): Map<string, string> | undefined {
    if (raw === undefined || raw.trim() === '') return undefined;
    const pairs = raw
      .split(',')
      .map((p) => p.trim())
      .filter((p) => p !== '');
    if (pairs.length > MAX_SCOPE_REFS) throw Errors.invalidField('files_scope', `At most ${MAX_SCOPE_REFS} files.`);
    const out = new Map<string, string>();
    for (const pair of pairs) {
      const [rawNode = '', rawVersion = '', ...rest] = pair.split(':');
      const nodeId = rawNode.replace(/-/g, '').toLowerCase();
      if (rest.length > 0 || !/^2[0-9a-z]{28,29}$/.test(nodeId)) {
        throw Errors.invalidField('files_scope', 'Expected comma-separated nodeId:versionId pairs.');
      }
      let node: StorageNode;
      try {
        node = this.d.storage.file(scope, nodeId, 'files_scope');
      } catch (err) {
        if (lenient) continue;
        throw err;
      }
      const version = rawVersion.replace(/-/g, '').toLowerCase();
      out.set(node.id, version === '' ? (node.versionId ?? '') : version);
    }
    return out;
  }

  /**
   * `folders_scope`: `nodeId:depth` pairs (`root` allowed). PARITY: CHOICE. Depth 1 is the files
   * directly in the folder, depth n reaches n-1 levels of subfolders; no depth means 10.
   */
  private foldersScope(scope: WorkspaceScope, raw: string | undefined, lenient = false): Set<string> | undefined {
    if (raw === undefined || raw.trim() === '') return undefined;
    const pairs = raw
      .split(',')
      .map((p) => p.trim())
      .filter((p) => p !== '');
    if (pairs.length > MAX_SCOPE_REFS) throw Errors.invalidField('folders_scope', `At most ${MAX_SCOPE_REFS} folders.`);
    const files = new Set<string>();
    const ws = scope.workspace.id;
    for (const pair of pairs) {
      const [rawNode = '', rawDepth = '', ...rest] = pair.split(':');
      const ref = rawNode === 'root' ? 'root' : rawNode.replace(/-/g, '').toLowerCase();
      const depth = rawDepth === '' ? MAX_FOLDER_DEPTH : Number(rawDepth);
      if (rest.length > 0 || !/^(root|2[0-9a-z]{28,29})$/.test(ref) || !Number.isInteger(depth) || depth < 1 || depth > MAX_FOLDER_DEPTH) {
        throw Errors.invalidField('folders_scope', `Expected comma-separated nodeId:depth pairs, depth 1-${MAX_FOLDER_DEPTH}.`);
      }
      let folderId: string;
      try {
        folderId = this.d.storage.folder(scope, ref, 'folders_scope');
      } catch (err) {
        if (lenient) continue;
        throw err;
      }
      let level = [folderId];
      for (let d = 1; d <= depth && level.length > 0; d++) {
        const next: string[] = [];
        for (const parent of level) {
          for (const child of this.d.db.nodes.find('parent', `${ws}/${parent}`)) {
            if (child.trashed !== null) continue;
            if (child.type === 'folder') next.push(child.id);
            else files.add(child.id);
          }
        }
        level = next;
      }
    }
    return files;
  }

  private scopes(scope: WorkspaceScope, files: string | undefined, folders: string | undefined, lenient = false): Scopes {
    const out: Scopes = {};
    const fileScope = this.filesScope(scope, files, lenient);
    const folderScope = this.foldersScope(scope, folders, lenient);
    if (fileScope) out.fileScope = fileScope;
    if (folderScope) out.folderScope = folderScope;
    return out;
  }

  // ---------------------------------------------------------------------------------------------
  // Search

  /**
   * Ranks the `ready` passages of THIS workspace (one hit per file, its best passage). With
   * intelligence off there is no index: PARITY: CHOICE, the search then matches file names only
   * (`match_source: keyword`, no snippet), like the live keyword-only search.
   */
  async search(scope: WorkspaceScope, input: SearchInput): Promise<SearchResultPage> {
    const limit = input.limit ?? (input.details ? 10 : 100);
    const offset = input.offset ?? 0;
    const scopes = this.scopes(scope, input.files_scope, input.folders_scope);
    if (!scope.workspace.intelligence) return this.nameSearch(scope, input.search, scopes, limit, offset);
    const index = await this.indexes.complete(scope.workspace.id);
    const result = index.search(input.search, { limit, offset, ...scopes });
    const rows: SearchRow[] = [];
    for (const hit of result.hits) {
      const node = this.d.db.nodes.get(hit.nodeId);
      // The index holds only this workspace's nodes; the check keeps a stale entry from leaking.
      if (!node || node.workspaceId !== scope.workspace.id || node.trashed !== null) continue;
      rows.push({
        node,
        versionId: hit.versionId,
        page: hit.page,
        relevanceScore: hit.relevanceScore,
        snippet: hit.snippet,
        matchSource: hit.matchSource,
      });
    }
    return { rows, total: result.total, limit, offset };
  }

  private nameSearch(scope: WorkspaceScope, query: string, scopes: Scopes, limit: number, offset: number): SearchResultPage {
    const terms = [...new Set(tokenize(query))];
    const scored: SearchRow[] = [];
    if (terms.length > 0) {
      for (const node of this.d.db.nodes.find('workspace', scope.workspace.id)) {
        if (node.type === 'folder' || node.trashed !== null) continue;
        if (scopes.fileScope || scopes.folderScope) {
          const inFiles = scopes.fileScope instanceof Map ? scopes.fileScope.has(node.id) : false;
          const inFolders = scopes.folderScope instanceof Set ? scopes.folderScope.has(node.id) : false;
          if (!inFiles && !inFolders) continue;
        }
        const nameTerms = tokenize(node.name);
        const found = terms.filter((t) => nameTerms.some((n) => n.includes(t))).length;
        if (found === 0) continue;
        scored.push({
          node,
          versionId: node.versionId,
          page: null,
          relevanceScore: Math.round((found / terms.length) * 10_000) / 10_000,
          snippet: null,
          matchSource: 'keyword',
        });
      }
    }
    scored.sort(
      (a, b) => b.relevanceScore - a.relevanceScore || (a.node.name < b.node.name ? -1 : a.node.name > b.node.name ? 1 : a.node.id < b.node.id ? -1 : 1),
    );
    return { rows: scored.slice(offset, offset + limit), total: scored.length, limit, offset };
  }

  // ---------------------------------------------------------------------------------------------
  // Chat

  /** The caller's scope on this workspace now (deleted, left, role lowered: the tenancy answers). */
  private rescope(user: User, scope: WorkspaceScope, action: WorkspaceAction = 'workspace.ai.chat'): WorkspaceScope {
    return this.d.access.workspace({ user }, scope.workspace.id, action);
  }

  /** PARITY: the agent plan lacks `ai_agent`: creating a chat answers 402/1695 (API notes "Intelligence"). */
  private assertChatAllowed(org: Org): void {
    if (!this.d.plans.get(org.plan)?.features.includes('ai_agent')) throw Errors.upgradeRequired('AI chat (the ai_agent feature)');
  }

  private assertRagAvailable(ws: Workspace): void {
    if (!ws.intelligence) {
      throw Errors.invalidField(
        'type',
        'chat_with_files searches the workspace index: turn intelligence on for this workspace (file attachments are not emulated).',
      );
    }
  }

  private async answer(ws: Workspace, type: Chat['type'], question: string, scopes: Scopes, personality: 'concise' | 'detailed'): Promise<Answer> {
    if (type === 'chat') {
      return { text: GENERAL_CHAT_ANSWER, citations: [], promptTokens: countTokens(question), completionTokens: countTokens(GENERAL_CHAT_ANSWER) };
    }
    const index = await this.indexes.complete(ws.id);
    const { hits } = index.search(question, { limit: CHAT_CONTEXT_PASSAGES, groupBy: 'passage', ...scopes });
    return buildAnswer(question, hits as SearchHit[], { personality });
  }

  /**
   * PARITY: AI tokens cost 1 credit per 100 tokens (API notes), CHOICE: fractional, on the
   * question, the passages read and the answer. Past the budget the message answers 402/1696 and
   * nothing is stored.
   */
  private chargeTokens(org: Org, answer: Answer, ws: Workspace, chatId: string, userId: string): { tokens: number; credits: number } {
    const tokens = answer.promptTokens + answer.completionTokens;
    const credits = (tokens / 100) * CREDIT_COSTS.aiTokensPer100;
    this.d.ledger.charge(org, { kind: 'ai_tokens', units: tokens, credits, workspaceId: ws.id, objectId: chatId, userId });
    return { tokens, credits };
  }

  private insertMessage(
    chat: Chat,
    user: User,
    question: string,
    personality: 'concise' | 'detailed',
    answer: Answer,
    usage: { tokens: number; credits: number },
  ): ChatMessage {
    const now = this.d.now();
    return this.d.db.chatMessages.insert({
      id: this.d.ids.opaqueId(OpaqueType.aiJob),
      chatId: chat.id,
      workspaceId: chat.workspaceId,
      userId: user.id,
      question,
      personality,
      // PARITY: CHOICE. The answer is built while the request waits, so a message is `complete`
      // as soon as it exists (the live API goes ready -> in_progress -> complete).
      state: 'complete',
      responseText: answer.text,
      citations: answer.citations.map((c) => ({ nodeId: c.nodeId, versionId: c.versionId, passageId: c.passageId, page: c.page, snippet: c.snippet })),
      tokens: usage.tokens,
      credits: usage.credits,
      created: now,
      updated: now,
    });
  }

  async createChat(user: User, scope: WorkspaceScope, input: ChatInput): Promise<{ chat: Chat; message: ChatMessage }> {
    const ws = scope.workspace;
    this.assertChatAllowed(scope.org);
    // PARITY: a `chat` with a scope is promoted to `chat_with_files` (agent guide v1.29 "Chat Types").
    const type = input.files_scope || input.folders_scope ? 'chat_with_files' : input.type;
    if (type === 'chat_with_files') this.assertRagAvailable(ws);
    const scopes = this.scopes(scope, input.files_scope, input.folders_scope);
    const personality = input.personality ?? 'detailed';
    const chatId = this.d.ids.opaqueId(OpaqueType.aiJob);
    const answer = await this.answer(ws, type, input.question, scopes, personality);
    // The answer may have waited for the index (documents read again after a restart or an
    // import): what was checked before the await is checked again before anything is charged.
    const current = this.rescope(user, scope);
    this.assertChatAllowed(current.org);
    if (type === 'chat_with_files') this.assertRagAvailable(current.workspace);
    const usage = this.chargeTokens(current.org, answer, current.workspace, chatId, user.id);
    const now = this.d.now();
    const chat = this.d.db.chats.insert({
      id: chatId,
      workspaceId: ws.id,
      orgId: current.org.id,
      userId: user.id,
      type,
      personality,
      // PARITY: CHOICE. Without `name` a chat is named after the start of its question.
      name: input.name ?? (input.question.length > 100 ? `${input.question.slice(0, 99)}…` : input.question),
      filesScope: input.files_scope?.trim() || null,
      foldersScope: input.folders_scope?.trim() || null,
      created: now,
      updated: now,
      deleted: null,
    });
    const message = this.insertMessage(chat, user, input.question, personality, answer, usage);
    this.d.audit.record({
      event: 'ai_chat_created',
      category: 'ai',
      subcategory: 'ai',
      orgId: scope.org.id,
      workspaceId: ws.id,
      callingUserId: user.id,
      objectId: chat.id,
      data: { type, message_id: message.id, tokens: usage.tokens, citations: message.citations.length },
    });
    this.d.activity.touch([ws.id], `ai_chat:${chat.id}`);
    return { chat, message };
  }

  /** A live chat of this workspace. PARITY: CHOICE, another workspace's chat is as good as absent (404/1609). */
  chat(scope: WorkspaceScope, chatId: string): Chat {
    const chat = this.d.db.chats.get(chatId);
    if (!chat || chat.deleted !== null || chat.workspaceId !== scope.workspace.id) throw Errors.notFound('chat');
    return chat;
  }

  message(scope: WorkspaceScope, chatId: string, messageId: string): ChatMessage {
    const chat = this.chat(scope, chatId);
    const message = this.d.db.chatMessages.get(messageId);
    if (!message || message.chatId !== chat.id) throw Errors.notFound('message');
    return message;
  }

  async addMessage(user: User, scope: WorkspaceScope, chatId: string, input: MessageInput): Promise<ChatMessage> {
    const ws = scope.workspace;
    const chat = this.chat(scope, chatId);
    this.assertChatAllowed(scope.org);
    if (chat.type === 'chat_with_files') this.assertRagAvailable(ws);
    // A message's own scope wins; otherwise the chat's, whose files may since have gone (skipped).
    const own = input.files_scope !== undefined || input.folders_scope !== undefined;
    const scopes = own
      ? this.scopes(scope, input.files_scope, input.folders_scope)
      : this.scopes(scope, chat.filesScope ?? undefined, chat.foldersScope ?? undefined, true);
    const personality = input.personality ?? chat.personality;
    const answer = await this.answer(ws, chat.type, input.question, scopes, personality);
    // Checked again after the await (see createChat), the chat included.
    const current = this.rescope(user, scope);
    this.chat(current, chat.id);
    this.assertChatAllowed(current.org);
    if (chat.type === 'chat_with_files') this.assertRagAvailable(current.workspace);
    const usage = this.chargeTokens(current.org, answer, current.workspace, chat.id, user.id);
    const message = this.insertMessage(chat, user, input.question, personality, answer, usage);
    this.d.db.chats.update(chat.id, { updated: message.created });
    this.d.audit.record({
      event: 'ai_chat_new_message',
      category: 'ai',
      subcategory: 'ai',
      orgId: scope.org.id,
      workspaceId: ws.id,
      callingUserId: user.id,
      objectId: chat.id,
      data: { message_id: message.id, tokens: usage.tokens, citations: message.citations.length },
    });
    this.d.activity.touch([ws.id], `ai_chat:${chat.id}`);
    return message;
  }

  /** PARITY: CHOICE. Every member of the workspace sees its chats (the live default privacy is public), newest first. */
  chats(scope: WorkspaceScope): Chat[] {
    return this.d.db.chats
      .find('workspace', scope.workspace.id)
      .filter((c) => c.deleted === null)
      .sort((a, b) => b.created - a.created || (a.id < b.id ? -1 : 1));
  }

  messages(scope: WorkspaceScope, chatId: string): ChatMessage[] {
    const chat = this.chat(scope, chatId);
    return this.d.db.chatMessages.find('chat', chat.id);
  }

  messageCount(chatId: string): number {
    return this.d.db.chatMessages.count('chat', chatId);
  }

  /** PARITY: CHOICE. The chat's creator, or a workspace admin or owner, deletes it. */
  deleteChat(user: User, scope: WorkspaceScope, chatId: string): void {
    const chat = this.chat(scope, chatId);
    if (chat.userId !== user.id && scope.role !== 'owner' && scope.role !== 'admin')
      throw Errors.accessDenied("Only the chat's creator or a workspace admin deletes a chat.");
    const now = this.d.now();
    this.d.db.chats.update(chat.id, { deleted: now, updated: now });
    this.d.audit.record({
      event: 'ai_chat_deleted',
      category: 'ai',
      subcategory: 'ai',
      orgId: scope.org.id,
      workspaceId: scope.workspace.id,
      callingUserId: user.id,
      objectId: chat.id,
    });
    this.d.activity.touch([scope.workspace.id], `ai_chat:${chat.id}`);
  }
}
