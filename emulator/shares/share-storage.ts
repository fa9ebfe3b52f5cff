/**
 * A share's storage (issue 17 item 3): which folder of the workspace tree a share shows, who may
 * do what in it, and the workspace scope the storage service (emulator/storage/) is asked with.
 * Every share storage route resolves through `ShareStorage.open` (share access first, through
 * ShareAccess.scope / scopeOf), then names its nodes through `node` / `folder`, which refuse any
 * node outside the share's folder (401/115069, as a node of another workspace is refused).
 *
 * CHOICE (what a share's storage is; official client 96b1551 src/api/share.rs CreateShareParams
 * `storage_mode`, src/api/storage.rs search_files_share; agent guide v2.6 "Two Storage Modes"):
 * - `workspace_folder` shares are a live view of their backing workspace folder (`folderNodeId`):
 *   the share's `root` is that folder, and whatever the workspace does to it the share shows.
 * - `independent` shares (portals, the default) have a tree of their own: a folder of the
 *   workspace's node table whose parent is the hidden `share:{share_id}` (never listed under the
 *   workspace's `root`), made when the share is created. Its bytes are held
 *   storage of the org (the guide: a portal duplicates storage, a shared folder does not), and
 *   versions, credits, locks and ingestion are the workspace storage's own.
 */
import type { Emulator } from '../emulator.js';
import type { Caller, RequestContext } from '../http/context.js';
import { Errors } from '../http/errors.js';
import { OpaqueType } from '../store/ids.js';
import type { StorageNode, User, WorkspaceRole } from '../store/model.js';
import type { Share, ShareRole } from '../store/share-model.js';
import type { WorkspaceScope } from '../tenancy/access.js';
import type { TrashedFilter } from '../storage/nodes.js';
import { SHARE_RANK, type ShareAction, type ShareScope } from './access.js';
import { LINK_ACCESS } from './schema.js';
import { nodeJson } from '../storage/format.js';

/** The hidden parent of an independent share's own tree. */
export const PORTAL_PARENT = (shareId: string) => `share:${shareId}`;

/** What a share storage route does, which decides the role it needs (see `RULES`). */
export type ShareStorageUse = 'read' | 'download' | 'add' | 'modify';

export const SHARE_STORAGE_CHOICES = [
  'a workspace_folder share shows its backing folder live; an independent share (portal) has a tree of its own, a folder of the workspace under a hidden parent (never listed under the workspace root), made when the share is created',
  "`root` in a share path is the share's folder; a node outside it answers 401/115069, an unknown id 404/1609",
  'reads (list, search, readnote, lock status) need the share role view; downloads (requestread, read) view too, except that download_security medium or high refuse them to guests and view (403/1680, agent guide "Share Features")',
  'adding files (addfile, uploads) needs guest in receive and exchange shares and admin in send shares; changing files (update, locks) needs member in receive and exchange shares and admin in send shares (403/1680 otherwise)',
  'writes through a share of an archived workspace answer 403/1680, as the workspace refuses them',
  'a visitor token (password or guest authentication) reads and downloads as a share guest and writes nothing (403/1680); its downloads are charged to the org like any other',
  'downloads are bandwidth of the org (212 credits per 10^9 bytes; past the budget 402/1696); writes pass the subscription gate (402/1688 on plan none under V2) and consume storage credits',
  'answers use the workspace storage shapes (`nodes[]` with `pagination`, `node`); a node directly in the share folder shows `parent: "root"`',
];

/** The lowest share role per use, by share type. PARITY: CHOICE (no source gives the table). */
const RULES: Record<ShareStorageUse, Record<Share['shareType'], ShareRole>> = {
  read: { send: 'view', receive: 'view', exchange: 'view' },
  download: { send: 'view', receive: 'view', exchange: 'view' },
  add: { send: 'admin', receive: 'guest', exchange: 'guest' },
  modify: { send: 'admin', receive: 'member', exchange: 'member' },
};

const actionOf = (use: ShareStorageUse): ShareAction => (use === 'add' || use === 'modify' ? 'share.storage.write' : 'share.storage.read');

/** The workspace role the storage service is asked with, for a share role. */
const AS_WORKSPACE_ROLE: Record<ShareRole, WorkspaceRole> = { owner: 'admin', admin: 'admin', member: 'member', guest: 'guest', view: 'guest' };

export interface ShareStorageScope {
  share: ShareScope;
  /** the share's workspace, as the storage service takes it */
  ws: WorkspaceScope;
  /** the folder the share shows (its `root`) */
  root: string;
  /** the signed-in caller; undefined for a visitor token */
  user: User | undefined;
  /** who downloads are charged to and download tokens name: the caller, or the share's visitor */
  reader: User;
}

export class ShareStorage {
  constructor(private readonly emu: Emulator) {}

  /** Resolve the share for this request (the share access decides: caller or visitor token) and check the use. */
  open(ctx: RequestContext, ref: string, use: ShareStorageUse): ShareStorageScope {
    const share = this.emu.shares.access.scopeOf(ctx, ref, actionOf(use));
    return this.finish(share, ctx.shareToken === undefined ? ctx.caller?.user : undefined, use);
  }

  /** As `open`, for the user a download token names (the share's read/?token=). */
  openForUser(caller: Pick<Caller, 'user'> & Partial<Pick<Caller, 'credential'>>, ref: string, use: ShareStorageUse): ShareStorageScope {
    return this.finish(this.emu.shares.access.scope(caller, ref, actionOf(use)), caller.user, use);
  }

