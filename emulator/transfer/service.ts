import { Errors, assert } from '../http/errors.js';
import type { ServiceDeps } from '../service-deps.js';
import { AuditEvents } from '../events/catalogue.js';
import { formatTime } from '../http/format.js';
import type { Org, TransferToken, User } from '../store/model.js';
import type { OrgScope } from '../tenancy/access.js';
import type { MemberService } from '../members/service.js';
import type { OrgService } from '../orgs/service.js';

/**
 * PARITY: ownership transfer from the agent guide v1.29 ("Ownership Transfer") and the API notes:
 * tokens are 64 characters, valid 72 hours, at most 5 active per org, created only by agent
 * accounts; a human claims: they become owner of the org and its workspaces, the agent stays as
 * admin, and the org moves to the plan catalog's `defaults.claimed_org`: April's human `free` plan;
 * V2's upgrade-only `none` (agent guide SKILL.md v2.6: "human claims and upgrades": the claimed
 * org answers 402/1688 on resource calls until its new owner chooses a plan; CHOICE: the agent's
 * subscription ends with the claim, the period's credit usage stays on the org's one ledger).
 */
export const TRANSFER_TOKEN_LENGTH = 64;
export const TRANSFER_TOKEN_LIFETIME_MS = 72 * 3600 * 1000;
export const MAX_ACTIVE_TRANSFER_TOKENS = 5;

export interface TransferDeps extends Pick<ServiceDeps, 'db' | 'ids' | 'now' | 'audit' | 'plans'> {
  members: MemberService;
  orgs: OrgService;
}

export class TransferService {
  constructor(private readonly d: TransferDeps) {}

  isActive(t: TransferToken, now = this.d.now()): boolean {
    return t.claimed === null && t.expires > now;
  }

  tokensOf(orgId: string): TransferToken[] {
    return this.d.db.transferTokens.find('org', orgId);
  }

  create(caller: User, scope: OrgScope): TransferToken {
    assert(caller.accountType === 'agent', () => Errors.accessDenied('Only agent accounts can create transfer tokens.'));
    const now = this.d.now();
    const active = this.tokensOf(scope.org.id).filter((t) => this.isActive(t, now)).length;
    if (active >= MAX_ACTIVE_TRANSFER_TOKENS) throw Errors.planLimit('active transfer tokens per organization', MAX_ACTIVE_TRANSFER_TOKENS);
    const token = this.d.db.transferTokens.insert({
      id: this.d.ids.opaqueId('e'),
      orgId: scope.org.id,
      token: this.d.ids.secret(TRANSFER_TOKEN_LENGTH),
      createdBy: caller.id,
      created: now,
      expires: now + TRANSFER_TOKEN_LIFETIME_MS,
      claimed: null,
      claimedBy: null,
    });
    this.d.audit.record(AuditEvents.orgTransferTokenCreated(caller, token));
    return token;
  }

  delete(caller: User, scope: OrgScope, tokenId: string): void {
    const token = this.d.db.transferTokens.get(tokenId.replace(/-/g, '').toLowerCase());
    if (!token || token.orgId !== scope.org.id) throw Errors.notFound('transfer token');
    this.d.db.transferTokens.delete(token.id);
    this.d.audit.record(AuditEvents.orgTransferTokenDeleted(caller, token));
  }

  /** A human claims an org with a token. */
  claim(caller: User, tokenValue: string): Org {
    const token = this.d.db.transferTokens.findOne('token', tokenValue);
    const now = this.d.now();
    if (!token) throw Errors.notFound('transfer token');
    if (token.claimed !== null) throw Errors.invalidField('token', 'This transfer token has already been claimed.');
    if (token.expires <= now) throw Errors.invalidField('token', 'This transfer token has expired. Ask for a new one.');
    assert(caller.accountType === 'human', () => Errors.accessDenied('Only human accounts can claim an organization.'));
    const org = this.d.db.orgs.get(token.orgId);
    if (!org || org.closed) throw Errors.notFound('organization');
    const previousOwner = this.d.orgs.ownerOf(org.id);
    assert(previousOwner !== caller.id, () => Errors.invalidField('token', 'You already own this organization.'));

    this.d.members.setOrgOwner(org.id, caller.id);
    for (const ws of this.d.db.workspaces.find('org', org.id)) {
      if (!ws.deleted) this.d.members.setWorkspaceOwner(ws.id, org.id, caller.id);
    }
    const claimPlan = this.d.plans.defaults.claimed_org;
    const previous = this.d.plans.get(org.plan);
    const claimed = this.d.db.orgs.update(org.id, { plan: claimPlan, updated: now, ...(org.cancelAt != null ? { cancelAt: null } : {}) });
    if (previous && !previous.upgrade_only && previous.amount !== null && org.plan !== claimPlan) {
      this.d.audit.record(AuditEvents.subscriptionEnded(org, caller.id, { ended: formatTime(now), reason: 'claimed' }));
    }
    this.d.db.transferTokens.update(token.id, { claimed: now, claimedBy: caller.id });
    // The other tokens of the org die with the claim.
    for (const t of this.tokensOf(org.id)) if (t.id !== token.id && this.isActive(t, now)) this.d.db.transferTokens.delete(t.id);
    this.d.audit.record(AuditEvents.orgTransferCompleted(caller, org, previousOwner ?? null, claimPlan));
    return claimed;
  }
}
