/**
 * Who may do what with a fileshare (V2) or a QuickShare (April). Every fileshare route reaches its
 * fileshare through `FileshareAccess.manage` (management: the workspace's members) or
 * `FileshareAccess.consume` (recipients: the access tier, the link password and the grants), the
 * two deliberately named entries, before it reads or writes anything.
 *
 * PARITY: a fileshare that exists but is not the caller's answers 401/115069 with nothing of it
 * in the body, as shares do; an id that exists nowhere, a deleted one or an expired one answers
 * 404/1609 (the client's 1609 text: "may not exist, may have expired, or may have been revoked");
 * a wrong or missing link password 401/1650 (the client's 1650 mapping, `x-ve-password`); a
 * capability too low 403/1700 (the client's 1700 mapping).
 */
import type { Caller } from '../http/context.js';
import { ApiError, Errors } from '../http/errors.js';
import type { Db } from '../store/db.js';
import type { Fileshare, FileshareCapability, FileshareKind } from '../store/fileshare-model.js';
import type { Org, User, Workspace, WorkspaceRole } from '../store/model.js';
import type { Access, WorkspaceScope } from '../tenancy/access.js';
import type { WorkspaceAction } from '../tenancy/permissions.js';
import { checkTokenScopes } from '../users/oauth-scopes.js';
import { verifyPassword } from '../users/passwords.js';

/** A recipient: signed in (with the credential, whose scopes narrow it) or anonymous. */
type Recipient = (Pick<Caller, 'user'> & Partial<Pick<Caller, 'credential'>>) | undefined;

export const CAPABILITY_RANK: Record<FileshareCapability, number> = { view: 1, download: 2, edit: 3 };

export const FILESHARE_ACCESS_CHOICES = [
  'workspace owners, admins and members manage a fileshare (update, delete, grants) and hold `edit`; workspace guests are recipients like anyone else',
  '`anyone_with_link` admits anyone, signed in or not, with `download`; `any_registered` any signed-in user with `download`; `named_people` only grant holders, with the granted capability',
  'a grant raises a recipient to its capability on any tier; a grant made to an address holds for the account of that address, also one made later (pending until then)',
  "a scoped credential (OAuth token, API key with scopes) reads a fileshare only when its grants reach the fileshare's org or workspace (no scope names a fileshare): else 403/1680, after the access is decided, as the workspace's own gate does",
  'a link password is asked of everyone but the workspace members and grant holders, in `x-ve-password`; missing or wrong: 401/1650',
  'a fileshare past its expiry answers 404/1609 to recipients; its managers still read and update it',
  'details and versions need `view`, storage reads `download` (403/1700 below it)',
  "anonymous reads are charged to the org as bandwidth on behalf of the fileshare's creator",
];

export interface FileshareScope {
  fileshare: Fileshare;
  workspace: Workspace;
  org: Org;
  /** the caller's workspace role, when it manages the fileshare */
  manager: WorkspaceRole | undefined;
  capability: FileshareCapability;
  /** the user the storage service is asked as (the caller, or the creator for anonymous reads) */
  actingUser: User;
}

export function capabilityTooLow(): ApiError {
  return new ApiError(403, 1700, 'Your capability on this fileshare does not allow this action.');
}

export class FileshareAccess {
  constructor(
    private readonly db: Db,
    private readonly access: Access,
    private readonly now: () => number,
  ) {}

  /** A live fileshare or QuickShare of a live workspace in an open org. */
  find(id: string, kind: FileshareKind): { fileshare: Fileshare; workspace: Workspace; org: Org } | undefined {
    const fileshare = this.db.fileshares.get(id);
    if (!fileshare || fileshare.deleted || fileshare.kind !== kind) return undefined;
    const workspace = this.db.workspaces.get(fileshare.workspaceId);
    const org = this.db.orgs.get(fileshare.orgId);
    if (!workspace || workspace.deleted || !org || org.closed) return undefined;
    const node = this.db.nodes.get(fileshare.nodeId);
    if (!node || node.trashed) return undefined;
    return { fileshare, workspace, org };
  }

  expired(f: Fileshare): boolean {
    return f.expires !== null && f.expires <= this.now();
  }

  /** The workspace role that manages a fileshare (owner, admin, member). */
  private managerRole(workspace: Workspace, userId: string): WorkspaceRole | undefined {
    const role = this.access.workspaceRoleOf(workspace, userId);
    return role && role !== 'guest' ? role : undefined;
  }

  /** The capability a grant gives this user, if any. */
  grantOf(f: Fileshare, user: User): FileshareCapability | undefined {
    let best: FileshareCapability | undefined;
    for (const g of f.grants) {
      if (g.userId === user.id || (g.emailKey !== null && g.emailKey === user.emailKey)) {
        if (!best || CAPABILITY_RANK[g.capability] > CAPABILITY_RANK[best]) best = g.capability;
      }
    }
    return best;
  }

  /** Resolve a fileshare for a workspace member who manages it (update, delete, grants). */
  manage(caller: Pick<Caller, 'user'>, id: string, action: WorkspaceAction = 'workspace.storage.write'): FileshareScope {
    const found = this.find(id, 'fileshare');
    if (!found) throw Errors.notFound('fileshare');
    const { fileshare, workspace, org } = found;
    const manager = this.managerRole(workspace, caller.user.id);
    if (!manager) {
      // A recipient may know of it; a stranger learns nothing.
      if (this.grantOf(fileshare, caller.user) || fileshare.accessOption !== 'named_people')
        throw Errors.accessDenied('Only members of the workspace manage a fileshare.');
      throw Errors.notShared();
    }
    // The workspace's own rules (archived workspaces, the V2 subscription gate) apply as to its storage.
    this.access.workspace(caller, workspace.id, action);
    return { fileshare, workspace, org, manager, capability: 'edit', actingUser: caller.user };
  }