  /**
   * As `open`, for a visitor's download token: the share must still be open to visitors (live,
   * open to the link, unarchived, unexpired), as when its share token was made.
   */
  openAsVisitor(ref: string): ShareStorageScope {
    const found = this.emu.shares.access.find(ref);
    if (!found) throw Errors.notFound('share');
    const { share, workspace, org } = found;
    if (share.accessOptions !== LINK_ACCESS || share.archived || this.emu.shares.access.expired(share)) throw Errors.notShared();
    return this.finish({ kind: 'share', org, workspace, share, role: 'guest', action: 'share.storage.read' }, undefined, 'download');
  }

  private finish(share: ShareScope, user: User | undefined, use: ShareStorageUse): ShareStorageScope {
    const write = use === 'add' || use === 'modify';
    const needs = RULES[use][share.share.shareType];
    if (SHARE_RANK[share.role] < SHARE_RANK[needs]) {
      throw Errors.accessDenied(`Your share role (${share.role}) does not allow this in a ${share.share.shareType} share.`);
    }
    if (write && !user) throw Errors.accessDenied('A share visitor may read this share, not change it: sign in as a member.');
    // The files are the workspace's: an archived workspace refuses writes through its shares too.
    if (write && share.workspace.archived) throw Errors.workspaceArchived();
    if (use === 'download' && share.share.downloadSecurity !== 'off' && SHARE_RANK[share.role] <= SHARE_RANK.guest) {
      throw Errors.accessDenied(`Downloads from this share are restricted (download_security ${share.share.downloadSecurity}).`);
    }
    const ws: WorkspaceScope = {
      kind: 'workspace',
      org: share.org,
      workspace: share.workspace,
      role: AS_WORKSPACE_ROLE[share.role],
      orgRole: undefined,
      action: write ? 'workspace.storage.write' : 'workspace.storage.read',
    };
    const root = this.rootOf(share.share);
    return { share, ws, root, user, reader: user ?? visitorOf(share.share) };
  }

  /** The signed-in caller of a write (open refused visitors already). */
  static writer(s: ShareStorageScope): User {
    if (!s.user) throw Errors.accessDenied('A share visitor may read this share, not change it.');
    return s.user;
  }

  /** The folder a share shows: the backing folder, or the portal's own root. */
  private rootOf(share: Share): string {
    if (share.storageMode === 'workspace_folder') {
      if (!share.folderNodeId) throw Errors.notFound('node');
      return share.folderNodeId;
    }
    return this.portalRoot(share);
  }

  /**
   * The root folder of a portal, made when the share is created (share-storage-mount.ts) or, for a
   * share of a state saved before share storage existed, when its storage is first opened.
   * CHOICE: the root is structure, not content: no audit event, no credits.
   */
  portalRoot(share: Share): string {
    const parentId = PORTAL_PARENT(share.id);
    const found = this.emu.db.nodes.find('parent', `${share.workspaceId}/${parentId}`)[0];
    if (found) return found.id;
    const now = this.emu.clock.now();
    return this.emu.db.nodes.insert({
      id: this.emu.ids.opaqueId(OpaqueType.node),
      workspaceId: share.workspaceId,
      orgId: share.orgId,
      parentId,
      type: 'folder',
      name: share.id,
      size: 0,
      mimetype: null,
      versionId: null,
      blobId: null,
      hash: null,
      ai: { state: 'disabled', reason: null, pages: null, updated: now },
      createdBy: share.createdBy,
      created: now,
      updated: now,
      trashed: null,
    }).id;
  }

  /** Is this node the share's folder or inside it? */
  inside(s: ShareStorageScope, node: StorageNode): boolean {
    let cur: StorageNode | undefined = node;
    for (let hops = 0; cur && hops < 10_000; hops++) {
      if (cur.id === s.root) return true;
      if (cur.parentId === 'root' || cur.parentId.startsWith('share:')) return false;
      cur = this.emu.db.nodes.get(cur.parentId);
    }
    return false;
  }

  /** A node of the share (not its root). Outside the share: 401/115069, as another workspace's node. */
  node(s: ShareStorageScope, ref: string, trashed: TrashedFilter = 'no'): StorageNode {
    if (ref === 'root' || ref === 'trash') throw Errors.invalidField('node_id', `"${ref}" is not a file or folder id here.`);
    const node = this.emu.storage.node(s.ws, ref, trashed);
    if (!this.inside(s, node)) throw Errors.notShared();
    if (node.id === s.root) throw Errors.invalidField('node_id', "This is the share's own folder: name it `root`.");
    return node;
  }

  /** A folder of the share as a storage folder id: `root` is the share's folder. */
  folder(s: ShareStorageScope, ref: string): string {
    if (ref === 'trash') throw Errors.invalidField('node_id', 'A share has no trash to list or fill.');
    if (ref === 'root' || ref === s.root) return s.root;
    const node = this.node(s, ref);
    if (node.type !== 'folder') throw Errors.invalidField('node_id', 'This node is not a folder.');
    return node.id;
  }

  /** A node as the share answers it. */
  json(s: ShareStorageScope, node: StorageNode): Record<string, unknown> {
    const out = nodeJson(node);
    if (node.parentId === s.root) out.parent = 'root';
    return out;
  }
}

/**
 * Who a visitor's downloads are charged to and its download tokens name: the share itself, not a
 * user (a visitor has no account). Only the id is read (download tokens, the ledger's user).
 */
function visitorOf(share: Share): User {
  return { id: `share-visitor:${share.id}` } as Pick<User, 'id'> as User;
}

export const isShareVisitor = (userId: string, shareId: string) => userId === `share-visitor:${shareId}`;
