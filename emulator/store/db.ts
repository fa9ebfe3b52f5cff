import { Table, type TableChange } from './table.js';
import { BlobTable, MemoryBlobStore, type BlobStore } from './blobs.js';
import { EventTable } from './event-table.js';
import { Listeners, type Observable } from '../listeners.js';
import type {
  ApiKey,
  Chat,
  ChatMessage,
  EmailCode,
  FileVersion,
  Invoice,
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
import type { Share, ShareMember } from './share-model.js';
import type { Fileshare } from './fileshare-model.js';
import type { Comment } from './comment-model.js';
import { assetEntityKey, type Asset } from './asset-model.js';

export const STATE_FORMAT = 'fastio-emulator-state';
/**
 * 2: blob rows carry no bytes (`data`); the bytes are in the blob store (files next to `--data`,
 * or a `blobContent` list in an export). 1: bytes as base64 in blob rows (still read).
 */
export const STATE_VERSION = 2;

/** The saved form of an emulator's state: what `--data` writes and `/_emulator/state` exports. */
export interface StateFile {
  format: typeof STATE_FORMAT;
  version: number;
  savedAt: string;
  clockOffsetMs: number;
  /** a `--data` snapshot: the first journal generation to replay over it (persistence.ts) */
  journal?: number;
  tables: Record<string, unknown[]>;
}

/**
 * All of one emulator instance's records. Nothing here is module-level: two instances in one
 * process share nothing. `changed` fires on every write so persistence can schedule a flush.
 *
 * The store imports no area: the events table (events search's indexes over stored rows) is
 * storage like the others and lives here too (store/event-table.ts).
 */
export class Db {
  private readonly changes = new Listeners<[]>();
  /** Every write to any table. */
  readonly changed: Observable<[]> = this.changes;
  private readonly rowChanges = new Listeners<[TableChange]>();
  /** Every write to any table, with what changed (the journal listens here); silent while a whole state is loaded. */
  readonly rowChanged: Observable<[TableChange]> = this.rowChanges;
  /** set while a whole state replaces the tables: those writes are not changes to journal */
  private loading = false;
  private readonly written = (change: TableChange) => {
    if (!this.loading) this.rowChanges.emit(change);
    this.changes.emit();
  };

  /** The stored bytes of `blobs` rows (in memory unless the emulator persists to files). */
  readonly blobStore: BlobStore;

  readonly users = new Table<User>('users', { unique: { email: (u) => u.emailKey } }, this.written);
  readonly apiKeys = new Table<ApiKey>('apiKeys', { indexes: { user: (k) => k.userId }, unique: { hash: (k) => k.keyHash } }, this.written);
  readonly sessions = new Table<Session>('sessions', { indexes: { user: (s) => s.userId } }, this.written);
  readonly emailCodes = new Table<EmailCode>('emailCodes', {}, this.written);
  readonly mailbox = new Table<MailboxMessage>('mailbox', { indexes: { to: (m) => m.toKey } }, this.written);

  readonly orgs = new Table<Org>('orgs', { unique: { domain: (o) => (o.closed ? undefined : o.domain) } }, this.written);
  readonly orgMembers = new Table<OrgMember>(
    'orgMembers',
    { indexes: { org: (m) => m.orgId, user: (m) => m.userId, email: (m) => m.inviteEmail } },
    this.written,
  );
  readonly workspaces = new Table<Workspace>(
    'workspaces',
    {
      // `live`: the org's workspaces that are not deleted (deleted ones keep their ids forever).
      indexes: { org: (w) => w.orgId, live: (w) => (w.deleted ? undefined : w.orgId) },
      unique: { folder: (w) => (w.deleted ? undefined : `${w.orgId}/${w.folderName}`) },
    },
    this.written,
  );
  readonly workspaceMembers = new Table<WorkspaceMember>(
    'workspaceMembers',
    { indexes: { workspace: (m) => m.workspaceId, user: (m) => m.userId, org: (m) => m.orgId, email: (m) => m.inviteEmail } },
    this.written,
  );
  readonly transferTokens = new Table<TransferToken>('transferTokens', { indexes: { org: (t) => t.orgId }, unique: { token: (t) => t.token } }, this.written);

  readonly nodes = new Table<StorageNode>(
    'nodes',
    { indexes: { workspace: (n) => n.workspaceId, parent: (n) => `${n.workspaceId}/${n.parentId}`, org: (n) => n.orgId } },
    this.written,
  );
  /** Kept versions of files and notes (the current one is on the node row). */
  readonly fileVersions = new Table<FileVersion>('fileVersions', { indexes: { node: (v) => v.nodeId, org: (v) => v.orgId } }, this.written);
  readonly blobs: BlobTable;
  readonly uploads = new Table<Upload>('uploads', { indexes: { user: (u) => u.userId } }, this.written);
  readonly chats = new Table<Chat>('chats', { indexes: { workspace: (c) => c.workspaceId } }, this.written);
  readonly chatMessages = new Table<ChatMessage>('chatMessages', { indexes: { chat: (m) => m.chatId } }, this.written);

  /** Audit events, with the indexes the events search uses (see store/event-table.ts). */
  readonly events = new EventTable(this.written);
  readonly ledger = new Table<LedgerEntry>('ledger', { indexes: { org: (e) => e.orgId } }, this.written);
  readonly invoices = new Table<Invoice>('invoices', { indexes: { org: (i) => i.orgId } }, this.written);
  /** Shares of workspaces (emulator/shares/); `live`: the workspace's shares that are not deleted. */
  readonly shares = new Table<Share>(
    'shares',
    {
      indexes: { workspace: (s) => s.workspaceId, live: (s) => (s.deleted ? undefined : s.workspaceId), org: (s) => s.orgId },
      unique: { customName: (s) => (s.deleted ? undefined : s.customNameKey) },
    },
    this.written,
  );
  readonly shareMembers = new Table<ShareMember>(
    'shareMembers',
    { indexes: { share: (m) => m.shareId, user: (m) => m.userId, org: (m) => m.orgId, email: (m) => m.inviteEmail } },
    this.written,
  );

  /** Fileshares (V2) and QuickShares (April) of workspace files (emulator/shares/fileshare-*.ts). */
  readonly fileshares = new Table<Fileshare>(
    'fileshares',
    { indexes: { workspace: (f) => (f.deleted ? undefined : f.workspaceId), node: (f) => (f.deleted ? undefined : f.nodeId), org: (f) => f.orgId } },
    this.written,
  );

  /** Comments (emulator/comments/): by entity, by node of an entity, by thread and by linked entity (April). */
  readonly comments = new Table<Comment>(
    'comments',
    {
      indexes: {
        entity: (c) => `${c.entityType}:${c.entityId}`,
        node: (c) => `${c.entityType}:${c.entityId}/${c.nodeId}`,
        thread: (c) => c.parentId ?? undefined,
        linked: (c) => (c.link ? `${c.link.entityType}:${c.link.entityId}` : undefined),
        org: (c) => c.orgId,
      },
    },
    this.written,
  );

  /** Branding assets (emulator/assets/): by entity, one per entity and asset name. */
  readonly assets = new Table<Asset>(
    'assets',
    { indexes: { entity: (a) => assetEntityKey(a.entityType, a.entityId) }, unique: { slot: (a) => `${assetEntityKey(a.entityType, a.entityId)}/${a.name}` } },
    this.written,
  );
  constructor(blobStore: BlobStore = new MemoryBlobStore()) {
    this.blobStore = blobStore;
    this.blobs = new BlobTable(blobStore, this.written);
  }

  /** Replace every table's rows without journaling each write (a state import). */
  replacing<T>(fn: () => T): T {
    this.loading = true;
    try {
      return fn();
    } finally {
      this.loading = false;
    }
  }

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
      this.fileVersions,
      this.blobs,
      this.uploads,
      this.chats,
      this.chatMessages,
      this.events,
      this.ledger,
      this.invoices,
      this.shares,
      this.shareMembers,
      this.fileshares,
      this.comments,
      this.assets,
    ] as unknown as Table<{ id: string }>[];
  }

  clear(): void {
    for (const t of this.tables) t.clear();
  }
}
