/**
 * Where a chat lives: a workspace, or a share of one. The chat rules (chat.ts, chat-lifecycle.ts)
 * are written once over a ChatScope; a scope says only what differs between the two places:
 *
 * | question                                | workspace                                        | share                                             |
 * | --------------------------------------- | ------------------------------------------------ | ------------------------------------------------- |
 * | which chat ids resolve (`holds`)        | the workspace's own chats, private ones to their | the share's chats, each to its creator only       |
 * |                                         | creator when there is a viewer (V2)              |                                                   |
 * | which files may be read or cited        | the workspace's (scopes.ts, attachments.ts)      | the share's only (share-scope.ts)                 |
 * | when a scope needs the index            | a chat_with_files turn without attachments       | a new chat with references                        |
 * | a thread too large                      | 409/153795 new, 409/168116 continued             | 409/144657 new, 409/148135 continued              |
 * | who renames, publishes, deletes         | the creator or a workspace admin or owner        | the creator (the only one who sees it)            |
 * | audit events (and so activity keys)     | aiChat* on the workspace                         | shareAiChat* carrying the share                   |
 * | AI token charges and transactions       | the workspace's                                  | the share's (the share's id on the ledger entry)  |
 */
import { Errors } from '../http/errors.js';
import type { Chat, LedgerEntry, Org, User, Workspace } from '../store/model.js';
import type { ShareScope } from '../shares/access.js';
import type { WorkspaceScope } from '../tenancy/access.js';
import { AuditEvents } from '../events/catalogue.js';
import type { Attached, AttachmentRef, Attachments } from './attachments.js';
import type { ScopeResolver, Scopes } from './scopes.js';
import type { IntelligenceDeps } from './service.js';
import { assertHeld, shareContents, shareFolderScope, shareWorkspaceScope } from './share-scope.js';

/** PARITY: CHOICE. A `chat` (no files) has no local model to answer with; the emulator says so, and still counts the tokens. */
export const GENERAL_CHAT_ANSWER =
  'The emulator answers only from the files of this workspace. Ask again with type chat_with_files in a workspace with intelligence on.';
/** PARITY: CHOICE. What a share chat answers when there is nothing to read it from. */
export const SHARE_GENERAL_ANSWER = "The emulator answers only from the files of this share. Ask again once the share's workspace has intelligence on.";

/**
 * PARITY: client 96b1551 src/api/ai.rs CONVERSATION_TOO_LARGE_CODES (HTTP 409): a new thread and a
 * continued one, in a workspace and in a share.
 */
export const TOO_LARGE_NEW_THREAD = 153_795;
export const TOO_LARGE_CONTINUE = 168_116;
export const SHARE_TOO_LARGE_NEW_THREAD = 144_657;
export const SHARE_TOO_LARGE_CONTINUE = 148_135;

/** Who asks, in which share, and how to ask the share's access again after an await. */
export interface ShareAsker {
  user: User;
  scope: ShareScope;
  recheck: () => ShareScope;
}

/** What a turn looked like when its index rule is asked (chat.ts). */
export interface IndexFacts {
  step: 'create' | 'message';
  type: Chat['type'];
  /** the request names references of its own */
  scoped: boolean;
  attached: number;
}

export type AuditData = Record<string, unknown>;

type Deps = Pick<IntelligenceDeps, 'db' | 'access' | 'audit'>;
/** What every chat scope reads through: the store, access, audit, and the intelligence parts that resolve files. */
interface Parts {
  d: Deps;
  attachments: Attachments;
  scopes: ScopeResolver;
}

export interface ChatScope {
  readonly org: Org;
  readonly workspace: Workspace;
  readonly tooLarge: { newThread: number; continued: number };
  /** the answer when the index is not read (a `chat`, or nothing to read from) */
  readonly generalAnswer: string;
  /** whether a chat id names a chat of this place that the caller may see */
  holds(chat: Chat): boolean;
  /** the attachments a request names, each a file this place may read; `lenient` (a chat's stored ones) drops what is gone */
  attached(refs: readonly AttachmentRef[], lenient: boolean): Attached[];
  /** the passages a turn may read: the request's references, read inside this place */
  readScope(files: string | undefined, folders: string | undefined, lenient: boolean): Scopes;
  /** a new chat's type when the request names none and attaches nothing */
  defaultType(): Chat['type'];
  /** refuses a turn that needs the index while the workspace's intelligence is off (400/1605 naming `field`) */
  assertIndex(facts: IndexFacts, field: string): void;
  /** the chat record's fields that say where it lives, and its privacy */
  owner(): Partial<Chat>;
  privacy(input: { privacy?: Chat['privacy'] | undefined; kind?: Chat['kind'] | undefined }): Partial<Chat>;
  /** where an AI token charge is filed */
  chargedTo(): { workspaceId: string; shareId?: string };
  ownsCharge(entry: LedgerEntry): boolean;
  assertManages(user: User, chat: Chat, what: string): void;
  /** this place asked again after an await (else the refusal of the access check) */
  recheck(user: User): ChatScope;
  recordCreated(user: User, chatId: string, data: AuditData, attached: number): void;
  recordMessage(user: User, chatId: string, data: AuditData, attached: number): void;
  recordUpdated(user: User, chatId: string, data: AuditData): void;
  recordDeleted(user: User, chatId: string): void;
}

