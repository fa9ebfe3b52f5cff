/**
 * The one function that decides access: every route that names an org or a workspace declares
 * `access: { org | workspace: '<param>', action }`, and the pipeline calls `authorize` before the
 * handler runs. Handlers receive the resolved scope (the org, the workspace, the caller's role) and
 * never look tenants up themselves, so no route can forget the check.
 *
 * PARITY (API notes, "Access outside one's tenant"): a workspace that exists but the caller is not
 * a member of -> 401/10545; an org the caller has no relation to -> 404/1609 (CHOICE); an id that
 * exists nowhere -> 404/1609; a role too low -> 403/1680. Refusals carry nothing of the other tenant.
 */
import { Errors } from '../http/errors.js';
import type { Caller } from '../http/context.js';
import type { Db } from '../store/db.js';
import { isProfileId } from '../store/ids.js';
import type { Org, OrgRole, Workspace, WorkspaceRole } from '../store/model.js';
import {
  ARCHIVED_WORKSPACE_REFUSES,
  higherWorkspaceRole,
  implicitWorkspaceRole,
  mayJoin,
  orgAllows,
  workspaceAllows,
  type OrgAction,
  type OrgStanding,
  type WorkspaceAction,
} from './permissions.js';

export interface OrgScope {
  kind: 'org';
  org: Org;
  standing: OrgStanding;
  /** the caller's org role, undefined for external callers */
  role: OrgRole | undefined;
  /** the action this scope was granted for (`recheck` asks again for the same) */
  action: OrgAction;
}

export interface WorkspaceScope {
  kind: 'workspace';
  org: Org;
  workspace: Workspace;
  /** the caller's effective workspace role (explicit, or carried from the org) */
  role: WorkspaceRole;
  orgRole: OrgRole | undefined;
  /** the action this scope was granted for (`recheck` asks again for the same) */
  action: WorkspaceAction | 'workspace.join';
}

/** `workspace.join` is decided by the org role and the workspace's `perm_join`, before any membership exists. */
export type AccessSpec = { org: string; action: OrgAction } | { workspace: string; action: WorkspaceAction | 'workspace.join' };

export type ScopeFor<A> = A extends { org: string } ? OrgScope : A extends { workspace: string } ? WorkspaceScope : undefined;

export function orgMemberKey(orgId: string, userId: string): string {
  return `${orgId}:${userId}`;
}

export function workspaceMemberKey(workspaceId: string, userId: string): string {
  return `${workspaceId}:${userId}`;
}

/**
 * A check that runs after the permission table allowed an action (the billing area's subscription
 * gate: an upgrade-only org answers 402/1688 on resource-consuming actions). It throws to refuse.
 */
export type AccessGate = (scope: OrgScope | WorkspaceScope, caller: Partial<Pick<Caller, 'credential'>>) => void;

export class Access {
  private readonly gates: AccessGate[] = [];

  constructor(private readonly db: Db) {}

  /** Add a gate; every scope granted from now on passes through it (refusals of the table come first). */
  addGate(gate: AccessGate): void {
    this.gates.push(gate);
  }

  /** Pass a scope another area resolved (a share's workspace, shares/access.ts) through the gates. */
  runGates(scope: OrgScope | WorkspaceScope, caller: Partial<Pick<Caller, 'credential'>> = {}): void {
    for (const gate of this.gates) gate(scope, caller);
  }

  private gated<S extends OrgScope | WorkspaceScope>(scope: S, caller: Partial<Pick<Caller, 'credential'>>): S {
    for (const gate of this.gates) gate(scope, caller);
    return scope;
  }

  /** An open org by id or domain. */
  findOrg(ref: string): Org | undefined {
    const org = isProfileId(ref) ? this.db.orgs.get(ref) : this.db.orgs.findOne('domain', ref.toLowerCase());
    return org && !org.closed ? org : undefined;
  }

  orgRoleOf(orgId: string, userId: string): OrgRole | undefined {
    const m = this.db.orgMembers.get(orgMemberKey(orgId, userId));
    return m && m.status === 'active' ? m.role : undefined;
  }

