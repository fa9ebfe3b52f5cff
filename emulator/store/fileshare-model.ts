/**
 * The records of fileshares (V2: a durable link to one file) and QuickShares (April: the link they
 * replaced). One table holds both, told apart by `kind`: each is bound to one file node of one
 * workspace, and the binding never changes (issue 17 item 5).
 */
export type FileshareKind = 'fileshare' | 'quickshare';

/** PARITY: 96b1551 src/api/fileshare.rs ACCESS_OPTIONS. */
export type FileshareAccessOption = 'anyone_with_link' | 'any_registered' | 'named_people';
/** PARITY: 96b1551 src/api/fileshare.rs CAPABILITIES, ordered view < download < edit. */
export type FileshareCapability = 'view' | 'download' | 'edit';

export interface FileshareGrant {
  /** the user granted, or null for an address no account has yet (a pending grant) */
  userId: string | null;
  /** the lowercased address the grant was made to (null when made by user id) */
  emailKey: string | null;
  capability: FileshareCapability;
  grantedBy: string;
  created: number;
}

export interface Fileshare {
  /** 19-digit profile id (fileshare) or `qs-` + opaque characters (quickshare) */
  id: string;
  kind: FileshareKind;
  orgId: string;
  workspaceId: string;
  /** the bound file node (immutable) */
  nodeId: string;
  title: string | null;
  accessOption: FileshareAccessOption;
  /** scrypt `salt:hash` (hex), null without a password */
  passwordHash: string | null;
  /** epoch ms, null without an expiry */
  expires: number | null;
  grants: FileshareGrant[];
  createdBy: string;
  created: number;
  updated: number;
  /** deleted rows keep their ids but are invisible */
  deleted: number | null;
}
