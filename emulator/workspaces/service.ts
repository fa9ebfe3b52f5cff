import { Errors, assert } from '../http/errors.js';
import { AuditEvents } from '../events/catalogue.js';
import { Listeners, type Observable } from '../listeners.js';
import type { Org, User, Workspace } from '../store/model.js';
import { type OrgScope, type WorkspaceScope } from '../tenancy/access.js';
import { workspaceMemberRow } from '../members/rows.js';
import { mayJoin } from '../tenancy/permissions.js';
import { WORKSPACE_EXTRA_FIELDS, type WorkspaceCreateInput, type WorkspaceUpdateInput } from './schema.js';
import type { TenancyDeps } from '../service-deps.js';

export type WorkspaceDeps = TenancyDeps;

export class WorkspaceService {
  private readonly toggles = new Listeners<[workspace: Workspace, enabled: boolean, user: User]>();
  /** A workspace's intelligence setting changed (the intelligence area flushes or re-ingests). */
  readonly intelligenceToggled: Observable<[workspace: Workspace, enabled: boolean, user: User]> = this.toggles;

  constructor(private readonly d: WorkspaceDeps) {}

  /** Live (not deleted) workspaces of an org. */
  ofOrg(orgId: string): Workspace[] {
    return this.d.db.workspaces.find('live', orgId);
  }

  /**
   * PARITY: the agent plan lacks the `ai_agent` feature, so enabling intelligence answers 400/1605
   * (agent guide v1.29: agent-plan orgs "cannot ... enable the intelligence indexing toggle").
   */
  private assertIntelligenceAllowed(org: Org): void {
    const plan = this.d.plans.get(org.plan);
    if (!plan?.features.includes('ai_agent')) {
      throw Errors.invalidField(
        'intelligence',
        `The ${org.plan} plan does not include intelligence (ai_agent). Transfer the org to a human or change its plan.`,
        'boolean',
      );
    }
  }

  private assertFolderFree(orgId: string, folderName: string, except?: string): void {
    const owner = this.d.db.workspaces.findOne('folder', `${orgId}/${folderName}`);
    if (owner && owner.id !== except) throw Errors.conflict(`The folder name "${folderName}" is already used by another workspace of this organization.`);
  }

  create(user: User, scope: OrgScope, input: WorkspaceCreateInput): Workspace {
    const { org } = scope;
    const plan = this.d.plans.require(org.plan);
    // PARITY: creating more workspaces than the plan allows -> 402/1685 naming the limit.
    if (plan.workspaces !== null && this.d.db.workspaces.count('live', org.id) >= plan.workspaces)
      throw Errors.planLimit(`workspaces per organization (${plan.id} plan)`, plan.workspaces);
    this.assertFolderFree(org.id, input.folderName);
    if (input.intelligence) this.assertIntelligenceAllowed(org);
    const now = this.d.now();
    const ws = this.d.db.workspaces.insert({
      id: this.d.ids.profileId(),
      orgId: org.id,
      folderName: input.folderName,
      name: input.name,
      description: input.description ?? null,
      permJoin: input.permJoin,
      permMemberManage: input.permMemberManage,
      intelligence: input.intelligence ?? false,
      archived: false,
      createdBy: user.id,
      created: now,
      updated: now,
      deleted: null,
      extra: {},
    });
    this.d.db.workspaceMembers.insert(workspaceMemberRow(ws.id, org.id, { userId: user.id, role: 'owner', now }));
    this.d.audit.record(AuditEvents.workspaceCreated(user, ws));
    return ws;
  }

  update(user: User, scope: WorkspaceScope, input: WorkspaceUpdateInput): Workspace {
    const { workspace: ws, org } = scope;
    const patch: Partial<Workspace> = {};
    if (typeof input.folder_name === 'string' && input.folder_name !== ws.folderName) {
      this.assertFolderFree(org.id, input.folder_name, ws.id);
      patch.folderName = input.folder_name;
    }
    if (typeof input.name === 'string') patch.name = input.name;
    if (typeof input.description === 'string') patch.description = input.description === 'null' ? null : input.description;
    if (typeof input.perm_join === 'string') patch.permJoin = input.perm_join;
    if (typeof input.perm_member_manage === 'string') patch.permMemberManage = input.perm_member_manage;
    const toggled = typeof input.intelligence === 'boolean' && input.intelligence !== ws.intelligence;
    if (typeof input.intelligence === 'boolean') {
      if (input.intelligence) this.assertIntelligenceAllowed(org);
      patch.intelligence = input.intelligence;
    }
    const extra = { ...ws.extra };
    const changed = Object.keys(patch);
    for (const f of WORKSPACE_EXTRA_FIELDS) {
      const v = input[f];
      if (typeof v !== 'string') continue;
      if (v === 'null') delete extra[f];
      else extra[f] = v;
      changed.push(f);
    }
    if (changed.length === 0) throw Errors.badRequest('Nothing to update: send at least one field.');
    const updated = this.d.db.workspaces.update(ws.id, { ...patch, extra, updated: this.d.now() });
    this.d.audit.record(AuditEvents.workspaceUpdated(user, updated, changed, toggled ? updated.intelligence : undefined));
    if (toggled) this.toggles.emit(updated, updated.intelligence, user);
    return updated;
  }

  delete(user: User, scope: WorkspaceScope, confirm: string): void {
    const { workspace: ws } = scope;
    if (confirm !== ws.folderName && confirm !== ws.id) throw Errors.invalidField('confirm', "confirm must equal the workspace's folder_name or id.");
    const now = this.d.now();
    this.d.db.workspaces.update(ws.id, { deleted: now, updated: now });
    this.d.audit.record(AuditEvents.workspaceDeleted(user, ws));
  }

  setArchived(user: User, scope: WorkspaceScope, archived: boolean): Workspace {
    const { workspace: ws } = scope;
    assert(ws.archived !== archived, () => Errors.conflict(archived ? 'The workspace is already archived.' : 'The workspace is not archived.'));
    const updated = this.d.db.workspaces.update(ws.id, { archived, updated: this.d.now() });
    this.d.audit.record(archived ? AuditEvents.workspaceArchived(user, ws) : AuditEvents.workspaceUnarchived(user, ws));
    return updated;
  }

  /**
   * The workspaces of an org a caller may see in the org's list: owners and admins see all;
   * members see those they belong to and those they may join (PARITY: CHOICE).
   */
  visibleInOrg(user: User, scope: OrgScope): Workspace[] {
    const all = this.ofOrg(scope.org.id);
    if (scope.role === 'owner' || scope.role === 'admin') return all;
    return all.filter((w) => this.d.access.explicitWorkspaceRole(w.id, user.id) || (scope.role && mayJoin(scope.role, w.permJoin)));
  }
}
