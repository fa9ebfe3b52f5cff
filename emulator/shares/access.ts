/**
 * Who may do what with a share. Every share route resolves its share through `ShareAccess.scope`
 * (the one deliberately named entry, easy to grep), which finds the share, works out the caller's
 * share role and checks the action before the handler touches anything.
 *
 * PARITY: a share that exists but is not the caller's answers 401/115069 ("that node or share is
 * not shared with the caller", API notes "Wire format"), with nothing of the share in the body; an
 * id that exists nowhere answers 404/1609; a role too low answers 403/1680.
 */
import type { Caller } from '../http/context.js';
import { Errors } from '../http/errors.js';
import type { Db } from '../store/db.js';
import { isProfileId } from '../store/ids.js';
import type { Org, Workspace } from '../store/model.js';
import type { Share, ShareRole } from '../store/share-model.js';
import type { Access, WorkspaceScope } from '../tenancy/access.js';
import type { WorkspaceAction } from '../tenancy/permissions.js';
import { LINK_ACCESS } from './schema.js';
import { checkTokenScopes } from '../users/oauth-scopes.js';
import { ShareTokens } from './tokens.js';
import type { RequestContext } from '../http/context.js';

export const SHARE_RANK: Record<ShareRole, number> = { owner: 5, admin: 4, member: 3, guest: 2, view: 1 };

export const SHARE_ACTIONS = [
  'share.details',
  'share.update',
  'share.archive',
  'share.delete',
  'share.members.list',
  'share.members.manage',
  'share.members.transfer',
  'share.storage.read',
  'share.storage.write',
  'share.events.view',
] as const;
export type ShareAction = (typeof SHARE_ACTIONS)[number];

/** The lowest share role each action needs. PARITY: CHOICE (no source gives the share table). */
const NEEDS: Record<ShareAction, ShareRole> = {
  'share.details': 'view',
  'share.update': 'admin',
  'share.archive': 'admin',
  'share.delete': 'admin',
  'share.members.list': 'view',
  'share.members.manage': 'admin',
  'share.members.transfer': 'owner',
  'share.storage.read': 'view',
  'share.storage.write': 'guest',
  'share.events.view': 'member',
};

/** What an archived or expired share still allows its managers (admins and the owner). */
const ARCHIVED_ALLOWS: ReadonlySet<ShareAction> = new Set(['share.details', 'share.archive', 'share.delete', 'share.members.list', 'share.events.view']);

/**
 * The workspace action that stands for a share action in the subscription gate (billing/gate.ts):
 * writing into a share consumes storage, adding members consumes seats. Reads map to reads.
 */
const GATED_AS: Partial<Record<ShareAction, WorkspaceAction>> = {
  'share.storage.write': 'workspace.storage.write',
  'share.members.manage': 'workspace.members.manage',
};

export const SHARE_ACCESS_CHOICES = [
  'share roles rank owner > admin > member > guest > view; the creator is the owner',
  'workspace owners and admins act as share admins, workspace members as share members, workspace guests as share guests, without a share membership',
  '`Members of the Share, Workspace or Org`: members of the org act as share guests',
  '`Anyone with a registered account` and `Anyone with the link` (without a password): any signed-in user acts as a share guest; such shares are not listed to them',
  'details, member lists and storage reads need view; storage writes guest; events search member; settings, archive, delete and member management admin; ownership transfer the owner',
  'an archived or expired share answers 401/115069 to everyone below admin; admins may read it, unarchive it and delete it, not change it (403/1680)',
  'a share of a deleted workspace or closed org is as good as absent (404/1609)',
];

export interface ShareScope {
  kind: 'share';
  org: Org;
  workspace: Workspace;
  share: Share;
  role: ShareRole;
  action: ShareAction;
}

export class ShareAccess {
  /** this instance's share-scoped tokens (password and guest authentication) */
  readonly tokens: ShareTokens;

  constructor(
    private readonly db: Db,
    private readonly access: Access,
    private readonly now: () => number,
  ) {
    this.tokens = new ShareTokens(now);
  }

  /**
   * The scope of a route that takes a share token (`bearer-or-share-token`): the token's visitor,
   * a share guest of the one share it names, or the signed-in caller.
   */
  scopeOf(ctx: RequestContext, ref: string, action: ShareAction): ShareScope {
    if (ctx.shareToken === undefined) {
      if (!ctx.caller) throw new Error('share route without a caller or a share token');
      return this.scope(ctx.caller, ref, action);
    }
    const found = this.find(ref);
    if (!found) throw Errors.notFound('share');
    // Another share's token, an expired one, or one made before the password changed: not shared.
    const claims = this.tokens.verify(ctx.shareToken, (id) => (id === found.share.id ? found.share : undefined));
    if (!claims) throw Errors.notShared();
    const { share, workspace, org } = found;
    return this.decide({ kind: 'share', org, workspace, share, role: 'guest', action }, 'guest');
  }

