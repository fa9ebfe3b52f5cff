/**
 * The emulator's records. Times are epoch milliseconds on the emulator clock; the wire format
 * renders them (see `http/format.ts`). Every record has a string `id`.
 */
import type { Chat, ChatMessage } from './chat-model.js';
import type { FileVersion, StorageNode, Upload } from './storage-model.js';

export type AccountType = 'agent' | 'human';

export interface User {
  id: string;
  email: string;
  /** Lower-cased email: the unique key. */
  emailKey: string;
  /** `scrypt$<salt b64>$<hash b64>` */
  passwordHash: string;
  firstName: string;
  lastName: string;
  accountType: AccountType;
  emailVerified: boolean;
  created: number;
  updated: number;
  /** Two-factor authentication (users/twofactor.ts); absent = never set up. */
  twoFactor?: TwoFactorSettings;
  /** The account was closed (POST /user/close/): it cannot sign in and no token of it works. */
  closed?: boolean;
  /** photo auto-sync from SSO providers (GET /user/me/autosync/{state}/); the emulator has no providers */
  autosync?: boolean;
}

/** A user's second factor: `pending` from setup until a code confirms it, then `enabled`. */
export interface TwoFactorSettings {
  channel: 'totp' | 'sms' | 'whatsapp';
  state: 'pending' | 'enabled';
  /** the base32 TOTP secret (channel `totp`), else null */
  secret: string | null;
  /** the last TOTP time step accepted: a code is good once */
  lastStep: number;
}

export interface ApiKey {
  id: string;
  userId: string;
  /** sha256 of the key, hex: the key itself is shown once at creation, like the live API. */
  keyHash: string;
  /** The last characters, for listing. */
  keyTail: string;
  memo: string;
  scopes: string | null;
  agentName: string | null;
  expires: number | null;
  created: number;
}

/** A signed-in session (one JWT). Sign-out revokes it. */
export interface Session {
  id: string;
  userId: string;
  created: number;
  expires: number;
  revoked: boolean;
  /** A sign-in of a 2FA account that has not given its second factor yet (users/twofactor.ts). */
  twoFactorPending?: boolean;
  /**
   * An OAuth (PKCE) session (users/oauth.ts): its access tokens are JWTs naming this session and
   * last an hour; `expires` is then the end of its 30-day refresh chain and `updated` the last
   * refresh.
   */
  oauth?: OAuthSessionFields;
}

export interface OAuthSessionFields {
  clientId: string;
  deviceName: string;
  deviceType: string;
  agentName: string;
  /** the granted scopes (`org:<id>:rw`, `workspace:*:r` ...); users/oauth-scopes.ts */
  scopes: string[];
  /** sha256 of the current refresh token (rotated on every refresh) */
  refreshHash: string;
  /** the last rotated-away refresh tokens' hashes: presenting one again revokes the session */
  previousRefreshHashes?: string[];
  updated: number;
}

export interface EmailCode {
  /** the lower-cased email */
  id: string;
  userId: string;
  code: string;
  expires: number;
  attempts: number;
  /** when the first of the counted wrong guesses was made (users/code-attempts.ts); kept across resends */
  failedSince?: number | null;
  /** a pending email change (row id `email-change:<user id>`): the address the code confirms */
  newEmail?: string;
}

export interface MailboxMessage {
  id: string;
  to: string;
  toKey: string;
  subject: string;
  kind: 'email_verification' | 'org_invitation' | 'workspace_invitation' | 'share_invitation' | 'transfer' | 'notice' | 'two_factor' | 'password_reset';
  code: string | null;
  body: string;
  created: number;
}

export type OrgRole = 'owner' | 'admin' | 'member';
export type WorkspaceRole = 'owner' | 'admin' | 'member' | 'guest';
export type MemberStatus = 'active' | 'pending';

export interface Org {
  id: string;
  domain: string;
  name: string;
  description: string | null;
  industry: string | null;
  billingEmail: string | null;
  /** plan id from the plan catalog */
  plan: string;
  /** start of the current 30-day billing period anchor (the period repeats every 30 days from it) */
  periodAnchor: number;
  /** a cancelled subscription ends at this time (the end of its period); absent or null: renews */
  cancelAt?: number | null;
  permMemberManage: string;
  created: number;
  updated: number;
  closed: number | null;
  /** extra fields set through update that the emulator stores but does not interpret */
  extra: Record<string, unknown>;
}

/** One invoice of an org's subscription (the emulator's payment is instant and offline: every invoice is paid). */
export interface Invoice {
  id: string;
  orgId: string;
  plan: string;
  /** cents */
  amount: number;
  currency: string;
  /** why it was raised: a new subscription, a plan change, a renewal */
  reason: 'subscription_create' | 'subscription_update' | 'subscription_cycle';
  periodStart: number;
  periodEnd: number;
  created: number;
}

export interface Invite {
  id: string;
  created: number;
  expires: number;
  /** when the invitee declined it (the row stays pending for the inviter to renew or delete) */
  declined?: number | null;
}