export function visibleTo(chat: Chat, viewer: User | undefined): boolean {
  // April chats have no privacy: every member sees them.
  return viewer === undefined || (chat.privacy ?? 'public') === 'public' || chat.userId === viewer.id;
}

function withAttachments(data: AuditData, attached: number): AuditData {
  return attached > 0 ? { ...data, attachments: attached } : data;
}

/** A workspace's chats. With a viewer (V2), another member's private chat is as good as absent. */
class WorkspaceChatScope implements ChatScope {
  readonly tooLarge = { newThread: TOO_LARGE_NEW_THREAD, continued: TOO_LARGE_CONTINUE };
  readonly generalAnswer = GENERAL_CHAT_ANSWER;

  constructor(
    private readonly p: Parts,
    readonly scope: WorkspaceScope,
    private readonly viewer: User | undefined,
  ) {}

  get org(): Org {
    return this.scope.org;
  }

  get workspace(): Workspace {
    return this.scope.workspace;
  }

  private get place() {
    return { orgId: this.scope.org.id, workspaceId: this.scope.workspace.id };
  }

  holds(chat: Chat): boolean {
    // A share's chat is the share's, never one of its workspace's.
    return chat.workspaceId === this.scope.workspace.id && chat.shareId === undefined && visibleTo(chat, this.viewer);
  }

  attached(refs: readonly AttachmentRef[], lenient: boolean): Attached[] {
    return this.p.attachments.resolve(this.scope, refs, lenient);
  }

  readScope(files: string | undefined, folders: string | undefined, lenient: boolean): Scopes {
    return this.p.scopes.resolve(this.scope, files, folders, lenient);
  }

  /** CHOICE: without a type (V2), the whole workspace is the scope when intelligence is on. */
  defaultType(): Chat['type'] {
    return this.scope.workspace.intelligence ? 'chat_with_files' : 'chat';
  }

  assertIndex(facts: IndexFacts, field: string): void {
    if (facts.type === 'chat_with_files' && facts.attached === 0 && !this.scope.workspace.intelligence) {
      throw Errors.invalidField(field, 'A scoped chat searches the workspace index: turn intelligence on for this workspace, or attach the files instead.');
    }
  }

  owner(): Partial<Chat> {
    return {};
  }

  privacy(input: { privacy?: Chat['privacy'] | undefined; kind?: Chat['kind'] | undefined }): Partial<Chat> {
    return { ...(input.privacy ? { privacy: input.privacy } : {}), ...(input.kind ? { kind: input.kind } : {}) };
  }

  chargedTo(): { workspaceId: string } {
    return { workspaceId: this.scope.workspace.id };
  }

  ownsCharge(entry: LedgerEntry): boolean {
    return entry.workspaceId === this.scope.workspace.id;
  }

  /** PARITY: CHOICE. The chat's creator, or a workspace admin or owner, changes or deletes it. */
  assertManages(user: User, chat: Chat, what: string): void {
    if (chat.userId !== user.id && this.scope.role !== 'owner' && this.scope.role !== 'admin')
      throw Errors.accessDenied(`Only the chat's creator or a workspace admin ${what} a chat.`);
  }

  recheck(user: User): ChatScope {
    return new WorkspaceChatScope(this.p, this.p.d.access.recheck({ user }, this.scope), this.viewer);
  }

  // The events touch `ai_chat:{id}` on the workspace (events/catalogue.ts).
  recordCreated(user: User, chatId: string, data: AuditData, attached: number): void {
    this.p.d.audit.record(AuditEvents.aiChatCreated(this.place, user.id, chatId, withAttachments(data, attached)));
  }

  recordMessage(user: User, chatId: string, data: AuditData, attached: number): void {
    this.p.d.audit.record(AuditEvents.aiChatNewMessage(this.place, user.id, chatId, withAttachments(data, attached)));
  }

  recordUpdated(user: User, chatId: string, data: AuditData): void {
    this.p.d.audit.record(AuditEvents.aiChatUpdated(this.place, user.id, chatId, data));
  }

  recordDeleted(user: User, chatId: string): void {
    this.p.d.audit.record(AuditEvents.aiChatDeleted(this.place, user.id, chatId));
  }
}

/**
 * A share's chats (issue 17 item 4). PARITY: client 96b1551 src/api/ai.rs: share chats are always
 * private (ChatCreateOptions). CHOICE: a chat is its creator's alone, in both dialects (share
 * members are each other's outsiders), so another member's chat answers 404/1609 like an unknown one.
 */
class ShareChatScope implements ChatScope {
  readonly tooLarge = { newThread: SHARE_TOO_LARGE_NEW_THREAD, continued: SHARE_TOO_LARGE_CONTINUE };
  readonly generalAnswer = SHARE_GENERAL_ANSWER;

  constructor(
    private readonly p: Parts,
    private readonly asker: ShareAsker,
  ) {}