  /** A live share by id or custom name, in a live workspace of an open org. */
  find(ref: string): { share: Share; workspace: Workspace; org: Org } | undefined {
    const share = isProfileId(ref) ? this.db.shares.get(ref) : this.db.shares.findOne('customName', ref.toLowerCase());
    if (!share || share.deleted) return undefined;
    const workspace = this.db.workspaces.get(share.workspaceId);
    const org = this.db.orgs.get(share.orgId);
    if (!workspace || workspace.deleted || !org || org.closed) return undefined;
    return { share, workspace, org };
  }

  /** The explicit (membership row) role, if active. */
  explicitRole(shareId: string, userId: string): ShareRole | undefined {
    const m = this.db.shareMembers.get(`${shareId}:${userId}`);
    return m && m.status === 'active' ? m.role : undefined;
  }

  /** The role a workspace role carries into its shares. */
  private fromWorkspace(workspace: Workspace, userId: string): ShareRole | undefined {
    const role = this.access.workspaceRoleOf(workspace, userId);
    if (role === 'owner' || role === 'admin') return 'admin';
    return role;
  }

  /**
   * The caller's share role from membership and the workspace alone: what lists show (a share
   * reached only through its link settings is never listed to strangers).
   */
  memberRole(share: Share, workspace: Workspace, userId: string): ShareRole | undefined {
    return higher(this.explicitRole(share.id, userId), this.fromWorkspace(workspace, userId));
  }

  /** The effective role: membership, the workspace, then what `access_options` opens to others. */
  roleOf(share: Share, workspace: Workspace, userId: string): ShareRole | undefined {
    const member = this.memberRole(share, workspace, userId);
    if (member) return member;
    switch (share.accessOptions) {
      case 'Members of the Share, Workspace or Org':
        return this.access.orgRoleOf(share.orgId, userId) ? 'guest' : undefined;
      case 'Anyone with a registered account':
        return 'guest';
      case LINK_ACCESS:
        // A password-protected link admits strangers only through the password (auth/password/).
        return share.passwordHash ? undefined : 'guest';
      default:
        return undefined;
    }
  }

  /** Expired: the expiry has passed. */
  expired(share: Share): boolean {
    return share.expires !== null && share.expires <= this.now();
  }

  /** Resolve a share for a signed-in caller and check the action (the only way share routes reach a share). */
  scope(caller: Pick<Caller, 'user'> & Partial<Pick<Caller, 'credential'>>, ref: string, action: ShareAction): ShareScope {
    const found = this.find(ref);
    if (!found) throw Errors.notFound('share');
    const { share, workspace, org } = found;
    const role = this.roleOf(share, workspace, caller.user.id);
    return this.decide({ kind: 'share', org, workspace, share, role: role ?? 'view', action }, role, caller);
  }

  /** The events search by share_id (events/service.ts): the share's id, or the refusal a share route gives. */
  eventScope(caller: Pick<Caller, 'user'>, ref: string): string {
    return this.scope(caller, ref, 'share.events.view').share.id;
  }

  /** May the caller read this share's events (event details)? */
  canSeeEvents(caller: Pick<Caller, 'user'>, shareId: string): boolean {
    try {
      this.scope(caller, shareId, 'share.events.view');
      return true;
    } catch {
      return false;
    }
  }

  /** `caller` is the signed-in caller (a share token's visitor has none: the token is for one share already). */
  private decide(scope: ShareScope, role: ShareRole | undefined, caller?: Partial<Pick<Caller, 'credential'>>): ShareScope {
    const { share, action } = scope;
    if (!role) throw Errors.notShared();
    const manager = SHARE_RANK[role] >= SHARE_RANK.admin;
    if ((share.archived || this.expired(share)) && !manager) throw Errors.notShared();
    if (SHARE_RANK[role] < SHARE_RANK[NEEDS[action]]) throw Errors.accessDenied(`Your share role does not allow this action (${action}).`);
    if (share.archived && !ARCHIVED_ALLOWS.has(action)) throw shareArchived();
    // A scoped credential (an OAuth token, an API key with scopes) only within its grants (users/oauth-scopes.ts).
    if (caller) checkTokenScopes(scope, caller);
    const gatedAs = GATED_AS[action];
    if (gatedAs) this.gate(scope.workspace, gatedAs);
    return scope;
  }

  /**
   * The subscription gate for share writes: the workspace scope of the same org through the
   * shared gate list. The caller may not be a workspace member (a share-only member), so the gate
   * is asked with the org's owner standing, which the gate ignores (it reads only the org's plan).
   */
  private gate(workspace: Workspace, action: WorkspaceAction): void {
    const org = this.db.orgs.get(workspace.orgId)!;
    const probe: WorkspaceScope = { kind: 'workspace', org, workspace, role: 'owner', orgRole: undefined, action };
    // The token's scopes were checked at the share's level in decide: the probe carries no credential.
    this.access.runGates(probe);
  }
}

function shareArchived() {
  return Errors.accessDenied('This share is archived: unarchive it to make changes.');
}

export function higher(a: ShareRole | undefined, b: ShareRole | undefined): ShareRole | undefined {
  if (!a) return b;
  if (!b) return a;
  return SHARE_RANK[a] >= SHARE_RANK[b] ? a : b;
}
