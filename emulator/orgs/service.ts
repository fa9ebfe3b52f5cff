import { Errors, assert } from '../http/errors.js';
import { AuditEvents } from '../events/catalogue.js';
import type { Org, OrgRole, User } from '../store/model.js';
import { type OrgScope } from '../tenancy/access.js';
import { orgMemberRow } from '../members/rows.js';
import { DOMAIN_PATTERN, ORG_EXTRA_FIELDS, RESERVED_DOMAINS, type OrgCreateInput, type OrgUpdateInput } from './schema.js';
import type { ServiceDeps, TenancyDeps } from '../service-deps.js';

export type OrgDeps = TenancyDeps & Pick<ServiceDeps, 'ledger'>;

export type DomainAvailability = { available: true } | { available: false; reason: 'taken' | 'reserved' | 'invalid' };

export class OrgService {
  constructor(private readonly d: OrgDeps) {}

  checkDomain(domain: string): DomainAvailability {
    const d = domain.toLowerCase();
    if (d.length < 2 || d.length > 63 || !DOMAIN_PATTERN.test(d)) return { available: false, reason: 'invalid' };
    if (RESERVED_DOMAINS.has(d)) return { available: false, reason: 'reserved' };
    if (this.d.db.orgs.findOne('domain', d)) return { available: false, reason: 'taken' };
    return { available: true };
  }

  private assertDomainFree(domain: string): void {
    const check = this.checkDomain(domain);
    if (check.available) return;
    if (check.reason === 'taken') throw Errors.conflict(`The domain "${domain}" is already in use.`);
    if (check.reason === 'reserved') throw Errors.invalidField('domain', `The domain "${domain}" is reserved.`);
    throw Errors.invalidField('domain', 'This value is not a valid domain.');
  }

  /**
   * Pick the plan for a new org: the catalog's `defaults.new_org` for the creator's account type
   * (April: agent or free; V2: the upgrade-only `none`). PARITY: CHOICE `billing_plan` is accepted;
   * where new orgs start upgrade-only it is a subscription, which the route starts once the org
   * exists (so it raises its invoice and event like `POST /org/{id}/billing/`).
   */
  private planFor(user: User, requested: string | undefined): string {
    const initial = this.d.plans.newOrgPlan(user.accountType);
    if (requested === undefined) return initial;
    const plan = this.d.plans.get(requested);
    if (!plan || !plan.offered) throw Errors.invalidField('billing_plan', `Unknown plan "${requested}". See GET /current/org/billing/plan/list/.`);
    if (!plan.account_types.includes(user.accountType)) {
      throw Errors.invalidField('billing_plan', `The ${plan.id} plan is not available to ${user.accountType} accounts.`);
    }
    return this.d.plans.isUpgradeOnly(initial) ? initial : plan.id;
  }

  create(user: User, input: OrgCreateInput): Org {
    this.assertDomainFree(input.domain);
    const plan = this.planFor(user, input.billingPlan);
    const now = this.d.now();
    const org = this.d.db.orgs.insert({
      id: this.d.ids.profileId(),
      domain: input.domain,
      name: input.name ?? input.domain,
      description: input.description ?? null,
      industry: input.industry ?? null,
      billingEmail: input.billingEmail ?? user.email,
      plan,
      periodAnchor: now,
      permMemberManage: 'Member or above',
      created: now,
      updated: now,
      closed: null,
      extra: {},
    });
    this.d.db.orgMembers.insert(orgMemberRow(org.id, { userId: user.id, role: 'owner', now }));
    this.d.audit.record(AuditEvents.orgCreated(user, org));
    return org;
  }

  ownerOf(orgId: string): string | undefined {
    return this.d.db.orgMembers.find('org', orgId).find((m) => m.role === 'owner' && m.status === 'active')?.userId ?? undefined;
  }

  update(user: User, scope: OrgScope, input: OrgUpdateInput): Org {
    const { org } = scope;
    const patch: Partial<Org> = {};
    const changed: string[] = [];
    if (input.domain !== undefined && input.domain !== org.domain) {
      this.assertDomainFree(input.domain);
      patch.domain = input.domain;
    }
    if (input.name !== undefined) patch.name = input.name;
    if (input.description !== undefined) patch.description = input.description === 'null' ? null : input.description;
    if (input.industry !== undefined) patch.industry = input.industry === 'null' ? null : input.industry;
    if (input.billing_email !== undefined) patch.billingEmail = input.billing_email;
    if (input.perm_member_manage !== undefined) {
      // Only the owner may tighten or loosen who manages members (it decides the admins' own powers).
      assert(scope.role === 'owner', () => Errors.accessDenied('Only the owner can change perm_member_manage.'));
      patch.permMemberManage = input.perm_member_manage;
    }
    const extra = { ...org.extra };
    for (const f of ORG_EXTRA_FIELDS) {
      const v = input[f];
      if (v === undefined) continue;
      if (v === 'null') delete extra[f];
      else extra[f] = v;
      changed.push(f);
    }
    changed.push(...Object.keys(patch));
    if (changed.length === 0) throw Errors.badRequest('Nothing to update: send at least one field.');
    const updated = this.d.db.orgs.update(org.id, { ...patch, extra, updated: this.d.now() });
    this.d.audit.record(AuditEvents.orgUpdated(user, org, changed));
    return updated;
  }

  /** Close an org: its workspaces go with it and its domain is free again. */
  close(user: User, scope: OrgScope, confirm: string): void {
    const { org } = scope;
    if (confirm !== org.domain && confirm !== org.id) throw Errors.invalidField('confirm', "confirm must equal the org's domain or id.");
    const now = this.d.now();
    for (const ws of this.d.db.workspaces.find('org', org.id)) if (!ws.deleted) this.d.db.workspaces.update(ws.id, { deleted: now, updated: now });
    this.d.db.orgs.update(org.id, { closed: now, updated: now });
    this.d.audit.record(AuditEvents.orgClosed(user, org));
  }

  /** Orgs the user is an active member of (`member: true`). */
  memberOrgs(user: User): { org: Org; role: OrgRole }[] {
    const out: { org: Org; role: OrgRole }[] = [];
    for (const m of this.d.db.orgMembers.find('user', user.id)) {
      if (m.status !== 'active') continue;
      const org = this.d.db.orgs.get(m.orgId);
      if (org && !org.closed) out.push({ org, role: m.role });
    }
    return out;
  }

  /** Orgs reached only through workspace membership (`member: false`). */
  externalOrgs(user: User): Org[] {
    const out = new Map<string, Org>();
    for (const m of this.d.db.workspaceMembers.find('user', user.id)) {
      if (m.status !== 'active' || out.has(m.orgId)) continue;
      if (this.d.access.orgRoleOf(m.orgId, user.id)) continue;
      const ws = this.d.db.workspaces.get(m.workspaceId);
      const org = this.d.db.orgs.get(m.orgId);
      if (ws && !ws.deleted && org && !org.closed) out.set(org.id, org);
    }
    return [...out.values()];
  }
}