  get org(): Org {
    return this.asker.scope.org;
  }

  get workspace(): Workspace {
    return this.asker.scope.workspace;
  }

  private get share() {
    return this.asker.scope.share;
  }

  holds(chat: Chat): boolean {
    return chat.shareId === this.share.id && chat.userId === this.asker.user.id;
  }

  attached(refs: readonly AttachmentRef[], lenient: boolean): Attached[] {
    const held = shareContents(this.p.d.db, this.share);
    const list = this.p.attachments.resolve(shareWorkspaceScope(this.asker.scope), refs, lenient);
    if (!lenient && list.some((a) => !held.files.has(a.node.id))) throw Errors.notShared();
    return list.filter((a) => held.files.has(a.node.id));
  }

  /** The share's files, or the part of them the references name; an empty set reads nothing. */
  readScope(files: string | undefined, folders: string | undefined, lenient: boolean): Scopes {
    return { folderScope: readableInShare(this.p.d, this.p.scopes, this.asker.scope, files, folders, lenient) };
  }

  /** The whole share is the scope (with its workspace's intelligence off, the answer is the fixed text). */
  defaultType(): Chat['type'] {
    return 'chat_with_files';
  }

  /** CHOICE: without references a share chat with intelligence off answers the fixed text; only references need the index. */
  assertIndex(facts: IndexFacts, field: string): void {
    if (facts.step === 'create' && facts.scoped && !this.asker.scope.workspace.intelligence) {
      throw Errors.invalidField(field, "A scoped chat searches the index: turn intelligence on for the share's workspace.");
    }
  }

  owner(): Partial<Chat> {
    return { shareId: this.share.id };
  }

  privacy(): Partial<Chat> {
    return { privacy: 'private' };
  }

  chargedTo(): { workspaceId: string; shareId: string } {
    return { workspaceId: this.asker.scope.workspace.id, shareId: this.share.id };
  }

  ownsCharge(entry: LedgerEntry): boolean {
    return shareLedger(this.asker.scope).ownsCharge(entry);
  }

  /** A share chat is seen by its creator only (`holds`): whoever reached it manages it. */
  assertManages(): void {}

  recheck(): ChatScope {
    return new ShareChatScope(this.p, { ...this.asker, scope: this.asker.recheck() });
  }

  // The events carry the share's id; the activity key ai_chat:{id} is touched on the share.
  recordCreated(user: User, chatId: string, data: AuditData): void {
    this.p.d.audit.record(AuditEvents.shareAiChatCreated(this.share, user.id, chatId, data));
  }

  recordMessage(user: User, chatId: string, data: AuditData): void {
    this.p.d.audit.record(AuditEvents.shareAiChatNewMessage(this.share, user.id, chatId, data));
  }

  recordUpdated(user: User, chatId: string, data: AuditData): void {
    this.p.d.audit.record(AuditEvents.shareAiChatUpdated(this.share, user.id, chatId, data));
  }

  recordDeleted(user: User, chatId: string): void {
    this.p.d.audit.record(AuditEvents.shareAiChatDeleted(this.share, user.id, chatId));
  }
}

/**
 * The files a share request may read: the share's, or the part of them its references name.
 * `lenient` (a chat's stored references) drops what the share no longer holds.
 */
export function readableInShare(
  d: Pick<Deps, 'db'>,
  scopes: ScopeResolver,
  sc: ShareScope,
  files: string | undefined,
  folders: string | undefined,
  lenient = false,
): ReadonlySet<string> {
  const held = shareContents(d.db, sc.share);
  if (!files?.trim() && !folders?.trim()) return held.files;
  const foldersRaw = shareFolderScope(folders, held);
  const resolved = scopes.resolve(shareWorkspaceScope(sc), files, foldersRaw, lenient);
  if (!lenient) {
    assertHeld(files, held.files);
    assertHeld(foldersRaw, held.folders);
  }
  const out = new Set<string>();
  for (const id of resolved.fileScope?.keys() ?? []) if (held.files.has(id)) out.add(id);
  for (const id of resolved.folderScope ?? []) if (held.files.has(id)) out.add(id);
  return out;
}

/** A share's part of the ledger: its AI token charges carry the share's id. */
export function shareLedger(sc: ShareScope): Pick<ChatScope, 'org' | 'ownsCharge'> {
  return { org: sc.org, ownsCharge: (entry) => entry.shareId === sc.share.id };
}

/** Makes the chat scopes of one emulator instance. */
export class ChatScopes {
  private readonly p: Parts;

  constructor(d: Deps, attachments: Attachments, scopes: ScopeResolver) {
    this.p = { d, attachments, scopes };
  }

  workspace(scope: WorkspaceScope, viewer?: User): ChatScope {
    return new WorkspaceChatScope(this.p, scope, viewer);
  }

  share(asker: ShareAsker): ChatScope {
    return new ShareChatScope(this.p, asker);
  }

  readable(sc: ShareScope, files: string | undefined, folders: string | undefined, lenient = false): ReadonlySet<string> {
    return readableInShare(this.p.d, this.p.scopes, sc, files, folders, lenient);
  }
}
