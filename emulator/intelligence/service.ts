/**
 * Per-workspace intelligence: ingestion of stored files (with its credits), semantic search, and
 * AI chat answered locally from the workspace's own passages.
 *
 * This class is the area's face (`emu.intelligence`): it builds the parts and hands calls to them.
 * ingestion.ts: the ingestion state machine and the index's lazy fill; scopes.ts: `files_scope`
 * and `folders_scope`; search.ts: search; chat.ts: chats and messages; attachments.ts: files a
 * chat answers from without ingestion; chat-lifecycle.ts: rename, publish, cancel, delete,
 * transactions; chat-scope.ts: a workspace's or a share's chats. Both dialects' routes, of a
 * workspace and of a share, call the same methods. Everything a request reads
 * is scoped to the workspace the pipeline resolved: each workspace has its own index (see
 * indexes.ts), and every scope parameter is resolved against that workspace's nodes before it
 * reaches the engine.
 */
import type { Chat, ChatMessage, LedgerEntry, User } from '../store/model.js';
import type { StorageDeps, StorageService } from '../storage/service.js';
import type { WorkspaceScope } from '../tenancy/access.js';
import type { WorkspaceService } from '../workspaces/service.js';
import type { DocumentParsers } from './engine/extract.js';
import { Attachments } from './attachments.js';
import { Chats, type ChatRequest } from './chat.js';
import { ChatLifecycle } from './chat-lifecycle.js';
import { ChatScopes } from './chat-scope.js';
import { WorkspaceIndexes } from './indexes.js';
import { Ingestion } from './ingestion.js';
import type { SearchInput } from './schema.js';
import { ScopeResolver } from './scopes.js';
import { Search, type SearchResultPage } from './search.js';
import { ShareChats } from './share-chat.js';
import { shareWorkspaceScope } from './share-scope.js';
import { Summaries } from './summaries.js';
import type { ShareScope } from '../shares/access.js';

export interface IntelligenceDeps extends StorageDeps {
  storage: StorageService;
  workspaces: WorkspaceService;
  /** who reads documents: the emulator's parser workers, never this event loop */
  parsers: DocumentParsers;
}

export class IntelligenceService {
  private readonly indexes: WorkspaceIndexes;
  private readonly ingestion: Ingestion;
  private readonly searcher: Search;
  /** AI chats of a workspace or a share (chat.ts), their lifecycle (chat-lifecycle.ts), and where they live (chat-scope.ts) */
  readonly chats: Chats;
  readonly chatLifecycle: ChatLifecycle;
  readonly chatScopes: ChatScopes;
  /** a share's AI token transactions (share-chat.ts) */
  readonly shareChats: ShareChats;
  /** the AI summary (`ai/share/`) and a share's auto title (summaries.ts) */
  readonly summaries: Summaries;

  constructor(d: IntelligenceDeps) {
    this.indexes = new WorkspaceIndexes((workspaceId, index, isCurrent) => this.ingestion.fillIndex(workspaceId, index, isCurrent));
    this.ingestion = new Ingestion(d, this.indexes);
    const scopes = new ScopeResolver(d);
    this.searcher = new Search(d, this.indexes, scopes);
    const attachments = new Attachments(d);
    this.chats = new Chats(d, this.indexes, attachments);
    this.chatScopes = new ChatScopes(d, attachments, scopes);
    this.chatLifecycle = new ChatLifecycle(d, this.chats);
    this.shareChats = new ShareChats(this.chatLifecycle);
    this.summaries = new Summaries(d);
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

  /** A share's search: its files only, the request's scope strings read inside the share. */
  shareSearch(sc: ShareScope, input: SearchInput): Promise<SearchResultPage> {
    const within = this.chatScopes.readable(sc, input.files_scope, input.folders_scope);
    const { files_scope: _files, folders_scope: _folders, ...rest } = input;
    return this.searcher.search(shareWorkspaceScope(sc), rest, within);
  }

  // ---- chat: chat.ts (create, messages, lookups), chat-lifecycle.ts (rename, publish, cancel,
  // delete, transactions), each over a chat scope (chat-scope.ts: a workspace or a share)

  /** A workspace chat for the caller (fixtures/generate.ts). */
  createChat(user: User, scope: WorkspaceScope, input: ChatRequest): Promise<{ chat: Chat; message: ChatMessage }> {
    return this.chats.createChat(this.chatScopes.workspace(scope), user, input);
  }

  aiTransactions(scope: WorkspaceScope): LedgerEntry[] {
    return this.chatLifecycle.transactions(this.chatScopes.workspace(scope));
  }
}
