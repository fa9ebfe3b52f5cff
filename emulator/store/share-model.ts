/**
 * The records of shares (issue 17): a share belongs to one workspace of one org; its members are
 * rows of their own, keyed like workspace members. Kept beside model.ts (which is at its size).
 */
import type { Invite, MemberStatus } from './model.js';

export type ShareType = 'send' | 'receive' | 'exchange';
export type ShareRole = 'owner' | 'admin' | 'member' | 'guest' | 'view';
export type ShareStorageMode = 'independent' | 'workspace_folder';

export interface Share {
  /** 19-digit profile id */
  id: string;
  orgId: string;
  workspaceId: string;
  /** URL-friendly name, unique among live shares (case-insensitive, see `customNameKey`) */
  customName: string;
  customNameKey: string;
  title: string;
  description: string | null;
  shareType: ShareType;
  accessOptions: string;
  storageMode: ShareStorageMode;
  /** the backing workspace folder (`workspace_folder` mode) */
  folderNodeId: string | null;
  /** scrypt `salt:hash` (hex), null without a password */
  passwordHash: string | null;
  /** epoch ms, null without an expiry */
  expires: number | null;
  intelligence: boolean;
  downloadSecurity: 'off' | 'medium' | 'high';
  commentsEnabled: boolean;
  guestChatEnabled: boolean;
  anonymousUploadsEnabled: boolean;
  invite: string;
  notify: string;
  /** stored-as-given settings and branding (display_type, colors, links, owner_defined, ...) */
  extra: Record<string, unknown>;
  archived: boolean;
  createdBy: string;
  created: number;
  updated: number;
  /** deleted shares keep their ids but are invisible */
  deleted: number | null;
}

export interface ShareMember {
  /** `${shareId}:${userId}` or `${shareId}:invite:${inviteId}` */
  id: string;
  shareId: string;
  workspaceId: string;
  orgId: string;
  userId: string | null;
  inviteEmail: string | null;
  role: ShareRole;
  status: MemberStatus;
  invite: Invite | null;
  invitedBy: string | null;
  created: number;
  updated: number;
}
