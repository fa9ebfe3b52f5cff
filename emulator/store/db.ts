import { Table } from './table.js';
import { EventTable } from '../events/event-table.js';
import type {
  ApiKey,
  Blob,
  Chat,
  ChatMessage,
  EmailCode,
  LedgerEntry,
  MailboxMessage,
  Org,
  OrgMember,
  Session,
  StorageNode,
  TransferToken,
  Upload,
  User,
  Workspace,
  WorkspaceMember,
} from './model.js';

export const STATE_FORMAT = 'fastio-emulator-state';
export const STATE_VERSION = 1;

/** The saved form of an emulator's state: what `--data` writes and `/_emulator/state` exports. */
export interface StateFile {
  format: typeof STATE_FORMAT;
  version: number;
  savedAt: string;
  clockOffsetMs: number;
  tables: Record<string, unknown[]>;
}

/**
 * All of one emulator instance's records. Nothing here is module-level: two instances in one
 * process share nothing. `onChange` fires on every write so persistence can schedule a flush.
 */
export class Db {
  private changeListener: () => void = () => {};
  private readonly changed = () => this.changeListener();

  readonly users = new Table<User>('users', { unique: { email: (u) => u.emailKey } }, this.changed);
  readonly apiKeys = new Table<ApiKey>('apiKeys', { indexes: { user: (k) => k.userId }, unique: { hash: (k) => k.keyHash } }, this.changed);
  readonly sessions = new Table<Session>('sessions', { indexes: { user: (s) => s.userId } }, this.changed);
  readonly emailCodes = new Table<EmailCode>('emailCodes', {}, this.changed);
  readonly mailbox = new Table<MailboxMessage>('mailbox', { indexes: { to: (m) => m.toKey } }, this.changed);

  readonly orgs = new Table<Org>('orgs', { unique: { domain: (o) => (o.closed ? undefined : o.domain) } }, this.changed);
  readonly orgMembers = new Table<OrgMember>(
    'orgMembers',
    { indexes: { org: (m) => m.orgId, user: (m) => m.userId, email: (m) => m.inviteEmail } },
    this.changed,
  );
  readonly workspaces = new Table<Workspace>(
    'workspaces',
    {
      // `live`: the org's workspaces that are not deleted (deleted ones keep their ids forever).
      indexes: { org: (w) => w.orgId, live: (w) => (w.deleted ? undefined : w.orgId) },
      unique: { folder: (w) => (w.deleted ? undefined : `${w.orgId}/${w.folderName}`) },
    },
    this.changed,
  );
  readonly workspaceMembers = new Table<WorkspaceMember>(
    'workspaceMembers',
    { indexes: { workspace: (m) => m.workspaceId, user: (m) => m.userId, org: (m) => m.orgId, email: (m) => m.inviteEmail } },
    this.changed,
  );
  readonly transferTokens = new Table<TransferToken>('transferTokens', { indexes: { org: (t) => t.orgId }, unique: { token: (t) => t.token } }, this.changed);

  readonly nodes = new Table<StorageNode>(
    'nodes',
    { indexes: { workspace: (n) => n.workspaceId, parent: (n) => `${n.workspaceId}/${n.parentId}`, org: (n) => n.orgId } },
    this.changed,
  );
  readonly blobs = new Table<Blob>('blobs', {}, this.changed);
  readonly uploads = new Table<Upload>('uploads', { indexes: { user: (u) => u.userId } }, this.changed);
  readonly chats = new Table<Chat>('chats', { indexes: { workspace: (c) => c.workspaceId } }, this.changed);
  readonly chatMessages = new Table<ChatMessage>('chatMessages', { indexes: { chat: (m) => m.chatId } }, this.changed);

  /** Audit events, with the indexes the events search uses (see events/event-table.ts). */
  readonly events = new EventTable(this.changed);
  readonly ledger = new Table<LedgerEntry>('ledger', { indexes: { org: (e) => e.orgId } }, this.changed);

  /** Every table, in the order they are saved and loaded. */
  get tables(): Table<{ id: string }>[] {
    return [
      this.users,
      this.apiKeys,
      this.sessions,
      this.emailCodes,
      this.mailbox,
      this.orgs,
      this.orgMembers,
      this.workspaces,
      this.workspaceMembers,
      this.transferTokens,
      this.nodes,
      this.blobs,
      this.uploads,
      this.chats,
      this.chatMessages,
      this.events,
      this.ledger,
    ] as unknown as Table<{ id: string }>[];
  }

  onChange(listener: () => void): void {
    this.changeListener = listener;
  }

  clear(): void {
    for (const t of this.tables) t.clear();
  }
}
