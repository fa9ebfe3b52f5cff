import { formatTime } from '../http/format.js';
import type { Org, OrgRole } from '../store/model.js';

/** An org as its members see it. */
export function orgJson(org: Org, extra: { subscriber: boolean; role?: OrgRole | undefined; ownerId?: string | undefined }): Record<string, unknown> {
  return {
    id: org.id,
    domain: org.domain,
    name: org.name,
    description: org.description,
    industry: org.industry,
    billing_email: org.billingEmail,
    plan: org.plan,
    subscriber: extra.subscriber,
    perm_member_manage: org.permMemberManage,
    owner_id: extra.ownerId ?? null,
    member: true,
    ...(extra.role ? { permissions: extra.role } : {}),
    ...org.extra,
    created: formatTime(org.created),
    updated: formatTime(org.updated),
  };
}

/**
 * An org as a user who reaches it only through a workspace sees it: basic public information.
 * PARITY: docs.fast.io/orgs.html "External orgs ... can see the org's name and basic public info".
 */
export function externalOrgJson(org: Org): Record<string, unknown> {
  return { id: org.id, domain: org.domain, name: org.name, member: false };
}