  /** The caller's explicit workspace role (an active membership row). */
  explicitWorkspaceRole(workspaceId: string, userId: string): WorkspaceRole | undefined {
    const m = this.db.workspaceMembers.get(workspaceMemberKey(workspaceId, userId));
    return m && m.status === 'active' ? m.role : undefined;
  }

  /** Effective workspace role: the higher of the explicit role and what the org role carries. */
  workspaceRoleOf(workspace: Workspace, userId: string): WorkspaceRole | undefined {
    return this.workspaceRoleUnder(workspace, userId, this.orgRoleOf(workspace.orgId, userId));
  }

  /**
   * `workspaceRoleOf` when the user's role in the workspace's org is already known: a list of one
   * org's workspaces looks the org role up once, not once per workspace. An org owner is owner of
   * every workspace (nothing ranks above it), so no membership row is looked up for one.
   */
  workspaceRoleUnder(workspace: Workspace, userId: string, orgRole: OrgRole | undefined): WorkspaceRole | undefined {
    const implicit = implicitWorkspaceRole(orgRole);
    if (implicit === 'owner') return implicit;
    return higherWorkspaceRole(this.explicitWorkspaceRole(workspace.id, userId), implicit);
  }

  /** Does the user reach this org only through a workspace membership? */
  isExternal(orgId: string, userId: string): boolean {
    for (const m of this.db.workspaceMembers.find('user', userId)) {
      if (m.orgId !== orgId || m.status !== 'active') continue;
      const ws = this.db.workspaces.get(m.workspaceId);
      if (ws && !ws.deleted) return true;
    }
    return false;
  }

  /** Resolve an org for a caller and check the action. */
  org(caller: Pick<Caller, 'user'> & Partial<Pick<Caller, 'credential'>>, ref: string, action: OrgAction): OrgScope {
    const org = this.findOrg(ref);
    if (!org) throw Errors.notFound('organization');
    const role = this.orgRoleOf(org.id, caller.user.id);
    const standing: OrgStanding | undefined = role ?? (this.isExternal(org.id, caller.user.id) ? 'external' : undefined);
    // No relation at all: the org is as good as absent (PARITY: CHOICE 404/1609).
    if (!standing) throw Errors.notFound('organization');
    if (!orgAllows(action, standing, org)) throw Errors.accessDenied(denialText(action));
    return this.gated({ kind: 'org', org, standing, role, action }, caller);
  }

  /** A workspace by id, or by folder name among the workspaces the caller reaches. */
  findWorkspace(ref: string, userId: string): Workspace | undefined {
    if (isProfileId(ref)) {
      const ws = this.db.workspaces.get(ref);
      return ws && !ws.deleted ? ws : undefined;
    }
    const folder = ref.toLowerCase();
    const matches = this.reachableWorkspaces(userId).filter((w) => w.folderName === folder);
    if (matches.length > 1) throw Errors.invalidField('workspace_id', 'Several of your workspaces use this folder name; use the workspace id.');
    return matches[0];
  }

  /** Resolve a workspace for a caller and check the action. */
  workspace(caller: Pick<Caller, 'user'> & Partial<Pick<Caller, 'credential'>>, ref: string, action: WorkspaceAction): WorkspaceScope {
    const workspace = this.findWorkspace(ref, caller.user.id);
    if (!workspace) throw Errors.notFound('workspace');
    const org = this.db.orgs.get(workspace.orgId);
    if (!org || org.closed) throw Errors.notFound('workspace');
    const role = this.workspaceRoleOf(workspace, caller.user.id);
    // PARITY: a workspace that exists but is not the caller's answers 401/10545 (official client's hint for 10545).
    if (!role) throw Errors.notWorkspaceMember();
    if (!workspaceAllows(action, role, workspace)) throw Errors.accessDenied(denialText(action));
    refuseIfArchived(workspace, action);
    return this.gated({ kind: 'workspace', org, workspace, role, orgRole: this.orgRoleOf(org.id, caller.user.id), action }, caller);
  }