  /**
   * Resolve a fileshare for a recipient: anyone the tier, a grant or the workspace admits, with
   * the link password when one is set. `password`: the `x-ve-password` header.
   */
  async consume(
    caller: Recipient,
    id: string,
    password: string | undefined,
    needs: FileshareCapability,
    kind: FileshareKind = 'fileshare',
  ): Promise<FileshareScope> {
    const first = this.decide(caller, id, needs, kind);
    if (!first.needsPassword) return first.scope;
    const hash = first.scope.fileshare.passwordHash!;
    if (password === undefined || password === '' || !(await verifyPassword(password, hash))) {
      throw Errors.unauthenticated('This fileshare needs its link password (x-ve-password header), or the one sent is wrong.');
    }
    // Resolved again after the wait: a fileshare deleted or re-passworded meanwhile is decided anew.
    const again = this.decide(caller, id, needs, kind);
    if (again.needsPassword && again.scope.fileshare.passwordHash !== hash) throw Errors.unauthenticated('The link password changed.');
    return again.scope;
  }

  private decide(caller: Recipient, id: string, needs: FileshareCapability, kind: FileshareKind): { scope: FileshareScope; needsPassword: boolean } {
    const found = this.find(id, kind);
    if (!found) throw Errors.notFound(kind);
    const { fileshare, workspace, org } = found;
    const user = caller?.user;
    const manager = user ? this.managerRole(workspace, user.id) : undefined;
    const creator = this.db.users.get(fileshare.createdBy);
    const actingUser = user ?? creator;
    if (!actingUser) throw Errors.notFound(kind);
    this.gate(org, workspace);
    if (manager) {
      this.scoped(caller, org, workspace);
      return { scope: { fileshare, workspace, org, manager, capability: 'edit', actingUser }, needsPassword: false };
    }
    const granted = user ? this.grantOf(fileshare, user) : undefined;
    const tier: FileshareCapability | undefined =
      fileshare.accessOption === 'anyone_with_link' || (fileshare.accessOption === 'any_registered' && user) ? 'download' : undefined;
    const capability = higher(granted, tier);
    if (!capability) {
      // `any_registered` to an anonymous caller: signing in would open it.
      if (fileshare.accessOption === 'any_registered') throw Errors.unauthenticated();
      throw Errors.notShared();
    }
    this.scoped(caller, org, workspace);
    if (this.expired(fileshare)) throw Errors.notFound(kind);
    if (CAPABILITY_RANK[capability] < CAPABILITY_RANK[needs]) throw capabilityTooLow();
    const needsPassword = fileshare.passwordHash !== null && granted === undefined;
    return { scope: { fileshare, workspace, org, manager: undefined, capability, actingUser }, needsPassword };
  }

  /**
   * Resolve a fileshare for a write-back (a new version of its file, shares/fileshare-writeback.ts):
   * the `edit` capability, a manager's or an `edit` grant's; a lower one 403/1700, a stranger to a
   * named-people fileshare 401/115069. `edit` never comes from the tier, so no link password is
   * asked. The workspace's rules for a write apply: archived 403/1680, the subscription gate.
   */
  write(caller: NonNullable<Recipient>, id: string): FileshareScope {
    const { scope, needsPassword } = this.decide(caller, id, 'edit', 'fileshare');
    if (needsPassword) throw Errors.unauthenticated('This fileshare needs its link password (x-ve-password header).');
    // A member writes as to the workspace's storage (its role's rules); a grant holder through the link.
    if (scope.manager) this.access.workspace(caller, scope.workspace.id, 'workspace.storage.write');
    else if (scope.workspace.archived) throw Errors.workspaceArchived();
    // (A scoped credential's grants are checked by the upload route, as for any upload target.)
    else this.gate(scope.org, scope.workspace, 'workspace.storage.write');
    return scope;
  }

  /**
   * A scoped credential's grants must reach the fileshare's workspace (through it or its org), as
   * they must for the workspace's own storage: a token limited to one tenant reads no other
   * tenant's fileshare, whatever the caller's role or grant there.
   */
  private scoped(caller: Recipient, org: Org, workspace: Workspace): void {
    if (caller) checkTokenScopes({ kind: 'workspace', action: 'workspace.storage.read', org, workspace }, caller);
  }

  /** The subscription gate of the fileshare's org, asked as for a storage read (billing/gate.ts) or write. */
  private gate(org: Org, workspace: Workspace, action: WorkspaceAction = 'workspace.storage.read'): void {
    const probe: WorkspaceScope = { kind: 'workspace', org, workspace, role: 'owner', orgRole: undefined, action };
    this.access.runGates(probe);
  }

  /** The workspace scope the storage service reads (or, for a write-back, writes) the bound file through. */
  storageScope(scope: FileshareScope, action: WorkspaceAction = 'workspace.storage.read'): WorkspaceScope {
    return { kind: 'workspace', org: scope.org, workspace: scope.workspace, role: scope.manager ?? 'guest', orgRole: undefined, action };
  }
}

function higher(a: FileshareCapability | undefined, b: FileshareCapability | undefined): FileshareCapability | undefined {
  if (!a) return b;
  if (!b) return a;
  return CAPABILITY_RANK[a] >= CAPABILITY_RANK[b] ? a : b;
}
