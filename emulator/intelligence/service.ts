/**
 * Per-workspace intelligence: ingestion of stored files (with its credits), semantic search, and
 * AI chat answered locally from the workspace's own passages.
 *
 * This class is the area's face (`emu.intelligence`): it builds the parts and hands calls to them.
 * ingestion.ts: the ingestion state machine and the index's lazy fill; scopes.ts: `files_scope`
 * and `folders_scope`; search.ts: search; chat.ts: chats and messages. Everything a request reads
 * is scoped to the workspace the pipeline resolved: each workspace has its own index (see
 * indexes.ts), and every scope parameter is resolved against that workspace's nodes before it
 * reaches the engine.
 */
import type { Logger } from 'pino';
import type { ActivityHub } from '../activity/hub.js';
import type { CreditLedger } from '../billing/ledger.js';
import type { PlanCatalog } from '../billing/plans.js';
import type { AuditLog } from '../events/audit.js';
import type { Db } from '../store/db.js';
import type { IdGenerator } from '../store/ids.js';
import type { Chat, ChatMessage, User } from '../store/model.js';
import type { JobQueue } from '../storage/job-queue.js';
import type { StorageService } from '../storage/service.js';
import type { Access, WorkspaceScope } from '../tenancy/access.js';
import type { WorkspaceService } from '../workspaces/service.js';
import type { DocumentParsers } from './engine/extract.js';
import { Chats } from './chat.js';
import { WorkspaceIndexes } from './indexes.js';
import { Ingestion } from './ingestion.js';
import type { ChatInput, MessageInput, SearchInput } from './schema.js';
import { ScopeResolver } from './scopes.js';
import { Search, type SearchResultPage } from './search.js';

export interface IntelligenceDeps {
  db: Db;
  access: Access;
  ids: IdGenerator;
  now: () => number;
  audit: AuditLog;
  plans: PlanCatalog;
  ledger: CreditLedger;
  activityHub: ActivityHub;
  jobs: JobQueue;
  storage: StorageService;
  workspaces: WorkspaceService;
  /** who reads documents: the emulator's parser workers, never this event loop */
  parsers: DocumentParsers;
  log: Logger;
}

export class IntelligenceService {
  private readonly indexes: WorkspaceIndexes;
  private readonly ingestion: Ingestion;
  private readonly searcher: Search;
  private readonly chatting: Chats;

  constructor(d: IntelligenceDeps) {
    this.indexes = new WorkspaceIndexes((workspaceId, index, isCurrent) => this.ingestion.fillIndex(workspaceId, index, isCurrent));
    this.ingestion = new Ingestion(d, this.indexes);
    const scopes = new ScopeResolver(d);
    this.searcher = new Search(d, this.indexes, scopes);
    this.chatting = new Chats(d, this.indexes, scopes);
    d.workspaces.intelligenceToggled.on((ws, enabled, user) => (enabled ? this.ingestion.ingestWorkspace(ws, user) : this.ingestion.flushWorkspace(ws)));
    d.storage.versionStored.on((node, user) => this.ingestion.versionStored(node, user));
    d.storage.nodesRemoved.on((nodes) => this.ingestion.nodesRemoved(nodes));
  }

  // ---- ingestion and the indexes

  /** Passages and files in a workspace's index, completing it first (benchmarks and tests). */
  async indexSize(workspaceId: string): Promise<{ passages: number; files: number }> {
    const index = await this.indexes.complete(workspaceId);
    return { passages: index.size, files: index.nodeCount };
  }

  /** After the state is replaced: indexes are rebuilt lazily; ingestion in flight resumes. */
  stateReplaced(): void {
    this.indexes.clear();
    this.ingestion.resume();
  }

  // ---- search (search.ts)

  search(scope: WorkspaceScope, input: SearchInput): Promise<SearchResultPage> {
    return this.searcher.search(scope, input);
  }

  // ---- chat (chat.ts)

  createChat(user: User, scope: WorkspaceScope, input: ChatInput): Promise<{ chat: Chat; message: ChatMessage }> {
    return this.chatting.createChat(user, scope, input);
  }

  addMessage(user: User, scope: WorkspaceScope, chatId: string, input: MessageInput): Promise<ChatMessage> {
    return this.chatting.addMessage(user, scope, chatId, input);
  }

  chat(scope: WorkspaceScope, chatId: string): Chat {
    return this.chatting.chat(scope, chatId);
  }

  chats(scope: WorkspaceScope): Chat[] {
    return this.chatting.chats(scope);
  }

  message(scope: WorkspaceScope, chatId: string, messageId: string): ChatMessage {
    return this.chatting.message(scope, chatId, messageId);
  }

  messages(scope: WorkspaceScope, chatId: string): ChatMessage[] {
    return this.chatting.messages(scope, chatId);
  }

  messageCount(chatId: string): number {
    return this.chatting.messageCount(chatId);
  }

  deleteChat(user: User, scope: WorkspaceScope, chatId: string): void {
    this.chatting.deleteChat(user, scope, chatId);
  }
}