  /**
   * Self-join: the caller must be an org member whose role the workspace's `perm_join` admits.
   * Outside the org it is any other workspace (401/10545); inside, a role too low is 403/1680.
   */
  joinable(caller: Pick<Caller, 'user'>, ref: string): WorkspaceScope {
    const workspace = isProfileId(ref) ? this.db.workspaces.get(ref) : undefined;
    if (!workspace || workspace.deleted) throw Errors.notFound('workspace');
    const org = this.db.orgs.get(workspace.orgId);
    if (!org || org.closed) throw Errors.notFound('workspace');
    const orgRole = this.orgRoleOf(org.id, caller.user.id);
    if (!orgRole) throw Errors.notWorkspaceMember();
    if (!mayJoin(orgRole, workspace.permJoin)) throw Errors.accessDenied(`This workspace admits ${workspace.permJoin.toLowerCase()} of its organization.`);
    refuseIfArchived(workspace, 'workspace.join');
    return { kind: 'workspace', org, workspace, role: this.workspaceRoleOf(workspace, caller.user.id) ?? 'member', orgRole, action: 'workspace.join' };
  }

  /** Every live workspace the user has an effective role in. */
  reachableWorkspaces(userId: string): Workspace[] {
    const out = new Map<string, Workspace>();
    for (const m of this.db.workspaceMembers.find('user', userId)) {
      if (m.status !== 'active') continue;
      const ws = this.db.workspaces.get(m.workspaceId);
      if (ws && !ws.deleted && this.orgOpen(ws.orgId)) out.set(ws.id, ws);
    }
    for (const m of this.db.orgMembers.find('user', userId)) {
      if (m.status !== 'active' || !implicitWorkspaceRole(m.role) || !this.orgOpen(m.orgId)) continue;
      for (const ws of this.db.workspaces.find('org', m.orgId)) if (!ws.deleted) out.set(ws.id, ws);
    }
    return [...out.values()];
  }

  private orgOpen(orgId: string): boolean {
    const org = this.db.orgs.get(orgId);
    return Boolean(org && !org.closed);
  }

  /** The pipeline's entry point: resolve the scope a route declared, from its path parameters. */
  authorize(caller: Caller, spec: AccessSpec, params: Record<string, unknown>): OrgScope | WorkspaceScope {
    if ('org' in spec) return this.org(caller, String(params[spec.org] ?? ''), spec.action);
    const ref = String(params[spec.workspace] ?? '');
    if (spec.action === 'workspace.join') return this.joinable(caller, ref);
    return this.workspace(caller, ref, spec.action);
  }

  /**
   * The one "check again after an await": a scope granted before a wait (a fault's delay, a
   * long-poll, an index fill, a chat answer) is decided again from the records as they are now,
   * for the same caller, tenant and action. The caller who lost the workspace (or org) meanwhile
   * gets the refusal a fresh request would get; the fresh scope is returned (roles may have changed).
   */
  recheck<S extends OrgScope | WorkspaceScope>(caller: Pick<Caller, 'user'>, scope: S): S;
  recheck(caller: Pick<Caller, 'user'>, scope: OrgScope | WorkspaceScope): OrgScope | WorkspaceScope {
    if (scope.kind === 'org') return this.org(caller, scope.org.id, scope.action);
    if (scope.action === 'workspace.join') return this.joinable(caller, scope.workspace.id);
    return this.workspace(caller, scope.workspace.id, scope.action);
  }
}

/** The one place the archived rule is enforced for routes (see ARCHIVED_WORKSPACE_REFUSES). */
function refuseIfArchived(workspace: Workspace, action: WorkspaceAction | 'workspace.join'): void {
  if (workspace.archived && ARCHIVED_WORKSPACE_REFUSES.has(action)) throw Errors.workspaceArchived();
}

function denialText(action: string): string {
  return `Your role does not allow this action (${action}).`;
}