export interface OrgMember {
  /** `${orgId}:${userId}` or `${orgId}:invite:${inviteId}` for a pending invitation */
  id: string;
  orgId: string;
  userId: string | null;
  /** lower-cased email for pending invitations */
  inviteEmail: string | null;
  role: OrgRole;
  status: MemberStatus;
  invite: Invite | null;
  invitedBy: string | null;
  created: number;
  updated: number;
}

export interface Workspace {
  id: string;
  orgId: string;
  folderName: string;
  name: string;
  description: string | null;
  permJoin: string;
  permMemberManage: string;
  intelligence: boolean;
  archived: boolean;
  createdBy: string;
  created: number;
  updated: number;
  /** deleted workspaces are kept (ids are never reused) but invisible */
  deleted: number | null;
  extra: Record<string, unknown>;
}

export interface WorkspaceMember {
  /** `${workspaceId}:${userId}` or `${workspaceId}:invite:${inviteId}` */
  id: string;
  workspaceId: string;
  orgId: string;
  userId: string | null;
  inviteEmail: string | null;
  role: WorkspaceRole;
  status: MemberStatus;
  invite: Invite | null;
  invitedBy: string | null;
  created: number;
  updated: number;
}

export interface TransferToken {
  /** opaque id, type `e` */
  id: string;
  orgId: string;
  token: string;
  createdBy: string;
  created: number;
  expires: number;
  claimed: number | null;
  claimedBy: string | null;
}

// Files, versions, blobs and uploads live in storage-model.ts (kept beside this file, which is at its size).
export type { AiState, Blob, FileVersion, StorageNode, Upload, UploadStatus } from './storage-model.js';

// Chats and their messages live in chat-model.ts (kept beside this file, which is at its size).
export type { Chat, ChatMessage, Citation } from './chat-model.js';

export interface AuditEvent {
  id: string;
  event: string;
  category: string;
  subcategory: string;
  orgId: string | null;
  workspaceId: string | null;
  shareId: string | null;
  /** the user the event is about (defaults to the calling user) */
  userId: string | null;
  callingUserId: string | null;
  objectId: string | null;
  /** a serial event's parent (events/catalogue.ts `parent`); absent on events stored before it existed */
  parentEventId?: string | null;
  data: Record<string, unknown>;
  acknowledged: boolean;
  created: number;
}

export type LedgerKind = 'storage' | 'bandwidth' | 'ai_tokens' | 'ingestion' | 'video' | 'audio' | 'images' | 'conversions';

export interface LedgerEntry {
  id: string;
  orgId: string;
  workspaceId: string | null;
  shareId: string | null;
  kind: LedgerKind;
  /** the metered quantity: bytes, tokens, pages, seconds, items */
  units: number;
  credits: number;
  objectId: string | null;
  userId: string | null;
  created: number;
}

/** Every kind of record the store keeps. */
export type StoredRecord =
  | User
  | ApiKey
  | Session
  | EmailCode
  | MailboxMessage
  | Org
  | OrgMember
  | Workspace
  | WorkspaceMember
  | TransferToken
  | StorageNode
  | FileVersion
  | Blob
  | Upload
  | Chat
  | ChatMessage
  | AuditEvent
  | LedgerEntry
  | Invoice;

/** The names of a record's numeric fields, nested objects and arrays included. */
type NumericKeys<T> = T extends readonly (infer U)[]
  ? NumericKeys<U>
  : T extends object
    ? { [K in keyof T]-?: NonNullable<T[K]> extends number ? K : NumericKeys<NonNullable<T[K]>> }[keyof T]
    : never;

export type NumericField = NumericKeys<StoredRecord>;

/**
 * What each numeric field of the records holds: a time (epoch ms on the emulator clock) or a
 * quantity. The type demands every numeric field of the model, and no other: a new one does not
 * compile until it is classed here, so what reads times off the records (seed time shifting)
 * cannot miss it.
 */
export const NUMERIC_FIELDS = {
  created: 'time',
  updated: 'time',
  expires: 'time',
  closed: 'time',
  periodAnchor: 'time',
  cancelAt: 'time',
  periodStart: 'time',
  periodEnd: 'time',
  deleted: 'time',
  claimed: 'time',
  trashed: 'time',
  declined: 'time',
  failedSince: 'time',
  attempts: 'quantity',
  size: 'quantity',
  pages: 'quantity',
  page: 'quantity',
  tokens: 'quantity',
  credits: 'quantity',
  units: 'quantity',
  amount: 'quantity',
  maxSize: 'quantity',
  fetchedBytes: 'quantity',
  lastStep: 'quantity',
} as const satisfies Record<NumericField, 'time' | 'quantity'>;

/** The fields that hold times, read off NUMERIC_FIELDS. */
export const TIME_FIELDS: readonly NumericField[] = (Object.keys(NUMERIC_FIELDS) as NumericField[]).filter((k) => NUMERIC_FIELDS[k] === 'time');
